"""The candidate's own data, from their link's session: results explained, feedback, downloads.

Every view reads the candidate id from the session that E's link check put there
(``candidate_required``); no view takes a candidate id from the address or a form, so a
candidate can only ever reach their own data.
"""

import json
from datetime import date

from flask import Blueprint, Response, current_app, g, render_template, request, url_for

from hiring.accounts import audit
from hiring.candidates.data_rights import data_export, explain
from hiring.reports.candidate_reports import ReportUnavailable
from hiring.reports.feedback import feedback_report
from hiring.roles.services import get_role
from hiring.web.candidate import candidate_required
from hiring.web.database import db
from hiring.web.reports import send_feedback

bp = Blueprint("candidate_rights", __name__, url_prefix="/my-data")


@bp.after_request
def no_store(response: Response) -> Response:
    """Keep personal data out of shared caches."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/")
@candidate_required
def overview():
    """Explain in plain words what was measured and what stood out in the answers."""
    candidate = g.candidate
    return render_template(
        "candidate/my_data.html",
        explanation=explain(db(), candidate["id"]),
        role=get_role(db(), candidate["role_id"]),
        candidate=candidate,
    )


@bp.route("/download.json")
@candidate_required
def download():
    """Download a copy of everything stored about the candidate."""
    candidate = g.candidate
    base = current_app.config.get("BASE_URL") or request.host_url  # as in the invite links
    report_url = base.rstrip("/") + url_for("candidate_rights.report")
    data = data_export(db(), candidate["id"], report_url=report_url)
    audit.record(db(), "candidate", "candidate.data_download", "candidate", candidate["id"])
    filename = f"my-assessment-data-{date.today().isoformat()}.json"
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/feedback")
@candidate_required
def feedback():
    """Show the candidate's own feedback report: strengths, and areas to develop with what to try."""
    candidate = g.candidate
    role = get_role(db(), candidate["role_id"])
    try:
        report = feedback_report(db(), candidate["id"])
    except ReportUnavailable as error:
        return render_template("candidate/feedback.html", problem=error.message, role=role), 404
    return render_template("candidate/feedback.html", feedback=report.data, role=role)


@bp.route("/report.pdf")
@candidate_required
def report():
    """Download the candidate's own feedback report as PDF (the same words as the page)."""
    return send_feedback(g.candidate["id"], "my-feedback-report.pdf")
