"""Find notes on other candidates that mention a person, and remove those mentions on request.

Erasing a candidate deletes their own notes, but a recruiter may have named them in a note
about someone else ("same shift pattern as Jordan Avery"). Those notes belong to another
candidate, so erasure never changes them silently: it lists them for the admin, who may
choose to have the mentions replaced.
"""

import re
from dataclasses import dataclass

from sqlite_utils import Database

REPLACEMENT = "[erased candidate]"
MIN_PART = 3  # shorter parts of a name ("Li", "Jo") would match too many words


@dataclass(frozen=True)
class Mention:
    """A note on another candidate that names the person, and what in it matched."""

    note_id: int
    candidate_id: int  # the candidate the note is about (not the person mentioned)
    author: str
    at: str
    body: str
    terms: tuple[str, ...]  # the name, parts of it or the e-mail, as written in the note

    def describe(self) -> str:
        """Say where the mention is, without repeating it: for logs and the command line."""
        return (
            f"note {self.note_id} on candidate {self.candidate_id} ({self.author}, {self.at[:10]})"
        )


def mention_patterns(candidate: dict) -> list[re.Pattern[str]]:
    """Return patterns for the person's whole name, e-mail and each longer part of the name.

    Each matches as a whole word, ignoring case, with any spacing inside the name; the
    whole name and the e-mail come first, so that they are replaced before their parts.
    """
    name = " ".join((candidate.get("name") or "").split())
    email = (candidate.get("email") or "").strip()
    whole = [r"\s+".join(map(re.escape, name.split()))] if name else []
    parts = [re.escape(p) for p in dict.fromkeys(re.findall(r"\w+", name)) if len(p) >= MIN_PART]
    needles = [*whole, *([re.escape(email)] if email else []), *parts]
    return [re.compile(rf"(?<![\w@.]){needle}(?![\w@])", re.IGNORECASE) for needle in needles]


def find_mentions(db: Database, candidate: dict) -> list[Mention]:
    """List the notes on other candidates that mention ``candidate``, oldest first."""
    patterns = mention_patterns(candidate)
    if not patterns:
        return []
    rows = db.query(
        "SELECT n.id, n.candidate_id, n.body, n.at, "
        "coalesce(u.username, 'unknown') AS author FROM notes n "
        "LEFT JOIN users u ON u.id = n.author WHERE n.candidate_id != ? ORDER BY n.at, n.id",
        [candidate["id"]],
    )
    found = []
    for row in rows:
        terms = [m.group(0) for pattern in patterns for m in pattern.finditer(row["body"] or "")]
        if terms:
            found.append(
                Mention(
                    row["id"], row["candidate_id"], row["author"], row["at"] or "", row["body"],
                    tuple(dict.fromkeys(terms)),
                )
            )  # fmt: skip
    return found


def remove_mentions(db: Database, candidate: dict, mentions: list[Mention]) -> int:
    """Replace the mentions in ``mentions`` by :data:`REPLACEMENT`; return how many notes changed.

    Runs inside the caller's write transaction (the erasure's), so it stands or falls with it.
    """
    patterns = mention_patterns(candidate)
    changed = 0
    for mention in mentions:
        body = mention.body
        for pattern in patterns:
            body = pattern.sub(REPLACEMENT, body)
        if body != mention.body:
            db["notes"].update(mention.note_id, {"body": body})
            changed += 1
    return changed
