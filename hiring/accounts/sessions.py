"""Staff sign-in sessions kept on the server: started at sign-in, checked on every request.

Only the SHA-256 of the random session id is stored, as with invite tokens, so a copy of
the database cannot be turned into a working cookie.
"""

import hashlib
import secrets

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.store.db import write_transaction


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(db: Database, user_id: int) -> str:
    """Record a new sign-in and return the id the cookie carries."""
    session_id = secrets.token_urlsafe(32)
    db["staff_sessions"].insert(
        {"id_hash": _hash(session_id), "user_id": user_id, "started_at": audit.now_iso()}
    )
    return session_id


def session_is_live(db: Database, session_id: str | None, user_id: int) -> bool:
    """Tell whether the cookie's session was started for this user and has not ended."""
    if not session_id:
        return False
    rows = db.execute(
        "SELECT 1 FROM staff_sessions WHERE id_hash = ? AND user_id = ? AND ended_at IS NULL",
        [_hash(session_id), user_id],
    ).fetchall()
    return bool(rows)


def end_session(db: Database, session_id: str | None) -> None:
    """Mark a session ended, so that its cookie no longer signs anyone in."""
    if session_id:
        with write_transaction(db):
            db.execute(
                "UPDATE staff_sessions SET ended_at = ? WHERE id_hash = ? AND ended_at IS NULL",
                [audit.now_iso(), _hash(session_id)],
            )
