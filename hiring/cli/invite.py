"""The ``hiring invite`` command: invite the candidates of a CSV file and print their links."""

from pathlib import Path

import click

from hiring import invites
from hiring.db import get_db
from hiring.errors import HiringError
from hiring.mailer import deliver_invites


@click.command()
@click.argument(
    "csv_file", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--role", default="", help="Role short name for rows without a role column value.")
@click.option(
    "--base-url",
    default=None,
    help="Start of the links (default HIRING_BASE_URL, else http://HOST:PORT).",
)
@click.pass_context
def invite(ctx: click.Context, csv_file: Path, role: str, base_url: str | None) -> None:
    """Invite everyone in FILE.csv (columns name,email[,role]) and print each link.

    Rows with a problem are reported by row number (the header is row 1) and skipped;
    the other rows are still invited. When SMTP is configured each link is also e-mailed.
    Exits with code 1 when any row was refused.
    """
    from hiring.cli import make_app

    app = make_app(ctx)
    db = get_db(app.config["DATABASE"])
    try:
        text = csv_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise HiringError(f"{csv_file} is not UTF-8 text; save it as CSV UTF-8.") from None
    batch = invites.invite_csv(db, text, days=app.config["INVITE_DAYS"], default_role=role)
    base = base_url or app.config["BASE_URL"] or f"http://{app.config['HOST']}:{app.config['PORT']}"
    for delivery in deliver_invites(app.config, batch.invited, base):
        note = (
            "e-mailed"
            if delivery.emailed
            else (f"NOT e-mailed: {delivery.problem}" if delivery.problem else "")
        )
        who = f"{delivery.invite.name} <{delivery.invite.email}>"
        click.echo(
            f"{who}\t{delivery.invite.role_slug}\t{delivery.link}{chr(9) + note if note else ''}"
        )
    for problem in batch.problems:
        click.echo(problem, err=True)
    click.echo(f"Invited {len(batch.invited)}; {len(batch.problems)} rows with problems.", err=True)
    if batch.problems:
        ctx.exit(1)
