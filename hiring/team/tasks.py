"""Background work of the team area: the daily purge of employees' study data past retention."""

import logging
from datetime import UTC, datetime

from huey import crontab

from hiring.store.db import get_db
from hiring.store.queue import huey, task_app
from hiring.team import erasure

log = logging.getLogger(__name__)


@huey.periodic_task(crontab(minute="35", hour="3"), name="purge-employees")
def purge_employees() -> int:
    """Erase study data past HIRING_EMPLOYEE_RETENTION_DAYS (as `hiring study purge`); return how many."""
    app = task_app()
    db = get_db(app.config["DATABASE"])
    done = erasure.purge(db, datetime.now(UTC), app.config["EMPLOYEE_RETENTION_DAYS"])
    for item in done:
        log.info("purge-employees: erased %s", item.describe())
    return len(done)
