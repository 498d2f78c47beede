"""``hiring validation``: the numbers of a role's validation (predictive validity on hires)."""

import json
from pathlib import Path

import click

from hiring.cli.calibration import _app_db
from hiring.cli.reports import PAGE_SIZE, _setup
from hiring.errors import HiringError
from hiring.fairness.validation import UtilityInputs, full_validation_summary
from hiring.modeling.hire_outcomes import OUTCOMES
from hiring.reports.cache import write_atomic
from hiring.roles.services import get_role_by_slug
from hiring.store.plurals import plural


@click.group("validation")
def validation_group() -> None:
    """Validation of a role's fit: the summary of its numbers and the technical report."""


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
@click.option(
    "--salary",
    type=click.FloatRange(min=1, max=1e8),
    help="Annual salary of the role: with it, the summary gives the money utility.",
)
@click.option(
    "--sdy",
    type=click.FloatRange(min=0, max=1e8),
    help="SD of a year's performance in money (default: 40% of the salary).",
)
@click.option(
    "--hires-per-year", type=click.IntRange(min=1, max=1_000_000), default=20, show_default=True
)
@click.option(
    "--tenure", type=click.FloatRange(min=0.1, max=50), default=1.5, show_default=True,
    help="Average years a hire stays.",
)  # fmt: skip
@click.option(
    "--selection-ratio", type=click.FloatRange(min=0.01, max=1), default=0.2, show_default=True,
    help="Share of applicants hired.",
)  # fmt: skip
@click.option(
    "--cost-per-applicant", type=click.FloatRange(min=0, max=1e6), default=0.0, show_default=True
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of plain lines.")
@click.pass_context
def summary(
    ctx, role_slug, ryy, salary, sdy, hires_per_year, tenure, selection_ratio,
    cost_per_applicant, as_json,
) -> None:  # fmt: skip
    """Print the role's validation: predictive validity, measurement, fairness and utility."""
    _app, db, role = _app_db(ctx, role_slug)
    if sdy is not None and salary is None:
        raise HiringError("--sdy needs --salary: the money utility is computed only with a salary.")
    utility = (
        UtilityInputs(
            salary=salary,
            hires_per_year=hires_per_year,
            tenure_years=tenure,
            selection_ratio=selection_ratio,
            cost_per_applicant=cost_per_applicant,
            sdy=sdy,
        )  # fmt: skip
        if salary is not None
        else None
    )
    numbers = full_validation_summary(db, role["id"], _reliabilities(ryy), utility)
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
    _echo_parts(numbers)


@validation_group.command("report")
@click.option(
    "--role", "role_slug", required=True, help="Role short name (see `hiring roles list`)."
)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="PDF file to write.",
)
@click.option(
    "--ryy",
    multiple=True,
    metavar="OUTCOME=VALUE",
    help="The outcome's reliability, to correct for it too (repeatable), e.g. rating=0.52.",
)
@PAGE_SIZE
@click.pass_context
def report(ctx, role_slug, output, ryy, page_size) -> None:
    """Write the role's technical validation report (the page's content) as a PDF."""
    from hiring.fairness.technical_report import (
        record_technical_export,
        technical_report,
        technical_report_pdf,
    )
    from hiring.reports.errors import ReportError

    reliabilities = _reliabilities(ryy)
    app, db, size = _setup(ctx, page_size)
    if not output.parent.is_dir():
        raise HiringError(f"{output.parent} is not a folder: create it first.")
    role = get_role_by_slug(db, role_slug)
    gathered = technical_report(
        db, role["id"], ryy=reliabilities, questions=app.config["SELF_ID"],
        min_cell=app.config["FAIRNESS_MIN_CELL"],
    )  # fmt: skip
    try:
        pdf = technical_report_pdf(gathered, page_size=size)
    except ReportError as error:
        raise HiringError(f"The PDF could not be made: {error.message}") from error
    write_atomic(output, pdf)
    record_technical_export(db, "cli", gathered, "pdf")
    click.echo(f"Wrote the technical validation report of {role['slug']} to {output}.")


def _echo_parts(numbers: dict) -> None:
    """The measurement, fairness and utility parts as plain lines."""
    measurement = numbers["measurement"]
    if measurement["respondents"]:
        click.echo(
            f"Reliability on {plural(measurement['respondents'], 'applicant')} "
            "(alpha, omega, and the standard error of measurement in score points):"
        )
        for s in measurement["scales"]:
            alpha, omega, sem = (
                "n/a" if s[k] is None else f"{s[k]:.2f}" for k in ("alpha", "omega", "sem")
            )
            click.echo(f"  {s['name']}: alpha {alpha}, omega {omega}, SEM {sem}")
    gain = measurement.get("sjt_incremental")
    if gain:
        click.echo(
            f"The situations add {gain['gain']:+.3f} {gain['measure']} over the traits "
            f"(95% CI {gain['gain_ci'][0]:+.3f} to {gain['gain_ci'][1]:+.3f}, "
            f"{plural(gain['n'], 'incumbent')})."
        )
    flagged = numbers["fairness"]["dif"]["flagged"]
    click.echo(
        f"Items flagged for review (DIF): {len(flagged)}."
        + ("" if not flagged else " See the item review page; nothing is dropped automatically.")
    )
    for design, part in (
        ("incumbents", numbers["fairness"]["differential_prediction"]["characteristics"]),
        *(
            (f"hires' {o['label']}", o["characteristics"])
            for o in numbers["fairness"]["differential_prediction_hires"]["outcomes"].values()
        ),
    ):
        tested = [r for c in part for r in c["results"]]
        if tested:
            click.echo(f"Differential prediction on {design}:")
            for r in tested:
                click.echo(f"  {r['group']}: {r['reading']}")
    utility = numbers["utility"]
    if utility:
        click.echo(
            f"Expected gain in money (Brogden-Cronbach-Gleser, SDy {utility['sdy_rule']}): "
            f"{utility['gain_per_hire']:,.0f} per hire, {utility['gain_per_year']:,.0f} per year."
        )
