"""Tie the database to the Flask app: one connection per worker thread, migrated at start."""

from flask import Flask, current_app
from sqlite_utils import Database

from hiring.store.db import get_db, migrate


def db() -> Database:
    """Return the current app's database connection for this worker thread."""
    return get_db(current_app.config["DATABASE"])


def init_app(app: Flask) -> None:
    """Apply pending migrations once at start, so a new version upgrades on restart."""
    migrate(get_db(app.config["DATABASE"]))
