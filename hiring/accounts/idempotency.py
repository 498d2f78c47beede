"""Idempotent API POSTs: remember, per key and Idempotency-Key, the request and its response.

A client that did not hear back retries with the same ``Idempotency-Key``; the second call
must not invite the candidate twice. The first call claims the key (a row with no status)
in a write transaction, so two calls sent at once cannot both act; its response is then
stored, and a retry with the same request gets that response again. The same key with a
different request is refused, and so is a retry while the first call is still running.
A response that failed on the server (5xx) is not kept: the client may simply retry.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.errors import HiringError
from hiring.store.db import write_transaction

KEEP_HOURS = 24
MAX_KEY = 255


class IdempotencyError(HiringError):
    """An Idempotency-Key that cannot be used for this request; ``status`` says why."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class StoredResponse:
    """The response the first call with an Idempotency-Key got."""

    status: int
    body: bytes
    headers: dict[str, str]


def request_hash(method: str, path: str, body: bytes) -> str:
    """Return the fingerprint that says whether a retry is the same request."""
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def claim(
    db: Database, key_id: int, idempotency_key: str, fingerprint: str
) -> StoredResponse | None:
    """Claim ``idempotency_key`` for a new request, or return the response of the first one.

    Raises :class:`IdempotencyError` when the key was used for another request (422) or the
    first request with it has not finished (409).
    """
    if not idempotency_key or len(idempotency_key) > MAX_KEY or not idempotency_key.isprintable():
        raise IdempotencyError(
            f"The Idempotency-Key header must be 1 to {MAX_KEY} printable characters.", 400
        )
    cutoff = (datetime.now(UTC) - timedelta(hours=KEEP_HOURS)).isoformat(timespec="seconds")
    with write_transaction(db):
        db.execute(
            "DELETE FROM api_idempotency WHERE key_id = ? AND created_at < ?", [key_id, cutoff]
        )
        rows = list(
            db["api_idempotency"].rows_where(
                "key_id = ? AND idempotency_key = ?", [key_id, idempotency_key]
            )
        )
        if not rows:
            db["api_idempotency"].insert(
                {
                    "key_id": key_id, "idempotency_key": idempotency_key,
                    "request_hash": fingerprint, "created_at": audit.now_iso(),
                }
            )  # fmt: skip
            return None
    row = rows[0]
    if row["request_hash"] != fingerprint:
        raise IdempotencyError(
            "This Idempotency-Key was already used for a different request; use a new key "
            "for a new request.",
            422,
        )
    if row["status"] is None:
        raise IdempotencyError(
            "A request with this Idempotency-Key is still being processed; retry shortly.", 409
        )
    return StoredResponse(row["status"], row["body"].encode(), json.loads(row["headers"]))


def store(
    db: Database, key_id: int, idempotency_key: str, status: int, body: bytes, headers: dict
) -> None:
    """Keep the response of a claimed request; forget the claim when the server failed."""
    where = "key_id = ? AND idempotency_key = ?"
    if status >= 500:
        db.execute(f"DELETE FROM api_idempotency WHERE {where}", [key_id, idempotency_key])  # noqa: S608
        return
    db.execute(
        f"UPDATE api_idempotency SET status = ?, body = ?, headers = ? WHERE {where}",  # noqa: S608
        [status, body.decode(), json.dumps(headers), key_id, idempotency_key],
    )
