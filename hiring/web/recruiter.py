"""Recruiters' pages: a role's ranked candidates, one candidate, decisions, notes, compare, CSV."""

import functools
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    get_template_attribute,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from markupsafe import Markup

from hiring.accounts import audit
from hiring.candidates import invites, reminders
from hiring.candidates.links import link_base
from hiring.errors import HiringError
from hiring.modeling.versions import weak_versions_in_use
from hiring.roles.pipeline import OPEN_STATUSES
from hiring.roles.profiles import feature_names
from hiring.web.access import roles_required
from hiring.web.database import db
from hiring.web.forms.invite import ReissueForm
from hiring.web.forms.workspace import BulkForm, IdsForm, ListFilterForm, NoteForm, StatusForm
from hiring.web.fragments import fragment
from hiring.web.invite import STAFF as INVITERS
from hiring.web.invite import _sent as links_page
from hiring.web.ranked_rows import ranked_rows
from hiring.web.roles import role_or_404
from hiring.workspace import bulk, decisions, exports, ranking
from hiring.workspace.candidate_view import NotFound, candidate_detail, compare

bp = Blueprint("recruiter", __name__)
STAFF = ("admin", "recruiter")
_ROW_ID = 987654321  # stands in for a row's id in a URL built once per page


def _row_url(endpoint: str, **values: object) -> str:
    """``endpoint``'s URL with ``{}`` where a row's id goes: built once, not once per row."""
    return url_for(endpoint, candidate_id=_ROW_ID, **values).replace(str(_ROW_ID), "{}")


def _filters(form: ListFilterForm) -> tuple[ranking.ListFilters, str | None]:
    """Read the filter form; on a bad value show the whole list and say why."""
    if not form.validate():
        said = " ".join(e for errors in form.errors.values() for e in errors if e.endswith("."))
        return (
            ranking.ListFilters(),
            f"Some filters were not understood and were left out. {said}".strip(),
        )
    try:
        return ranking.ListFilters(
            status=form.status.data or "",
            band=form.band.data or "",
            flags=form.flags.data or "",
            date_from=form.date_from.data,
            date_to=form.date_to.data,
            search=(form.q.data or "").strip(),
            sort=form.sort.data or "fit",
        ), None
    except ranking.ListError as error:
        return ranking.ListFilters(), error.message


@bp.route("/roles/<int:role_id>/candidates")
@roles_required(*STAFF)
def ranked(role_id: int):
    """Show a role's candidates ranked by calibrated fit, filtered, sorted and paged by key."""
    return _ranked_page(role_or_404(role_id), BulkForm(formdata=None))


def _ranked_page(role: dict, bulk_form: BulkForm, problem_status: int = 200):
    """The ranked list with the bulk-action form (re-shown with its errors after a refusal)."""
    role_id = role["id"]
    form = ListFilterForm(formdata=request.args)
    filters, problem = _filters(form)
    if filters.search and not ranking.search_query(filters.search):
        problem = ranking.UNSEARCHABLE
    try:
        page = ranking.ranked_page(db(), role_id, filters, request.args.get("page") or None)
    except ranking.ListError as error:
        problem = error.message
        page = ranking.ranked_page(db(), role_id, filters)
    args = {k: v for k, v in request.args.items() if k not in ("page", "select") and v}
    asked = tuple((name, tuple(request.args.getlist(name))) for name in form._fields)
    checked = (
        set(bulk_form.c.data or [])
        if bulk_form.c.data or request.args.get("select") != "all"
        else {row["id"] for row in page.rows}
    )
    return render_template(
        "recruiter/list.html",
        role=role,
        form=form,
        filters_form=fragment(
            "list-filters",
            (role_id, asked),
            lambda: render_template("recruiter/_list_filters.html", form=form, role=role),
        ),
        page=page,
        problem=problem,
        args=args,
        rows=ranked_rows(page.rows, feature_names(role), checked, _row_url("recruiter.candidate")),
        bulk_form=bulk_form,
        bulk_fields=_fields("bulk_fields", bulk_form, fresh=not bulk_form.is_submitted()),
        here={**args, **({"page": request.args["page"]} if request.args.get("page") else {})},
        weak_models=weak_versions_in_use(db(), role_id),
    ), problem_status


@bp.route("/roles/<int:role_id>/candidates.csv")
@roles_required(*STAFF)
def export(role_id: int):
    """Download the filtered list as CSV, safe to open in a spreadsheet."""
    role = role_or_404(role_id)
    filters, problem = _filters(ListFilterForm(formdata=request.args))
    if problem:
        abort(400)
    audit.record(
        db(), g.user.username, "candidates.export", "role", role_id, filters=filters.__dict__
    )
    return _csv(role, ranking.all_rows(db(), role_id, filters))


