"""The ``hiring invite`` command: invite the candidates of a CSV file, or re-issue one link."""

from pathlib import Path

import click
from flask import Flask

from hiring.candidates import invites
from hiring.candidates.mail import deliver_invites
from hiring.errors import HiringError
from hiring.store.db import get_db
from hiring.store.plurals import plural
from hiring.store.text_input import read_text_file


def _print_links(
    app: Flask, made: list[invites.Invite], base_url: str | None, now: bool = False
) -> None:
    """Print one line per invite: who, role, link, and whether it was e-mailed (or queued).

    Links are e-mailed only with a public address given on purpose (--base-url or
    HIRING_BASE_URL); the local serving address is only good for links to copy.
    """
    chosen = base_url or app.config["BASE_URL"]
    base = chosen or f"http://{app.config['HOST']}:{app.config['PORT']}"
    if now:
        sent = deliver_invites(app.config, made, base, may_email=bool(chosen))
    else:
        from hiring.candidates.tasks import queue_invites

        db = get_db(app.config["DATABASE"])
        sent = queue_invites(db, app.config, made, base, may_email=bool(chosen))[1]
    for delivery in sent:
        if delivery.queued is not None and delivery.queued.pending:
            note = "e-mail queued"
        elif delivery.queued is not None:
            note = f"NOT e-mailed: {delivery.queued.last_error}"
        elif delivery.emailed:
            note = "e-mailed"
        else:
            note = f"NOT e-mailed: {delivery.problem}" if delivery.problem else ""
        who = f"{delivery.invite.name} <{delivery.invite.email}>"
        click.echo(
            f"{who}\t{delivery.invite.role_slug}\t{delivery.link}{chr(9) + note if note else ''}"
        )
    if any(d.queued is not None and d.queued.pending for d in sent):
        click.echo(
            "The e-mails are on the task queue: `hiring serve` (or `hiring worker`, with a "
            "Redis queue) sends them, trying again while the mail server cannot take them.",
            err=True,
        )


@click.command()
@click.argument(
    "csv_file",
    metavar="FILE.csv",
    required=False,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option("--role", default="", help="Role short name for rows without a role column value.")
@click.option(
    "--reissue",
    "reissue_id",
    type=int,
    default=None,
    metavar="CANDIDATE_ID",
    help="Make a new link for this candidate instead (the old link stops working).",
)
@click.option(
    "--base-url",
    default=None,
    help="Start of the links (default HIRING_BASE_URL, else http://HOST:PORT).",
)
@click.option(
    "--now",
    is_flag=True,
    help="Send the e-mails from this command, once each, instead of queueing them.",
)
@click.pass_context
def invite(
    ctx: click.Context,
    csv_file: Path | None,
    role: str,
    reissue_id: int | None,
    base_url: str | None,
    now: bool,
) -> None:
    """Invite everyone in FILE.csv (columns name,email[,role]) and print each link.

    Rows with a problem are reported by row number (the header is row 1) and skipped;
    the other rows are still invited. When SMTP is configured each link is also e-mailed:
    the e-mails go on the task queue, which `hiring serve` (or `hiring worker`) sends and
    tries again while the mail server cannot take them; with --now this command sends them
    itself, once each, and prints whether each was sent. Exits with code 1 when any row was
    refused.

    With --reissue CANDIDATE_ID, make a new link for a candidate who has not submitted
    yet and print it instead: the old link and its sessions stop working, saved answers
    are kept.
    """
    from hiring.cli import make_app

    if (csv_file is None) == (reissue_id is None):
        raise HiringError("Give either FILE.csv or --reissue CANDIDATE_ID (not both).")
    app = make_app(ctx)
    db = get_db(app.config["DATABASE"])
    if reissue_id is not None:
        made = invites.reissue_invite(db, reissue_id, days=app.config["INVITE_DAYS"])
        _print_links(app, [made], base_url, now)
        click.echo(f"New link made; it works until {made.expires_at[:10]}.", err=True)
        return
    text = read_text_file(csv_file)
    batch = invites.invite_csv(
        db, text, days=app.config["INVITE_DAYS"], default_role=role, source=csv_file.name
    )
    _print_links(app, batch.invited, base_url, now)
    for problem in batch.problems:
        click.echo(problem, err=True)
    click.echo(
        f"Invited {len(batch.invited)}; {plural(len(batch.problems), 'row')} with problems.",
        err=True,
    )
    if batch.problems:
        ctx.exit(1)
