"""Commands that create, upgrade and serve an instance and manage staff accounts."""

import secrets

import click

from hiring import accounts
from hiring.db import get_db, migrate, pending_migrations


def _db(ctx: click.Context):
    from hiring.cli import make_app

    app = make_app(ctx)
    return app, get_db(app.config["DATABASE"])


@click.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create an empty instance: folder, secret key and database schema."""
    app, db = _db(ctx)
    click.echo(f"Instance ready in {app.instance_path}")
    click.echo(f"Database: {app.config['DATABASE']}")
    if not accounts.list_users(db):
        click.echo("Next: add an administrator with  hiring users add NAME --role admin")


@click.command()
@click.option(
    "--host", default=None, help="Address to listen on (default HIRING_HOST or 127.0.0.1)."
)
@click.option("--port", type=int, default=None, help="Port (default HIRING_PORT or 8000).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the app with the waitress production server."""
    import waitress

    from hiring.cli import make_app

    app = make_app(ctx)
    host = host or app.config["HOST"]
    port = port or app.config["PORT"]
    click.echo(f"Serving Frontline Fit on http://{host}:{port}/  (Ctrl+C to stop)")
    waitress.serve(app, host=host, port=port, threads=app.config["THREADS"], ident="frontline-fit")


@click.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Apply pending schema migrations (the app also does this at start)."""
    from hiring.cli import make_app
    from hiring.db import connect

    app = make_app(ctx)  # starting the app already migrates; report what was done
    db = connect(app.config["DATABASE"])
    applied = migrate(db)
    left = pending_migrations(db)
    click.echo(f"Schema up to date ({len(applied)} applied now, {len(left)} pending).")


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
