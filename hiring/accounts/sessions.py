"""Staff sign-in sessions kept on the server: started at sign-in, checked on every request.

Only the SHA-256 of the random session id is stored, as with invite tokens, so a copy of
the database cannot be turned into a working cookie. A session ends when its user signs
out, when it has not been used for the idle timeout, or when it reaches the absolute one.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.store.db import write_transaction

# The time of last use is written at most this often, so that reading pages costs no write.
TOUCH_SECONDS = 60
ENDED_IDLE, ENDED_TOO_OLD = "idle", "too old"


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(db: Database, user_id: int) -> str:
    """Record a new sign-in and return the id the cookie carries."""
    session_id = secrets.token_urlsafe(32)
    now = audit.now_iso()
    db["staff_sessions"].insert(
        {"id_hash": _hash(session_id), "user_id": user_id, "started_at": now, "last_seen_at": now}
    )
    return session_id


def check_session(
    db: Database,
    session_id: str | None,
    user_id: int,
    *,
    idle_minutes: int,
    max_hours: int,
    now: datetime | None = None,
) -> str | None:
    """Tell whether the cookie's session is live for this user; note that it was used.

    Returns None for a live session, otherwise why it is not: ``"ended"`` (signed out or
    unknown), :data:`ENDED_IDLE` or :data:`ENDED_TOO_OLD`. The last two end it for good.
    """
    if not session_id:
        return "ended"
    rows = db.execute(
        "SELECT started_at, coalesce(last_seen_at, started_at) FROM staff_sessions "
        "WHERE id_hash = ? AND user_id = ? AND ended_at IS NULL",
        [_hash(session_id), user_id],
    ).fetchall()
    if not rows:
        return "ended"
    now = now or datetime.now(UTC)
    started, last_seen = (datetime.fromisoformat(value) for value in rows[0])
    if now - started >= timedelta(hours=max_hours):
        reason = ENDED_TOO_OLD
    elif now - last_seen >= timedelta(minutes=idle_minutes):
        reason = ENDED_IDLE
    else:
        if (now - last_seen).total_seconds() >= TOUCH_SECONDS:
            db.execute(
                "UPDATE staff_sessions SET last_seen_at = ? WHERE id_hash = ?",
                [now.isoformat(timespec="seconds"), _hash(session_id)],
            )
        return None
    end_session(db, session_id, reason=reason, now=now)
    audit.record(db, "system", "session.timeout", "user", user_id, reason=reason)
    return reason


def end_session(
    db: Database, session_id: str | None, *, reason: str = "signed out", now: datetime | None = None
) -> None:
    """Mark a session ended, so that its cookie no longer signs anyone in."""
    if session_id:
        at = (now or datetime.now(UTC)).isoformat(timespec="seconds")
        with write_transaction(db):
            db.execute(
                "UPDATE staff_sessions SET ended_at = ?, ended_reason = ? "
                "WHERE id_hash = ? AND ended_at IS NULL",
                [at, reason, _hash(session_id)],
            )
