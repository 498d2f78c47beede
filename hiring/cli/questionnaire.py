"""The ``hiring questionnaire`` commands: check a file, score a CSV of answers, study reliability."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import numpy as np

from hiring.assessment.norms import NormGroup, norm_scores
from hiring.assessment.questionnaire import QuestionnaireError
from hiring.assessment.questionnaires import load_questionnaire
from hiring.assessment.reliability import reliability_report
from hiring.assessment.response_csv import read_responses_csv
from hiring.assessment.scoring import ResponseError, all_candidate_scores, score_matrix
from hiring.store.plurals import plural

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def reports_problems(command: Callable) -> Callable:
    """Print each problem of a bad questionnaire or CSV on its own stderr line and exit 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (QuestionnaireError, ResponseError) as error:
            for problem in error.problems:
                click.echo(problem, err=True)
            raise SystemExit(2) from None

    return wrapper


@click.group("questionnaire")
def questionnaire() -> None:
    """Check questionnaire files, score answers and study reliability."""


@questionnaire.command("check")
@click.argument("file", type=FILE)
@reports_problems
def check(file: Path) -> None:
    """Validate FILE against the questionnaire format and summarise it."""
    q = load_questionnaire(file)
    kinds = [i.kind for i in q.items]
    click.echo(f"{file.name}: {q.label} is valid")
    click.echo(
        f"  {plural(kinds.count('trait'), 'trait item')} in {plural(len(q.scales), 'scale')}, "
        f"{plural(len(q.sjt_items), 'scenario')} for "
        f"{plural(len(q.competencies), 'competency', 'competencies')}, "
        f"{plural(kinds.count('attention'), 'attention check')}, "
        f"{plural(kinds.count('impression'), 'impression-management item')}, "
        f"{plural(len(q.pages), 'page')}, {q.minutes[0]}-{q.minutes[1]} minutes"
    )
    norms = f"{plural(len(q.norms), 'feature')} ({q.norms_label})" if q.norms else "none"
    click.echo(f"  norms: {norms}")
    click.echo(f"  content hash: {q.content_hash}")


def _number(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


@questionnaire.command("score")
@click.argument("file", type=FILE)
@click.argument("responses", type=FILE)
@click.option("--id-column", default="id", show_default=True, help="Column holding respondent ids.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@reports_problems
def score(file: Path, responses: Path, id_column: str, as_json: bool) -> None:
    """Score every respondent in RESPONSES (CSV: an id column and one column per item id)."""
    q = load_questionnaire(file)
    sheet = read_responses_csv(responses, q, id_column=id_column)
    table = score_matrix(q, sheet.responses)
    group = NormGroup.from_table(q) if q.norms else None
    results = all_candidate_scores(q, table, sheet.responses, group)
    if as_json:
        rows = [{"id": ident, **r.to_dict()} for ident, r in zip(sheet.ids, results, strict=True)]
        if group is not None:
            normed = norm_scores(group, table.features)
            for k, row in enumerate(rows):
                row["percentiles"] = {
                    f: None if np.isnan(p) else round(float(p), 1)
                    for f, p in zip(q.feature_ids, normed.percentile[k], strict=True)
                }
        norm_group = {"label": group.label, "n": group.size} if group is not None else None
        output = {"questionnaire": q.id, "version": q.version, "norm_group": norm_group}
        click.echo(json.dumps({**output, "respondents": rows}, indent=2))
        return
    width = max([len(i) for i in sheet.ids] + [2])
    click.echo(
        " ".join(
            [
                f"{'id':<{width}}",
                *(f[:10].rjust(10) for f in q.feature_ids),
                "sjt_total".rjust(10),
                " flags",
            ]
        )
    )
    for ident, result in zip(sheet.ids, results, strict=True):
        values = [_number(v, 2).rjust(10) for v in result.scales.values()]
        values += [_number(v, 1).rjust(10) for v in result.competencies.values()]
        flags = ",".join(f.code for f in result.flags) or "-"
        click.echo(
            " ".join(
                [f"{ident:<{width}}", *values, _number(result.sjt_total, 1).rjust(10), " " + flags]
            )
        )
    flagged = sum(1 for r in results if r.flags)
    click.echo(
        f"{plural(len(results), 'respondent')} scored; {flagged} with quality flags for review."
    )


@questionnaire.command("reliability")
@click.argument("file", type=FILE)
@click.argument("responses", type=FILE)
@click.option("--id-column", default="id", show_default=True, help="Column holding respondent ids.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a report.")
@reports_problems
def reliability(file: Path, responses: Path, id_column: str, as_json: bool) -> None:
    """Report alpha and omega (95% CIs), the SEM, item-total correlations and SJT split-half."""
    q = load_questionnaire(file)
    sheet = read_responses_csv(responses, q, id_column=id_column)
    report = reliability_report(q, sheet.responses)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
        return
    click.echo(f"{q.label}: {plural(report.respondents, 'respondent')}")
    click.echo(
        f"{'':<24}{'n':>6}{'k':>4}{'alpha':>8}   {'95% CI':<14}{'omega':>6}   {'95% CI':<14}"
        f"{'SEM':>7}"
    )
    for rel in [*report.scales, *report.competencies]:
        interval = f"{_number(rel.ci_low, 2)} to {_number(rel.ci_high, 2)}"
        omega = f"{_number(rel.omega_ci_low, 2)} to {_number(rel.omega_ci_high, 2)}"
        click.echo(
            f"{rel.id:<24}{rel.n:>6}{rel.k:>4}{_number(rel.alpha, 2):>8}   {interval:<14}"
            f"{_number(rel.omega, 2):>6}   {omega:<14}{_number(rel.sem, 2):>7}"
        )
    click.echo(
        "omega: McDonald's omega total (one factor), 95% CI by bootstrap; SEM: standard error "
        "of measurement in score points, SD x sqrt(1 - omega)"
    )
    half = report.sjt_split_half
    if half is not None:
        click.echo(
            f"SJT split-half (odd/even, n={half.n}): r = {_number(half.r_halves, 2)}, "
            f"Spearman-Brown = {_number(half.spearman_brown, 2)}"
        )
    for warning in report.warnings:
        click.echo(f"warning: {warning}")
