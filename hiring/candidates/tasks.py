"""Background work of the candidates' side: the daily purge of data past its retention."""

import logging
from datetime import UTC, datetime

from huey import crontab

from hiring.candidates import erasure
from hiring.store.db import get_db
from hiring.store.queue import huey, task_app

log = logging.getLogger(__name__)


@huey.periodic_task(crontab(minute="20", hour="3"), name="purge")
def purge() -> int:
    """Erase candidates past the retention period (as `hiring purge` does); return how many."""
    app = task_app()
    db = get_db(app.config["DATABASE"])
    done = erasure.purge(
        db, app.config["INSTANCE_PATH"], datetime.now(UTC), app.config["RETENTION_DAYS"]
    )
    for item in done:
        log.info("purge: erased %s", item.describe())
    return len(done)
