"""``hiring candidates``: find candidates and their ids (for ``hiring report``, ``erase``...)."""

import json

import click

from hiring.cli.admin import _db
from hiring.roles.pipeline import STATUSES
from hiring.store.plurals import plural
from hiring.workspace.roster import CandidateEntry, list_candidates

COLUMNS = ("ID", "NAME", "EMAIL", "ROLE", "STATUS", "BAND", "SUBMITTED")


@click.group("candidates")
def candidates_group() -> None:
    """Find candidates and their ids."""


def _cells(entry: CandidateEntry) -> tuple[str, ...]:
    name = (
        f"{entry.name} (synthetic)"
        if entry.synthetic and "synthetic" not in entry.name
        else entry.name
    )
    return (
        str(entry.id),
        name,
        entry.email,
        entry.role,
        entry.status,
        entry.band or "-",
        (entry.submitted_at or "")[:10] or "-",
    )


@candidates_group.command("list")
@click.option("--role", "role_slug", default=None, help="Only this role (its short name).")
@click.option(
    "--status", type=click.Choice(STATUSES), default=None, help="Only candidates with this status."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def candidates_list(ctx, role_slug, status, as_json) -> None:
    """List candidates with their ids, name, e-mail, role, status, band and submitted date."""
    _, db = _db(ctx)
    entries = list_candidates(db, role_slug, status)
    if as_json:
        click.echo(json.dumps([e.to_dict() for e in entries], indent=2, ensure_ascii=False))
        return
    if not entries:
        click.echo("No candidates match.")
        return
    rows = [COLUMNS, *(_cells(e) for e in entries)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    for row in rows:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    click.echo(plural(len(entries), "candidate"))
