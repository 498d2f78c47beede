"""Admins' incumbent study pages: open a study, invite employees, follow it, KPIs, calibration set."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from hiring.accounts import audit
from hiring.candidates.links import LinkBase, link_base
from hiring.errors import HiringError
from hiring.fairness.participation import study_participation
from hiring.modeling.incumbents import IncumbentFileError
from hiring.roles import services as roles
from hiring.store.text_input import MAX_FILE_BYTES, InputFileError, decode_text
from hiring.team import calibration_set, studies
from hiring.team.mail import deliver
from hiring.team.roster import EmployeeRow, RosterError
from hiring.web.access import roles_required
from hiring.web.database import db
from hiring.web.forms.study import (
    ActionForm,
    CalibrationSetForm,
    EmployeeForm,
    FileForm,
    OpenStudyForm,
)

bp = Blueprint("studies", __name__, url_prefix="/admin/studies")


def _link_base() -> LinkBase:
    """Where this request's links may start (never an untrusted Host header)."""
    return link_base(current_app.config, request.host_url, request.host)


def _manager_choices() -> list[tuple[str, str]]:
    rows = db()["users"].rows_where(
        "active = 1 AND role IN ('manager', 'admin')", order_by="username"
    )
    return [("", "No manager")] + [
        (r["username"], r["display_name"] or r["username"]) for r in rows
    ]


@bp.route("/", methods=["GET", "POST"])
@roles_required("admin")
def index():
    """List the studies and open a new one for a role."""
    form = OpenStudyForm()
    form.role.choices = [("", "Choose a role")] + [
        (r["slug"], r["title"]) for r in roles.list_roles(db())
    ]
    if request.method == "POST" and form.validate():
        try:
            study = studies.open_study(db(), form.role.data, actor=g.user.username)
        except HiringError as error:
            form.role.errors = [error.message]
        else:
            flash(
                f"Study {study['id']} is open for {study['role_title']}: invite employees below.",
                "good",
            )
            return redirect(url_for("studies.study", study_id=study["id"]))
    return render_template("studies/index.html", form=form, studies=studies.list_studies(db()))


def _study_or_404(study_id: int) -> dict:
    try:
        return studies.get_study(db(), study_id)
    except studies.NotFound:
        abort(404)


def _page(study_id: int, status: int = 200, **forms):
    study = studies.get_study(db(), study_id)
    one = forms.pop("one", None) or EmployeeForm(prefix="one")
    one.manager.choices = _manager_choices()
    html = render_template(
        "studies/study.html", study=study, progress=studies.progress(db(), study_id),
        unfinished=studies.unfinished(db(), study_id), one=one,
        upload=forms.pop("upload", None) or FileForm(prefix="upload"),
        kpis=forms.pop("kpis", None) or FileForm(prefix="kpis"),
        cal=forms.pop("cal", None) or CalibrationSetForm(prefix="cal"), action=ActionForm(),
        participation=study_participation(db(), study_id, current_app.config["FAIRNESS_MIN_CELL"]),
        base=_link_base(), **forms,
    )  # fmt: skip
    return html, status


@bp.route("/<int:study_id>")
@roles_required("admin")
def study(study_id: int):
    """Show a study: responses by team, who has not finished, KPIs and the calibration set."""
    page = _page(_study_or_404(study_id)["id"])
    audit.record(db(), g.user.username, "study.view", "study", study_id)
    return page


def _sent(study_id: int, made: list, title: str, reminder: bool = False):
    base = _link_base()
    deliveries = deliver(
        current_app.config, made, base.url or "", may_email=base.configured, reminder=reminder
    )
    return render_template("studies/sent.html", title=title, deliveries=deliveries, study_id=study_id,
                           days=current_app.config["INVITE_DAYS"])  # fmt: skip


def _invite(study_id: int, rows: list[EmployeeRow], title: str):
    made = studies.invite_employees(
        db(), study_id, rows, days=current_app.config["INVITE_DAYS"], actor=g.user.username
    )
    return _sent(study_id, made, title)


@bp.route("/<int:study_id>/invite", methods=["POST"])
@roles_required("admin")
def invite_one(study_id: int):
    """Invite one employee to the study."""
    _study_or_404(study_id)
    form = EmployeeForm(prefix="one")
    form.manager.choices = _manager_choices()
    if form.validate() and _link_base().url is not None:
        row = EmployeeRow(1, form.employee_id.data.strip(), " ".join(form.name.data.split()),
                          form.email.data.strip(), " ".join((form.team.data or "").split()), form.manager.data or "")  # fmt: skip
        try:
            return _invite(study_id, [row], "Employee invited")
        except (RosterError, HiringError) as error:
            form.employee_id.errors = [
                p.removeprefix("row 1: ") for p in getattr(error, "problems", [error.message])
            ]
    elif _link_base().url is None:
        form.employee_id.errors = [_link_base().problem]
    return _page(study_id, 400, one=form)


