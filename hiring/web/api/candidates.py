"""API: invite candidates, follow their status, read their results and reports, decide."""

from io import BytesIO

from flask import current_app, g, request, send_file, url_for
from flask_smorest import Blueprint

from hiring.accounts import audit
from hiring.candidates import invites
from hiring.candidates.links import link_base
from hiring.candidates.records import CandidateError
from hiring.reports import ReportError
from hiring.reports.cache import cached_report
from hiring.reports.candidate_reports import ReportUnavailable
from hiring.reports.content import PAGE_SIZES
from hiring.web.api import results as shown
from hiring.web.api.keys import conditional, idempotent, needs
from hiring.web.api.problems import problem
from hiring.web.api.roles import find_role
from hiring.web.api.schemas import (
    ID,
    CandidateQuery,
    CandidateSchema,
    DecisionIn,
    DecisionSchema,
    InvitationIn,
    InvitationSchema,
    ReportQuery,
    ResultsSchema,
    make_cursor,
    page_of,
)
from hiring.web.database import db
from hiring.workspace import decisions
from hiring.workspace.candidate_view import NotFound, candidate_detail
from hiring.workspace.pages import candidates_page

blp = Blueprint(
    "api_candidates",
    __name__,
    url_prefix="/api/v1/candidates",
    description="Invitations, candidates' status and results, reports and decisions.",
)
CandidatePage = page_of(CandidateSchema, "CandidatePage")
PDF = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}


def _candidate(candidate_id: int) -> dict | None:
    rows = list(db()["candidates"].rows_where("id = ?", [candidate_id]))
    return rows[0] if rows else None


def _no_candidate(candidate_id: int):
    return problem(404, f"No candidate has the id {candidate_id}.")


@blp.route("")
@needs(blp, "candidates:read")
@conditional(blp)
@blp.arguments(CandidateQuery, location="query", as_kwargs=True)
@blp.response(200, CandidatePage)
def list_candidates(limit: int, cursor: int | None = None, role: str = "", status: str = ""):
    """List candidates, oldest first, optionally of one role and one status."""
    role_id = None
    if role:
        found = find_role(role)
        if found is None:
            return problem(404, f"No role has the slug {role!r}.")
        role_id = found["id"]
    page = candidates_page(db(), role_id=role_id, status=status, after=cursor, size=limit)
    items = [shown.candidate_out(db(), row) for row in page.rows]
    return {"items": items, "next_cursor": make_cursor(page.last_id) if page.last_id else None}


@blp.route("", methods=["POST"])
@needs(blp, "candidates:write")
@idempotent(blp)
@blp.arguments(InvitationIn)
@blp.response(201, InvitationSchema)
@blp.alt_response(404, response="NOT_FOUND")
def create_invitation(data: dict):
    """Invite a candidate to a role's assessment ("send a test"); returns their link once."""
    if find_role(data["role"].strip().lower()) is None:
        return problem(404, f"No role has the slug {data['role']!r}.")
    try:
        invite = invites.invite_candidate(
            db(), role_slug=data["role"], name=data["name"], email=data["email"],
            days=int(current_app.config["INVITE_DAYS"]), actor=g.api_key.actor,
        )  # fmt: skip
    except CandidateError as error:
        return problem(422, error.message)
    base = link_base(current_app.config, request.host_url, request.host)
    out = shown.candidate_out(db(), _candidate(invite.candidate_id))
    out["link"] = invite.link(base.url) if base.url else None
    location = url_for("api_candidates.get_candidate", candidate_id=invite.candidate_id)
    return out, 201, {"Location": location}


@blp.route(f"/<{ID}:candidate_id>")
@needs(blp, "candidates:read")
@conditional(blp)
@blp.response(200, CandidateSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_candidate(candidate_id: int):
    """Get a candidate's status ("test status")."""
    candidate = _candidate(candidate_id)
    if candidate is None:
        return _no_candidate(candidate_id)
    return shown.candidate_out(db(), candidate)


@blp.route(f"/<{ID}:candidate_id>/results")
@needs(blp, "candidates:read")
@conditional(blp)
@blp.response(200, ResultsSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_results(candidate_id: int):
    """Get a candidate's results: scores, band, fit with its interval, notes, report links."""
    try:
        detail = candidate_detail(db(), candidate_id)
    except NotFound:
        return _no_candidate(candidate_id)
    audit.record(db(), g.api_key.actor, "candidate.view", "candidate", candidate_id, via="api")
    return shown.results_out(detail)


@blp.route(f"/<{ID}:candidate_id>/report.pdf")
@needs(blp, "candidates:read")
@blp.arguments(ReportQuery, location="query", as_kwargs=True)
@blp.response(200, content_type="application/pdf", description="The PDF report.")
@blp.alt_response(404, response="NOT_FOUND")
def get_report(candidate_id: int, variant: str):
    """Download a candidate's fit report or onboarding plan as PDF."""
    try:
        detail = candidate_detail(db(), candidate_id)
    except NotFound:
        return _no_candidate(candidate_id)
    if current_app.config.get("PDF_UNAVAILABLE"):
        return problem(503, current_app.config["PDF_UNAVAILABLE"])
    page_size = str(current_app.config.get("REPORT_PAGE_SIZE") or "A4")
    page_size = page_size if page_size in PAGE_SIZES else "A4"
    instance = current_app.config["INSTANCE_PATH"]
    try:
        report = cached_report(db(), instance, detail, variant, page_size=page_size)
    except ReportUnavailable as error:
        return problem(404, error.message)
    except ReportError as error:
        return problem(503, error.message)
    audit.record(
        db(), g.api_key.actor, "report.downloaded", "candidate", candidate_id, variant=variant
    )
    response = send_file(
        BytesIO(report.pdf), mimetype="application/pdf", as_attachment=True,
        download_name=f"candidate-{candidate_id}-{variant}.pdf", max_age=0,
    )  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route(f"/<{ID}:candidate_id>/decisions", methods=["POST"])
@needs(blp, "decisions:write")
@idempotent(blp)
@blp.arguments(DecisionIn)
@blp.response(201, DecisionSchema)
@blp.alt_response(404, response="NOT_FOUND")
def decide(data: dict, candidate_id: int):
    """Record a decision, by the web page's rules: a low fit advanced needs a reason."""
    try:
        row = decisions.change_status(
            db(), candidate_id, data["status"], user_id=None, actor=g.api_key.actor,
            reason=data["reason"], override=data["override"], api_key=g.api_key.name,
        )  # fmt: skip
    except decisions.UnknownCandidate:
        return _no_candidate(candidate_id)
    except decisions.DecisionError as error:
        return problem(422, error.message)
    return {**row, "override": bool(row["override"])}, 201
