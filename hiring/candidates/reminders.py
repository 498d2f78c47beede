"""Reminders to candidates who have not finished: which are due, making them, and opting out.

``HIRING_REMINDER_DAYS`` names the days after the invitation on which a candidate who has
not submitted gets a reminder (default 2 and 5). The queue's hourly task (and ``hiring
reminders send``) makes each due one: in one transaction it records the day (the primary key
of ``candidate_reminders`` lets each day go out at most once, whoever runs it and however
often a worker restarts), gives the candidate a new link with the same expiry (a link's token
is kept only as a hash, so a reminder cannot repeat the old one; saved answers stay) and
records the e-mail in the mail delivery log; the queue then sends it. None goes after the link
has expired, after the candidate submitted, for a closed role, or once the candidate followed
the opt-out link that every reminder carries (the invitation itself stays valid). When the
queue reaches a candidate after a later day is already due (a worker was down), only that
day's reminder goes and the earlier ones are recorded as skipped.
"""

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.candidates import deliveries
from hiring.candidates.links import NO_BASE_URL
from hiring.candidates.mail import reminder_message, smtp_configured
from hiring.errors import HiringError
from hiring.store.db import write_transaction

QUEUED, SKIPPED = "queued", "skipped"
REMINDER = "reminder"
MAX_DAYS = 5
OFF = ("off", "none", "0")


class ReminderError(HiringError):
    """Reminders cannot be made as set up, or an opt-out link is not valid."""


def reminder_days(value: object) -> tuple[int, ...]:
    """Read ``HIRING_REMINDER_DAYS`` ("2,5"; "off" for none) into sorted whole days."""
    text = str(value if value is not None else "").strip().lower()
    if text in ("", *OFF):
        return ()
    try:
        days = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise ReminderError(
            f"HIRING_REMINDER_DAYS must be whole days separated by commas (like 2,5) or off, "
            f"not {value!r}."
        ) from None
    if not days or days[0] < 1 or len(days) > MAX_DAYS:
        raise ReminderError(
            f"HIRING_REMINDER_DAYS takes 1 to {MAX_DAYS} days, each at least 1, not {value!r}."
        )
    return tuple(days)


@dataclass(frozen=True)
class DueReminder:
    """One reminder the queue should make now."""

    candidate_id: int
    name: str
    email: str
    role_title: str
    day: int
    skipped: tuple[int, ...]  # earlier days passed unsent, recorded as skipped
    expires_at: str


@dataclass(frozen=True)
class MadeReminder:
    """A reminder recorded and ready for the queue (the message holds the new link)."""

    due: DueReminder
    delivery_id: int
    message: EmailMessage


_UNFINISHED = (
    "SELECT c.id, c.name, c.email, c.invited_at, c.token_expires_at, r.title AS role_title, "
    "(SELECT max(day) FROM candidate_reminders m WHERE m.candidate_id = c.id) AS last_day "
    "FROM candidates c JOIN job_roles r ON r.id = c.role_id "
    "WHERE c.status IN ('invited', 'started') AND c.submitted_at IS NULL AND c.synthetic = 0 "
    "AND r.status = 'open' AND c.token_expires_at > ? AND c.invited_at <= ? "
    "AND NOT EXISTS (SELECT 1 FROM reminder_opt_outs o WHERE o.candidate_id = c.id) {only} "
    "ORDER BY c.id"
)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def due_reminders(
    db: Database, days: tuple[int, ...], now: datetime, candidate_id: int | None = None
) -> list[DueReminder]:
    """Return the reminders due at ``now``: the latest day each unfinished candidate reached."""
    if not days:
        return []
    only = "AND c.id = ?" if candidate_id is not None else ""
    params: list[Any] = [_iso(now), _iso(now - timedelta(days=days[0]))]
    due = []
    for row in db.query(_UNFINISHED.format(only=only), params + [candidate_id] * bool(only)):
        invited = datetime.fromisoformat(row["invited_at"])
        reached = [d for d in days if invited + timedelta(days=d) <= now]
        after = [d for d in reached if d > (row["last_day"] or 0)]
        if after:
            due.append(
                DueReminder(
                    row["id"],
                    row["name"],
                    row["email"],
                    row["role_title"],
                    after[-1],
                    tuple(after[:-1]),
                    row["token_expires_at"],
                )  # fmt: skip
            )
    return due


def sending_problem(config: Mapping[str, Any]) -> str | None:
    """Say why reminders cannot be e-mailed with these settings, or None."""
    if not smtp_configured(config):
        return "no mail server is set up (HIRING_SMTP_HOST), so no reminder was made"
    if not config.get("BASE_URL"):
        return NO_BASE_URL.replace("no e-mail with a link was sent", "no reminder was made")
    return None


