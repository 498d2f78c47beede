"""The admin action that erases a candidate, after a confirmation that names them."""

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

from hiring.candidates import erasure
from hiring.candidates.records import CandidateError, get_candidate
from hiring.roles.services import get_role
from hiring.web.access import roles_required
from hiring.web.database import db
from hiring.web.forms.rights import EraseForm

bp = Blueprint("erasure", __name__, url_prefix="/admin/erasure")
MENTIONS_LEFT = (
    "Notes on other candidates still name the erased person (listed in the line above). They "
    "were left as written because they belong to those candidates; review them with their authors."
)


@bp.route("/")
@roles_required("admin")
def find():
    """Ask for the number of the candidate to erase."""
    number = request.args.get("candidate", "").strip()
    if number.isdigit():
        return redirect(url_for("erasure.confirm", candidate_id=int(number)))
    return render_template("erasure/find.html", number=number)


@bp.route("/<int:candidate_id>", methods=["GET", "POST"])
@roles_required("admin")
def confirm(candidate_id: int):
    """Show who would be erased; erase on a confirmed POST."""
    try:
        candidate = get_candidate(db(), candidate_id)
    except CandidateError:
        abort(404)
    form = EraseForm()
    if request.method == "POST" and form.validate():
        if form.confirm_id.data != candidate_id:
            form.confirm_id.errors = [f"Type {candidate_id} to confirm this candidate."]
        else:
            done = erasure.erase_candidate(
                db(),
                current_app.config["INSTANCE_PATH"],
                candidate_id,
                actor=g.user.username,
                reason="admin request",
                redact_mentions=bool(form.redact_mentions.data),
            )
            flash(f"Erased {done.describe()}.", "success")
            if done.mentions_left:
                flash(MENTIONS_LEFT, "warning")
            if not done.wal_checkpointed:
                flash(erasure.WAL_BUSY, "warning")
            return redirect(url_for("erasure.find"))
    role = get_role(db(), candidate["role_id"])
    mentions = erasure.mentions_of(db(), candidate_id)
    return render_template(
        "erasure/confirm.html", candidate=candidate, role=role, form=form, mentions=mentions
    )
