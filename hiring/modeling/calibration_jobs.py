"""Run a calibration in a child process, so that the request that starts it returns at once.

Cross-validating a model takes from a few seconds to about a minute; inside a web request
that would hold a worker thread (and the admin's browser) the whole time, and a proxy may
give up first. A web calibration therefore gets a row in ``calibration_jobs`` and a 'spawn'
child process that runs :func:`hiring.modeling.calibration.calibrate_role` and writes the outcome
back to the row. A thread in the server reaps the child and records a crash. A row still
marked running whose process is gone (the server restarted) reads as interrupted.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.errors import HiringError
from hiring.store.db import close_all, connect, get_db, write_transaction

RUNNING, DONE, FAILED = "running", "done", "failed"
# A child that has not reported its pid yet is trusted to be starting for this long.
START_GRACE = timedelta(minutes=2)
# No calibration takes this long; a row older than this is stale whatever its pid says.
MAX_RUNTIME = timedelta(hours=2)
INTERRUPTED = (
    "Interrupted: the server stopped before this calibration finished, so nothing was "
    "stored. Start it again."
)
UNEXPECTED = (
    "The calibration stopped on an unexpected error (the details are in the server log); "
    "nothing was stored."
)
log = logging.getLogger(__name__)

_watchers: dict[int, threading.Thread] = {}
_watchers_lock = threading.Lock()


class CalibrationBusyError(HiringError):
    """A calibration of the same role is still running."""


@dataclass(frozen=True)
class CalibrationJob:
    """One calibration started from the web, and what became of it."""

    id: int
    role_id: int
    method: str
    status: str
    message: str
    version_id: int | None
    requested_by: str
    started_at: str
    finished_at: str | None

    @property
    def running(self) -> bool:
        return self.status == RUNNING

    @property
    def seconds(self) -> int:
        """Return how long it ran (or has been running), in whole seconds."""
        end = _parse(self.finished_at) if self.finished_at else datetime.now(UTC)
        return max(0, round((end - _parse(self.started_at)).total_seconds()))


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def _job(row: dict[str, Any]) -> CalibrationJob:
    return CalibrationJob(
        id=row["id"],
        role_id=row["role_id"],
        method=row["method"],
        status=row["status"],
        message=row["message"] or "",
        version_id=row["version_id"],
        requested_by=row["requested_by"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


def _pid_alive(pid: int) -> bool:
    """Say whether a process with ``pid`` exists (POSIX; elsewhere assume it does)."""
    if os.name != "posix":
        return True  # signal 0 means CTRL_C_EVENT on Windows: never send it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_live(row: dict[str, Any]) -> bool:
    """Say whether a row marked running still has a process working on it."""
    with _watchers_lock:
        watcher = _watchers.get(row["id"])
    if watcher is not None and watcher.is_alive():
        return True
    age = datetime.now(UTC) - _parse(row["started_at"])
    if age > MAX_RUNTIME:
        return False
    if row["pid"] is None:
        return age < START_GRACE
    return _pid_alive(row["pid"])


def _finish(db: Database, job_id: int, status: str, message: str, version_id=None) -> None:
    """Record the outcome, unless an outcome was recorded already; audit a failure.

    (A success is audited by the calibration itself, as ``model.calibrate``.)
    """
    with write_transaction(db):
        row = db["calibration_jobs"].get(job_id)
        if row["status"] != RUNNING:
            return
        db["calibration_jobs"].update(
            job_id,
            {
                "status": status, "message": message, "version_id": version_id,
                "finished_at": audit.now_iso(),
            },
        )  # fmt: skip
        if status == FAILED:
            audit.record(
                db, row["requested_by"], "model.calibrate_fail", "role", row["role_id"],
                job=job_id, reason=message,
            )  # fmt: skip


def _settled(db: Database, row: dict[str, Any]) -> CalibrationJob:
    """Return the job, first marking it interrupted when its process is gone."""
    if row["status"] == RUNNING and not _is_live(row):
        _finish(db, row["id"], FAILED, INTERRUPTED)
        row = db["calibration_jobs"].get(row["id"])
    return _job(row)


def latest_job(db: Database, role_id: int) -> CalibrationJob | None:
    """Return the role's newest calibration job, if it ever had one."""
    rows = list(
        db["calibration_jobs"].rows_where("role_id = ?", [role_id], order_by="id DESC", limit=1)
    )
    return _settled(db, rows[0]) if rows else None


