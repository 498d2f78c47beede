"""API: a role's adverse-impact tables, in aggregate only (the fairness:read scope)."""

import math

from flask import current_app, g
from flask_smorest import Blueprint

from hiring.fairness import monitoring
from hiring.web.api.keys import conditional, needs
from hiring.web.api.problems import problem
from hiring.web.api.roles import find_role
from hiring.web.api.schemas import SLUG, FairnessQuery, FairnessSchema
from hiring.web.database import db

blp = Blueprint(
    "api_fairness",
    __name__,
    url_prefix="/api/v1/fairness",
    description="Adverse-impact tables by group; never a person's self-identification.",
)


def _plain(value: object) -> object:
    """JSON has no NaN: a figure that could not be computed is null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@blp.route(f"/<{SLUG}:slug>")
@needs(blp, "fairness:read")
@conditional(blp)
@blp.arguments(FairnessQuery, location="query", as_kwargs=True)
@blp.response(200, FairnessSchema)
@blp.alt_response(404, response="NOT_FOUND")
def role_tables(slug: str, band_cut: str):
    """Get every adverse-impact table of a role, as the Fairness page's CSV rows."""
    role = find_role(slug)
    if role is None:
        return problem(404, f"No role has the slug {slug!r}.")
    report = monitoring.role_report(
        db(), role["id"], band_cut=band_cut, questions=current_app.config["SELF_ID"],
        min_cell=current_app.config["FAIRNESS_MIN_CELL"],
    )  # fmt: skip
    monitoring.record_export(db(), g.api_key.actor, report, "api")
    rows = [{k: _plain(v) for k, v in row.items()} for row in monitoring.report_csv_rows(report)]
    return {
        "role": role["slug"], "generated_at": report.generated_at, "band_cut": report.band_cut,
        "completed": report.completed, "min_cell": report.min_cell, "rows": rows,
    }  # fmt: skip
