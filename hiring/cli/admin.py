"""Commands that create, upgrade and serve an instance."""

import click

from hiring.accounts import users as accounts
from hiring.store.db import get_db, migrate, pending_migrations


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
    """Serve the app on every core, with a task-queue worker beside it for the embedded queue.

    gunicorn runs HIRING_WORKERS processes (one per core by default) on Linux and macOS;
    elsewhere waitress serves from one process.
    """
    from hiring.cli import app_overrides, make_app
    from hiring.cli.server import serve as run_server

    app = make_app(ctx)
    host = host or app.config["HOST"]
    port = port or app.config["PORT"]
    click.echo(f"Serving Frontline Fit on http://{host}:{port}/  (Ctrl+C to stop)")
    run_server(app_overrides(ctx), app.config, host, port, click.echo)


@click.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Apply pending schema migrations (the app also does this at start)."""
    from hiring.cli import make_app
    from hiring.store.db import connect

    app = make_app(ctx)  # starting the app already migrates; report what was done
    db = connect(app.config["DATABASE"])
    applied = migrate(db)
    left = pending_migrations(db)
    click.echo(f"Schema up to date ({len(applied)} applied now, {len(left)} pending).")
