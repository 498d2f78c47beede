"""The admin Validity page per role: the model's honest evidence, its versions, incumbent upload.

Admins only. Every change (upload, calibrate, activate, suspend, re-score) is a POST form
with a CSRF token and goes through a use case in :mod:`hiring.modeling.calibration`; a calibration
goes on the task queue (:mod:`hiring.modeling.tasks`) as a job that the page follows.
"""

from collections.abc import Callable
from typing import TypeVar

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from hiring.errors import HiringError
from hiring.fairness.technical_report import (
    record_technical_export,
    report_filename,
    technical_report,
    technical_report_pdf,
)
from hiring.modeling import calibration, calibration_jobs, rescoring
from hiring.modeling.calibration_chart import calibration_chart, importance_chart
from hiring.modeling.incumbent_evidence import sjt_incremental_summary
from hiring.modeling.incumbents import Criterion, IncumbentFileError
from hiring.modeling.measurement import role_reliability
from hiring.modeling.validity import latest_drift_check, utility_summary, validity_view
from hiring.reports.errors import ReportError
from hiring.roles import services as roles
from hiring.store.plurals import plural
from hiring.store.text_input import MAX_FILE_BYTES, InputFileError, decode_text
from hiring.web.access import roles_required
from hiring.web.database import db
from hiring.web.forms.calibration import (
    ActivateForm,
    CalibrateForm,
    HiresCalibrationForm,
    IncumbentUploadForm,
    MoneyUtilityForm,
    OutcomeUploadForm,
    ReliabilityForm,
    SuspendForm,
)
from hiring.web.forms.workspace import ConfirmForm
from hiring.web.roles import role_or_404
from hiring.workspace.outcomes import OutcomeFileError, import_outcomes
from hiring.workspace.predictive_validity import predictive_view

bp = Blueprint("validity", __name__, url_prefix="/admin/validity")
T = TypeVar("T")


def _page(
    role_id: int,
    version_id: int | None = None,
    upload=None,
    problems=(),
    status=200,
    job_id: int | None = None,
    activate_form: ActivateForm | None = None,
    money_form: MoneyUtilityForm | None = None,
    money: dict | None = None,
):
    job = None
    if job_id is not None:
        job = calibration_jobs.get_job(db(), role_id, job_id)
        if job is None:
            abort(404)
        if version_id is None and job.version_id is not None:
            version_id = job.version_id  # show what the finished calibration produced
    try:
        view = validity_view(db(), role_id, version_id)
    except HiringError:
        abort(404)
    latest = calibration_jobs.latest_job(db(), role_id)
    html = render_template(
        "validity/role.html",
        view=view,
        job=job or (latest if latest and latest.running else None),
        latest_job=latest,
        drift_check=latest_drift_check(db(), role_id),
        rescore_run=_rescore_state(role_id),
        upload_form=upload or IncumbentUploadForm(),
        problems=problems,
        calibrate_form=CalibrateForm(),
        suspend_form=SuspendForm(),
        confirm_form=ConfirmForm(),
        activate_form=activate_form or ActivateForm(),
        activate_for=version_id if activate_form is not None else None,
        money_form=money_form or MoneyUtilityForm(formdata=None),
        money=money,
        chart=calibration_chart,
        importance_chart=importance_chart,
    )
    return html, status


def _version_or_404(version_id: int) -> calibration.ModelVersion:
    try:
        return calibration.get_version(db(), version_id)
    except HiringError:
        abort(404)


def _back(role_id: int, version_id: int | None = None):
    return redirect(url_for("validity.role", role_id=role_id, version=version_id))


@bp.route("/")
@roles_required("admin")
def index():
    """List the roles, each with the model it uses."""
    rows = [
        (role, calibration.list_versions(db(), role["id"]))
        for role in roles.list_roles(db(), include_closed=True)
    ]
    return render_template("validity/index.html", rows=rows)


