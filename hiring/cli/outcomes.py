"""``hiring outcomes``: import hires' later job performance (KPIs, rating, retention)."""

from pathlib import Path

import click

from hiring.cli.calibration import _app_db
from hiring.errors import HiringError
from hiring.store.plurals import plural
from hiring.store.text_input import read_text_file
from hiring.workspace.outcomes import OutcomeFileError, import_outcomes


@click.group("outcomes")
def outcomes_group() -> None:
    """Import hires' later job performance for predictive validation."""


@outcomes_group.command("import")
@click.argument(
    "csv_file", metavar="CSV", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--role", "role_slug", required=True, help="Role short name (see `hiring roles list`)."
)
@click.pass_context
def outcomes_import(ctx, csv_file, role_slug) -> None:
    """Import the outcomes of the role's hires from CSV (format: README, Predictive validation).

    Rows name a hire by candidate_id or email, with measured_on and any of csat, qa,
    handle_time, rating, retained_90, retained_180. Every problem is listed by line and
    column, and nothing is imported until there are none.
    """
    _app, db, role = _app_db(ctx, role_slug)
    text = read_text_file(csv_file)
    try:
        result = import_outcomes(db, role["id"], text, filename=csv_file.name)
    except OutcomeFileError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        raise HiringError(
            f"{plural(len(error.problems), 'problem')} in the file; nothing was imported."
        ) from None
    for notice in result.notices:
        click.echo(f"Notice: {notice}")
    click.echo(
        f"Imported {plural(result.rows, 'outcome row')} for {plural(result.hires, 'hire')} "
        f"of {role['slug']} ({', '.join(result.columns)})."
    )
