"""``hiring reminders``: send the reminders due now to candidates who have not finished."""

from datetime import UTC, datetime

import click

from hiring.store.db import get_db
from hiring.store.plurals import plural


@click.group("reminders")
def reminders_group() -> None:
    """Remind candidates who have not finished (README, Reminders)."""


@reminders_group.command("send")
@click.option("--dry-run", is_flag=True, help="List the reminders due now; record and send none.")
@click.pass_context
def send(ctx: click.Context, dry_run: bool) -> None:
    """Queue the reminders due now, as the task queue does every hour.

    A candidate who has not submitted gets one on each day of HIRING_REMINDER_DAYS after
    their invitation, with a new link (same expiry) and an opt-out link; none after the link
    expired, after they opted out, or for a closed role. The e-mails go on the task queue.
    """
    from hiring.candidates.tasks import send_reminders
    from hiring.cli import make_app
    from hiring.errors import HiringError

    app = make_app(ctx)
    made, problem = send_reminders(
        get_db(app.config["DATABASE"]), app.config, datetime.now(UTC), dry_run=dry_run
    )
    for item in made:
        verb = "due" if dry_run or problem else "queued"
        click.echo(
            f"{verb}: day {item.day} reminder to candidate {item.candidate_id} ({item.email})"
        )
    if problem and dry_run:
        click.echo(f"Note: {problem}.")
    elif problem:
        raise HiringError(f"{plural(len(made), 'reminder')} due, none made: {problem}.")
    done = "due; nothing recorded or sent" if dry_run else "queued for the task queue to send"
    click.echo(f"{plural(len(made), 'reminder')} {done}.")
