"""Commands to import incumbents, calibrate a role's model, manage its versions and re-score."""

import json
import math
from pathlib import Path

import click

from hiring.errors import HiringError
from hiring.modeling import calibration
from hiring.modeling.incumbents import RULES, Criterion, IncumbentFileError
from hiring.modeling.model import METHODS, ValidationReport
from hiring.roles.services import get_role, get_role_by_slug
from hiring.store.db import get_db
from hiring.store.plurals import plural
from hiring.store.text_input import read_text_file


def _app_db(ctx: click.Context, role_slug: str | None = None):
    """Return the app, its database and (given a slug) the role."""
    from hiring.cli import make_app

    app = make_app(ctx)
    db = get_db(app.config["DATABASE"])
    return app, db, get_role_by_slug(db, role_slug) if role_slug is not None else None


@click.group("incumbents")
def incumbents_group() -> None:
    """Import a role's incumbents (current employees with a performance outcome)."""


@incumbents_group.command("import")
@click.argument(
    "csv_file", metavar="CSV", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--role", "role_slug", required=True, help="Role short name (see `hiring roles list`)."
)
@click.option("--outcome", default="high_performer", show_default=True, help="The success column.")
@click.option(
    "--rule",
    type=click.Choice(RULES),
    default="binary",
    show_default=True,
    help="binary: a yes/no column; threshold: KPI at or beyond --threshold; "
    "top_share: the best --share of incumbents.",
)
@click.option("--threshold", type=float, default=None, help="KPI value that counts as success.")
@click.option("--share", type=float, default=None, help="Share counted as success, e.g. 0.3.")
@click.option("--lower-is-better", is_flag=True, help="Lower KPI values are better (handle time).")
@click.option("--synthetic", is_flag=True, help="Label the rows synthetic (demo or test data).")
@click.pass_context
def incumbents_import(
    ctx, csv_file, role_slug, outcome, rule, threshold, share, lower_is_better, synthetic
) -> None:
    """Replace the role's incumbents with those in CSV (format: profiles/README.md).

    Every problem in the file is listed by line and column, and nothing is imported until
    there are none. Demographic columns are never imported; each one present is named.
    """
    _app, db, role = _app_db(ctx, role_slug)
    criterion = Criterion(outcome, rule, threshold, share, not lower_is_better)
    text = read_text_file(csv_file)
    try:
        result = calibration.import_incumbents(
            db, role["id"], text, criterion, filename=csv_file.name, synthetic=synthetic
        )
    except IncumbentFileError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        raise HiringError(
            f"{plural(len(error.problems), 'problem')} in the file; nothing was imported."
        ) from None
    for notice in result.notices:
        click.echo(f"Notice: {notice}")
    click.echo(
        f"Imported {plural(result.n, 'incumbent')} of {role['slug']} "
        f"({plural(result.n_positive, 'high performer')}: "
        f"{result.criterion}); replaced {result.replaced}."
    )


def _ci(values) -> str:
    return f"95% CI {values[0]:.2f} to {values[1]:.2f}"


def report_lines(report: ValidationReport) -> list[str]:
    """Say the out-of-fold metrics of a report in plain lines."""
    return [
        f"Out-of-fold validation ({report.folds}-fold x {report.repeats} repeats); "
        "none of these numbers is in-sample:",
        f"  incumbents        {report.n}, {plural(report.n_positive, 'high performer')} "
        f"(base rate {report.base_rate:.1%})",
        f"  AUC               {report.auc:.3f} ({_ci(report.auc_ci)})",
        f"  Brier score       {report.brier:.3f} (base rate alone {report.brier_base:.3f}; "
        f"skill {report.brier_skill:+.3f}{_skill_ci(report)})",
        f"  ECE               {report.ece:.3f}",
        f"  calibration slope {report.calibration_slope:.2f} "
        f"(intercept {report.calibration_intercept:+.2f}; 1 and 0 are ideal)",
        f"  validity r        {report.validity:.3f} ({_ci(report.validity_ci)})",
        *(f"Warning: {w}" for w in report.warnings),
    ]


def _skill_ci(report: ValidationReport) -> str:
    if report.brier_skill_ci is None:
        return ", no interval recorded"
    low, high = report.brier_skill_ci
    return f", 95% CI {low:+.3f} to {high:+.3f}"


OVERRIDE_HELP = (
    "Why a version with weak evidence is activated anyway (an override, kept in the audit "
    "log); refused without it."
)


