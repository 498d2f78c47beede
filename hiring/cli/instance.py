"""Commands for the instance as a whole: back it up, restore it, sweep what a crash left."""

from pathlib import Path

import click

from hiring.candidates.recovery import Recovery, recover
from hiring.store import backup as backups
from hiring.store import config as settings
from hiring.store.db import get_db
from hiring.store.plurals import plural


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--include-secret-key",
    is_flag=True,
    help="Also copy the secret key (the restored instance then keeps everyone signed in).",
)
@click.pass_context
def backup(ctx: click.Context, path: Path, include_secret_key: bool) -> None:
    """Back up the instance into the new folder PATH while it keeps running.

    The database is copied through SQLite's online backup API (a consistent snapshot while
    candidates submit), with the model files. Cached report PDFs are not copied (they are
    rebuilt on demand). The folder and its files are readable by their owner only.
    """
    from hiring.cli import make_app

    app = make_app(ctx)
    done = backups.backup_instance(
        app.config["DATABASE"],
        app.config["INSTANCE_PATH"],
        path,
        include_secret_key=include_secret_key,
    )
    click.echo(
        f"Backed up {plural(done.candidates, 'candidate')} ({plural(done.answers, 'answer')}) "
        f"and {plural(done.model_files, 'model file')} to {done.path}."
    )
    click.echo(f"Secrets: {backups.SECRETS}")
    click.echo(backups.WITH_KEY if done.secret_key else backups.WITHOUT_KEY)
    if done.missing_models:
        click.echo(
            f"Warning: {len(done.missing_models)} model files named in the database were "
            f"missing or changed and are not in the backup: {', '.join(done.missing_models)}",
            err=True,
        )


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.pass_context
def restore(ctx: click.Context, path: Path) -> None:
    """Restore the backup in PATH into a new instance (--instance or HIRING_INSTANCE).

    Refuses when that instance already has a database: stop the server and move the old
    instance folder aside first. Every file is checked against the backup's manifest.
    """
    from hiring.cli import make_app

    values = settings.from_environment()
    instance = Path(ctx.find_root().params.get("instance") or str(values["INSTANCE_PATH"]))
    database = Path(str(values["DATABASE"] or instance / "hiring.sqlite3"))
    done = backups.restore_instance(path, instance.resolve(), database.resolve())
    app = make_app(ctx)  # opening it applies any newer migrations
    count = get_db(app.config["DATABASE"])["candidates"].count
    click.echo(
        f"Restored {plural(count, 'candidate')} and {plural(done.model_files, 'model file')} "
        f"into {done.instance}."
    )
    if not done.secret_key:
        click.echo("The backup had no secret key: staff sign in again, candidates reopen links.")


@click.command("sweep")
@click.pass_context
def sweep(ctx: click.Context) -> None:
    """Finish interrupted file deletions and remove orphaned report and model files.

    The app does this at every start too; this command says what was found.
    """
    from hiring.cli import make_app

    app = make_app(ctx)
    at_start = app.extensions.get("hiring.recovery") or Recovery()
    now = recover(get_db(app.config["DATABASE"]), app.config["INSTANCE_PATH"])
    click.echo(f"Swept the instance: {(at_start + now).describe()}.")
