"""``hiring users`` commands that match the admin page: change a role, switch accounts off and on."""

import click

from hiring import accounts
from hiring.cli.admin import _db, users


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