@bp.route("/<int:study_id>/upload", methods=["POST"])
@roles_required("admin")
def upload(study_id: int):
    """Invite every employee of a CSV file; nothing is imported while any row has a problem."""
    _study_or_404(study_id)
    form = FileForm(prefix="upload")
    if form.validate() and _link_base().url is not None:
        name = form.file.data.filename or "The file"
        try:
            text = decode_text(form.file.data.read(MAX_FILE_BYTES + 1), name)
            made = studies.invite_file(
                db(), study_id, text, source=name, days=current_app.config["INVITE_DAYS"],
                actor=g.user.username,
            )  # fmt: skip
        except RosterError as error:
            form.file.errors = error.problems
        except (InputFileError, HiringError) as error:
            form.file.errors = [error.message]
        else:
            return _sent(
                study_id,
                made,
                f"{len(made)} employees invited" if len(made) != 1 else "1 employee invited",
            )
    elif _link_base().url is None:
        form.file.errors = [_link_base().problem]
    return _page(study_id, 400, upload=form)


@bp.route("/<int:study_id>/remind", methods=["POST"])
@roles_required("admin")
def remind(study_id: int):
    """Send everyone who has not finished a new link (the old one stops working)."""
    if not ActionForm().validate() or _link_base().url is None:
        flash(_link_base().problem or "The form expired; try again.", "bad")
        return redirect(url_for("studies.study", study_id=study_id))
    try:
        made = studies.remind(
            db(), study_id, days=current_app.config["INVITE_DAYS"], actor=g.user.username
        )
    except HiringError as error:
        flash(error.message, "bad")
        return redirect(url_for("studies.study", study_id=study_id))
    return _sent(study_id, made, "Reminders made", reminder=True)


@bp.route("/<int:study_id>/next-round", methods=["POST"])
@roles_required("admin")
def next_round(study_id: int):
    """Close the study and open its next round with everyone who completed this one."""
    if not ActionForm().validate() or _link_base().url is None:
        flash(_link_base().problem or "The form expired; try again.", "bad")
        return redirect(url_for("studies.study", study_id=study_id))
    try:
        new, made = studies.next_round(
            db(), study_id, days=current_app.config["INVITE_DAYS"], actor=g.user.username
        )
    except HiringError as error:
        flash(error.message, "bad")
        return redirect(url_for("studies.study", study_id=study_id))
    return _sent(new["id"], made, f"Round {new['round']} opened")


@bp.route("/<int:study_id>/kpis", methods=["POST"])
@roles_required("admin")
def kpis(study_id: int):
    """Import the study's KPI file; every problem is named and nothing is stored until none."""
    _study_or_404(study_id)
    form = FileForm(prefix="kpis")
    if form.validate():
        name = form.file.data.filename or "kpis.csv"
        try:
            text = decode_text(form.file.data.read(MAX_FILE_BYTES + 1), name)
            done = calibration_set.import_kpis(
                db(), study_id, text, filename=name, actor=g.user.username
            )
        except IncumbentFileError as error:
            form.file.errors = error.problems
        except (InputFileError, HiringError) as error:
            form.file.errors = [error.message]
        else:
            for notice in done.notices:
                flash(notice, "info")
            flash(f"KPIs of {done.n} employees imported ({', '.join(done.columns)}).", "good")
            return redirect(url_for("studies.study", study_id=study_id))
    return _page(study_id, 400, kpis=form)


@bp.route("/<int:study_id>/calibration-set", methods=["POST"])
@roles_required("admin")
def build_set(study_id: int):
    """Replace the role's incumbents with the study's answers and KPI, then go to Validity."""
    study = _study_or_404(study_id)
    form = CalibrationSetForm(prefix="cal")
    if form.validate():
        try:
            criterion = calibration_set.criterion_for(
                form.column.data, form.rule.data, form.threshold.data, form.share.data
            )
            result, _missing = calibration_set.build_calibration_set(
                db(), study_id, criterion, actor=g.user.username
            )
        except IncumbentFileError as error:
            form.column.errors = error.problems
        except HiringError as error:
            form.column.errors = [error.message]
        else:
            for notice in result.notices:
                flash(notice, "info")
            flash(f"Calibration set built from study {study_id}: {result.n} employees, "
                  f"{result.n_positive} high performers ({result.criterion}). Calibrate it here.", "good")  # fmt: skip
            return redirect(url_for("validity.role", role_id=study["role_id"]))
    return _page(study_id, 400, cal=form)