@bp.route("/<int:role_id>")
@roles_required("admin")
def role(role_id: int):
    """Show the evidence of the active (or the chosen) model version of a role.

    With the utility form's fields in the query string, it also shows the expected gain in
    money (Brogden-Cronbach-Gleser) of the active model.
    """
    version_id, job_id = request.args.get("version", type=int), request.args.get("job", type=int)
    if "salary" not in request.args:
        return _page(role_id, version_id, job_id=job_id)
    form = MoneyUtilityForm(formdata=request.args)
    if not form.validate():
        return _page(role_id, version_id, job_id=job_id, money_form=form, status=400)
    role_or_404(role_id)
    money = utility_summary(
        db(), role_id, salary=form.salary.data, sdy=form.sdy.data,
        cost_per_applicant=form.cost.data, hires_per_year=form.hires.data,
        tenure_years=form.tenure.data, selection_ratio=form.share.data,
    )  # fmt: skip
    if money is None:
        form.salary.errors = ["The role has no active model with a validity to work from."]
        return _page(role_id, version_id, job_id=job_id, money_form=form, status=400)
    return _page(role_id, version_id, job_id=job_id, money_form=form, money=money)


@bp.route("/<int:role_id>/measurement")
@roles_required("admin")
def measurement(role_id: int):
    """Show how well each scale measures in the applicants, and what the SJT adds to the traits."""
    role_or_404(role_id)
    try:
        role, report = role_reliability(db(), role_id)
    except HiringError:
        abort(404)
    return render_template(
        "validity/measurement.html",
        role=role,
        report=report,
        incremental=sjt_incremental_summary(db(), role_id),
    )


@bp.route("/<int:role_id>/calibrations/<int:job_id>")
@roles_required("admin")
def job_status(role_id: int, job_id: int):
    """Say whether a calibration still runs; the page's script polls this to reload when done."""
    job = calibration_jobs.get_job(db(), role_id, job_id)
    if job is None:
        abort(404)
    response = jsonify(status=job.status, seconds=job.seconds)
    response.headers["Cache-Control"] = "no-store"  # every poll must reach the server
    return response


@bp.route("/<int:role_id>/incumbents", methods=["POST"])
@roles_required("admin")
def upload(role_id: int):
    """Replace the role's incumbents with an uploaded CSV; list every problem when it has any."""
    role_or_404(role_id)
    form = IncumbentUploadForm()
    if not form.validate():
        return _page(role_id, upload=form, status=400)
    criterion = Criterion(
        form.outcome.data.strip(), form.rule.data, form.threshold.data, form.share.data,
        not form.lower_is_better.data,
    )  # fmt: skip
    name = form.file.data.filename or "incumbents.csv"
    try:
        text = decode_text(form.file.data.read(MAX_FILE_BYTES + 1), name)
        result = calibration.import_incumbents(
            db(), role_id, text, criterion, filename=name,
            actor=g.user.username, synthetic=form.synthetic.data,
        )  # fmt: skip
    except InputFileError as error:
        form.file.errors = [error.message]
        return _page(role_id, upload=form, status=400)
    except IncumbentFileError as error:
        return _page(role_id, upload=form, problems=error.problems, status=400)
    except HiringError as error:
        form.outcome.errors = [error.message]
        return _page(role_id, upload=form, status=400)
    for notice in result.notices:
        flash(notice, "info")
    flash(
        f"Imported {plural(result.n, 'incumbent')} "
        f"({plural(result.n_positive, 'high performer')}: "
        f"{result.criterion}); the {result.replaced} stored before were replaced.",
        "success",
    )
    return _back(role_id)


def _attempt(call: Callable[[], T], message: Callable[[T], str]) -> T | None:
    """Run a use case; flash its success, or the user's error (then return None)."""
    try:
        result = call()
    except HiringError as error:
        flash(error.message, "error")
        return None
    flash(message(result), "success")
    return result


