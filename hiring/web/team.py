"""Managers' team pages: the team view, each employee's coaching plan, progress and readiness.

A manager sees only employees whose manager they are (anyone else's id answers 404); an
admin sees everyone. Every page and PDF is recorded in the audit log with who looked at whom.
"""

from flask import Blueprint, Response, abort, current_app, g, render_template, request

from hiring.accounts import audit
from hiring.reports import render_report
from hiring.reports.coaching import COACHING, READINESS, coaching_content
from hiring.team import coaching, progress, readiness
from hiring.web.access import roles_required
from hiring.web.database import db
from hiring.workspace.candidate_view import NotFound

bp = Blueprint("team", __name__, url_prefix="/manager/team")
VIEWERS = ("admin", "manager")


def _scope() -> int | None:
    """A manager sees their own team; an admin sees everyone."""
    return None if g.user.role == "admin" else g.user.id


def _seen(action: str, found: coaching.Assessed, **detail: object) -> None:
    audit.record(db(), g.user.username, action, "employee", found.employee["id"],
                 participant=found.participant["id"], **detail)  # fmt: skip


def _pdf(pdf: bytes, name: str) -> Response:
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@bp.route("/")
@roles_required(*VIEWERS)
def index():
    """Show strengths and gaps across the team and the modules that would help most people."""
    view = coaching.team_view(db(), _scope(), request.args.get("study", type=int))
    audit.record(db(), g.user.username, "team.view", "employee", "", people=len(view.assessed))
    return render_template("team/index.html", view=view)


@bp.route("/<int:participant_id>")
@roles_required(*VIEWERS)
def plan(participant_id: int):
    """Show one employee's coaching plan, their change since the last round and next roles."""
    try:
        found = coaching.assessed(db(), participant_id, _scope())
        change = progress.employee_progress(db(), participant_id, _scope())
    except NotFound:
        abort(404)
    _seen("employee.view", found, page="coaching plan")
    return render_template(
        "team/plan.html", found=found, report=coaching_content(found), change=change,
        next_roles=readiness.next_role_profiles(db(), participant_id),
    )  # fmt: skip


@bp.route("/<int:participant_id>/coaching.pdf")
@roles_required(*VIEWERS)
def plan_pdf(participant_id: int):
    """Download one employee's coaching plan as PDF (the locked-down renderer)."""
    try:
        found = coaching.assessed(db(), participant_id, _scope())
    except NotFound:
        abort(404)
    content = coaching_content(found, page_size=current_app.config["REPORT_PAGE_SIZE"])
    pdf = render_report(content, COACHING)
    _seen("employee.report", found, variant=COACHING)
    return _pdf(pdf, f"coaching-plan-{found.employee['employee_id']}.pdf")


@bp.route("/<int:participant_id>/readiness/<profile_id>")
@roles_required(*VIEWERS)
def next_role(participant_id: int, profile_id: str):
    """Read one employee's result against a next role: strengths, gaps and modules."""
    try:
        found = readiness.readiness(db(), participant_id, profile_id, _scope())
    except NotFound:
        abort(404)
    _seen("employee.readiness", found, profile=profile_id)
    if request.args.get("format") == "pdf":
        content = coaching_content(
            found, variant=READINESS, page_size=current_app.config["REPORT_PAGE_SIZE"]
        )
        return _pdf(
            render_report(content, READINESS),
            f"readiness-{profile_id}-{found.employee['employee_id']}.pdf",
        )
    return render_template("team/readiness.html", found=found, profile_id=profile_id,
                           report=coaching_content(found, variant=READINESS))  # fmt: skip
