"""Administrators' page for staff accounts: list, add, change role, switch off, reset password."""

import secrets

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for

from hiring.accounts import two_factor
from hiring.accounts import users as accounts
from hiring.web.access import roles_required
from hiring.web.database import db
from hiring.web.forms.workspace import (
    PasswordResetForm,
    TwoFactorPolicyForm,
    UserAddForm,
    UserUpdateForm,
)

bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")


def _user_or_404(user_id: int) -> accounts.User:
    try:
        return accounts.get_user(db(), user_id)
    except accounts.AccountError:
        abort(404)


def _page(add_form=None, new_password: tuple[str, str] | None = None, status: int = 200):
    users = accounts.list_users(db())
    forms = {u.id: UserUpdateForm(role=u.role, active=u.active, prefix=f"u{u.id}") for u in users}
    html = render_template(
        "admin/users.html",
        users=users,
        forms=forms,
        reset_form=PasswordResetForm(),
        add_form=add_form or UserAddForm(),
        new_password=new_password,
        two_factor_on={u.id: two_factor.is_enabled(db(), u.id) for u in users},
        policy_form=TwoFactorPolicyForm(roles=sorted(two_factor.required_roles(db()))),
    )
    return html, status


@bp.route("/")
@roles_required("admin")
def index():
    """List staff accounts with the forms that change them."""
    return _page()


@bp.route("/new", methods=["POST"])
@roles_required("admin")
def add():
    """Create an account; a generated password is shown once, on this response only."""
    form = UserAddForm()
    if not form.validate():
        return _page(add_form=form, status=400)
    password = form.password.data or secrets.token_urlsafe(12)
    try:
        user = accounts.add_user(
            db(), form.username.data, password, form.role.data, form.display_name.data or "",
            actor=g.user.username,
        )  # fmt: skip
    except accounts.AccountError as error:
        form.username.errors = [*form.username.errors, error.message]
        return _page(add_form=form, status=400)
    flash(f"Created {user.username} ({user.role}).", "success")
    if form.password.data:
        return redirect(url_for("admin_users.index"))
    return _page(new_password=(user.username, password))


@bp.route("/<int:user_id>", methods=["POST"])
@roles_required("admin")
def update(user_id: int):
    """Change an account's role or switch it on or off (never one's own)."""
    user = _user_or_404(user_id)
    form = UserUpdateForm(prefix=f"u{user_id}")
    if not form.validate():
        abort(400)
    if user.id == g.user.id and (form.role.data != user.role or not form.active.data):
        flash("You cannot change your own role or switch off your own account.", "error")
    else:
        accounts.update_user(
            db(), user.id, role=form.role.data, active=form.active.data, actor=g.user.username
        )
        state = "active" if form.active.data else "switched off"
        flash(f"{user.username} is now {form.role.data}, {state}.", "success")
    return redirect(url_for("admin_users.index"))


@bp.route("/<int:user_id>/password", methods=["POST"])
@roles_required("admin")
def reset_password(user_id: int):
    """Set a new password for an account; its sessions end."""
    user = _user_or_404(user_id)
    form = PasswordResetForm()
    if not form.validate():
        flash(f"Password not changed: {form.password.errors[0]}", "error")
        return redirect(url_for("admin_users.index"))
    password = form.password.data or secrets.token_urlsafe(12)
    try:
        accounts.set_password(db(), user.username, password, actor=g.user.username)
    except accounts.AccountError as error:
        flash(error.message, "error")
        return redirect(url_for("admin_users.index"))
    flash(f"Password changed for {user.username}; their sessions have ended.", "success")
    if form.password.data:
        return redirect(url_for("admin_users.index"))
    return _page(new_password=(user.username, password))


@bp.route("/two-factor", methods=["POST"])
@roles_required("admin")
def two_factor_policy():
    """Choose the roles whose members must sign in with a second factor."""
    form = TwoFactorPolicyForm()
    if not form.validate():
        abort(400)
    for role in accounts.ROLES:
        two_factor.set_required(db(), role, role in form.roles.data, actor=g.user.username)
    named = ", ".join(form.roles.data) or "no role"
    flash(f"A second factor is now required for {named}. Those without one set it up "
          "before anything else.", "success")  # fmt: skip
    return redirect(url_for("admin_users.index"))