def _plain(value):
    """Make NaN JSON-safe (null)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@click.command("calibrate")
@click.option("--role", "role_slug", required=True, help="Role short name.")
@click.option(
    "--method",
    type=click.Choice(METHODS),
    default="logistic",
    show_default=True,
    help="logistic (the default, regularized) or boosting (rarely better below 500).",
)
@click.option(
    "--repeats",
    type=click.IntRange(1, 20),
    default=None,
    help="Cross-validation repeats (default 5 below 500 incumbents, else 3).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the version and report as JSON.")
@click.option(
    "--activate/--no-activate",
    default=False,
    show_default=True,
    help="Make the new version the role's active model at once.",
)
@click.option("--override-reason", default=None, metavar="TEXT", help=OVERRIDE_HELP)
@click.option(
    "--include-hires",
    "hires_outcome",
    default=None,
    metavar="OUTCOME",
    help="Also train on the role's hires with this outcome measured (hiring outcomes import).",
)
@click.option(
    "--hires-threshold",
    type=float,
    default=None,
    help="For a numeric --include-hires outcome: the value that counts as success.",
)
@click.pass_context
def calibrate(
    ctx, role_slug, method, repeats, as_json, activate, override_reason, hires_outcome,
    hires_threshold,
) -> None:  # fmt: skip
    """Fit the role's fit model on its incumbents and report its out-of-fold validity.

    With --include-hires, the role's hires whose outcome is measured join the incumbents,
    a success by that outcome (yes/no, or at least --hires-threshold; at most for
    handle_time). With --activate, a version whose evidence is weak (AUC interval including 0.5, or a
    Brier skill interval reaching 0) is kept but not activated unless --override-reason
    says why.
    """
    from hiring.cli import command_hint
    from hiring.modeling.hire_outcomes import hires_criterion

    app, db, role = _app_db(ctx, role_slug)
    hires = hires_criterion(hires_outcome, hires_threshold) if hires_outcome else None
    version = calibration.calibrate_role(
        db, app.instance_path, role["id"], method=method, repeats=repeats, hires=hires
    )
    refused = None
    if activate:
        try:
            version = calibration.activate_version(
                db, app.instance_path, version.id, override_reason=override_reason
            )
        except calibration.WeakEvidenceError as error:
            refused = error
    if as_json:
        data = {"id": version.id, "label": version.label, "status": version.status}
        data["weak_evidence"] = version.weak_evidence
        click.echo(
            json.dumps(
                _plain({**data, "report": version.report.to_dict()}), indent=2, ensure_ascii=False
            )
        )
    else:
        click.echo(f"Calibrated model {version.id}: {version.label} for role {role['slug']}.")
        for line in report_lines(version.report):
            click.echo(line)
    if refused is not None:
        raise HiringError(
            f"Model {version.id} is stored but not active: it rests on weak evidence. To "
            f'activate it anyway: hiring models activate {version.id} --override-reason "..."'
        )
    if as_json:
        return
    if version.status == "active":
        hint = command_hint(ctx, f"rescore --role {role['slug']}")
        click.echo(f"Active now. Re-score earlier candidates with: {hint}")
    else:
        hint = command_hint(ctx, f"models activate {version.id}")
        click.echo(f"Not active yet. Activate with: {hint}")


@click.group("models")
def models_group() -> None:
    """List, activate and suspend a role's model versions."""


@models_group.command("list")
@click.option("--role", "role_slug", required=True, help="Role short name.")
@click.pass_context
def models_list(ctx, role_slug) -> None:
    """List the role's model versions, newest first, with their out-of-fold AUC."""
    from hiring.cli import command_hint

    _app, db, role = _app_db(ctx, role_slug)
    versions = calibration.list_versions(db, role["id"])
    if not versions:
        hint = command_hint(ctx, f"calibrate --role {role['slug']}")
        click.echo(f"No model versions for {role['slug']} yet. Make one with: {hint}")
    for v in versions:
        r = v.report
        evidence = (
            "  insufficient evidence"
            if not r.evidence_sufficient
            else "  weak evidence"
            if v.weak_evidence
            else ""
        )
        reason = f"  ({v.suspend_reason})" if v.status == "suspended" else ""
        click.echo(
            f"{v.id:>4}  {v.status:<9} {v.created_at[:10]}  AUC {r.auc:.3f} "
            f"[{r.auc_ci[0]:.2f}, {r.auc_ci[1]:.2f}]  {v.label}{evidence}{reason}"
        )


@models_group.command("activate")
@click.argument("version_id", metavar="ID", type=int)
@click.option("--override-reason", default=None, metavar="TEXT", help=OVERRIDE_HELP)
@click.pass_context
def models_activate(ctx, version_id, override_reason) -> None:
    """Make model version ID its role's active model (candidates are scored with it).

    A version whose evidence is weak (AUC interval including 0.5, or a Brier skill interval
    reaching 0) is activated only with --override-reason.
    """
    app, db, _role = _app_db(ctx)
    try:
        version = calibration.activate_version(
            db, app.instance_path, version_id, override_reason=override_reason
        )
    except calibration.WeakEvidenceError as error:
        raise HiringError(f"{error.message} Add --override-reason TEXT.") from None
    click.echo(f"Model {version.id} ({version.label}) is active.")
    if version.override_reason:
        click.echo(
            "Activated despite weak evidence (override recorded): "
            + "; and ".join(version.weak_evidence)
            + "."
        )
    if not version.report.evidence_sufficient:
        click.echo("Warning: its evidence is insufficient, so no probability is shown.")


@models_group.command("suspend")
@click.argument("version_id", metavar="ID", type=int)
@click.option("--reason", required=True, help="Why the version is stopped (kept in the audit log).")
@click.pass_context
def models_suspend(ctx, version_id, reason) -> None:
    """Suspend model version ID for good: no candidate is scored with it any more."""
    from hiring.cli import command_hint

    _app, db, _role = _app_db(ctx)
    version = calibration.suspend_version(db, version_id, reason)
    click.echo(f"Model {version.id} ({version.label}) is suspended.")
    scored = calibration.scored_with(db, version.id)
    if scored:
        slug = get_role(db, version.role_id)["slug"]
        hint = command_hint(ctx, f"rescore --role {slug}")
        click.echo(f"{plural(scored, 'stored result')} came from it; replace them: {hint}")


@click.command("rescore")
@click.option("--role", "role_slug", required=True, help="Role short name.")
@click.pass_context
def rescore(ctx, role_slug) -> None:
    """Recompute the fit of the role's assessed candidates with its active model."""
    app, db, role = _app_db(ctx, role_slug)
    result = calibration.rescore_role(db, app.instance_path, role["id"])
    used = (
        f"model {result.version_id} ({result.label})"
        if result.version_id
        else "the hiring profile (no active model)"
    )
    click.echo(f"Re-scored {plural(result.n, 'candidate')} of {role['slug']} with {used}.")
