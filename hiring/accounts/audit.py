"""The append-only record of who did what and when."""

import json
from datetime import UTC, datetime

from sqlite_utils import Database


def now_iso() -> str:
    """Return the current UTC time as an ISO 8601 string, the format every table uses."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def record(
    db: Database,
    actor: str,
    action: str,
    target_type: str = "",
    target_id: str | int = "",
    **detail: object,
) -> None:
    """Append one event; ``detail`` holds what a reviewer needs to understand it."""
    db["audit_log"].insert(
        {
            "at": now_iso(),
            "actor": actor,
            "action": action,
            "target_type": target_type,
            "target_id": str(target_id),
            "detail": json.dumps(detail, sort_keys=True, default=str),
        }
    )
