"""Job roles for recruiters and admins: list, open, close, assign a manager, see the funnel."""

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

from hiring.assessment.questionnaire import QuestionnaireError
from hiring.roles import services as roles
from hiring.roles.pipeline import funnel_stages
from hiring.roles.profiles import shipped_profiles
from hiring.web.access import roles_required
from hiring.web.database import db
from hiring.web.forms.workspace import (
    AssessmentFormForm,
    ConfirmForm,
    ManagerForm,
    RoleForm,
    choices,
)
from hiring.workspace import cohorts
from hiring.workspace.candidate_view import role_model_label

bp = Blueprint("roles", __name__, url_prefix="/roles")
STAFF = ("admin", "recruiter")


def role_or_404(role_id: int) -> dict:
    """Return the role, or answer 404 (for any view taking a role id)."""
    try:
        return roles.get_role(db(), role_id)
    except roles.RoleError:
        abort(404)


def _manager_choices() -> list:
    people = cohorts.managers(db())
    return choices(
        [(None, "No hiring manager yet"), *((m["id"], m["display_name"]) for m in people)]
    )


def _questionnaire_choices() -> tuple[list, list[str]]:
    """Return the installed questionnaires as choices, and why none can be offered if broken."""
    try:
        bank = roles.questionnaire_bank()
    except QuestionnaireError as error:
        return [], error.problems
    return choices((f"{i}@{v}", f"{q.title} (v{v})") for (i, v), q in bank.items()), []


@bp.route("/")
@roles_required(*STAFF)
def index():
    """List roles (open first) with each one's funnel."""
    include_closed = request.args.get("closed") == "1"
    rows = [
        (role, funnel_stages(roles.funnel(db(), role["id"])))
        for role in roles.list_roles(db(), include_closed=include_closed)
    ]
    return render_template("roles/list.html", rows=rows, include_closed=include_closed)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def create():
    """Open a role: title, location, questionnaire, hiring profile and hiring manager."""
    form = RoleForm()
    form.questionnaire.choices, problems = _questionnaire_choices()
    form.profile.choices = choices(sorted({(p.id, p.title) for p in shipped_profiles().values()}))
    form.hiring_manager.choices = _manager_choices()
    if request.method == "POST" and form.validate():
        questionnaire_id, version = form.questionnaire.data.split("@", 1)
        try:
            role = roles.create_role(
                db(),
                title=form.title.data,
                location=form.location.data or "",
                questionnaire_id=questionnaire_id,
                questionnaire_version=version,
                profile_id=form.profile.data,
                actor=g.user.username,
                created_by=g.user.id,
            )
            cohorts.assign_manager(
                db(), role["id"], form.hiring_manager.data, actor=g.user.username
            )
        except (roles.RoleError, cohorts.ManagerError) as error:
            form.title.errors = [*form.title.errors, error.message]
        except QuestionnaireError as error:  # the file changed under a published version
            form.questionnaire.errors = [*form.questionnaire.errors, *error.problems]
        else:
            flash(f"Role “{role['title']}” is open.", "success")
            return redirect(url_for("roles.detail", role_id=role["id"]))
    if problems:
        form.questionnaire.errors = [*form.questionnaire.errors, *problems]
    return render_template("roles/new.html", form=form)


@bp.route("/<int:role_id>")
@roles_required(*STAFF)
def detail(role_id: int, form_form: AssessmentFormForm | None = None):
    """Show a role: what it uses, its funnel, its manager, and the way to its candidates."""
    role = role_or_404(role_id)
    manager_form = ManagerForm(hiring_manager=role.get("hiring_manager_id"))
    manager_form.hiring_manager.choices = _manager_choices()
    manager = db()["users"].get(role["hiring_manager_id"]) if role["hiring_manager_id"] else None
    return render_template(
        "roles/detail.html",
        role=role,
        funnel=funnel_stages(roles.funnel(db(), role_id)),
        model_label=role_model_label(db(), role),
        manager=manager,
        manager_form=manager_form,
        close_form=ConfirmForm(),
        form_form=form_form or AssessmentFormForm(form=role["form"]),
        invite_endpoints=current_app.view_functions,
    )


@bp.route("/<int:role_id>/form", methods=["POST"])
@roles_required(*STAFF)
def set_form(role_id: int):
    """Choose the full questionnaire or the adaptive short form; re-show the page if refused."""
    role_or_404(role_id)
    form = AssessmentFormForm()
    if form.validate():
        try:
            role = roles.set_role_form(db(), role_id, form.form.data, actor=g.user.username)
        except roles.RoleError as error:
            form.form.errors.append(error.message)
        else:
            flash(f"New candidates for this role take the {role['form']} form.", "success")
            return redirect(url_for("roles.detail", role_id=role_id))
    return detail(role_id, form), 400


@bp.route("/<int:role_id>/manager", methods=["POST"])
@roles_required(*STAFF)
def set_manager(role_id: int):
    """Change the role's hiring manager."""
    role_or_404(role_id)
    form = ManagerForm()
    form.hiring_manager.choices = _manager_choices()
    if form.validate():
        try:
            cohorts.assign_manager(db(), role_id, form.hiring_manager.data, actor=g.user.username)
        except cohorts.ManagerError as error:
            flash(error.message, "error")
        else:
            flash("The hiring manager was changed.", "success")
    else:
        flash("Choose a manager from the list.", "error")
    return redirect(url_for("roles.detail", role_id=role_id))


@bp.route("/<int:role_id>/close", methods=["POST"])
@roles_required(*STAFF)
def close(role_id: int):
    """Close a role to new invites."""
    role_or_404(role_id)
    if not ConfirmForm().validate():
        abort(400)
    role = roles.close_role(db(), role_id, actor=g.user.username)
    flash(f"Role “{role['title']}” is closed to new invites.", "success")
    return redirect(url_for("roles.detail", role_id=role_id))
