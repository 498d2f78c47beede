"""Bulk actions on a role's ranked list: decide on many candidates, re-send links, export.

A selection is checked whole first: every id must be a candidate of the role, or nothing is
done. A decision then applies the single decision's rules (``decisions.check_status_change``)
to each candidate: those refused are named with why and left as they were, and the others
all change in one transaction (each with its history row, audit entry and
``candidate.decided`` webhook, as one decision makes), so a failure midway changes none.
"""

from dataclasses import dataclass, field

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.candidates import invites
from hiring.candidates.records import is_submitted
from hiring.errors import HiringError
from hiring.roles.pipeline import OPEN_STATUSES
from hiring.store.db import write_transaction
from hiring.store.plurals import plural
from hiring.workspace import decisions
from hiring.workspace.ranking import LIST_COLUMNS, SORTS

MAX_SELECTION = 500  # two pages of "select all" and more; a bigger batch is a CSV's job
BULK_STATUSES = (*decisions.ADVANCING, "rejected")


class BulkError(HiringError):
    """A selection or bulk action that cannot be done as asked; nothing was changed."""


@dataclass
class BulkOutcome:
    """What a bulk action did: the candidates it changed and those it refused, with why."""

    done: list[dict] = field(default_factory=list)
    refused: list[tuple[dict, str]] = field(default_factory=list)

    def summary(self, done_words: str) -> str:
        """Say it in one line: "12 moved to shortlisted; 2 refused: Ann Lee (why); ..."."""
        head = f"{plural(len(self.done), 'candidate')} {done_words}"
        if not self.refused:
            return f"{head}."
        why = "; ".join(f"{row['name']} ({problem.rstrip('.')})" for row, problem in self.refused)
        return f"{head}; {len(self.refused)} refused and left as they were: {why}."


def selected(db: Database, role_id: int, ids: list[int]) -> list[dict]:
    """Return the selected candidates of the role in list order; refuse any other id."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise BulkError("Select at least one candidate first.")
    if len(wanted) > MAX_SELECTION:
        raise BulkError(f"Select at most {MAX_SELECTION} candidates at a time.")
    marks = ",".join("?" * len(wanted))
    sort = SORTS["fit"].expression
    rows = [
        dict(row)
        for row in db.query(
            f"SELECT {LIST_COLUMNS}, role_id, token_expires_at, decided_at FROM candidates "  # noqa: S608 (fixed fragments)
            f"WHERE id IN ({marks}) ORDER BY {sort} DESC, id DESC",
            wanted,
        )
    ]
    strangers = len(wanted) - sum(row["role_id"] == role_id for row in rows)
    if strangers:
        verb = "is" if strangers == 1 else "are"
        raise BulkError(
            f"{plural(strangers, 'selected candidate')} {verb} not in this role's list (the "
            "page may be out of date); nothing was changed. Pick them again in the list."
        )
    return rows


def decide(
    db: Database, role_id: int, ids: list[int], to_status: str, *, reason: str,
    override: bool, user_id: int, actor: str,
) -> BulkOutcome:  # fmt: skip
    """Move the selected candidates to ``to_status`` with one reason, as single decisions do."""
    if to_status not in BULK_STATUSES:
        raise BulkError(f"Choose one of: {', '.join(BULK_STATUSES)}.")
    reason = " ".join(reason.split())
    if to_status == "rejected" and not reason:
        raise BulkError("Give a reason for the rejection; it is recorded for each candidate.")
    outcome = BulkOutcome()
    with write_transaction(db):
        for row in selected(db, role_id, ids):
            problem = decisions.check_status_change(row, to_status, reason, override)
            if problem:
                outcome.refused.append((row, problem))
                continue
            decisions.change_status(
                db, row["id"], to_status, user_id=user_id, actor=actor, reason=reason,
                override=override,
            )  # fmt: skip
            outcome.done.append(row)
        audit.record(
            db, actor, "candidates.bulk_status", "role", role_id, to_status=to_status,
            changed=[r["id"] for r in outcome.done], refused=[r["id"] for r, _ in outcome.refused],
        )  # fmt: skip
    return outcome


def reissue(db: Database, role_id: int, ids: list[int], *, days: int, actor: str) -> tuple[
    list[invites.Invite], BulkOutcome
]:  # fmt: skip
    """Give each selected candidate who has not finished a new link (the old one stops)."""
    made, outcome = [], BulkOutcome()
    with write_transaction(db):
        for row in selected(db, role_id, ids):
            if is_submitted(row) or row["status"] not in OPEN_STATUSES:
                outcome.refused.append((row, "already finished the assessment; no link needed"))
                continue
            made.append(invites.reissue_invite(db, row["id"], days=days, actor=actor))
            outcome.done.append(row)
    return made, outcome


def export_rows(db: Database, role_id: int, ids: list[int], *, actor: str) -> list[dict]:
    """Return the selected candidates' list rows for a CSV, and audit the export."""
    rows = selected(db, role_id, ids)
    audit.record(
        db, actor, "candidates.export", "role", role_id, candidates=[r["id"] for r in rows]
    )
    return rows
