"""``hiring users``: create, list and change staff accounts, as the admin page does."""

import secrets

import click

from hiring.accounts import two_factor
from hiring.accounts import users as accounts
from hiring.cli.admin import _db


@click.group()
def users() -> None:
    """Manage staff accounts."""


@users.command("add")
@click.argument("username")
@click.option(
    "--role", type=click.Choice(accounts.ROLES), required=True, help="The account's role."
)
@click.option("--name", "display_name", default="", help="Display name.")
@click.option(
    "--password",
    default=None,
    help="Password; omit to be prompted, or use --generate.",
)
@click.option("--generate", is_flag=True, help="Generate a strong password and print it once.")
@click.pass_context
def users_add(ctx, username, role, display_name, password, generate) -> None:
    """Create a staff account."""
    _, db = _db(ctx)
    if generate:
        password = secrets.token_urlsafe(12)
    elif password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = accounts.add_user(db, username, password, role, display_name)
    click.echo(f"Created {user.username} ({user.role}).")
    if generate:
        click.echo(f"Password: {password}")


@users.command("list")
@click.pass_context
def users_list(ctx) -> None:
    """List staff accounts."""
    _, db = _db(ctx)
    rows = accounts.list_users(db)
    if not rows:
        click.echo("No accounts yet.")
    for user in rows:
        state = "active" if user.active else "disabled"
        click.echo(f"{user.username:<20} {user.role:<10} {state:<8} {user.display_name}")


@users.command("set-password")
@click.argument("username")
@click.option("--password", default=None, help="New password; omit to be prompted.")
@click.pass_context
def users_set_password(ctx, username, password) -> None:
    """Set a new password for an account (signs out its sessions)."""
    _, db = _db(ctx)
    if password is None:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    accounts.set_password(db, username, password)
    click.echo(f"Password changed for {username}.")


def _update(ctx: click.Context, username: str, **changes: object) -> accounts.User:
    _, db = _db(ctx)
    user = accounts.find_user(db, username)
    values = {"role": user.role, "active": user.active, **changes}
    return accounts.update_user(db, user.id, actor="cli", **values)  # type: ignore[arg-type]


@users.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(accounts.ROLES))
@click.pass_context
def users_set_role(ctx: click.Context, username: str, role: str) -> None:
    """Change an account's role (signs out its sessions)."""
    user = _update(ctx, username, role=role)
    click.echo(f"{user.username} is now {user.role}.")


@users.command("disable")
@click.argument("username")
@click.pass_context
def users_disable(ctx: click.Context, username: str) -> None:
    """Switch an account off: it can no longer sign in, and its sessions end."""
    user = _update(ctx, username, active=False)
    click.echo(f"{user.username} is switched off.")


@users.command("enable")
@click.argument("username")
@click.pass_context
def users_enable(ctx: click.Context, username: str) -> None:
    """Switch an account back on."""
    user = _update(ctx, username, active=True)
    click.echo(f"{user.username} is active again.")


@users.command("reset-2fa")
@click.argument("username")
@click.pass_context
def users_reset_2fa(ctx: click.Context, username: str) -> None:
    """Remove a user's second factor (lost phone and recovery codes) and end their sessions.

    They sign in with their password and set up a new one; if their role requires it,
    before anything else.
    """
    _, db = _db(ctx)
    user = two_factor.reset(db, username)
    click.echo(f"Second factor removed for {user.username}; they set up a new one at sign-in.")


@users.command("require-2fa")
@click.argument("role", type=click.Choice(accounts.ROLES))
@click.option("--off", is_flag=True, help="Make the second factor optional again.")
@click.pass_context
def users_require_2fa(ctx: click.Context, role: str, off: bool) -> None:
    """Require a second factor for every account of ROLE (as on the Users page)."""
    _, db = _db(ctx)
    two_factor.set_required(db, role, not off, actor="cli")
    click.echo(f"A second factor is {'optional' if off else 'required'} for every {role} account.")
