"""The landing page of a signed-in staff member."""

from flask import Blueprint, g, redirect, render_template, url_for

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    """Send visitors to sign in; show staff their start page."""
    if g.user is None:
        return redirect(url_for("auth.login"))
    return render_template("home.html")


@bp.route("/healthz")
def health():
    """Answer a load balancer's liveness probe."""
    return {"status": "ok"}
