import sqlite3
import threading

import pytest
from sqlite_utils.migrations import Migrations

from hiring.store.db import connect, migrate, pending_migrations, write_transaction
from hiring.store.migrations import MIGRATIONS


def table_names(db):
    return set(db.table_names())


def test_fresh_database_gets_every_migration(tmp_path):
    db = connect(tmp_path / "a.sqlite3")
    applied = migrate(db)
    assert applied == [m.name for m in MIGRATIONS._migrations]
    assert {"users", "audit_log", "candidates", "model_versions"} <= table_names(db)
    assert pending_migrations(db) == []


def test_applying_twice_changes_nothing(tmp_path):
    db = connect(tmp_path / "a.sqlite3")
    migrate(db)
    schema = db.schema
    assert migrate(db) == []
    assert db.schema == schema


def test_pragmas_are_set(tmp_path):
    db = connect(tmp_path / "a.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_older_instance_upgrades_without_losing_rows(tmp_path):
    db = connect(tmp_path / "old.sqlite3")
    names = [m.name for m in MIGRATIONS._migrations]
    migrate(db, stop_before=names[1])  # an instance made by the first release
    assert "candidates" not in table_names(db)
    db["users"].insert(
        {
            "username": "kept",
            "role": "admin",
            "password_hash": "x",
            "active": 1,
            "created_at": "2026-01-01",
        }
    )
    applied = migrate(db)
    assert applied == names[1:]
    assert [row["username"] for row in db["users"].rows] == ["kept"]


def test_failing_migration_rolls_back(tmp_path, monkeypatch):
    db = connect(tmp_path / "a.sqlite3")
    migrate(db)
    broken = Migrations("hiring")
    for m in MIGRATIONS._migrations:
        broken(name=m.name)(m.fn)

    @broken(name="9999_broken")
    def half_done(db):
        db["half_made"].create({"id": int}, pk="id")
        raise RuntimeError("boom")

    monkeypatch.setattr("hiring.store.db.MIGRATIONS", broken)
    with pytest.raises(RuntimeError, match="boom"):
        migrate(db)
    assert "half_made" not in table_names(db)
    assert [m.name for m in broken.pending(db)] == ["9999_broken"]


def test_write_transaction_rolls_back_on_error(tmp_path):
    db = connect(tmp_path / "a.sqlite3")
    migrate(db)
    with pytest.raises(ValueError):
        with write_transaction(db):
            db["attempt_counters"].insert({"key": "k", "attempts": 1, "last_at": 0})
            raise ValueError
    assert db["attempt_counters"].count == 0


def test_concurrent_read_then_write_transactions_all_commit(tmp_path):
    """BEGIN IMMEDIATE makes competing read-modify-write transactions wait, not fail."""
    path = tmp_path / "a.sqlite3"
    migrate(connect(path))
    seed = connect(path)
    seed["attempt_counters"].insert({"key": "counter", "attempts": 0, "last_at": 0})
    errors: list[Exception] = []

    def bump(times: int) -> None:
        db = connect(path)
        try:
            for _ in range(times):
                with write_transaction(db):
                    current = db.execute(
                        "select attempts from attempt_counters where key='counter'"
                    ).fetchone()[0]
                    db.execute(
                        "update attempt_counters set attempts=? where key='counter'", [current + 1]
                    )
        except sqlite3.OperationalError as error:  # pragma: no cover - the failure we guard against
            errors.append(error)

    threads = [threading.Thread(target=bump, args=(50,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert (
        seed.execute("select attempts from attempt_counters where key='counter'").fetchone()[0]
        == 200
    )


def test_one_connection_per_file_however_its_path_is_written(tmp_path, monkeypatch):
    from hiring.store.db import close_all, get_db

    monkeypatch.chdir(tmp_path)
    absolute = get_db(tmp_path / "one.sqlite3")
    try:
        assert get_db(str(tmp_path / "one.sqlite3")) is absolute
        assert get_db("one.sqlite3") is absolute
        (tmp_path / "elsewhere").mkdir()
        monkeypatch.chdir(tmp_path / "elsewhere")
        assert get_db("one.sqlite3") is not absolute  # a relative path is resolved each time
        assert get_db(tmp_path / "one.sqlite3") is absolute
    finally:
        close_all()
