"""Background work of the candidates' side: e-mails to candidates, reminders, the daily purge."""

import email
import email.policy
import logging
import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

from huey import crontab
from huey.exceptions import RetryTask
from sqlite_utils import Database

from hiring.candidates import deliveries, erasure, reminders
from hiring.candidates.invites import Invite
from hiring.candidates.mail import Delivery, invitation, links_only
from hiring.store.db import get_db
from hiring.store.queue import huey, task_app

log = logging.getLogger(__name__)


@huey.task(name="send-mail")
def send_mail(delivery_id: int, message: bytes) -> None:
    """Send one queued e-mail; on a temporary failure, try again later (see ``deliveries``)."""
    app = task_app()
    db = get_db(app.config["DATABASE"])
    parsed = email.message_from_bytes(message, policy=email.policy.SMTP)
    wait = deliveries.attempt(db, app.config, delivery_id, parsed)
    if wait is not None:
        reason = deliveries.get_delivery(db, delivery_id).last_error
        log.warning("e-mail %s not sent (%s); trying again in %.0f s", delivery_id, reason, wait)
        # RetryTask schedules the same task again; the row counts the attempts, so Huey's
        # own retry count is not used.
        raise RetryTask(f"e-mail {delivery_id}: trying again in {wait:.0f} s", delay=wait)


def queue_mail(
    db: Database, candidate_id: int, kind: str, message: EmailMessage, batch: str = ""
) -> deliveries.MailDelivery:
    """Record an e-mail to a candidate and put it on the queue; return its delivery row.

    When the queue cannot take it, the row says so (failed, not queued), and so does the page.
    """
    delivery_id = deliveries.record(db, candidate_id, kind, str(message["To"]), batch)
    return enqueue_mail(db, delivery_id, message)


def enqueue_mail(db: Database, delivery_id: int, message: EmailMessage) -> deliveries.MailDelivery:
    """Put an e-mail already recorded (and committed) on the queue; return its delivery row."""
    try:
        send_mail(delivery_id, message.as_bytes(policy=email.policy.SMTP))
    except Exception as error:  # the queue's storage is down: say so on the row
        log.warning("e-mail %s could not be queued: %s", delivery_id, error)
        deliveries.not_queued(db, delivery_id, str(error) or type(error).__name__)
    return deliveries.get_delivery(db, delivery_id)


def queue_invites(
    db: Database,
    config: Mapping[str, Any],
    invites: Sequence[Invite],
    base_url: str,
    *,
    may_email: bool = True,
) -> tuple[str, list[Delivery]]:
    """Queue an invitation e-mail per invite when SMTP is set up; return the batch and each link.

    ``may_email`` is False when ``base_url`` came from a request rather than the settings:
    such links are shown to staff but never put in an e-mail.
    """
    batch = secrets.token_hex(8)
    unsent = links_only(config, invites, base_url, may_email=may_email)
    if unsent is not None:
        return batch, unsent
    made = []
    for invite in invites:
        link = invite.link(base_url)
        message = invitation(config, invite, link)
        queued = queue_mail(db, invite.candidate_id, deliveries.INVITE, message, batch)
        made.append(Delivery(invite, link, emailed=False, queued=queued))
    return batch, made


@huey.periodic_task(crontab(minute="20", hour="3"), name="purge")
def purge() -> int:
    """Erase candidates past the retention period (as `hiring purge` does); return how many."""
    app = task_app()
    db = get_db(app.config["DATABASE"])
    done = erasure.purge(
        db, app.config["INSTANCE_PATH"], datetime.now(UTC), app.config["RETENTION_DAYS"]
    )
    for item in done:
        log.info("purge: erased %s", item.describe())
    return len(done)


def send_reminders(
    db: Database, config: Mapping[str, Any], now: datetime, *, dry_run: bool = False
) -> tuple[list[reminders.DueReminder], str | None]:
    """Make and queue every reminder due at ``now``; return them and why none could go, if so.

    With ``dry_run``, only say which are due: nothing is recorded, no link changes.
    """
    due = reminders.due_reminders(db, reminders.reminder_days(config["REMINDER_DAYS"]), now)
    problem = reminders.sending_problem(config) if due else None
    if dry_run or problem:
        return due, problem
    made = []
    for item in due:
        reminder = reminders.make_reminder(db, config, item, now)
        if reminder is not None:  # committed: the worker that takes it sees its row
            enqueue_mail(db, reminder.delivery_id, reminder.message)
            made.append(item)
    return made, None


@huey.periodic_task(crontab(minute="10"), name="send-reminders")
def reminders_task() -> int:
    """Send the reminders due now (as `hiring reminders send` does); return how many."""
    app = task_app()
    db = get_db(app.config["DATABASE"])
    try:
        made, problem = send_reminders(db, app.config, datetime.now(UTC))
    except reminders.ReminderError as error:  # a bad HIRING_REMINDER_DAYS: say so, hourly
        made, problem = [], error.message
    if problem:
        log.warning("send-reminders: %s", problem)
    for item in made:
        log.info("send-reminders: day %s reminder to candidate %s", item.day, item.candidate_id)
    return len(made)
