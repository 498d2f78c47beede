"""The instance folder: made owner-only, checked writable at start, its storage failures named.

Everything under the instance (database and its ``-wal``/``-shm``, secret key, model files,
cached reports) holds personal data or secrets, so folders are created ``0700`` and files
``0600`` whatever the process umask. SQLite gives the ``-wal`` and ``-shm`` files the mode of
the database file, so creating that file owner-only first covers all three.
"""

import errno
import os
import secrets
import shlex
import sqlite3
import stat
from pathlib import Path

from hiring.errors import HiringError

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600

# errno values and SQLite messages that mean "the disk cannot take this write"
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}
_SQLITE_PROBLEMS = (
    ("disk is full", "the disk is full"),
    ("readonly database", "the database is read-only"),
    ("read-only", "the disk is read-only"),
    ("disk i/o error", "the disk reported an input/output error"),
)


class InstanceError(HiringError):
    """The instance folder cannot be used as it is (missing, read-only, full)."""


def private_folder(path: Path) -> Path:
    """Create ``path`` (and missing parents) readable by the owner only, and return it."""
    if not path.is_dir():
        path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        os.chmod(path, PRIVATE_FOLDER)  # mkdir's mode is filtered by the umask
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty and owner-only unless it exists; leave an existing file as it is."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return path
    os.fchmod(fd, PRIVATE_FILE)
    os.close(fd)
    return path


def storage_problem(error: BaseException) -> str | None:
    """Say in plain words why a write failed when the disk is full or read-only, else None."""
    if isinstance(error, sqlite3.OperationalError):
        message = str(error).lower()
        return next((plain for key, plain in _SQLITE_PROBLEMS if key in message), None)
    if isinstance(error, OSError):
        if error.errno in _FULL:
            return "the disk is full"
        if error.errno == errno.EROFS:
            return "the disk is read-only"
        if error.errno in _READ_ONLY:
            return "permission denied"
    return None


def check_writable(folder: Path) -> None:
    """Create, write and remove a small file in ``folder``; raise ``InstanceError`` if it fails."""
    probe = folder / f".write-check-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        try:
            os.write(fd, b"ok")
            os.fsync(fd)
        finally:
            os.close(fd)
        probe.unlink()
    except OSError as error:
        _remove_quietly(probe)
        reason = storage_problem(error) or error.strerror or str(error)
        raise InstanceError(
            f"The instance folder {folder} cannot be written ({reason}); "
            "free some space or make it writable, then start again."
        ) from None


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def prepare_instance(folder: Path) -> None:
    """Create the instance folder owner-only if needed and check that it can be written."""
    try:
        private_folder(folder)
    except OSError as error:
        reason = storage_problem(error) or error.strerror or str(error)
        raise InstanceError(f"The instance folder {folder} cannot be created ({reason}).") from None
    check_writable(folder)


def loose_paths(folder: Path) -> list[Path]:
    """List the instance folder and everything in it that other local users can read or enter."""
    found = []
    try:
        inside = sorted(folder.rglob("*"))
    except OSError:  # a folder removed or unreadable while we looked: judge what was seen
        inside = []
    for path in [folder, *inside]:
        try:
            mode = path.lstat().st_mode
        except OSError:  # removed while we looked
            continue
        if not stat.S_ISLNK(mode) and mode & 0o077:
            found.append(path)
    return found


def permission_warning(folder: Path) -> str | None:
    """Return one line naming instance files that other local users can read, or None."""
    loose = loose_paths(folder)
    if not loose:
        return None
    first = loose[0]
    shown = "." if first == folder else str(first.relative_to(folder))
    mode = stat.S_IMODE(first.lstat().st_mode)
    count = len(loose)
    others = f" and {count - 1} more" if count > 1 else ""
    fix = f"chmod -R go-rwx {shlex.quote(str(folder))}"
    return (
        f"Warning: {shown} (mode {mode:04o}){others} in the instance folder {folder} can be "
        f"read by other local users; make them owner-only with: {fix}"
    )
