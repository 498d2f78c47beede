"""The candidate's own data, from their link's session: results explained, JSON and PDF downloads.

Every view reads the candidate id from the session that E's link check put there
(``candidate_required``); no view takes a candidate id from the address or a form, so a
candidate can only ever reach their own data.
"""

import json
from datetime import date

from flask import Blueprint, Response, current_app, g, render_template, request, url_for

from hiring.accounts import audit
from hiring.candidates.data_rights import data_export, explain
from hiring.candidates.links import link_base
from hiring.roles.services import get_role
from hiring.web.candidate import candidate_required
from hiring.web.database import db
from hiring.web.reports import send_report
from hiring.workspace.candidate_view import candidate_detail

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
    base = link_base(current_app.config, request.host_url, request.host).url or ""
    report_url = base.rstrip("/") + url_for("candidate_rights.report")  # never a foreign host
    data = data_export(db(), candidate["id"], report_url=report_url)
    audit.record(db(), "candidate", "candidate.data_download", "candidate", candidate["id"])
    filename = f"my-assessment-data-{date.today().isoformat()}.json"
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/report.pdf")
@candidate_required
def report():
    """Download the candidate's own development plan as PDF (no hiring probability)."""
    detail = candidate_detail(db(), g.candidate["id"])
    return send_report(detail, "onboarding", "candidate", "my-development-plan.pdf", by="candidate")
