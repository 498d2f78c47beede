"""Tie the database to the Flask app: one connection per worker thread, migrated at start."""

import logging
import sqlite3

from flask import Flask, current_app
from sqlite_utils import Database

from hiring.candidates.recovery import recover
from hiring.store.db import get_db, migrate, write_transaction
from hiring.store.instance import InstanceError, storage_problem

log = logging.getLogger("hiring")


def db() -> Database:
    """Return the current app's database connection for this worker thread."""
    return get_db(current_app.config["DATABASE"])


def _check_writable(database: Database) -> None:
    """Write the schema version back unchanged: SQLite opens a read-only file without a word."""
    with write_transaction(database):
        version = int(database.execute("PRAGMA user_version").fetchone()[0])
        database.execute(f"PRAGMA user_version = {version}")


def init_app(app: Flask) -> None:
    """Apply pending migrations once at start, then finish what a killed process left.

    Migrating at start means a new version upgrades on restart. The names of the migrations
    applied are kept in ``app.extensions`` for ``hiring db upgrade`` to report. A database
    that cannot be written (read-only, full disk) stops the start with one line. The
    recovery (what it did is kept in ``app.extensions``) finishes file deletions and removes
    orphaned files.
    """
    path = app.config["DATABASE"]
    database = get_db(path)
    try:
        app.extensions["hiring_migrations_applied"] = migrate(database)
        _check_writable(database)
    except (sqlite3.OperationalError, OSError) as error:
        problem = storage_problem(error)
        if problem is None:
            raise
        raise InstanceError(
            f"The database {path} cannot be written ({problem}); "
            "free some space or make it writable, then start again."
        ) from None
    try:
        app.extensions["hiring.recovery"] = recover(database, app.config["INSTANCE_PATH"])
    except OSError as error:  # a read-only or full disk must not keep the app from starting
        log.warning("Recovery after an interruption could not finish: %s", error)
