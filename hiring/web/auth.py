"""Sign in (password, then a code when a second factor is on), sign out, change one's password."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for

from hiring.accounts import sessions as staff_sessions
from hiring.accounts import throttle, two_factor
from hiring.accounts import users as accounts
from hiring.accounts.passwords import verify_password
from hiring.web.access import login_required
from hiring.web.database import db
from hiring.web.forms.auth import CodeForm, LoginForm, PasswordChangeForm

PENDING_SECONDS = 5 * 60  # time allowed between the password and the code

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _safe_next(target: str | None) -> str:
    """Only follow a relative ``next`` path, never another site."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form and start a fresh session on success."""
    form = LoginForm()
    if request.method == "POST" and form.validate():
        try:
            user = accounts.authenticate(
                db(), form.username.data, form.password.data, request.remote_addr or "unknown"
            )
        except accounts.AccountError as error:
            form.password.errors = [error.message]
        else:
            session.clear()  # a new session at sign-in: nothing carries over
            if two_factor.is_enabled(db(), user.id):
                session["pending"] = [user.id, user.password_changed_at, throttle.clock()]
                return redirect(url_for("auth.code", next=request.args.get("next")))
            return _signed_in(user)
    return render_template("auth/login.html", form=form)


def _signed_in(user: accounts.User):
    """Start the server-side session and go where the user was heading."""
    session.clear()
    session["user_id"] = user.id
    session["stamp"] = user.password_changed_at
    session["sid"] = staff_sessions.start_session(db(), user.id)
    flash(f"Welcome, {user.display_name}.", "success")
    return redirect(_safe_next(request.args.get("next")))


def _pending_user() -> accounts.User | None:
    """Return the user whose password was right a moment ago, if it still stands."""
    user_id, stamp, at = session.get("pending") or (None, None, 0.0)
    if user_id is None or throttle.clock() - at > PENDING_SECONDS:
        return None
    try:
        user = accounts.get_user(db(), user_id)
    except accounts.AccountError:
        return None
    return user if user.active and user.password_changed_at == stamp else None


@bp.route("/code", methods=["GET", "POST"])
def code():
    """Ask for the second factor after the password; sign in when it is right."""
    user = _pending_user()
    if user is None:
        session.pop("pending", None)
        flash("Please sign in again: the code was not entered within five minutes.", "info")
        return redirect(url_for("auth.login", next=request.args.get("next")))
    form = CodeForm()
    if request.method == "POST" and form.validate():
        try:
            kind = two_factor.verify(db(), user, form.code.data)
        except two_factor.TwoFactorError as error:
            form.code.errors = [error.message]
        else:
            response = _signed_in(user)
            if kind == "recovery":
                left = two_factor.status(db(), user).recovery_codes_left
                flash(f"You used a recovery code; {left} left. Make new ones under "
                      "Second factor if you are running low.", "warning")  # fmt: skip
            return response
    return render_template("auth/code.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """End the session, on the server too, so that a copied cookie stops working."""
    staff_sessions.end_session(db(), session.get("sid"))
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Let a signed-in user change their own password."""
    form = PasswordChangeForm()
    if request.method == "POST" and form.validate():
        row = db()["users"].get(g.user.id)
        if not verify_password(row["password_hash"], form.current.data):
            form.current.errors = ["That is not your current password."]
        else:
            try:
                accounts.set_password(db(), g.user.username, form.new.data, actor=g.user.username)
            except accounts.AccountError as error:
                form.new.errors = [error.message]
            else:
                session["stamp"] = db()["users"].get(g.user.id)["password_changed_at"]
                flash("Your password was changed.", "success")
                return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)