def get_job(db: Database, role_id: int, job_id: int) -> CalibrationJob | None:
    """Return one of the role's jobs, or None when the role has no job with that id."""
    rows = list(db["calibration_jobs"].rows_where("id = ? AND role_id = ?", [job_id, role_id]))
    return _settled(db, rows[0]) if rows else None


def start_calibration(
    database: str | Path,
    instance_path: str | Path,
    role_id: int,
    *,
    method: str,
    actor: str,
) -> CalibrationJob:
    """Start calibrating ``role_id`` in a child process and return its (running) job.

    Raises :class:`CalibrationBusyError` while another calibration of the role runs.
    """
    db = get_db(database)
    with write_transaction(db):
        current = latest_job(db, role_id)
        if current is not None and current.running:
            raise CalibrationBusyError(
                f"A calibration of this role started by {current.requested_by} is still "
                f"running ({current.seconds} s so far). Wait for it to finish."
            )
        job_id = (
            db["calibration_jobs"]
            .insert(
                {
                    "role_id": role_id,
                    "method": method,
                    "status": RUNNING,
                    "message": "",
                    "requested_by": actor,
                    "started_at": audit.now_iso(),
                }
            )
            .last_pk
        )
        audit.record(db, actor, "model.calibrate_start", "role", role_id, job=job_id, method=method)
    context = multiprocessing.get_context("spawn")
    process = context.Process(
        target=_run,
        args=(str(database), str(instance_path), job_id, role_id, method, actor),
        name=f"hiring-calibration-{job_id}",
        daemon=True,
    )
    try:
        process.start()
    except OSError as exc:
        _finish(db, job_id, FAILED, f"The calibration could not start ({exc}). Try again.")
        return _job(db["calibration_jobs"].get(job_id))
    db["calibration_jobs"].update(job_id, {"pid": process.pid})
    watcher = threading.Thread(
        target=_watch, args=(str(database), job_id, process), name=f"watch-{job_id}", daemon=True
    )
    with _watchers_lock:
        _watchers[job_id] = watcher
    watcher.start()
    return _job(db["calibration_jobs"].get(job_id))


def _run(
    database: str, instance_path: str, job_id: int, role_id: int, method: str, actor: str
) -> None:
    """Calibrate and record the outcome; runs in the child process."""
    from hiring.modeling import calibration  # the child imports scikit-learn, not the server

    db = connect(database)
    try:
        version = calibration.calibrate_role(db, instance_path, role_id, method=method, actor=actor)
    except HiringError as error:
        _finish(db, job_id, FAILED, error.message)
    except Exception:
        log.exception("calibration job %s failed", job_id)
        _finish(db, job_id, FAILED, UNEXPECTED)
    else:
        message = f"Calibrated {version.label}. Review it below before activating it."
        _finish(db, job_id, DONE, message, version.id)
    finally:
        db.close()


def _watch(database: str, job_id: int, process: multiprocessing.process.BaseProcess) -> None:
    """Reap the child; if it died without an outcome (killed, out of memory), record that."""
    process.join()
    try:
        _finish(
            get_db(database),
            job_id,
            FAILED,
            f"The calibration process stopped unexpectedly (exit code {process.exitcode}); "
            "nothing was stored. Try again.",
        )
    finally:
        close_all()
        with _watchers_lock:
            _watchers.pop(job_id, None)


def wait(timeout: float | None = None) -> bool:
    """Wait for this process's running calibrations; return True when none is left."""
    with _watchers_lock:
        watchers = list(_watchers.values())
    for watcher in watchers:
        watcher.join(timeout)
    return not any(watcher.is_alive() for watcher in watchers)
