"""PDF report downloads: recruiters and admins both variants, managers their hires' plans only.

A candidate's own feedback report is sent from their data page (``candidate_rights``)
through :func:`send_feedback`. Every download is audited; a report that cannot be produced
ends in a plain page that says why, never in a stack trace.
"""

from collections.abc import Callable
from io import BytesIO

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    render_template,
    request,
    send_file,
    url_for,
)

from hiring.accounts import audit
from hiring.reports import ReportError
from hiring.reports.cache import CachedReport, cached_feedback, cached_report
from hiring.reports.candidate_reports import ReportUnavailable
from hiring.reports.content import FEEDBACK, PAGE_SIZES, VARIANTS
from hiring.web.access import roles_required
from hiring.web.database import db
from hiring.workspace import cohorts
from hiring.workspace.candidate_view import CandidateDetail, NotFound, candidate_detail

bp = Blueprint("reports", __name__)
READERS = ("admin", "recruiter", "manager")
FILE_NAMES = {"fit": "fit-report", "onboarding": "onboarding-plan"}


@bp.after_request
def no_store(response: Response) -> Response:
    """Keep reports (personal data) out of shared caches."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _problem(message: str, code: int) -> tuple[str, int]:
    """Say plainly why there is no PDF, with a way back to where the link was."""
    if g.get("user") is not None:
        back = url_for("home.index")
        candidate_id = (request.view_args or {}).get("candidate_id")
        if candidate_id is not None:
            role = "manager.hire" if g.user.role == "manager" else "recruiter.candidate"
            back = url_for(role, candidate_id=candidate_id)
    else:
        back = url_for("candidate_rights.overview")
    return render_template("report_problem.html", message=message, code=code, back=back), code


def send_report(detail: CandidateDetail, variant: str, actor: str, filename: str, **extra):
    """Send one report variant of ``detail``'s candidate, audited; a plain page if it fails.

    ``detail`` must already be checked as the requester's to see; ``extra`` goes into the
    audit record.
    """
    instance = current_app.config["INSTANCE_PATH"]

    def fetch(page_size: str) -> CachedReport:
        return cached_report(db(), instance, detail, variant, page_size=page_size)

    return _send(fetch, detail.candidate["id"], variant, actor, filename, **extra)


def send_feedback(candidate_id: int, filename: str):
    """Send a candidate their own feedback report, audited; a plain page if it fails."""
    instance = current_app.config["INSTANCE_PATH"]

    def fetch(page_size: str) -> CachedReport:
        return cached_feedback(db(), instance, candidate_id, page_size=page_size)

    return _send(fetch, candidate_id, FEEDBACK, "candidate", filename, by="candidate")


def _send(
    fetch: Callable[[str], CachedReport], cid: int, variant: str, actor: str, filename: str, **extra
):
    if current_app.config.get("PDF_UNAVAILABLE"):
        return _problem(current_app.config["PDF_UNAVAILABLE"], 503)
    page_size = str(current_app.config.get("REPORT_PAGE_SIZE") or "A4")
    if page_size not in PAGE_SIZES:
        return _problem(f"HIRING_REPORT_PAGE_SIZE must be A4 or Letter, not {page_size!r}.", 500)
    try:
        report = fetch(page_size)
    except ReportUnavailable as error:
        return _problem(error.message, 404)
    except ReportError as error:
        return _problem(error.message, 500)
    audit.record(db(), actor, "report.downloaded", "candidate", cid, variant=variant, **extra)
    return send_file(
        BytesIO(report.pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=filename,
        max_age=0,
    )


@bp.route("/candidates/<int:candidate_id>/report.pdf")
@roles_required(*READERS)
def candidate_report(candidate_id: int):
    """Download a candidate's fit report or onboarding plan (``?variant=fit|onboarding``)."""
    manager = g.user.role == "manager"
    variant = request.args.get("variant") or ("onboarding" if manager else "fit")
    if variant not in VARIANTS:
        abort(400)
    if manager and variant != "onboarding":
        abort(403)  # a manager's view of a hire is the plan, never the hiring evidence
    try:
        if manager:
            detail = cohorts.hire_detail(db(), g.user.id, candidate_id)
        else:
            detail = candidate_detail(db(), candidate_id)
    except NotFound:
        abort(404)
    filename = f"candidate-{candidate_id}-{FILE_NAMES[variant]}.pdf"
    return send_report(detail, variant, g.user.username, filename)
