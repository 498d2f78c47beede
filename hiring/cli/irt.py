"""The ``hiring irt`` commands: calibrate the graded response model, save and list item banks."""

from __future__ import annotations

import json
from pathlib import Path

import click

from hiring.assessment.irt import RMSD_LIMIT, GRMFit
from hiring.assessment.item_banks import calibrate_questionnaire, item_bank_rows, save_item_bank
from hiring.assessment.questionnaires import load_questionnaire
from hiring.assessment.response_csv import read_responses_csv
from hiring.cli.questionnaire import FILE, reports_problems
from hiring.store.db import get_db
from hiring.store.plurals import plural


@click.group("irt")
def irt_group() -> None:
    """Calibrate the adaptive form's item bank (graded response model) and list its versions."""


def _fit_json(fit: GRMFit, saved: int | None) -> dict:
    return {
        "items": [
            {"id": i.id, "scale": i.scale, "a": i.a, "b": list(i.b), "a_se": i.a_se,
             "b_se": list(i.b_se or ()), "rmsd": fit.item_fit[i.id],
             "misfit": fit.item_fit[i.id] > RMSD_LIMIT}
            for i in fit.items
        ],
        "test_information": {
            "theta": list(fit.theta_grid), "scales": {s: list(v) for s, v in fit.information.items()},
        },
        "respondents": fit.respondents, "converged": fit.converged,
        "warnings": list(fit.warnings), "saved_version": saved,
    }  # fmt: skip


def _print_table(fit: GRMFit, saved: int | None) -> None:
    click.echo(f"{'item':<10} {'scale':<18} {'a (SE)':>13}  thresholds b (SE)  item-fit RMSD")
    for i in fit.items:
        bs = " ".join(f"{b:.2f}({s:.2f})" for b, s in zip(i.b, i.b_se or (), strict=True))
        flag = " misfit" if fit.item_fit[i.id] > RMSD_LIMIT else ""
        click.echo(
            f"{i.id:<10} {i.scale:<18} {i.a:6.2f}({i.a_se or 0:.2f})  {bs}  "
            f"{fit.item_fit[i.id]:.3f}{flag}"
        )
    at = fit.theta_grid.index(0.0)
    for scale, info in fit.information.items():
        click.echo(
            f"{scale}: {plural(fit.respondents[scale], 'respondent')}; test information at "
            f"θ = 0 is {info[at]:.1f} (SE {info[at] ** -0.5:.2f})"
        )
    for warning in fit.warnings:
        click.echo(f"Warning: {warning}")
    if saved is not None:
        click.echo(f"Saved as item bank version {saved}.")


@irt_group.command("calibrate")
@click.argument("questionnaire", type=FILE)
@click.argument("responses", type=FILE)
@click.option("--id-column", default="id", show_default=True, help="Column holding respondent ids.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--save", is_flag=True, help="Store the parameters as the next item bank version.")
@click.pass_context
@reports_problems
def calibrate(
    ctx: click.Context, questionnaire: Path, responses: Path, id_column: str, as_json: bool,
    save: bool,
) -> None:  # fmt: skip
    """Fit a graded response model per scale to RESPONSES (CSV, as `questionnaire score` reads).

    Prints each statement's discrimination a and thresholds b with their standard errors, its
    item-fit RMSD, each scale's test information, and a warning when the data are too few for
    stable parameters (an item with fewer than 500 answers, or a category with fewer than 10).
    """
    q = load_questionnaire(questionnaire)
    sheet = read_responses_csv(responses, q, id_column=id_column)
    fit = calibrate_questionnaire(q, sheet.responses)
    saved = None
    if save:
        from hiring.cli import make_app

        db = get_db(make_app(ctx).config["DATABASE"])
        saved = save_item_bank(db, q, fit, by="cli").version
    if as_json:
        click.echo(json.dumps(_fit_json(fit, saved), indent=2))
    else:
        _print_table(fit, saved)


@irt_group.command("banks")
@click.argument("questionnaire", type=FILE)
@click.pass_context
@reports_problems
def banks(ctx: click.Context, questionnaire: Path) -> None:
    """List the saved item bank versions of QUESTIONNAIRE, newest first."""
    from hiring.cli import make_app

    q = load_questionnaire(questionnaire)
    rows = item_bank_rows(get_db(make_app(ctx).config["DATABASE"]), q.id)
    if not rows:
        click.echo(f"No item banks for {q.label}; run `hiring irt calibrate ... --save`.")
    for row in rows:
        usable = "this content" if row["questionnaire_hash"] == q.content_hash else "other content"
        click.echo(
            f"v{row['version']}  {row['created_at']}  by {row['created_by']}  "
            f"{plural(row['items'], 'item')}  {plural(row['warnings'], 'warning')}  "
            f"(questionnaire v{row['questionnaire_version']}, {usable})"
        )
