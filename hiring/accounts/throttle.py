"""Limits on repeated attempts (sign-in, codes, link requests), shared through the database.

Each key counts attempts. The first ``free`` go through at once; after that each attempt
waits a delay after the previous one that doubles from ``base`` seconds up to ``cap``, and
a key left alone for ``forget`` seconds starts over. Nothing is ever locked outright.

An attempt is counted *before* it is checked, in one write transaction with the test of
the limit, so requests sent at once cannot all slip under it; a sign-in that succeeds
gives its count back. Every server process shares the counters through the database.
"""

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from hiring.store.db import write_transaction
from hiring.store.plurals import plural

clock = time.time  # tests replace it to move time on


@dataclass(frozen=True)
class Limit:
    """How many attempts go through freely, and the delays that follow."""

    free: int
    base: float
    cap: float
    forget: float

    def delay(self, attempts: int) -> float:
        """Return the seconds to wait after the last attempt when ``attempts`` are counted."""
        if attempts < self.free:
            return 0.0
        return min(self.base * 2.0 ** (attempts - self.free), self.cap)


def _counted(db: Database, key: str, limit: Limit, now: float) -> tuple[int, float]:
    rows = db.execute(
        "SELECT attempts, last_at FROM attempt_counters WHERE key = ?", [key]
    ).fetchall()
    if not rows or now - rows[0][1] > limit.forget:
        return 0, now
    return rows[0][0], rows[0][1]


def wait_seconds(db: Database, key: str, limit: Limit, now: float | None = None) -> float:
    """Return how long the next attempt on ``key`` must wait (0: it may go now)."""
    now = clock() if now is None else now
    attempts, last_at = _counted(db, key, limit, now)
    return max(last_at + limit.delay(attempts) - now, 0.0) if attempts else 0.0


def reserve(db: Database, keys: Sequence[tuple[str, Limit]], now: float | None = None) -> int:
    """Count one attempt on every key, unless one of them must wait.

    Returns 0 when the attempt was counted, or the whole seconds to wait (nothing counted).
    Runs in a write transaction of its own or joins the caller's.
    """
    now = clock() if now is None else now
    with write_transaction(db):
        wait = max((wait_seconds(db, key, limit, now) for key, limit in keys), default=0.0)
        if wait > 0:
            return max(math.ceil(wait), 1)
        for key, limit in keys:
            attempts, _ = _counted(db, key, limit, now)
            db.execute(
                "INSERT INTO attempt_counters (key, attempts, last_at) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET attempts = excluded.attempts, "
                "last_at = excluded.last_at",
                [key, attempts + 1, now],
            )
    return 0


def give_back(db: Database, key: str) -> None:
    """Take back one counted attempt (it turned out to be the rightful owner's)."""
    db.execute("UPDATE attempt_counters SET attempts = max(attempts - 1, 0) WHERE key = ?", [key])


def clear(db: Database, key: str) -> None:
    """Forget every attempt on ``key``."""
    db.execute("DELETE FROM attempt_counters WHERE key = ?", [key])


def wait_words(seconds: int) -> str:
    """Say a wait in words: "1 second", "2 minutes"."""
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return plural(minutes, "minute")
