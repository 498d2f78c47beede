"""Tie the database to the Flask app: one connection per worker thread, migrated at start."""

import sqlite3

from flask import Flask, current_app
from sqlite_utils import Database

from hiring.store.db import get_db, migrate, write_transaction
from hiring.store.instance import InstanceError, storage_problem


def db() -> Database:
    """Return the current app's database connection for this worker thread."""
    return get_db(current_app.config["DATABASE"])


def _check_writable(database: Database) -> None:
    """Write the schema version back unchanged: SQLite opens a read-only file without a word."""
    with write_transaction(database):
        version = int(database.execute("PRAGMA user_version").fetchone()[0])
        database.execute(f"PRAGMA user_version = {version}")


def init_app(app: Flask) -> None:
    """Apply pending migrations once at start, so a new version upgrades on restart.

    The names of the migrations applied are kept in ``app.extensions`` for ``hiring db
    upgrade`` to report. A database that cannot be written (read-only, full disk) stops the
    start with one line.
    """
    path = app.config["DATABASE"]
    try:
        app.extensions["hiring_migrations_applied"] = migrate(get_db(path))
        _check_writable(get_db(path))
    except (sqlite3.OperationalError, OSError) as error:
        problem = storage_problem(error)
        if problem is None:
            raise
        raise InstanceError(
            f"The database {path} cannot be written ({problem}); "
            "free some space or make it writable, then start again."
        ) from None
