"""Webhook deliveries: written with the event's change, sent signed, retried, logged, replayed.

:func:`emit` runs inside the transaction of the change it announces and writes one delivery
per subscription (an outbox), then asks the queue to send each. :func:`attempt` sends one,
signed per the Standard Webhooks specification (``webhook-id``, ``webhook-timestamp`` and
``webhook-signature`` headers; the id stays the same on every retry, so a receiver can drop
repeats), and records how it went. A failed attempt is retried after a delay that doubles
each time, up to :data:`MAX_ATTEMPTS`.
"""

import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database
from standardwebhooks.webhooks import Webhook

from hiring.accounts import audit
from hiring.errors import HiringError
from hiring.store.db import write_transaction
from hiring.webhooks.addresses import AddressError, check_url

MAX_ATTEMPTS = 6
TIMEOUT_SECONDS = 10
PENDING, RETRYING, DELIVERED, FAILED = "pending", "retrying", "delivered", "failed"


class DeliveryError(HiringError):
    """A delivery that cannot be found or replayed."""


@dataclass(frozen=True)
class Outcome:
    """How one attempt went, and when to try again (None: no more tries)."""

    delivered: bool
    retry_in: float | None


def emit(db: Database, event: str, data: dict) -> list[int]:
    """Write a delivery of ``event`` for every live subscription that wants it."""
    rows = db.query(
        "SELECT id, events FROM webhook_subscriptions WHERE removed_at IS NULL ORDER BY id"
    )
    wanted = [row["id"] for row in rows if event in json.loads(row["events"])]
    if not wanted:
        return []
    now = audit.now_iso()
    body = json.dumps({"type": event, "timestamp": now, "data": data}, sort_keys=True)
    ids = []
    with write_transaction(db):
        for subscription_id in wanted:
            delivery = {
                "subscription_id": subscription_id, "message_id": f"msg_{uuid.uuid4().hex}",
                "event": event, "payload": body, "status": PENDING, "created_at": now,
            }  # fmt: skip
            ids.append(db["webhook_deliveries"].insert(delivery).last_pk)
    return ids


def backoff(attempts: int, base: float) -> float:
    """Return the wait before the next try after ``attempts`` failed ones: base, 2x, 4x…"""
    return base * 2 ** (attempts - 1)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST without following redirects (one could lead to a private address)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
            return None

    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def attempt(db: Database, delivery_id: int, *, allow_private: bool, retry_base: float) -> Outcome:
    """Send one delivery once, record the attempt, and say whether and when to retry."""
    rows = list(db["webhook_deliveries"].rows_where("id = ?", [delivery_id]))
    if not rows or rows[0]["status"] in (DELIVERED, FAILED):
        return Outcome(bool(rows) and rows[0]["status"] == DELIVERED, None)
    delivery = rows[0]
    subscription = db["webhook_subscriptions"].get(delivery["subscription_id"])
    started = time.monotonic()
    code, error = None, ""
    if subscription["removed_at"]:
        error = "the subscription was removed"
    else:
        try:
            url = check_url(subscription["url"], allow_private=allow_private)
            now = datetime.now(UTC)
            body = delivery["payload"].encode()
            signature = Webhook(subscription["secret"]).sign(delivery["message_id"], now, body)
            code = _post(url, body, {
                "Content-Type": "application/json", "User-Agent": "FrontlineFit-Webhooks/1",
                "webhook-id": delivery["message_id"],
                "webhook-timestamp": str(int(now.timestamp())), "webhook-signature": signature,
            })  # fmt: skip
            if not 200 <= code < 300:
                error = f"the receiver answered {code}"
        except AddressError as refused:
            error = refused.message
        except (OSError, ValueError) as failure:
            error = f"could not connect: {failure}"
    return _record(db, delivery, code, error, started, retry_base)


def _record(db, delivery, code, error, started, retry_base) -> Outcome:
    attempts = delivery["attempts"] + 1
    now = datetime.now(UTC)
    retry_in = None
    if not error:
        status = DELIVERED
    elif attempts < MAX_ATTEMPTS and "subscription was removed" not in error:
        status, retry_in = RETRYING, backoff(attempts, retry_base)
    else:
        status = FAILED
    with write_transaction(db):
        db["webhook_attempts"].insert(
            {
                "delivery_id": delivery["id"], "at": now.isoformat(timespec="seconds"),
                "status_code": code, "error": error,
                "milliseconds": int((time.monotonic() - started) * 1000),
            }
        )  # fmt: skip
        db["webhook_deliveries"].update(
            delivery["id"],
            {
                "status": status, "attempts": attempts, "last_error": error,
                "delivered_at": now.isoformat(timespec="seconds") if not error else None,
                "next_attempt_at": (now + timedelta(seconds=retry_in)).isoformat(timespec="seconds")
                if retry_in is not None else None,
            },
        )  # fmt: skip
    return Outcome(not error, retry_in)


def stale_pending(db: Database, seconds: int = 60) -> list[dict]:
    """Return deliveries still pending ``seconds`` after they were written."""
    cutoff = (datetime.now(UTC) - timedelta(seconds=seconds)).isoformat(timespec="seconds")
    return list(
        db["webhook_deliveries"].rows_where(
            "status = ? AND coalesce(next_attempt_at, created_at) < ?", [PENDING, cutoff], limit=500
        )
    )


def delivery_log(db: Database, limit: int = 50) -> list[dict]:
    """Return the newest deliveries with their subscription's URL and their attempts."""
    rows = list(
        db.query(
            "SELECT d.*, s.url FROM webhook_deliveries d "
            "JOIN webhook_subscriptions s ON s.id = d.subscription_id ORDER BY d.id DESC LIMIT ?",
            [limit],
        )
    )
    for row in rows:
        row["attempt_rows"] = list(
            db["webhook_attempts"].rows_where("delivery_id = ?", [row["id"]], order_by="id")
        )
    return rows


def replay(db: Database, delivery_id: int, *, actor: str) -> dict:
    """Send a delivery again (same message id and body), with a fresh round of retries."""
    with write_transaction(db):
        rows = list(db["webhook_deliveries"].rows_where("id = ?", [delivery_id]))
        if not rows:
            raise DeliveryError(f"No webhook delivery has the id {delivery_id}.")
        db["webhook_deliveries"].update(
            delivery_id, {"status": PENDING, "attempts": 0, "next_attempt_at": audit.now_iso()}
        )
        audit.record(db, actor, "webhook.replay", "webhook_delivery", delivery_id)
    return db["webhook_deliveries"].get(delivery_id)
