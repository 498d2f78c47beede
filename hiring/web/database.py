"""Tie the database to the Flask app: one connection per worker thread, migrated at start."""

import logging

from flask import Flask, current_app
from sqlite_utils import Database

from hiring.candidates.recovery import recover
from hiring.store.db import get_db, migrate

log = logging.getLogger("hiring")


def db() -> Database:
    """Return the current app's database connection for this worker thread."""
    return get_db(current_app.config["DATABASE"])


def init_app(app: Flask) -> None:
    """Apply pending migrations once at start, then finish what a killed process left.

    Migrating at start means a new version upgrades on restart; the recovery (what it did
    is kept in ``app.extensions``) finishes file deletions and removes orphaned files.
    """
    database = get_db(app.config["DATABASE"])
    migrate(database)
    try:
        app.extensions["hiring.recovery"] = recover(database, app.config["INSTANCE_PATH"])
    except OSError as error:  # a read-only or full disk must not keep the app from starting
        log.warning("Recovery after an interruption could not finish: %s", error)
