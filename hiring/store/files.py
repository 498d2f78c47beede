"""Crash-safe files in the instance folder: locked temporary writes, deletions kept until done.

A file is written under a temporary name beside its final one and renamed into place, so a
reader never sees half of it. The temporary file is locked (``flock``) by the process writing
it; the lock dies with that process, so a sweep can tell a temporary file whose writer was
killed (unlocked) from one still being written (locked) without guessing from its age.

Deleting files cannot be part of a database transaction, so a use case that deletes rows
and their files records the files in ``pending_file_deletions`` in the same transaction,
commits, then deletes them and their records: a kill in between leaves records that the
next run (:func:`finish_deletions`) carries out.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from sqlite_utils import Database

from hiring.store.instance import private_folder

try:
    import fcntl
except ImportError:  # not POSIX: no locks, so a sweep leaves young temporary files alone
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("hiring")
PENDING_TABLE = "pending_file_deletions"
TEMPORARY_SUFFIX = ".part"
# Without flock (not POSIX), a temporary file this old has no writer left.
UNLOCKED_GRACE_SECONDS = 3600


def _lock(handle: BinaryIO, *, wait: bool) -> bool:
    """Take the exclusive lock of an open file; without ``wait``, say whether it was free."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _same_file(handle: BinaryIO, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except FileNotFoundError:
        return False


@contextmanager
def locked_temporary(path: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """Yield a new owner-only temporary file beside ``path``, locked until the block ends.

    The caller writes it and, when done, moves it into place with :func:`publish` inside
    the block; a temporary file not published by the end of the block is removed.
    """
    private_folder(path.parent)  # a models or reports folder made here is owner-only too
    while True:
        fd, name = tempfile.mkstemp(
            dir=path.parent, prefix=path.name + ".", suffix=TEMPORARY_SUFFIX
        )
        handle = os.fdopen(fd, "w+b")
        _lock(handle, wait=True)
        if _same_file(handle, Path(name)):
            break
        handle.close()  # a sweep removed it between its creation and our lock: take another
    temporary = Path(name)
    try:
        yield handle, temporary
    finally:
        temporary.unlink(missing_ok=True)  # gone already when published
        handle.close()


def publish(temporary: Path, path: Path) -> None:
    """Flush ``temporary`` to disk and rename it to ``path`` (atomic on one file system)."""
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; elsewhere the rename is enough)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, body: bytes) -> None:
    """Write ``body`` to ``path`` through a locked temporary file in the same folder."""
    with locked_temporary(path) as (handle, temporary):
        handle.write(body)
        handle.flush()
        publish(temporary, path)


def is_temporary(path: Path) -> bool:
    """Say whether ``path`` is named like a temporary file of :func:`locked_temporary`."""
    return path.name.endswith(TEMPORARY_SUFFIX) and path.name.count(".") >= 2


def final_path(temporary: Path) -> Path:
    """Return the path a temporary file was being written for."""
    return temporary.with_name(temporary.name[: -len(TEMPORARY_SUFFIX)].rsplit(".", 1)[0])


@contextmanager
def abandoned(temporary: Path) -> Iterator[bool]:
    """Tell whether no process is writing ``temporary``; hold its lock for the block.

    Holding the lock keeps a writer that has just created the file from taking it up while
    the caller removes or renames it (the writer then notices and starts a new file).
    """
    try:
        handle = open(temporary, "rb")  # noqa: SIM115 - closed in the finally below
    except FileNotFoundError:
        yield False
        return
    try:
        if fcntl is None:
            age = datetime.now().timestamp() - os.fstat(handle.fileno()).st_mtime
            yield age > UNLOCKED_GRACE_SECONDS
        else:
            yield _lock(handle, wait=False) and _same_file(handle, temporary)
    finally:
        handle.close()


def sweep_temporary(files: Iterable[Path]) -> int:
    """Remove the temporary files among ``files`` that no process is writing; count them."""
    removed = 0
    for path in files:
        if not is_temporary(path):
            continue
        with abandoned(path) as orphan:
            if orphan:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def record_deletions(db: Database, instance: Path, paths: Iterable[Path]) -> None:
    """Record files to delete once the caller's transaction commits (call inside it)."""
    root = instance.resolve()
    now = datetime.now(UTC).isoformat(timespec="seconds")
    rows = [{"path": str(Path(p).resolve().relative_to(root)), "recorded_at": now} for p in paths]
    if rows:
        db[PENDING_TABLE].insert_all(rows)


def finish_deletions(db: Database, instance: Path) -> int:
    """Delete every recorded file, then its record; return how many records were done.

    Safe to run at any time and from several processes at once: a file already gone is
    fine. Paths are kept relative to the instance folder and never leave it.
    """
    root = instance.resolve()
    done = []
    for row in db[PENDING_TABLE].rows_where(order_by="id"):
        path = (root / row["path"]).resolve()
        try:
            if path.is_relative_to(root) and path.is_file():
                path.unlink(missing_ok=True)
        except OSError as error:  # kept for the next run; the file is still there
            log.warning("could not delete %s (%s); will try again", row["path"], error.strerror)
            continue
        done.append(row["id"])
    if done:
        db.execute(
            f"DELETE FROM [{PENDING_TABLE}] WHERE id IN (SELECT value FROM json_each(?))",  # noqa: S608
            [json.dumps(done)],
        )
    return len(done)
