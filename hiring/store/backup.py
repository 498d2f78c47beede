"""Back up a running instance into an owner-only folder, and restore one into a new instance.

The database is copied with SQLite's online backup API in one step: a read transaction
that sees every commit made before it began and none after, while candidates keep
submitting (the write-ahead log lets writers go on). Copying the file instead can miss the
commits still in the ``-wal`` file. The copy is switched out of WAL mode so that it is one
self-contained file, and checked with ``PRAGMA quick_check``.

Beside it go the model files its ``model_versions`` rows name, each checked against the
SHA-256 in its row. Cached report PDFs are left out: they are rebuilt from the database on
demand, and every copy of one is another copy of a person's name to erase. The secret key
is left out unless asked for (see :data:`SECRETS`). The backup is built in a locked
temporary folder and renamed into place, so a killed backup leaves no half backup behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from hiring.errors import HiringError
from hiring.store.db import connect
from hiring.store.files import final_path
from hiring.store.paths import MODELS_FOLDER

DATABASE_FILE = "hiring.sqlite3"
MANIFEST = "backup.json"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - the file's name, not a key
PARTIAL_SUFFIX = ".hiring-backup.part"
FORMAT = 1
# What a backup holds that could be used against the instance, said plainly to the user.
SECRETS = (
    "The database holds staff password hashes (argon2id, not the passwords), hashes of "
    "candidates' link tokens (not the links), candidates' answers and self-identification, "
    "and the audit log."
)
WITH_KEY = (
    "The secret key IS included (--include-secret-key): whoever holds this backup can sign "
    "session cookies for the instance it came from. Keep it as safe as the server."
)
WITHOUT_KEY = (
    "The secret key is NOT included, so the backup cannot be used to forge session cookies; "
    "after a restore a new key is made, and staff sign in again and candidates reopen their "
    "links (their answers are kept). SMTP settings live in the environment, not in a backup."
)


class BackupError(HiringError):
    """A backup or restore that cannot be done as asked."""


@dataclass(frozen=True)
class BackupResult:
    """What a backup holds."""

    path: Path
    candidates: int
    answers: int
    model_files: int
    secret_key: bool
    missing_models: tuple[str, ...] = ()


@dataclass(frozen=True)
class RestoreResult:
    """What a restore put in place."""

    instance: Path
    candidates: int
    model_files: int
    secret_key: bool


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _owner_only_copy(source: Path, target: Path) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out, open(source, "rb") as handle:
        shutil.copyfileobj(handle, out)
        out.flush()
        os.fsync(out.fileno())


def copy_database(source: str | Path, target: Path) -> None:
    """Copy a live database into ``target`` through the backup API; check the copy."""
    live = connect(source)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        copy = sqlite3.connect(target, isolation_level=None)
        try:
            live.conn.backup(copy)  # one step: one consistent snapshot
            copy.execute("PRAGMA journal_mode = DELETE")
            if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError("The copy of the database failed its integrity check.")
        finally:
            copy.close()
    finally:
        live.close()


def _rows(database: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _model_source(folder: Path, name: str, sha256: str) -> Path | None:
    """Find a version's file: under its name, or under the temporary name of a calibration
    killed between its commit and its rename (the next start renames it)."""
    path = folder / name
    if path.is_file() and _sha256(path) == sha256:
        return path
    for temporary in folder.glob(f"{name}.*.part"):
        if final_path(temporary) == path and _sha256(temporary) == sha256:
            return temporary
    return None


def _copy_models(database: Path, instance: Path, target: Path) -> tuple[int, tuple[str, ...]]:
    rows = _rows(database, "SELECT file_name, sha256 FROM model_versions ORDER BY id")
    (target / MODELS_FOLDER).mkdir(mode=0o700)
    copied, missing = 0, []
    for name, sha256 in rows:
        if not name or Path(name).name != name:
            continue
        source = _model_source(instance / MODELS_FOLDER, name, sha256)
        if source is None:
            missing.append(name)
            continue
        _owner_only_copy(source, target / MODELS_FOLDER / name)
        copied += 1
    return copied, tuple(missing)


@contextmanager
def _partial_folder(path: Path) -> Iterator[Path]:
    """Yield an owner-only folder beside ``path``, locked, renamed to ``path`` on success."""
    parent = path.parent
    parent.mkdir(parents=True, exist_ok=True)
    sweep_partial_backups(parent)
    partial = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=PARTIAL_SUFFIX, dir=parent))
    fd = os.open(partial, os.O_RDONLY)
    try:
        _flock(fd, wait=True)
        yield partial
        os.rename(partial, path)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    finally:
        os.close(fd)


def _flock(fd: int, *, wait: bool) -> bool:
    try:
        import fcntl
    except ImportError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def sweep_partial_backups(parent: Path) -> int:
    """Remove the unfinished backup folders a killed backup left in ``parent``; count them."""
    removed = 0
    for folder in parent.glob(f".*{PARTIAL_SUFFIX}"):
        if not folder.is_dir():
            continue
        fd = os.open(folder, os.O_RDONLY)
        try:
            if _flock(fd, wait=False):
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        finally:
            os.close(fd)
    return removed


def backup_instance(
    database: str | Path, instance: str | Path, path: Path, *, include_secret_key: bool = False
) -> BackupResult:
    """Copy the database, its model files and (if asked) the secret key into a new ``path``."""
    instance, path = Path(instance), Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BackupError(f"{path} already exists; back up into a new folder.")
    if path.exists():
        path.rmdir()  # an empty folder is taken; the finished backup replaces it
    with _partial_folder(path) as partial:
        copy_database(database, partial / DATABASE_FILE)
        copied, missing = _copy_models(partial / DATABASE_FILE, instance, partial)
        key = instance / SECRET_KEY_FILE
        with_key = include_secret_key and key.is_file()
        if include_secret_key and not key.is_file():
            raise BackupError(
                "This instance takes its secret key from HIRING_SECRET_KEY, not a file; "
                "keep that setting with the backup yourself."
            )
        if with_key:
            _owner_only_copy(key, partial / SECRET_KEY_FILE)
        counts = _rows(
            partial / DATABASE_FILE,
            "SELECT (SELECT count(*) FROM candidates), (SELECT count(*) FROM answers)",
        )[0]
        _write_manifest(partial, counts, copied, missing, with_key)
    return BackupResult(path, counts[0], counts[1], copied, with_key, missing)


def _write_manifest(folder: Path, counts: tuple, copied: int, missing: tuple, key: bool) -> None:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "candidates": counts[0],
        "answers": counts[1],
        "model_files": copied,
        "missing_model_files": list(missing),
        "secret_key_included": key,
        "cached_reports_included": False,
        "secrets": SECRETS + " " + (WITH_KEY if key else WITHOUT_KEY),
        "sha256": {str(p.relative_to(folder)): _sha256(p) for p in files},
    }
    fd = os.open(folder / MANIFEST, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(manifest, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())


def read_manifest(path: Path) -> dict:
    """Return a backup's manifest after checking every file against its SHA-256."""
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError(
            f"{path} is not a Frontline Fit backup (no readable {MANIFEST})."
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is a backup in a format this version cannot read.")
    for name, sha256 in manifest["sha256"].items():
        file = path / name
        if not file.is_file() or _sha256(file) != sha256:
            raise BackupError(f"{name} in the backup is missing or damaged; nothing was restored.")
    return manifest


def restore_instance(path: Path, instance: Path, database: Path) -> RestoreResult:
    """Put a backup into a new instance: the database, the model files and the key if saved.

    Refuses when ``database`` exists, so a running instance is never overwritten. Files are
    copied under temporary names first and the database is renamed into place last, so a
    restore stopped halfway leaves no database and can simply be run again.
    """
    manifest = read_manifest(path)
    if any(Path(f"{database}{end}").exists() for end in ("", "-wal", "-shm")):
        raise BackupError(
            f"{database} already exists; restore into a new instance folder (stop the "
            "server and move the old folder aside first)."
        )
    instance.mkdir(parents=True, exist_ok=True, mode=0o700)
    database.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    models = instance / MODELS_FOLDER
    models.mkdir(exist_ok=True, mode=0o700)
    copied = 0
    for source in sorted((path / MODELS_FOLDER).glob("*")):
        target = models / source.name
        if not target.exists():
            _owner_only_copy(source, target)
            copied += 1
    key = manifest["secret_key_included"] and (path / SECRET_KEY_FILE).is_file()
    if key and not (instance / SECRET_KEY_FILE).exists():
        _owner_only_copy(path / SECRET_KEY_FILE, instance / SECRET_KEY_FILE)
    staging = database.with_name(database.name + ".restoring")
    staging.unlink(missing_ok=True)
    _owner_only_copy(path / DATABASE_FILE, staging)
    os.replace(staging, database)
    return RestoreResult(instance, manifest["candidates"], copied, bool(key))