@bp.route("/<int:role_id>/calibrate", methods=["POST"])
@roles_required("admin")
def calibrate(role_id: int):
    """Start calibrating a new (not yet active) model version in the background."""
    role_or_404(role_id)
    form = CalibrateForm()
    if not form.validate():
        abort(400)
    from hiring.modeling import tasks  # the task queue (Huey) is loaded when first used

    try:
        job = tasks.start_calibration(db(), role_id, method=form.method.data, actor=g.user.username)
    except HiringError as error:
        flash(error.message, "error")
        return _back(role_id)
    return redirect(url_for("validity.role", role_id=role_id, job=job.id, _anchor="calibration"))


@bp.route("/versions/<int:version_id>/activate", methods=["POST"])
@roles_required("admin")
def activate(version_id: int):
    """Make a version its role's active model; weak evidence needs the override's reason."""
    version = _version_or_404(version_id)
    form = ActivateForm()
    if not form.validate():
        if form.csrf_token.errors:
            abort(400)
        return _page(version.role_id, version_id, status=400, activate_form=form)
    try:
        active = calibration.activate_version(
            db(), current_app.instance_path, version_id, actor=g.user.username,
            override_reason=form.override_reason.data,
        )  # fmt: skip
    except calibration.WeakEvidenceError as error:
        form.override_reason.errors = [error.message]
        return _page(version.role_id, version_id, status=400, activate_form=form)
    except HiringError as error:
        flash(error.message, "error")
        return _back(version.role_id, version_id)
    despite = " despite weak evidence (the override is recorded)" if active.override_reason else ""
    flash(f"{active.label} is active{despite}. Re-score earlier candidates to use it.", "success")
    return _back(version.role_id, version_id)


@bp.route("/versions/<int:version_id>/suspend", methods=["POST"])
@roles_required("admin")
def suspend(version_id: int):
    """Suspend a version for good, with a reason."""
    version = _version_or_404(version_id)
    form = SuspendForm()
    if not form.validate():
        flash("Say why the version is suspended (at most 500 characters).", "error")
        return _back(version.role_id, version_id)
    _attempt(
        lambda: calibration.suspend_version(
            db(), version_id, form.reason.data, actor=g.user.username
        ),
        lambda v: f"{v.label} is suspended: no candidate is scored with it.",
    )
    return _back(version.role_id, version_id)


def _rescore_state(role_id: int) -> dict | None:
    """The role's latest re-score; an unfinished one with how many candidates it has left."""
    run = rescoring.latest_run(db(), role_id)
    if run is None or run["status"] != "running":
        return run
    return {**run, "left": rescoring.pending_count(db(), run)}


@bp.route("/<int:role_id>/rescore", methods=["POST"])
@roles_required("admin")
def rescore(role_id: int):
    """Recompute every stored fit of the role with its active model."""
    role_or_404(role_id)
    if not ConfirmForm().validate():
        abort(400)
    from hiring.modeling import tasks  # the task queue (Huey) is loaded when first used

    _attempt(
        lambda: tasks.start_rescore(
            db(), current_app.instance_path, role_id, actor=g.user.username
        ),
        lambda _run: "Re-scoring is on the task queue; this page shows how far it has got.",
    )
    return _back(role_id)


def _predictive_page(role_id: int, upload=None, problems=(), status=200, hires_form=None):
    """Render the predictive-validity page, with the reliabilities the query string gives."""
    role_or_404(role_id)
    form = ReliabilityForm(request.args)
    ryy = {}
    if form.validate():
        ryy = {f.name: f.data for f in form if f.data is not None}
    else:
        status = 400 if status == 200 else status
    view = predictive_view(db(), role_id, ryy)
    html = render_template(
        "validity/predictive.html",
        view=view,
        ryy_form=form,
        upload_form=upload or OutcomeUploadForm(),
        problems=problems,
        hires_form=hires_form or HiresCalibrationForm(),
    )
    return html, status


