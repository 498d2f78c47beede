"""PDF report downloads: recruiters and admins both variants, managers their hires' plans only.

Recruiters and admins can also have every assessed candidate's report of a role made on the
task queue (``/roles/ID/report-batches``) and download them as one zip when it is done.

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
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from hiring.accounts import audit
from hiring.errors import HiringError
from hiring.reports import ReportError, batch_jobs
from hiring.reports.cache import CachedReport, cached_feedback, cached_report
from hiring.reports.candidate_reports import ReportUnavailable
from hiring.reports.content import FEEDBACK, PAGE_SIZES, VARIANTS
from hiring.web.access import roles_required
from hiring.web.database import db
from hiring.web.forms.reports import ReportBatchForm
from hiring.web.roles import role_or_404
from hiring.workspace import cohorts
from hiring.workspace.candidate_view import CandidateDetail, NotFound, candidate_detail

bp = Blueprint("reports", __name__)
READERS = ("admin", "recruiter", "manager")
BATCH_MAKERS = ("admin", "recruiter")  # a batch holds every candidate's hiring evidence
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


def _batch_or_404(role_id: int, batch_id: int) -> batch_jobs.ReportBatch:
    batch = batch_jobs.get_batch(db(), role_id, batch_id)
    if batch is None:
        abort(404)
    return batch


@bp.route("/roles/<int:role_id>/report-batches", methods=["GET", "POST"])
@roles_required(*BATCH_MAKERS)
def batches(role_id: int):
    """Start a batch of the role's reports on the task queue, and list the latest batches."""
    role = role_or_404(role_id)
    form = ReportBatchForm()
    if request.method == "POST" and form.validate():
        page_size = str(current_app.config.get("REPORT_PAGE_SIZE") or "A4")
        from hiring.reports.tasks import start_report_batch  # the queue, loaded on first use

        try:
            batch = start_report_batch(
                db(), role_id, form.variant.data, page_size, actor=g.user.username
            )
        except HiringError as error:
            form.variant.errors = [error.message]
        else:
            return redirect(url_for("reports.batch", role_id=role_id, batch_id=batch.id))
    status = 400 if form.errors else 200
    unavailable = current_app.config.get("PDF_UNAVAILABLE")
    return render_template(
        "report_batches/list.html", role=role, form=form, batches=batch_jobs.role_batches(db(), role_id),
        unavailable=unavailable,
    ), status  # fmt: skip


@bp.route("/roles/<int:role_id>/report-batches/<int:batch_id>")
@roles_required(*BATCH_MAKERS)
def batch(role_id: int, batch_id: int):
    """Follow one batch: queued, running with its count, done with the zip, or failed and why."""
    role, batch = role_or_404(role_id), _batch_or_404(role_id, batch_id)
    ready = (
        batch.status == "done" and batch_jobs.zip_path(current_app.instance_path, batch).is_file()
    )
    return render_template("report_batches/batch.html", role=role, batch=batch, ready=ready)


@bp.route("/roles/<int:role_id>/report-batches/<int:batch_id>/status")
@roles_required(*BATCH_MAKERS)
def batch_status(role_id: int, batch_id: int):
    """Say whether a batch is still on its way (the batch page polls this)."""
    batch = _batch_or_404(role_id, batch_id)
    response = jsonify(status="running" if batch.pending else batch.status, done=batch.done)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/roles/<int:role_id>/report-batches/<int:batch_id>/reports.zip")
@roles_required(*BATCH_MAKERS)
def batch_zip(role_id: int, batch_id: int):
    """Download a finished batch's zip (never a partial one), audited."""
    batch = _batch_or_404(role_id, batch_id)
    path = batch_jobs.zip_path(current_app.instance_path, batch)
    if batch.status != "done" or not path.is_file():
        abort(404)
    audit.record(db(), g.user.username, "report.batch_downloaded", "role", role_id, batch=batch_id)
    return send_file(
        path, mimetype="application/zip", as_attachment=True, max_age=0,
        download_name=f"role-{role_id}-{batch.variant}-reports-{batch_id}.zip",
    )  # fmt: skip
