"""Who is signed in, and decorators that let only some roles through."""

import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for

from hiring.accounts import sessions as staff_sessions
from hiring.accounts import two_factor
from hiring.accounts.users import User
from hiring.store.plurals import plural
from hiring.web.database import db

TIMED_OUT = {
    staff_sessions.ENDED_IDLE: "You were signed out after {idle_span} without activity.",
    staff_sessions.ENDED_TOO_OLD: "You were signed out {hours_span} after signing in.",
}


def load_user() -> None:
    """Put the signed-in staff member in ``g.user``; end stale sessions.

    A session carries the password-change stamp; changing a password, role or
    active flag changes the stamp, which signs out every other session. It also carries
    the id of its server-side record, which signing out, the idle timeout and the
    absolute timeout end.
    """
    g.user = None
    user_id = session.get("user_id")
    if user_id is None or request.path.startswith("/api/"):  # the API takes keys, not cookies
        return
    rows = list(db().query("SELECT * FROM users WHERE id = ? AND active = 1", [user_id]))
    if not rows or rows[0]["password_changed_at"] != session.get("stamp"):
        session.clear()
        return
    ended = staff_sessions.check_session(
        db(),
        session.get("sid"),
        user_id,
        idle_minutes=current_app.config["SESSION_IDLE_MINUTES"],
        max_hours=current_app.config["SESSION_MAX_HOURS"],
    )
    if ended:
        session.clear()
        if ended in TIMED_OUT:
            idle = current_app.config["SESSION_IDLE_MINUTES"]
            hours = current_app.config["SESSION_MAX_HOURS"]
            flash(
                TIMED_OUT[ended].format(
                    idle_span=plural(idle, "minute"), hours_span=plural(hours, "hour")
                )
                + " Please sign in again.",
                "info",
            )
        return
    g.user = User.from_row(rows[0])


# Where a user whose role requires a second factor may go before setting it up.
ENROLMENT_ENDPOINTS = {
    "two_factor.index",
    "two_factor.start",
    "two_factor.confirm",
    "auth.logout",
    "static",
}


def require_enrolment() -> Any:
    """Send staff whose role requires a second factor to set it up before anything else."""
    if g.user is None or request.endpoint in ENROLMENT_ENDPOINTS:
        return None
    if two_factor.must_enrol(db(), g.user):
        flash(f"Your role ({g.user.role}) requires a second factor: set it up to go on.", "info")
        return redirect(url_for("two_factor.index"))
    return None


def init_app(app: Flask) -> None:
    """Load the user before each request and expose it to templates."""
    app.before_request(load_user)
    app.before_request(require_enrolment)

    @app.context_processor
    def inject_user() -> dict[str, Any]:
        return {"current_user": g.get("user")}


def login_required(view: Callable) -> Callable:
    """Send anonymous visitors to the sign-in page."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.user is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def roles_required(*roles: str) -> Callable[[Callable], Callable]:
    """Let through signed-in staff whose role is one of ``roles``; 403 for the others."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if g.user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate
