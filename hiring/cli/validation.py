"""``hiring validation``: the numbers of a role's validation (predictive validity on hires)."""

import json

import click

from hiring.cli.calibration import _app_db
from hiring.errors import HiringError
from hiring.modeling.hire_outcomes import OUTCOMES
from hiring.store.plurals import plural
from hiring.workspace.predictive_validity import validation_summary


@click.group("validation")
def validation_group() -> None:
    """Validation of a role's fit: predictive validity on hires, calibration and retention."""


def _reliabilities(values: tuple[str, ...]) -> dict[str, float]:
    """Parse ``--ryy csat=0.8`` options."""
    out = {}
    for value in values:
        name, _, number = value.partition("=")
        try:
            ryy = float(number)
        except ValueError:
            ryy = -1.0
        if name not in OUTCOMES or not 0 < ryy <= 1:
            raise HiringError(
                f"--ryy {value!r}: write OUTCOME=VALUE with an outcome of {', '.join(OUTCOMES)} "
                "and a reliability above 0 and at most 1, e.g. --ryy rating=0.52."
            )
        out[name] = ryy
    return out


@validation_group.command("summary")
@click.option(
    "--role", "role_slug", required=True, help="Role short name (see `hiring roles list`)."
)
@click.option(
    "--ryy",
    multiple=True,
    metavar="OUTCOME=VALUE",
    help="The outcome's reliability, to correct for it too (repeatable), e.g. rating=0.52.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of plain lines.")
@click.pass_context
def summary(ctx, role_slug, ryy, as_json) -> None:
    """Print the role's predictive validity per outcome, calibration on hires and retention."""
    _app, db, role = _app_db(ctx, role_slug)
    numbers = validation_summary(db, role["id"], _reliabilities(ryy))
    if as_json:
        click.echo(json.dumps(numbers, indent=2))
        return
    click.echo(
        f"{role['slug']}: {numbers['applicants']} assessed applicants, {plural(numbers['hires'], 'hire')}, "
        f"{numbers['hires_with_outcomes']} with outcomes."
    )
    for name, row in numbers["predictive"].items():
        click.echo(f"  {name}: {row['reading']}")
    if numbers["predictive"]:
        click.echo(numbers["predictive_assumptions"])
