"""Commands for adverse-impact monitoring: incumbents' self-identification and CSV exports."""

from pathlib import Path

import click

from hiring.fairness import monitoring
from hiring.fairness.incumbent_identity import import_identity, parse_identity_csv
from hiring.roles.services import get_role_by_slug
from hiring.store.db import get_db
from hiring.store.plurals import plural
from hiring.store.text_input import read_text_file


def _db(ctx: click.Context):
    from hiring.cli import make_app

    return get_db(make_app(ctx).config["DATABASE"])


def _config(ctx: click.Context):
    from hiring.cli import make_app

    return make_app(ctx).config


@click.group("fairness")
def fairness_group() -> None:
    """Adverse-impact monitoring per role."""


@fairness_group.command("import-self-id")
@click.argument("role_slug")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_self_id(ctx: click.Context, role_slug: str, path: Path) -> None:
    """Import incumbents' voluntary self-identification.

    Columns: employee_id,sex,race_ethnicity and optionally age_band,disability.
    """
    db = _db(ctx)
    role = get_role_by_slug(db, role_slug)
    rows = parse_identity_csv(read_text_file(path), path.name)
    count = import_identity(db, role["id"], rows, actor="cli")
    click.echo(f"Stored self-identification for {plural(count, 'incumbent')} of {role['slug']}.")


@fairness_group.command("export")
@click.argument("role_slug")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option(
    "--band-cut",
    default=monitoring.DEFAULT_BAND_CUT,
    show_default=True,
    type=click.Choice(monitoring.BAND_ORDER),
    help="Lowest fit band that counts as passing.",
)
@click.pass_context
def export(ctx: click.Context, role_slug: str, path: Path, band_cut: str) -> None:
    """Write every adverse-impact table of a role to a CSV file."""
    db = _db(ctx)
    role = get_role_by_slug(db, role_slug)
    config = _config(ctx)
    report = monitoring.role_report(
        db,
        role["id"],
        band_cut=band_cut,
        questions=config["SELF_ID"],
        min_cell=config["FAIRNESS_MIN_CELL"],
    )
    text = monitoring.csv_text(report)
    path.write_text(text, encoding="utf-8", newline="")
    monitoring.record_export(db, "cli", report, "csv")
    click.echo(f"Wrote the tables for {report.completed} assessed candidates to {path}.")
