"""Background work of webhooks: send a delivery, and schedule its retry with a growing delay."""

import logging

from huey import crontab

from hiring.store.db import get_db
from hiring.store.queue import huey, task_app
from hiring.webhooks import deliveries

log = logging.getLogger(__name__)


WAIT_FOR_COMMIT = 10  # tries, a second apart, for the change that wrote the delivery to commit


@huey.task(name="deliver_webhook")
def deliver_webhook(delivery_id: int, waited: int = 0) -> None:
    """Try one delivery; on failure put the next try on the queue after the backoff delay.

    The delivery is queued from inside the transaction that wrote it, so the worker may
    look before it commits: it looks again a second later (a change rolled back never shows).
    """
    app = task_app()
    db = get_db(app.config["DATABASE"])
    if not db["webhook_deliveries"].count_where("id = ?", [delivery_id]):
        if waited < WAIT_FOR_COMMIT:
            deliver_webhook.schedule((delivery_id, waited + 1), delay=1)
        return
    outcome = deliveries.attempt(
        db,
        delivery_id,
        allow_private=bool(app.config["WEBHOOK_ALLOW_PRIVATE"]),
        retry_base=float(app.config["WEBHOOK_RETRY_SECONDS"]),
    )
    if outcome.retry_in is not None:
        deliver_webhook.schedule((delivery_id,), delay=outcome.retry_in)


def send(delivery_ids: list[int]) -> None:
    """Put deliveries on the queue; one that cannot be queued stays pending for a replay."""
    for delivery_id in delivery_ids:
        try:
            deliver_webhook(delivery_id)
        except Exception:  # the queue's storage is down: the delivery log shows it pending
            log.exception("webhook delivery %s could not be queued", delivery_id)


@huey.periodic_task(crontab(minute="*"), name="send_pending_webhooks")
def send_pending() -> int:
    """Queue deliveries left pending for over a minute (the queue was down, or a replay)."""
    db = get_db(task_app().config["DATABASE"])
    ids = [row["id"] for row in deliveries.stale_pending(db)]
    send(ids)
    return len(ids)
