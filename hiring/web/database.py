"""Tie the database to the Flask app: one connection per worker thread, migrated at start."""

import sqlite3

from flask import Flask, current_app
from sqlite_utils import Database

from hiring.store.db import get_db, migrate
from hiring.store.instance import InstanceError, storage_problem


def db() -> Database:
    """Return the current app's database connection for this worker thread."""
    return get_db(current_app.config["DATABASE"])


def init_app(app: Flask) -> None:
    """Apply pending migrations once at start, so a new version upgrades on restart.

    The names of the migrations applied are kept in ``app.extensions`` for ``hiring db
    upgrade`` to report. A database that cannot be written (read-only, full disk) stops the
    start with one line.
    """
    path = app.config["DATABASE"]
    try:
        app.extensions["hiring_migrations_applied"] = migrate(get_db(path))
    except (sqlite3.OperationalError, OSError) as error:
        problem = storage_problem(error)
        if problem is None:
            raise
        raise InstanceError(
            f"The database {path} cannot be written ({problem}); "
            "free some space or make it writable, then start again."
        ) from None
