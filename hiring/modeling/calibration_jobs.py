"""Calibrations started from the web: a row per job that the task queue works through.

Cross-validating a model takes from a few seconds to about a minute; inside a web request
that would hold a server worker (and the admin's browser) the whole time, and a proxy may
give up first. A web calibration therefore gets a row in ``calibration_jobs`` and a task on
the queue (:mod:`hiring.modeling.tasks`). The worker that picks it up writes its host and
process id into the row, runs :func:`hiring.modeling.calibration.calibrate_role`, and
records the outcome. A row claimed by a process that is gone (killed, or the machine
restarted) reads as interrupted; nothing of it was stored, because a calibration stores its
version in one transaction, and its model file is written before that and removed if the
transaction never happens.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.errors import HiringError
from hiring.modeling.incumbents import Criterion
from hiring.store.db import write_transaction
from hiring.store.processes import claim_is_live

RUNNING, DONE, FAILED = "running", "done", "failed"
# No calibration takes this long; a row older than this is stale whatever its pid says.
MAX_RUNTIME = timedelta(hours=2)
INTERRUPTED = (
    "Interrupted: the worker stopped before this calibration finished, so nothing was "
    "stored. Start it again."
)
UNEXPECTED = (
    "The calibration stopped on an unexpected error (the details are in the worker's log); "
    "nothing was stored."
)
log = logging.getLogger(__name__)


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
    claimed: bool = False  # a worker has picked it up

    @property
    def running(self) -> bool:
        return self.status == RUNNING

    @property
    def seconds(self) -> int:
        """Return how long it ran (or has been waiting and running), in whole seconds."""
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
        claimed=row["pid"] is not None,
    )


def _is_live(row: dict[str, Any]) -> bool:
    """Say whether a row marked running is still waiting in the queue or being worked on.

    A worker on another machine cannot be checked from here: its job is trusted until
    ``MAX_RUNTIME``, as is a job still waiting for a worker.
    """
    if datetime.now(UTC) - _parse(row["started_at"]) > MAX_RUNTIME:
        return False
    return claim_is_live(row["host"], row["pid"])


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


def create_job(
    db: Database, role_id: int, *, method: str, actor: str, hires: Criterion | None = None
) -> CalibrationJob:
    """Record a calibration of ``role_id`` waiting for a worker, and audit its start.

    ``hires``: also train on the role's hires, with this outcome as their success.

    Raises :class:`CalibrationBusyError` while another calibration of the role runs.
    """
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
                    "hires_criterion": json.dumps(asdict(hires)) if hires else None,
                }
            )
            .last_pk
        )
        audit.record(
            db, actor, "model.calibrate_start", "role", role_id, job=job_id, method=method,
            hires=hires.describe() if hires else None,
        )  # fmt: skip
    return _job(db["calibration_jobs"].get(job_id))


def not_queued(db: Database, job_id: int, reason: str) -> None:
    """Mark a job failed because it could not be put on the queue."""
    _finish(db, job_id, FAILED, f"The calibration could not be queued ({reason}). Try again.")


def run_job(db: Database, instance_path: str | Path, job_id: int) -> CalibrationJob:
    """Claim the job for this process, calibrate, and record the outcome (a worker's part)."""
    from hiring.modeling import calibration  # scikit-learn is imported by workers only

    with write_transaction(db):
        row = db["calibration_jobs"].get(job_id)
        if row["status"] != RUNNING or row["pid"] is not None:
            return _job(row)  # settled, or another worker has it: never run a job twice
        db["calibration_jobs"].update(job_id, {"pid": os.getpid(), "host": socket.gethostname()})
    try:
        hires = row.get("hires_criterion")
        version = calibration.calibrate_role(
            db, instance_path, row["role_id"], method=row["method"], actor=row["requested_by"],
            hires=Criterion(**json.loads(hires)) if hires else None,
        )  # fmt: skip
    except HiringError as error:
        _finish(db, job_id, FAILED, error.message)
    except Exception:
        log.exception("calibration job %s failed", job_id)
        _finish(db, job_id, FAILED, UNEXPECTED)
    else:
        message = f"Calibrated {version.label}. Review it below before activating it."
        _finish(db, job_id, DONE, message, version.id)
    return _job(db["calibration_jobs"].get(job_id))
