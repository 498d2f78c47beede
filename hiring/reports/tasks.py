"""Background work of the reports: a batch of a role's PDF reports, started from the web."""

import os

from sqlite_utils import Database

from hiring.reports import batch_jobs
from hiring.reports.batch_jobs import ReportBatch
from hiring.store.db import get_db
from hiring.store.queue import huey, task_app


@huey.task(name="report-batch")
def render_report_batch(batch_id: int) -> None:
    """Render one queued batch of reports into its zip."""
    app = task_app()
    instance = app.config["INSTANCE_PATH"]
    db = get_db(app.config["DATABASE"])
    batch_jobs.sweep_batch_files(db, instance)  # what killed batches left behind
    # Half the cores: a worker beside `hiring serve` leaves the others to the web pages.
    batch_jobs.run_batch(db, instance, batch_id, jobs=max(1, (os.cpu_count() or 2) // 2))


def start_report_batch(
    db: Database, role_id: int, variant: str, page_size: str, *, actor: str
) -> ReportBatch:
    """Record a batch of the role's reports and put it on the queue; return it.

    Raises :class:`~hiring.errors.HiringError` when the role has nobody assessed or a batch
    of it is still on its way.
    """
    batch = batch_jobs.create_batch(db, role_id, variant, page_size, actor)
    try:
        render_report_batch(batch.id)
    except Exception as error:  # the queue's storage is down: say so on the batch
        batch_jobs.not_queued(db, batch.id, str(error) or type(error).__name__)
    return batch_jobs.get_batch(db, role_id, batch.id) or batch
