"""Commands that create, upgrade and serve an instance."""

import click

from hiring.accounts import users as accounts
from hiring.cli.server import check_port_free
from hiring.store.db import get_db, pending_migrations
from hiring.store.plurals import plural


def _db(ctx: click.Context, create: bool = False):
    from hiring.cli import make_app

    app = make_app(ctx, create=create)
    return app, get_db(app.config["DATABASE"])


@click.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create an empty instance: folder, secret key and database schema."""
    from hiring.cli import command_hint

    app, db = _db(ctx, create=True)
    click.echo(f"Instance ready in {app.instance_path}")
    click.echo(f"Database: {app.config['DATABASE']}")
    if not accounts.list_users(db):
        hint = command_hint(ctx, "users add NAME --role admin --generate")
        click.echo(f"Next: add an administrator with  {hint}")


@click.command()
@click.option(
    "--host", default=None, help="Address to listen on (default HIRING_HOST or 127.0.0.1)."
)
@click.option("--port", type=int, default=None, help="Port (default HIRING_PORT or 8000).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the app on every core, with a task-queue worker beside it for the embedded queue.

    gunicorn runs HIRING_WORKERS processes (one per core by default) on Linux and macOS;
    elsewhere waitress serves from one process. A taken port is refused in one line.
    """
    from hiring.cli import app_overrides, make_app
    from hiring.cli.server import serve as run_server
    from hiring.store.config import from_environment

    defaults = from_environment()
    host = host or str(defaults["HOST"])
    port = port or int(str(defaults["PORT"]))
    check_port_free(host, port)  # before the instance is opened or migrated
    app = make_app(ctx)
    click.echo(f"Serving Frontline Fit on http://{host}:{port}/  (Ctrl+C to stop)")
    run_server(app_overrides(ctx), app.config, host, port, click.echo)


@click.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Apply pending schema migrations (the app also does this at start)."""
    app, db = _db(ctx)
    applied = app.extensions.get("hiring_migrations_applied", [])  # opening the app migrated
    left = pending_migrations(db)
    if applied:
        click.echo(f"Applied {plural(len(applied), 'migration')}: {', '.join(applied)}.")
    else:
        click.echo("No migration was needed.")
    click.echo(f"Schema up to date ({len(left)} pending).")
