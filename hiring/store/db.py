"""The SQLite connection (one per worker thread), write transactions and migrations."""

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from hiring.store.migrations import MIGRATIONS

BUSY_TIMEOUT_MS = 10_000
_local = threading.local()


def connect(path: str | Path) -> Database:
    """Open a database with the pragmas every connection needs.

    The connection runs in autocommit mode so that transactions are always explicit:
    writes that first read go through :func:`write_transaction`.
    """
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    return Database(conn)


def get_db(path: str | Path) -> Database:
    """Return this thread's connection to ``path``, opening it on first use."""
    cache: dict[str, Database] = getattr(_local, "connections", None) or {}
    _local.connections = cache
    raw = str(path)
    if raw in cache:  # every request asks several times: resolve an absolute path only once
        return cache[raw]
    key = str(Path(path).resolve())
    if key not in cache:
        cache[key] = connect(key)
    if Path(raw).is_absolute():
        cache[raw] = cache[key]
    return cache[key]


def close_all() -> None:
    """Close this thread's connections (tests and CLI commands that re-open files)."""
    for db in getattr(_local, "connections", {}).values():
        db.close()
    _local.connections = {}


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """Run a block in a ``BEGIN IMMEDIATE`` transaction.

    A deferred transaction that reads and then writes fails at once with "database is
    locked" when another worker wrote in between; taking the write lock up front makes
    it wait for the busy timeout instead.
    """
    if db.conn.in_transaction:  # nested: sqlite-utils turns this into a savepoint
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def migrate(db: Database, stop_before: str | None = None) -> list[str]:
    """Apply pending migrations in one write transaction; return their names."""
    with write_transaction(db):
        pending = [m.name for m in MIGRATIONS.pending(db)]
        MIGRATIONS.apply(db, stop_before=stop_before)
    applied = {m.name for m in MIGRATIONS.applied(db)}
    return [name for name in pending if name in applied]


def pending_migrations(db: Database) -> list[str]:
    """Name the migrations not yet applied to ``db``."""
    return [m.name for m in MIGRATIONS.pending(db)]
