"""``hiring candidates``: find candidates and their ids (for ``hiring report``, ``erase``...)."""

import json
from pathlib import Path

import click

from hiring.cli.admin import _db
from hiring.errors import HiringError
from hiring.roles.pipeline import STATUSES
from hiring.store.plurals import plural
from hiring.workspace.roster import CandidateEntry, list_candidates

COLUMNS = ("ID", "NAME", "EMAIL", "ROLE", "STATUS", "BAND", "SUBMITTED")


@click.group("candidates")
def candidates_group() -> None:
    """Find candidates and their ids; import past applicants."""


def _cells(entry: CandidateEntry) -> tuple[str, ...]:
    name = (
        f"{entry.name} (synthetic)"
        if entry.synthetic and "synthetic" not in entry.name
        else entry.name
    )
    name += " (imported)" if entry.imported else ""
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


@candidates_group.command("import")
@click.argument(
    "csv_file",
    metavar="RESPONSES.csv",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--role", "role_slug", required=True, help="Role short name (see `hiring roles list`)."
)
@click.pass_context
def candidates_import(ctx, csv_file, role_slug) -> None:
    """Import past applicants' answers with their decisions, scored like candidates here.

    RESPONSES.csv has an id column, one column per item, and name, email, assessed_on,
    decision (hired, rejected or blank) and decided_on. Every problem is listed by row and
    column, and nothing is imported until there are none. The candidates are labelled
    imported wherever they show.
    """
    from hiring.candidates.history_import import HistoryFileError, import_history
    from hiring.roles.services import get_role_by_slug
    from hiring.store.text_input import read_text_file

    app, db = _db(ctx)
    role = get_role_by_slug(db, role_slug)
    try:
        result = import_history(
            db, app.config["INSTANCE_PATH"], role["id"], read_text_file(csv_file),
            filename=csv_file.name,
        )  # fmt: skip
    except HistoryFileError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        raise HiringError(
            f"{plural(len(error.problems), 'problem')} in the file; nothing was imported."
        ) from None
    scored = (
        f"model version {result.model_version_id}"
        if result.model_version_id
        else "the hiring profile (no active model)"
    )
    click.echo(
        f"Imported {plural(result.candidates, 'past applicant')} into {role['slug']} "
        f"({result.hired} hired, {result.rejected} rejected), scored with {scored}."
    )
