"""Background work of the fit model: web calibrations and re-scores, the daily drift check."""

import logging

from huey import crontab
from sqlite_utils import Database

from hiring.errors import HiringError
from hiring.modeling import calibration_jobs, rescoring, validity
from hiring.modeling.calibration_jobs import CalibrationJob
from hiring.modeling.incumbents import Criterion
from hiring.modeling.live_model import load_active_model
from hiring.roles.services import get_role
from hiring.store.db import get_db
from hiring.store.queue import huey, task_app

log = logging.getLogger(__name__)


def _db() -> tuple[Database, str]:
    app = task_app()
    return get_db(app.config["DATABASE"]), app.config["INSTANCE_PATH"]


@huey.task(name="calibrate")
def calibrate(job_id: int) -> None:
    """Run one queued calibration job."""
    db, instance = _db()
    calibration_jobs.run_job(db, instance, job_id)


def start_calibration(
    db: Database, role_id: int, *, method: str, actor: str, hires: Criterion | None = None
) -> CalibrationJob:
    """Record a calibration of the role and put it on the queue; return its job.

    Raises :class:`~hiring.modeling.calibration_jobs.CalibrationBusyError` while another
    calibration of the role runs.
    """
    job = calibration_jobs.create_job(db, role_id, method=method, actor=actor, hires=hires)
    try:
        calibrate(job.id)
    except Exception as error:  # the queue's storage is down: say so on the job
        calibration_jobs.not_queued(db, job.id, str(error) or type(error).__name__)
        return calibration_jobs.get_job(db, role_id, job.id) or job
    return job


@huey.task(name="rescore")
def rescore(role_id: int, actor: str) -> int:
    """Re-score a role's candidates with its active model (resuming an unfinished run)."""
    db, instance = _db()
    try:
        return rescoring.rescore_role(db, instance, role_id, actor=actor).n
    except HiringError as error:
        rescoring.fail_run(db, role_id, error.message)
        return 0
    except Exception:
        log.exception("re-score of role %s failed", role_id)
        rescoring.fail_run(db, role_id, "stopped on an unexpected error (see the worker's log)")
        raise


def start_rescore(db: Database, instance_path: str, role_id: int, *, actor: str) -> dict:
    """Check the role's model can be used, record a re-score and put it on the queue.

    Raises :class:`~hiring.errors.HiringError` at once when the active model cannot be
    loaded (its file changed or is missing), so that the admin sees why before anything runs.
    """
    load_active_model(db, instance_path, get_role(db, role_id))
    run = rescoring.open_run(db, role_id, actor=actor)
    rescore(role_id, actor)
    return run


@huey.periodic_task(crontab(minute="40", hour="3"), name="check-drift")
def check_drift() -> int:
    """Check every role with an active model for applicant drift, daily; return roles checked."""
    db, _instance = _db()
    ids = [
        row["id"] for row in db.query("SELECT id FROM job_roles WHERE model_version_id IS NOT NULL")
    ]
    return sum(validity.check_drift(db, role_id) is not None for role_id in ids)
