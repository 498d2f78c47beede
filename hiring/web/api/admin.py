"""API for admin keys: incumbents' import, calibrations on the task queue, the audit log."""

import json

from flask import g, url_for
from flask_smorest import Blueprint

from hiring.accounts import audit_search
from hiring.errors import HiringError
from hiring.modeling import calibration, calibration_jobs, tasks
from hiring.modeling.incumbents import Criterion, IncumbentFileError
from hiring.web.api.keys import conditional, idempotent, needs
from hiring.web.api.problems import problem
from hiring.web.api.roles import find_role
from hiring.web.api.schemas import (
    ID,
    SLUG,
    AuditEventSchema,
    AuditQuery,
    CalibrationIn,
    CalibrationSchema,
    IncumbentsIn,
    IncumbentsSchema,
    make_cursor,
    page_of,
)
from hiring.web.database import db

blp = Blueprint(
    "api_admin",
    __name__,
    url_prefix="/api/v1",
    description="Incumbents, calibrations and the audit log (admin scope).",
)
AuditPage = page_of(AuditEventSchema, "AuditPage")


def _no_role(slug: str):
    return problem(404, f"No role has the slug {slug!r}.")


def _job_out(job: calibration_jobs.CalibrationJob, slug: str) -> dict:
    return {
        "id": job.id, "role": slug, "status": job.status, "method": job.method,
        "message": job.message or None, "model_version_id": job.version_id,
        "started_at": job.started_at, "finished_at": job.finished_at,
    }  # fmt: skip


@blp.route(f"/roles/<{SLUG}:slug>/incumbents", methods=["POST"])
@needs(blp, "admin")
@idempotent(blp)
@blp.arguments(IncumbentsIn)
@blp.response(201, IncumbentsSchema)
@blp.alt_response(404, response="NOT_FOUND")
def import_incumbents(data: dict, slug: str):
    """Replace a role's incumbents with a CSV (every problem listed, nothing half-imported)."""
    role = find_role(slug)
    if role is None:
        return _no_role(slug)
    criterion = Criterion(
        data["outcome"], data["rule"], data["threshold"], data["share"], not data["lower_is_better"]
    )
    try:
        criterion.check()
        result = calibration.import_incumbents(
            db(), role["id"], data["csv"], criterion, filename="api.csv", actor=g.api_key.actor
        )
    except IncumbentFileError as error:
        return problem(
            422, "The file has problems; nothing was imported.", errors={"csv": error.problems}
        )
    except HiringError as error:
        return problem(422, error.message)
    return {
        "role": slug, "imported": result.n, "high_performers": result.n_positive,
        "replaced": result.replaced, "criterion": result.criterion, "notices": list(result.notices),
    }, 201  # fmt: skip


@blp.route(f"/roles/<{SLUG}:slug>/calibrations", methods=["POST"])
@needs(blp, "admin")
@idempotent(blp)
@blp.arguments(CalibrationIn)
@blp.response(202, CalibrationSchema)
@blp.alt_response(404, response="NOT_FOUND")
def start_calibration(data: dict, slug: str):
    """Start fitting a new model version on the task queue; follow it at its Location."""
    role = find_role(slug)
    if role is None:
        return _no_role(slug)
    try:
        job = tasks.start_calibration(
            db(), role["id"], method=data["method"], actor=g.api_key.actor
        )
    except calibration_jobs.CalibrationBusyError as error:
        return problem(409, error.message)
    except HiringError as error:
        return problem(422, error.message)
    location = url_for("api_admin.get_calibration", slug=slug, job_id=job.id)
    return _job_out(job, slug), 202, {"Location": location}


@blp.route(f"/roles/<{SLUG}:slug>/calibrations/<{ID}:job_id>")
@needs(blp, "admin")
@conditional(blp)
@blp.response(200, CalibrationSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_calibration(slug: str, job_id: int):
    """Get a calibration job: running, done (with its model version) or failed (and why)."""
    role = find_role(slug)
    job = calibration_jobs.get_job(db(), role["id"], job_id) if role else None
    if job is None:
        return problem(404, f"Role {slug!r} has no calibration {job_id}.")
    return _job_out(job, slug)


@blp.route("/audit-log")
@needs(blp, "admin")
@conditional(blp)
@blp.arguments(AuditQuery, location="query", as_kwargs=True)
@blp.response(200, AuditPage)
def audit_log(limit: int, cursor: int | None = None, actor: str = "", action: str = ""):
    """List audit events, newest first, optionally by one actor or action."""
    filters = audit_search.AuditFilters(actor=actor, action=action)
    page = audit_search.search(db(), filters, before=cursor, size=limit)
    items = [{**row, "detail": json.loads(row["detail"] or "{}")} for row in page.rows]
    return {"items": items, "next_cursor": make_cursor(page.older) if page.older else None}
