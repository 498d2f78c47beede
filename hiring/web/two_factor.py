"""A staff member's second factor: set it up, see recovery codes once, replace them, turn it off."""

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for

from hiring.accounts import two_factor
from hiring.web.access import login_required
from hiring.web.database import db
from hiring.web.forms.auth import CodeForm, TwoFactorOffForm
from hiring.web.forms.workspace import ConfirmForm

bp = Blueprint("two_factor", __name__, url_prefix="/auth/two-factor")


def _page(code_form=None, off_form=None, status: int = 200):
    state = two_factor.status(db(), g.user)
    enrolment = None
    if not state.enabled:
        try:
            enrolment = two_factor.enrolment_for(db(), g.user)
        except two_factor.TwoFactorError:
            enrolment = None  # not started yet
    html = render_template(
        "auth/two_factor.html",
        state=state,
        enrolment=enrolment,
        start_form=ConfirmForm(),
        code_form=code_form or CodeForm(),
        off_form=off_form or TwoFactorOffForm(prefix="off"),
    )
    return html, status


@bp.route("/")
@login_required
def index():
    """Show where the user stands, and the next step."""
    return _page()


@bp.route("/start", methods=["POST"])
@login_required
def start():
    """Make a new secret for the authenticator app and show it."""
    if not ConfirmForm().validate():
        abort(400)
    try:
        two_factor.start_enrolment(db(), g.user)
    except two_factor.TwoFactorError as error:
        flash(error.message, "error")
    return redirect(url_for("two_factor.index"))


def _codes_page(codes: list[str], title: str):
    return render_template("auth/recovery_codes.html", codes=codes, title=title)


@bp.route("/confirm", methods=["POST"])
@login_required
def confirm():
    """Turn the second factor on with a first code from the app; show the recovery codes."""
    form = CodeForm()
    if form.validate():
        try:
            codes = two_factor.confirm_enrolment(db(), g.user, form.code.data)
        except two_factor.TwoFactorError as error:
            form.code.errors = [error.message]
        else:
            return _codes_page(codes, "Your second factor is on")
    return _page(code_form=form, status=400)


@bp.route("/recovery-codes", methods=["POST"])
@login_required
def recovery_codes():
    """Replace the recovery codes after a code proves it is the owner."""
    form = CodeForm()
    if form.validate():
        try:
            codes = two_factor.regenerate_recovery_codes(db(), g.user, form.code.data)
        except two_factor.TwoFactorError as error:
            form.code.errors = [error.message]
        else:
            return _codes_page(codes, "Your new recovery codes")
    return _page(code_form=form, status=400)


@bp.route("/off", methods=["POST"])
@login_required
def turn_off():
    """Turn the second factor off (refused when the role requires it)."""
    form = TwoFactorOffForm(prefix="off")
    if form.validate():
        try:
            two_factor.disable(db(), g.user, form.password.data, form.code.data)
        except two_factor.TwoFactorError as error:
            form.code.errors = [error.message]
        else:
            flash("Your second factor is off. Sign-in asks for your password only.", "success")
            return redirect(url_for("two_factor.index"))
    return _page(off_form=form, status=400)


@bp.after_request
def no_store(response):
    """Keep secrets and recovery codes out of every cache."""
    response.headers["Cache-Control"] = "no-store"
    return response
