"""The candidate's own data, from their link's session: results explained, feedback, downloads.

Every view reads the candidate id from the session that E's link check put there
(``candidate_required``); no view takes a candidate id from the address or a form, so a
candidate can only ever reach their own data.
"""

import json
from datetime import date

from flask import Blueprint, Response, current_app, g, render_template, request, url_for

from hiring.accounts import audit
from hiring.candidates import invites
from hiring.candidates.data_rights import data_export, explain
from hiring.candidates.deliveries import FRESH_LINK
from hiring.candidates.link_requests import TooManyRequests, request_fresh_links
from hiring.candidates.links import link_base
from hiring.candidates.mail import fresh_link_message, smtp_configured
from hiring.reports.candidate_reports import ReportUnavailable
from hiring.reports.feedback import feedback_report
from hiring.roles.services import get_role
from hiring.web.candidate import candidate_required
from hiring.web.database import db
from hiring.web.forms.candidate import LinkRequestForm
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
        fresh=_from_fresh_link(candidate),
        fresh_hours=current_app.config["FRESH_LINK_HOURS"],
    )


def _from_fresh_link(candidate: dict) -> bool:
    """Tell whether this session came from a fresh link the candidate asked for.

    A fresh link replaces the old one and every session opened with it, so a live
    session of a candidate with ``link_refreshed_at`` set was opened from that link.
    """
    return bool(candidate.get("link_refreshed_at"))


@bp.route("/download.json")
@candidate_required
def download():
    """Download a copy of everything stored about the candidate."""
    candidate = g.candidate
    base = link_base(current_app.config, request.host_url, request.host).url or ""
    report_url = base.rstrip("/") + url_for("candidate_rights.report")  # never a foreign host
    data = data_export(
        db(),
        candidate["id"],
        report_url=report_url,
        include_self_identification=_from_fresh_link(candidate),
        fresh_link_page=base.rstrip("/") + url_for("candidate_rights.new_link"),
    )
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


@bp.route("/new-link", methods=["GET", "POST"])
def new_link():
    """Ask for a fresh link to one's results; the answer is the same for any address."""
    form = LinkRequestForm()
    config = current_app.config
    base = link_base(config, request.host_url, request.host)
    can_send = smtp_configured(config) and base.configured
    if can_send and request.method == "POST" and form.validate():
        email = form.email.data.strip()
        problem = invites.email_problem(email)
        if problem:
            form.email.errors = [problem[0].upper() + problem[1:] + "."]
        else:
            try:
                made = request_fresh_links(
                    db(), email, request.remote_addr or "unknown", hours=config["FRESH_LINK_HOURS"]
                )
            except TooManyRequests as error:
                form.email.errors = [error.message]
            else:
                _send_fresh_links(made, base.url or "")
                return render_template("candidate/link_requested.html", email=email,
                                       hours=config["FRESH_LINK_HOURS"])  # fmt: skip
    return render_template("candidate/new_link.html", form=form, can_send=can_send)


def _send_fresh_links(made: list[invites.Invite], base_url: str) -> None:
    """Put the e-mails on the task queue: the answer's timing says nothing of a mail server."""
    from hiring.candidates.tasks import queue_mail

    page = base_url.rstrip("/") + url_for("candidate_rights.new_link")
    config = current_app.config
    for i in made:
        message = fresh_link_message(
            config, name=i.name, email=i.email, role_title=i.role_title, link=i.link(base_url),
            hours=config["FRESH_LINK_HOURS"], request_page=page,
        )  # fmt: skip
        queue_mail(db(), i.candidate_id, FRESH_LINK, message)
