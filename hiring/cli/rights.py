"""Commands for data rights: erase one candidate, purge those past the retention period."""

from datetime import UTC, datetime

import click

from hiring.candidates import erasure
from hiring.store.db import get_db
from hiring.store.plurals import plural


def _app_db(ctx: click.Context):
    from hiring.cli import make_app

    app = make_app(ctx)
    return app, get_db(app.config["DATABASE"])


@click.command()
@click.option("--dry-run", is_flag=True, help="List who would be erased; erase nothing.")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=None,
    help="Retention period in days (default: HIRING_RETENTION_DAYS).",
)
@click.option(
    "--audit-log-days",
    type=click.IntRange(min=erasure.AUDIT_KEEP_DAYS),
    default=None,
    help=f"Also delete audit log rows older than this many days (at least {erasure.AUDIT_KEEP_DAYS}).",
)
@click.pass_context
def purge(ctx: click.Context, dry_run: bool, days: int | None, audit_log_days: int | None) -> None:
    """Erase candidates past the retention period.

    Three rules, each counted in days of the retention period: a final decision (hired or
    rejected) that long ago; never finished, with the invite link expired that long ago;
    finished but never decided, in a role closed that long ago. Each line says which rule.
    """
    app, db = _app_db(ctx)
    days = app.config["RETENTION_DAYS"] if days is None else days
    now = datetime.now(UTC)
    if dry_run:
        due = erasure.due_for_purge(db, now, days)
        for row in due:
            rule = erasure.rule_text(row["rule"], days)
            click.echo(
                f"would erase candidate {row['id']} (role {row['role_id']}, {row['status']}; "
                f"{rule}, since {row['since'][:10]})"
            )
        click.echo(
            f"{plural(len(due), 'candidate')} past the {days}-day retention period; nothing erased."
        )
        return
    done = erasure.purge(db, app.config["INSTANCE_PATH"], now, days)
    for item in done:
        click.echo(f"erased {item.describe()}")
    click.echo(f"Erased {plural(len(done), 'candidate')} past the {days}-day retention period.")
    _warn_if_wal_busy(done)
    if audit_log_days is not None:
        count = erasure.purge_audit_log(db, now, audit_log_days)
        click.echo(
            f"Deleted {plural(count, 'audit log row')} older than {plural(audit_log_days, 'day')}."
        )


def _warn_if_wal_busy(done: list[erasure.Erasure]) -> None:
    if any(not item.wal_checkpointed for item in done):
        click.echo(f"Warning: {erasure.WAL_BUSY}", err=True)


@click.command()
@click.argument("candidate_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--redact-mentions",
    is_flag=True,
    help="Also replace their name and e-mail in notes on other candidates that mention them.",
)
@click.pass_context
def erase(ctx: click.Context, candidate_id: int, yes: bool, redact_mentions: bool) -> None:
    """Erase one candidate: every row, cached report and derived record. Cannot be undone.

    Notes on other candidates that mention the person by name or e-mail are listed first;
    they are left as written unless --redact-mentions is given.
    """
    app, db = _app_db(ctx)
    mentions = erasure.mentions_of(db, candidate_id)
    for mention in mentions:
        action = "will be redacted" if redact_mentions else "is kept as written"
        click.echo(f"Mentioned in {mention.describe()}: {action}.")
    if not yes:
        click.confirm(
            f"Erase candidate {candidate_id} and everything about them? This cannot be undone",
            abort=True,
        )
    done = erasure.erase_candidate(
        db,
        app.config["INSTANCE_PATH"],
        candidate_id,
        actor="cli",
        reason="command line",
        redact_mentions=redact_mentions,
    )
    click.echo(f"Erased {done.describe()}.")
    if done.mentions_left:
        click.echo(
            f"Warning: {erasure.notes(len(done.mentions_left))} on other candidates still "
            "name the erased person (listed above); they were left as written.",
            err=True,
        )
    _warn_if_wal_busy([done])