@bp.route("/<int:role_id>/predictive")
@roles_required("admin")
def predictive(role_id: int):
    """Show whether the fit predicts how hires do: corrected validity, calibration, retention."""
    return _predictive_page(role_id)


@bp.route("/<int:role_id>/outcomes", methods=["POST"])
@roles_required("admin")
def upload_outcomes(role_id: int):
    """Import hires' outcomes from an uploaded CSV; list every problem when it has any."""
    role_or_404(role_id)
    form = OutcomeUploadForm()
    if not form.validate():
        return _predictive_page(role_id, upload=form, status=400)
    name = form.file.data.filename or "outcomes.csv"
    try:
        text = decode_text(form.file.data.read(MAX_FILE_BYTES + 1), name)
        result = import_outcomes(db(), role_id, text, filename=name, actor=g.user.username)
    except InputFileError as error:
        form.file.errors = [error.message]
        return _predictive_page(role_id, upload=form, status=400)
    except OutcomeFileError as error:
        return _predictive_page(role_id, upload=form, problems=error.problems, status=400)
    for notice in result.notices:
        flash(notice, "info")
    flash(
        f"Imported {plural(result.rows, 'outcome row')} for {plural(result.hires, 'hire')} "
        f"({', '.join(result.columns)}).",
        "success",
    )
    return redirect(url_for("validity.predictive", role_id=role_id))


@bp.route("/<int:role_id>/calibrate-with-hires", methods=["POST"])
@roles_required("admin")
def calibrate_with_hires(role_id: int):
    """Start calibrating a new version on incumbents and hires; it is reviewed and activated as usual."""
    role_or_404(role_id)
    form = HiresCalibrationForm()
    if not form.validate():
        if form.csrf_token.errors:
            abort(400)
        return _predictive_page(role_id, status=400, hires_form=form)
    from hiring.modeling import tasks  # the task queue (Huey) is loaded when first used
    from hiring.modeling.hire_outcomes import hires_criterion

    try:
        criterion = hires_criterion(form.outcome.data, form.threshold.data)
        job = tasks.start_calibration(
            db(), role_id, method=form.method.data, actor=g.user.username, hires=criterion
        )
    except HiringError as error:
        form.threshold.errors = [error.message]
        return _predictive_page(role_id, status=400, hires_form=form)
    return redirect(url_for("validity.role", role_id=role_id, job=job.id, _anchor="calibration"))


def _technical(role_id: int):
    """The role's technical report, with the reliabilities the query string gives (or None)."""
    role_or_404(role_id)
    form = ReliabilityForm(request.args)
    if not form.validate():
        return None, form
    ryy = {f.name: f.data for f in form if f.data is not None}
    report = technical_report(
        db(), role_id, ryy=ryy, questions=current_app.config["SELF_ID"],
        min_cell=current_app.config["FAIRNESS_MIN_CELL"],
    )  # fmt: skip
    return report, form


@bp.route("/<int:role_id>/technical-report")
@roles_required("admin")
def technical(role_id: int):
    """The technical validation report on a page: every section, where its numbers come from."""
    report, form = _technical(role_id)
    if report is None:
        return render_template("validity/technical.html", report=None, ryy_form=form), 400
    return render_template("validity/technical.html", report=report, ryy_form=form)


@bp.route("/<int:role_id>/technical-report.pdf")
@roles_required("admin")
def technical_pdf(role_id: int):
    """Download the technical validation report as a PDF."""
    report, _form = _technical(role_id)
    if report is None:
        abort(400)
    try:
        pdf = technical_report_pdf(report, page_size=current_app.config["REPORT_PAGE_SIZE"])
    except ReportError as error:
        current_app.logger.warning("technical report PDF failed: %s", error.message)
        abort(503)
    record_technical_export(db(), g.user.username, report, "pdf")
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{report_filename(report)}"'},
    )
