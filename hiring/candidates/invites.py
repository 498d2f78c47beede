"""Invite candidates: one or a CSV file of them, re-issue links, and open a link.

A link carries ``secrets.token_urlsafe(32)`` (256 random bits). Only its SHA-256 is stored,
so a copy of the database cannot be turned into working links; re-issuing replaces the
hash, which voids the old link and every session opened from it.
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.candidates.records import (
    CandidateError,
    LinkExpired,
    LinkUnknown,
    get_candidate,
    is_submitted,
)
from hiring.roles.services import RoleError, get_role_by_slug
from hiring.store.csv_input import parse_csv
from hiring.store.db import write_transaction
from hiring.store.plurals import plural
from hiring.store.text_input import InputFileError
from hiring.webhooks.events import announce_candidate

MAX_CSV_ROWS = 5000
SUBMITTED_LINK_DAYS = 30  # the default of HIRING_SUBMITTED_LINK_DAYS
MAX_NAME = 120
EMAIL_RE = re.compile(r"^[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[^@\s,;<>\"'.][^@\s,;<>\"']*$")


@dataclass(frozen=True)
class Invite:
    """A freshly made link; the token exists only here, never in the database."""

    candidate_id: int
    name: str
    email: str
    role_id: int
    role_slug: str
    role_title: str
    token: str
    expires_at: str

    def link(self, base_url: str) -> str:
        """Return the address the candidate opens."""
        return f"{base_url.rstrip('/')}/a/{self.token}"


@dataclass(frozen=True)
class InviteRow:
    """One candidate to invite, as read from a form or a CSV line."""

    row: int
    name: str
    email: str
    role: str


@dataclass
class InviteBatch:
    """What a batch invite did: the invites made and the rows refused, with reasons."""

    invited: list[Invite] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def hash_token(token: str) -> str:
    """Return the stored form of a link token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def _expiry(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat(timespec="seconds")


def name_problem(name: str) -> str | None:
    """Return what is wrong with a candidate's name, or None."""
    if not name:
        return "the name is empty"
    if len(name) > MAX_NAME or any(ord(c) < 32 for c in name):
        return f"the name must be plain text of at most {MAX_NAME} characters"
    return None


def email_problem(email: str) -> str | None:
    """Return what is wrong with an e-mail address, or None (no look-up, syntax only)."""
    if len(email) > 254 or not EMAIL_RE.match(email):
        return f"email {email!r} is not a valid address"
    return None


def check_person(name: str, email: str) -> str | None:
    """Return what is wrong with a name and e-mail address, or None."""
    return name_problem(name) or email_problem(email)


def _insert(db: Database, role: dict, row: InviteRow, days: int, actor: str, **extra) -> Invite:
    token, token_hash = _new_token()
    expires = _expiry(days)
    candidate_id = (
        db["candidates"]
        .insert(
            {
                "role_id": role["id"],
                "name": row.name,
                "email": row.email,
                "token_hash": token_hash,
                "token_expires_at": expires,
                "status": "invited",
                "invited_at": audit.now_iso(),
                **extra,
            }
        )
        .last_pk
    )
    audit.record(db, actor, "candidate.invite", "candidate", candidate_id, role=role["slug"])
    announce_candidate(db, "candidate.invited", candidate_id)
    return Invite(
        candidate_id, row.name, row.email, role["id"], role["slug"], role["title"], token, expires
    )


def _already_invited(db: Database, role_id: int, email: str) -> bool:
    return bool(
        db["candidates"].count_where("role_id = ? and lower(email) = lower(?)", [role_id, email])
    )


def invite_rows(
    db: Database,
    rows: Iterable[InviteRow],
    *,
    days: int,
    actor: str = "cli",
    invited_by: int | None = None,
    synthetic: bool = False,
) -> InviteBatch:
    """Invite every good row; report each bad one as "row N: reason" and keep going."""
    batch = InviteBatch()
    roles: dict[str, dict | str] = {}
    with write_transaction(db):
        for row in rows:
            problem = check_person(row.name, row.email)
            role = roles.get(row.role) or roles.setdefault(row.role, _open_role(db, row.role))
            if problem is None and isinstance(role, str):
                problem = role
            if problem is None and _already_invited(db, role["id"], row.email):
                problem = (
                    f"{row.email} was already invited to {row.role}; re-issue their link instead"
                )
            if problem:
                batch.problems.append(f"row {row.row}: {problem}")
                continue
            extra = {"invited_by": invited_by, "synthetic": int(synthetic)}
            batch.invited.append(_insert(db, role, row, days, actor, **extra))
    return batch


def _open_role(db: Database, slug: str) -> dict | str:
    """Return the role, or the reason it cannot take invites."""
    if not slug:
        return "no role given"
    try:
        role = get_role_by_slug(db, slug)
    except RoleError:
        return f"role {slug!r} does not exist"
    if role["status"] != "open":
        return f"role {slug!r} is closed"
    return role


def invite_candidate(
    db: Database,
    *,
    role_slug: str,
    name: str,
    email: str,
    days: int,
    actor: str = "cli",
    invited_by: int | None = None,
    synthetic: bool = False,
) -> Invite:
    """Invite one candidate; raise :class:`CandidateError` with the reason if refused."""
    row = InviteRow(1, " ".join(name.split()), email.strip(), role_slug.strip().lower())
    batch = invite_rows(
        db, [row], days=days, actor=actor, invited_by=invited_by, synthetic=synthetic
    )
    if batch.problems:
        reason = batch.problems[0].removeprefix("row 1: ")
        raise CandidateError(reason[0].upper() + reason[1:] + ".")
    return batch.invited[0]


def parse_invite_csv(
    text: str, default_role: str = "", max_rows: int = MAX_CSV_ROWS, source: str = "The file"
) -> tuple[list[InviteRow], list[str]]:
    """Read ``name,email[,role]`` lines; return good rows and "row N: reason" problems.

    Rows are numbered as a spreadsheet shows them: the header is row 1. A row's own role
    wins over ``default_role``. The text is read by :func:`hiring.store.csv_input.parse_csv`
    (comma, semicolon or tab); a row with more fields than the header is a problem.
    """
    try:
        table = parse_csv(text, source)
    except InputFileError as error:
        raise CandidateError(error.message) from None
    header = [h.lower() for h in table.header]
    missing = [c for c in ("name", "email") if c not in header]
    if missing:
        raise CandidateError(
            f"The first line must name the columns name, email and (optionally) role; "
            f"missing: {', '.join(missing)} ({table.describe_header()})."
        )
    rows, problems = [], []
    seen: set[tuple[str, str]] = set()
    for line in table.rows:
        number = line.number
        if len(rows) + len(problems) >= max_rows:
            raise CandidateError(f"A file may hold at most {plural(max_rows, 'candidate')}.")
        if line.too_long:
            problems.append(
                f"row {number}: has {plural(line.fields, 'field')}, the header has {len(header)}"
            )
            continue
        record = dict(zip(header, (v.strip() for v in line.cells), strict=True))
        role = (record.get("role") or default_role).strip().lower()
        row = InviteRow(
            number, " ".join(record.get("name", "").split()), record.get("email", ""), role
        )
        if (row.email.lower(), role) in seen:
            problems.append(f"row {number}: {row.email} appears twice in the file")
            continue
        seen.add((row.email.lower(), role))
        rows.append(row)
    return rows, problems


def invite_csv(
    db: Database,
    text: str,
    *,
    days: int,
    default_role: str = "",
    actor: str = "cli",
    invited_by: int | None = None,
    source: str = "The file",
) -> InviteBatch:
    """Invite everyone in a CSV text; bad rows are reported, good rows still invited."""
    rows, problems = parse_invite_csv(text, default_role, source=source)
    batch = invite_rows(db, rows, days=days, actor=actor, invited_by=invited_by)
    batch.problems = sorted(problems + batch.problems, key=lambda p: int(p.split(":")[0][4:]))
    return batch


def reissue_invite(db: Database, candidate_id: int, *, days: int, actor: str = "cli") -> Invite:
    """Give a candidate a new link, voiding the old one; answers already saved are kept."""
    with write_transaction(db):
        candidate = get_candidate(db, candidate_id)
        if not is_submitted(candidate):
            token, token_hash = _new_token()
            expires = _expiry(days)
            db["candidates"].update(
                candidate_id, {"token_hash": token_hash, "token_expires_at": expires}
            )
            audit.record(db, actor, "candidate.reissue", "candidate", candidate_id)
    if is_submitted(candidate):
        raise CandidateError("This candidate has already submitted; a new link is not needed.")
    role = db["job_roles"].get(candidate["role_id"])
    return Invite(
        candidate_id,
        candidate["name"],
        candidate["email"],
        role["id"],
        role["slug"],
        role["title"],
        token,
        expires,
    )


def open_link(
    db: Database,
    token: str,
    now: datetime | None = None,
    submitted_days: int = SUBMITTED_LINK_DAYS,
) -> dict:
    """Return the candidate a link belongs to.

    Raises :class:`LinkUnknown` for a token nobody holds and :class:`LinkExpired` for an
    expired one (see :func:`link_expires_at`).
    """
    if not token or len(token) > 100:
        raise LinkUnknown("This link is not valid.")
    token_hash = hash_token(token)
    rows = list(db["candidates"].rows_where("token_hash = ?", [token_hash]))
    if not rows or not hmac.compare_digest(rows[0]["token_hash"], token_hash):
        raise LinkUnknown("This link is not valid.")
    candidate = rows[0]
    if link_expired(candidate, now, submitted_days):
        raise LinkExpired("This link has expired.")
    return candidate


def link_expires_at(candidate: dict, submitted_days: int = SUBMITTED_LINK_DAYS) -> datetime:
    """Return when the candidate's current link stops working.

    Before submission: its own expiry. After: ``submitted_days`` after the submission,
    unless the candidate asked for a fresh link since, which carries its own expiry.
    """
    own = datetime.fromisoformat(candidate["token_expires_at"])
    if not is_submitted(candidate) or candidate.get("link_refreshed_at"):
        return own
    if not candidate.get("submitted_at"):
        return own
    return datetime.fromisoformat(candidate["submitted_at"]) + timedelta(days=submitted_days)


def link_expired(
    candidate: dict, now: datetime | None = None, submitted_days: int = SUBMITTED_LINK_DAYS
) -> bool:
    """Tell whether the candidate's current link is past its expiry time."""
    return (now or datetime.now(UTC)) >= link_expires_at(candidate, submitted_days)
