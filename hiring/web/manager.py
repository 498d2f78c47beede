"""Hiring managers' pages: their hires, each one's onboarding plan, and the cohort's needs."""

from datetime import date

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for

from hiring.accounts import audit
from hiring.web.access import roles_required
from hiring.web.database import db
from hiring.web.forms.workspace import IdsForm
from hiring.workspace import cohorts, exports

bp = Blueprint("manager", __name__, url_prefix="/manager")
MANAGERS = ("admin", "manager")


def _scope() -> int | None:
    """A manager sees their own roles; an admin sees every role."""
    return None if g.user.role == "admin" else g.user.id


@bp.route("/")
@roles_required(*MANAGERS)
def hires():
    """List the people hired into the manager's roles."""
    return render_template(
        "manager/hires.html",
        hires=cohorts.hires(db(), _scope()),
        roles=cohorts.manager_roles(db(), _scope()),
        form=IdsForm(),
    )


@bp.route("/hires/<int:candidate_id>")
@roles_required(*MANAGERS)
def hire(candidate_id: int):
    """Show one hire's onboarding plan: their gaps mapped to development modules."""
    try:
        detail = cohorts.hire_detail(db(), _scope(), candidate_id)
    except cohorts.NotFound:
        abort(404)
    audit.record(db(), g.user.username, "candidate.view", "candidate", candidate_id, page="plan")
    return render_template("manager/hire.html", d=detail, plan=cohorts.onboarding_plan(detail))


def _cohort_ids() -> list[int]:
    """The chosen hires, or every hire of the manager's roles when none was chosen."""
    form = IdsForm(formdata=request.args)
    form.validate()
    return form.c.data or [row["id"] for row in cohorts.hires(db(), _scope())]


@bp.route("/cohort")
@roles_required(*MANAGERS)
def cohort():
    """Show how many of the chosen hires need each module, in the order to run them."""
    ids = _cohort_ids()
    if not ids:
        flash("There are no hires to plan for yet.", "info")
        return redirect(url_for("manager.hires"))
    try:
        modules = cohorts.cohort(db(), _scope(), ids)
    except cohorts.NotFound:
        abort(404)
    return render_template("manager/cohort.html", modules=modules, ids=ids)


@bp.route("/cohort.csv")
@roles_required(*MANAGERS)
def cohort_csv():
    """Download the cohort's training needs as CSV."""
    ids = _cohort_ids()
    try:
        modules = cohorts.cohort(db(), _scope(), ids)
    except cohorts.NotFound:
        abort(404)
    audit.record(db(), g.user.username, "cohort.export", "candidate", "", hires=ids)
    body = "".join(exports.csv_lines(cohorts.cohort_rows(modules)))
    filename = f"onboarding-cohort-{date.today().isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