def _csv(role: dict, rows) -> Response:
    """Stream list rows as a CSV download named for the role and today."""
    filename = f"{role['slug']}-candidates-{date.today().isoformat()}.csv"
    return Response(
        stream_with_context(exports.csv_lines(exports.list_rows(rows, feature_names(role)))),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/roles/<int:role_id>/candidates/bulk", methods=["POST"])
@roles_required(*STAFF)
def bulk_action(role_id: int):
    """Act on the selected candidates: one decision, new links, a CSV, or compare."""
    role = role_or_404(role_id)
    form = BulkForm()
    if not form.validate():
        return _ranked_page(role, form, 400)
    here = {k: v for k, v in request.args.items() if k != "select" and v}
    ids, back = form.c.data or [], url_for("recruiter.ranked", role_id=role_id, **here)
    try:
        if form.action.data == "compare":
            return redirect(url_for("recruiter.compare_view", role_id=role_id, c=ids))
        if form.action.data == "export":
            return _csv(role, bulk.export_rows(db(), role_id, ids, actor=g.user.username))
        if form.action.data == "resend":
            return _resend(role_id, ids, back)
        outcome = bulk.decide(
            db(), role_id, ids, form.status.data, reason=form.reason.data or "",
            override=form.override.data, user_id=g.user.id, actor=g.user.username,
        )  # fmt: skip
    except bulk.BulkError as error:
        form.c.errors = [*form.c.errors, error.message]
        return _ranked_page(role, form, 400)
    flash(
        outcome.summary(f"moved to {form.status.data}"), "warning" if outcome.refused else "success"
    )
    return redirect(back)


def _resend(role_id: int, ids: list[int], back: str):
    """Make new links for the selected unfinished candidates and queue their e-mails."""
    base = link_base(current_app.config, request.host_url, request.host)
    if base.url is None:  # refuse before any old link is voided
        raise bulk.BulkError(base.problem)
    made, outcome = bulk.reissue(
        db(), role_id, ids, days=current_app.config["INVITE_DAYS"], actor=g.user.username
    )
    problems = [f"{row['name']}: {why}" for row, why in outcome.refused]
    return links_page(invites.InviteBatch(invited=made, problems=problems), "New links made", back)


@bp.route("/roles/<int:role_id>/compare")
@roles_required(*STAFF)
def compare_view(role_id: int):
    """Show two to four candidates of a role side by side."""
    role = role_or_404(role_id)
    form = IdsForm(formdata=request.args)
    try:
        details = compare(db(), role_id, form.c.data or [])
    except NotFound:
        abort(404)
    except HiringError as error:
        flash(error.message, "error")
        return redirect(url_for("recruiter.ranked", role_id=role_id))
    for detail in details:
        audit.record(db(), g.user.username, "candidate.view", "candidate", detail.candidate["id"])
    return render_template("recruiter/compare.html", role=role, details=details)


def _fields(macro: str, form, fresh: bool) -> Markup:
    """A form's fields from ``recruiter/_candidate_fields.html``; a fresh form's are kept."""
    render = functools.partial(
        get_template_attribute("recruiter/_candidate_fields.html", macro), form
    )
    key = tuple(repr(field.data) for field in form if field.name != "csrf_token")
    return fragment(macro, key, render) if fresh else Markup(render())  # noqa: S704 - Jinja's


def _candidate_page(candidate_id: int, status_form=None, note_form=None):
    try:
        detail = candidate_detail(db(), candidate_id)
    except NotFound:
        abort(404)
    audit.record(db(), g.user.username, "candidate.view", "candidate", candidate_id)
    fresh_status = status_form is None
    status_form = status_form or StatusForm(
        status=decisions.next_status(detail.candidate["status"])
    )
    fresh_note, note_form = note_form is None, note_form or NoteForm()
    return render_template(
        "recruiter/candidate.html",
        d=detail,
        status_form=status_form,
        note_form=note_form,
        decision_fields=_fields("decision_fields", status_form, fresh_status),
        note_field=_fields("note_field", note_form, fresh_note),
        history=decisions.status_history(db(), candidate_id),
        notes=decisions.notes(db(), candidate_id),
        can_decide=detail.candidate["status"] in decisions.DECISION_STATUSES,
        low_fit=decisions.LOW_FIT_BANDS.get(detail.candidate.get("band") or ""),
        has_report="reports.candidate_report" in current_app.view_functions,
        reissue_form=ReissueForm()
        if detail.candidate["status"] in OPEN_STATUSES and g.user.role in INVITERS
        else None,
        invite_days=current_app.config["INVITE_DAYS"],
        reminders=reminders.reminder_state(db(), candidate_id),
        reminder_days=_reminder_days(),
    )


def _reminder_days() -> tuple[int, ...]:
    """The configured reminder days; none shown when the setting cannot be read."""
    try:
        return reminders.reminder_days(current_app.config["REMINDER_DAYS"])
    except reminders.ReminderError:
        return ()


@bp.route("/candidates/<int:candidate_id>")
@roles_required(*STAFF)
def candidate(candidate_id: int):
    """Show one candidate's evidence, decisions and notes."""
    return _candidate_page(candidate_id)


@bp.route("/candidates/<int:candidate_id>/status", methods=["POST"])
@roles_required(*STAFF)
def change_status(candidate_id: int):
    """Record a person's decision on the candidate."""
    form = StatusForm()
    if form.validate():
        try:
            decisions.change_status(
                db(),
                candidate_id,
                form.status.data,
                user_id=g.user.id,
                actor=g.user.username,
                reason=form.reason.data or "",
                override=form.override.data,
            )
        except decisions.UnknownCandidate:
            abort(404)
        except decisions.DecisionError as error:
            form.reason.errors = [*form.reason.errors, error.message]
        else:
            flash(f"Status changed to {form.status.data}.", "success")
            return redirect(url_for("recruiter.candidate", candidate_id=candidate_id))
    return _candidate_page(candidate_id, status_form=form)


@bp.route("/candidates/<int:candidate_id>/notes", methods=["POST"])
@roles_required(*STAFF)
def add_note(candidate_id: int):
    """Attach a note to the candidate."""
    form = NoteForm()
    if form.validate():
        try:
            decisions.add_note(
                db(), candidate_id, form.body.data, user_id=g.user.id, actor=g.user.username
            )
        except decisions.UnknownCandidate:
            abort(404)
        except decisions.DecisionError as error:
            form.body.errors = [*form.body.errors, error.message]
        else:
            flash("Note added.", "success")
            return redirect(url_for("recruiter.candidate", candidate_id=candidate_id) + "#notes")
    return _candidate_page(candidate_id, note_form=form)
