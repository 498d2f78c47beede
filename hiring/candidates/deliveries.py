"""E-mails to candidates on the task queue: a row per e-mail that says how its sending went.

The request that makes an e-mail records it as queued and puts the message on the task queue
(:mod:`hiring.candidates.tasks`). The row holds no link (only a fingerprint of each link is
stored); the queued message does, until it is sent. The worker that takes it claims the row
(its host and process id), tries the mail server and records the outcome: sent; queued again
when the server could not be reached or answered with a temporary (4xx) error, to be tried
after ``MAIL_RETRY_SECONDS``, doubling, at most ``MAIL_RETRIES`` times; or failed with the
reason, after a permanent (5xx) refusal or the last retry. A row whose worker died while
sending reads as failed: its message was lost with the worker, so staff make a new link.
"""

from __future__ import annotations

import os
import smtplib
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from sqlite_utils import Database

from hiring.accounts.audit import now_iso
from hiring.candidates.mail import send_one, smtp_configured
from hiring.store.db import write_transaction
from hiring.store.plurals import plural
from hiring.store.processes import claim_is_live

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
INVITE, FRESH_LINK = "invite", "fresh_link"
# Connecting, signing in and sending each wait at most 15 s: a send takes no longer than this.
MAX_SENDING = timedelta(minutes=5)
INTERRUPTED = (
    "the worker stopped while sending it, and the queued message (with its link) was lost; "
    "make a new link from the candidate's page"
)


@dataclass(frozen=True)
class MailDelivery:
    """One e-mail to a candidate, and how far its sending got."""

    id: int
    candidate_id: int
    batch: str
    kind: str
    recipient: str
    status: str
    attempts: int
    last_error: str
    queued_at: str
    updated_at: str

    @property
    def pending(self) -> bool:
        """Tell whether it may still be sent (waiting, or being sent now)."""
        return self.status in (QUEUED, SENDING)

    def describe(self) -> str:
        """Say in words where the e-mail stands, for the page that follows it."""
        tries = plural(self.attempts, "attempt")
        if self.status == SENT:
            return "Sent" if self.attempts <= 1 else f"Sent at attempt {self.attempts}"
        if self.status == FAILED:
            after = f" after {tries}" if self.attempts else ""
            return f"Not sent{after}: {self.last_error}. Send the link yourself."
        if self.status == SENDING:
            return "Being sent now"
        if self.attempts:
            return f"Waiting to be tried again ({tries} so far; the last: {self.last_error})"
        return "Queued: a worker of the task queue sends it in a moment"


def _delivery(row: Mapping[str, Any]) -> MailDelivery:
    return MailDelivery(
        row["id"], row["candidate_id"], row["batch"] or "", row["kind"], row["recipient"] or "",
        row["status"], row["attempts"], row["last_error"] or "", row["queued_at"],
        row["updated_at"] or row["queued_at"],
    )  # fmt: skip


def record(db: Database, candidate_id: int, kind: str, recipient: str, batch: str) -> int:
    """Record one e-mail as queued; return its id."""
    row = {
        "candidate_id": candidate_id, "batch": batch, "kind": kind, "recipient": recipient,
        "status": QUEUED, "attempts": 0, "queued_at": now_iso(),
    }  # fmt: skip
    return int(db["mail_deliveries"].insert(row).last_pk)


def _settle(db: Database, delivery_id: int, status: str, reason: str | None) -> None:
    """Record an outcome (a no-op when the row is gone: the candidate was erased meanwhile)."""
    with write_transaction(db):
        db.execute(
            "UPDATE mail_deliveries SET status = ?, last_error = ?, updated_at = ? WHERE id = ?",
            [status, reason, now_iso(), delivery_id],
        )


def not_queued(db: Database, delivery_id: int, reason: str) -> None:
    """Mark an e-mail failed because it could not be put on the queue."""
    _settle(db, delivery_id, FAILED, f"it could not be queued ({reason})")


def _claim(db: Database, delivery_id: int) -> MailDelivery | None:
    """Take the e-mail for this process and count the attempt; None when it is settled or gone."""
    with write_transaction(db):
        rows = list(db["mail_deliveries"].rows_where("id = ?", [delivery_id]))
        if not rows or rows[0]["status"] in (SENT, FAILED):
            return None
        row = rows[0]
        row.update(
            status=SENDING, attempts=row["attempts"] + 1, updated_at=now_iso(),
            host=socket.gethostname(), pid=os.getpid(),
        )  # fmt: skip
        db["mail_deliveries"].update(delivery_id, row)
    return _delivery(row)


def _reason(error: BaseException) -> tuple[str, bool]:
    """Say what went wrong in words, and whether trying again could help (False: permanent)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        answers = "; ".join(
            f"{c} {m.decode(errors='replace')}" for c, m in error.recipients.values()
        )
        return f"the mail server refused the address ({answers})", min(codes, default=500) >= 500
    if isinstance(error, smtplib.SMTPResponseException):
        text = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)
        )
        return f"the mail server answered {error.smtp_code} {text}", error.smtp_code >= 500
    return (f"the mail server could not be reached ({type(error).__name__}: {error})", False)


def attempt(
    db: Database, config: Mapping[str, Any], delivery_id: int, message: EmailMessage
) -> float | None:
    """Try to send one queued e-mail (a worker's part).

    Returns the seconds to wait before the next attempt, or None when the e-mail is settled:
    sent, failed for good, or no longer wanted (its candidate was erased).
    """
    delivery = _claim(db, delivery_id)
    if delivery is None:
        return None
    if not smtp_configured(config):
        _settle(db, delivery_id, FAILED, "this worker has no mail server set up (HIRING_SMTP_HOST)")
        return None
    del message["Date"]
    message["Date"] = formatdate(usegmt=True)  # when it was sent, not when it was queued
    try:
        send_one(config, message)
    except (OSError, smtplib.SMTPException) as error:
        reason, permanent = _reason(error)
        if permanent or delivery.attempts > int(config["MAIL_RETRIES"]):
            _settle(db, delivery_id, FAILED, reason)
            return None
        _settle(db, delivery_id, QUEUED, reason)
        return float(config["MAIL_RETRY_SECONDS"]) * 2 ** (delivery.attempts - 1)
    _settle(db, delivery_id, SENT, None)
    return None


def _settled(db: Database, row: dict[str, Any]) -> MailDelivery:
    """Return the delivery, first marking it failed when the worker sending it is gone."""
    if row["status"] == SENDING and (
        not claim_is_live(row["host"], row["pid"])
        or datetime.now(UTC) - datetime.fromisoformat(row["updated_at"]) > MAX_SENDING
    ):
        _settle(db, row["id"], FAILED, INTERRUPTED)
        row = db["mail_deliveries"].get(row["id"])
    return _delivery(row)


def get_delivery(db: Database, delivery_id: int) -> MailDelivery:
    """Return one e-mail's delivery."""
    return _settled(db, db["mail_deliveries"].get(delivery_id))


def batch_deliveries(db: Database, batch: str) -> list[MailDelivery]:
    """Return the e-mails of one invite batch, in the order they were made."""
    rows = db["mail_deliveries"].rows_where("batch = ?", [batch], order_by="id")
    return [_settled(db, row) for row in rows]


def names(db: Database, deliveries: list[MailDelivery]) -> dict[int, str]:
    """Return the candidates' names by id, for a page that lists their e-mails."""
    ids = sorted({d.candidate_id for d in deliveries})
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = db.execute(f"SELECT id, name FROM candidates WHERE id IN ({marks})", ids)  # noqa: S608
    return dict(rows.fetchall())
