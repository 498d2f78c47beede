"""The admin page that browses and filters the append-only audit log."""

from flask import Blueprint, render_template, request
from wtforms import SelectChoice

from hiring.accounts import audit_search
from hiring.web.access import roles_required
from hiring.web.database import db
from hiring.web.forms.rights import AuditFilterForm

bp = Blueprint("audit_log", __name__, url_prefix="/admin/audit")


@bp.route("/")
@roles_required("admin")
def index():
    """Show events newest first, filtered by who, what, which record and when."""
    form = AuditFilterForm(formdata=request.args)
    form.action.choices = [
        SelectChoice("", "Any action"),
        *(SelectChoice(a, a) for a in audit_search.actions(db())),
    ]
    if not form.validate():
        return render_template("audit/log.html", form=form, page=None, query={}), 400
    filters = audit_search.AuditFilters(
        actor=form.actor.data or "",
        action=form.action.data or "",
        target_type=form.target_type.data or "",
        target_id=form.target_id.data or "",
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        form.date_to.errors = ["The end date is before the start date."]
        return render_template("audit/log.html", form=form, page=None, query={}), 400
    page = audit_search.search(db(), filters, before=form.before.data)
    query = {k: v for k, v in request.args.items() if k != "before" and v}
    return render_template("audit/log.html", form=form, page=page, query=query)