def _record(db: Database, due: DueReminder, opt_out_hash: str, at: str) -> bool:
    """Record the day (and skipped ones); False when another run recorded it first."""
    table = db["candidate_reminders"]
    if table.count_where("candidate_id = ? AND day >= ?", [due.candidate_id, due.day]):
        return False
    for day in due.skipped:
        table.insert({"candidate_id": due.candidate_id, "day": day, "status": SKIPPED, "at": at})
    table.insert(
        {"candidate_id": due.candidate_id, "day": due.day, "status": QUEUED,
         "token_hash": opt_out_hash, "at": at},
    )  # fmt: skip
    return True


def make_reminder(
    db: Database, config: Mapping[str, Any], due: DueReminder, now: datetime
) -> MadeReminder | None:
    """Record one due reminder, give the candidate a new link and log its e-mail as queued.

    Returns None when it is no longer due (another worker made it, or the candidate finished
    or opted out meanwhile). Nothing is sent here: the caller puts the message on the queue
    after the commit, so that the worker sees the delivery row.
    """
    base = str(config["BASE_URL"]).rstrip("/")
    token, opt_out = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    at = _iso(now)
    with write_transaction(db):
        if not due_reminders(db, (due.day,), now, due.candidate_id) or not _record(
            db, due, hashlib.sha256(opt_out.encode()).hexdigest(), at
        ):
            return None
        token_hash = hashlib.sha256(token.encode()).hexdigest()
        db["candidates"].update(due.candidate_id, {"token_hash": token_hash})
        message = reminder_message(
            config, name=due.name, email=due.email, role_title=due.role_title,
            link=f"{base}/a/{token}", expires_at=due.expires_at,
            opt_out_link=f"{base}/reminders/stop/{opt_out}",
        )  # fmt: skip
        delivery_id = deliveries.record(db, due.candidate_id, REMINDER, str(message["To"]), "")
        db["candidate_reminders"].update((due.candidate_id, due.day), {"delivery_id": delivery_id})
        audit.record(
            db, "reminders", "candidate.reminder", "candidate", due.candidate_id, day=due.day
        )
    return MadeReminder(due, delivery_id, message)


def _holder(db: Database, token: str) -> dict:
    """Return the candidate an opt-out token belongs to."""
    if not token or len(token) > 100:
        raise ReminderError("This link is not valid.")
    digest = hashlib.sha256(token.encode()).hexdigest()
    rows = list(
        db.query(
            "SELECT c.id, c.name, c.token_expires_at, r.title AS role_title, o.at AS opted_out_at "
            "FROM candidate_reminders m JOIN candidates c ON c.id = m.candidate_id "
            "JOIN job_roles r ON r.id = c.role_id "
            "LEFT JOIN reminder_opt_outs o ON o.candidate_id = c.id WHERE m.token_hash = ?",
            [digest],
        )
    )
    if not rows:
        raise ReminderError("This link is not valid.")
    return rows[0]


def opt_out_holder(db: Database, token: str) -> dict:
    """Return the candidate of an opt-out link (id, name, role title, opted_out_at)."""
    return _holder(db, token)


def opt_out(db: Database, token: str) -> dict:
    """Stop every further reminder to the candidate of this link; return the candidate."""
    with write_transaction(db):
        holder = _holder(db, token)
        if not holder["opted_out_at"]:
            at = audit.now_iso()
            db["reminder_opt_outs"].insert({"candidate_id": holder["id"], "at": at})
            audit.record(db, "candidate", "candidate.reminders_stopped", "candidate", holder["id"])
            holder = {**holder, "opted_out_at": at}
    return holder


@dataclass(frozen=True)
class ReminderState:
    """What staff see about a candidate's reminders."""

    sent: list[dict]  # day, at, status of its e-mail (or "skipped")
    opted_out_at: str | None


def reminder_state(db: Database, candidate_id: int) -> ReminderState:
    """Return the reminders made for a candidate and whether they stopped them."""
    sent = list(
        db.query(
            "SELECT m.day, m.at, m.status AS reminder, d.status AS mail, d.last_error "
            "FROM candidate_reminders m LEFT JOIN mail_deliveries d ON d.id = m.delivery_id "
            "WHERE m.candidate_id = ? ORDER BY m.day",
            [candidate_id],
        )
    )
    rows = list(db["reminder_opt_outs"].rows_where("candidate_id = ?", [candidate_id]))
    return ReminderState(sent, rows[0]["at"] if rows else None)
