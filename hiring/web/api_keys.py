"""Administrators' page for API keys: list, create (the key shown once) and revoke."""

from flask import Blueprint, flash, g, redirect, render_template, url_for

from hiring.accounts import api_keys
from hiring.web.access import roles_required
from hiring.web.database import db
from hiring.web.forms.api_keys import ApiKeyAddForm, ApiKeyRevokeForm

bp = Blueprint("api_keys", __name__, url_prefix="/admin/api-keys")


def _page(add_form=None, new_key: tuple[str, str] | None = None, status: int = 200):
    html = render_template(
        "admin/api_keys.html",
        keys=api_keys.list_keys(db()),
        scopes=api_keys.SCOPES,
        add_form=add_form or ApiKeyAddForm(),
        revoke_form=ApiKeyRevokeForm(),
        new_key=new_key,
    )
    return html, status


@bp.route("/")
@roles_required("admin")
def index():
    """List API keys with their scopes, state and last use."""
    return _page()


@bp.route("/new", methods=["POST"])
@roles_required("admin")
def add():
    """Create a key; it is shown once, on this response only (it is stored as a hash)."""
    form = ApiKeyAddForm()
    if not form.validate():
        return _page(add_form=form, status=400)
    try:
        key, text = api_keys.create_key(
            db(), form.name.data, tuple(form.scopes.data), actor=g.user.username
        )
    except api_keys.ApiKeyError as error:
        form.name.errors = [*form.name.errors, error.message]
        return _page(add_form=form, status=400)
    return _page(new_key=(key.name, text))


@bp.route("/<name>/revoke", methods=["POST"])
@roles_required("admin")
def revoke(name: str):
    """Revoke a key: the next call made with it is refused."""
    form = ApiKeyRevokeForm()
    if not form.validate():
        flash("The form expired; try again.", "error")
        return redirect(url_for("api_keys.index"))
    try:
        key = api_keys.revoke_key(db(), name, actor=g.user.username)
    except api_keys.ApiKeyError as error:
        flash(error.message, "error")
    else:
        flash(f"Revoked {key.name}; calls with it are refused from now on.", "success")
    return redirect(url_for("api_keys.index"))
