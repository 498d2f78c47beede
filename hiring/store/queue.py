"""The task queue: one Huey instance, kept in SQLite in the instance folder, or in Redis.

Tasks are registered on :data:`huey` when their area's ``tasks`` module is imported; the
queue's storage is chosen only when an app starts (:func:`configure`), because the instance
folder and ``HIRING_QUEUE_URL`` are settings. Until then, enqueuing fails loudly rather than
dropping work. A consumer (``hiring worker``) builds its own app from the same settings and
hands it to the tasks through :func:`task_app`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from huey import Huey
from huey.storage import BaseStorage, RedisStorage, SqliteStorage

from hiring.errors import HiringError

QUEUE_NAME = "hiring"
QUEUE_FILE = "queue.sqlite3"


class QueueError(HiringError):
    """The task queue is not set up, or its address cannot be used."""


class _Unconfigured(BaseStorage):
    """Storage before :func:`configure`: every use says so instead of losing a task."""

    def __getattribute__(self, name: str) -> Any:
        if name in {"name", "close", "blocking", "priority", "__class__"}:
            return object.__getattribute__(self, name)
        raise QueueError("The task queue is not configured: start the app or `hiring worker`.")


huey = Huey(QUEUE_NAME, results=False, utc=True, storage_class=_Unconfigured)
_state: dict[str, Any] = {"app": None, "where": None}


def storage_for(url: str, instance: Path) -> BaseStorage:
    """Return the storage a queue URL names: empty for SQLite in ``instance``, or redis://."""
    if not url:
        path = instance / QUEUE_FILE
        instance.mkdir(parents=True, exist_ok=True)
        if not path.exists():  # owner-only, like every instance file
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, stat.S_IRUSR | stat.S_IWUSR))
        return SqliteStorage(name=QUEUE_NAME, filename=str(path))
    scheme = urlsplit(url).scheme
    if scheme not in {"redis", "rediss", "unix"}:
        raise QueueError(
            f"HIRING_QUEUE_URL must be empty (SQLite in the instance folder) or a redis:// "
            f"address, not {scheme or url!r}."
        )
    return RedisStorage(name=QUEUE_NAME, url=url)


def configure(url: str, instance: Path) -> None:
    """Point the queue at its storage (once per process, and again if the settings change)."""
    where = (url, str(instance))
    if _state["where"] == where:
        return
    huey.storage = storage_for(url, instance)
    _state["where"] = where


def describe() -> str:
    """Say in words where the queue is kept (for start-up lines and the docs)."""
    url, instance = _state["where"] or ("", "")
    if not url:
        return f"SQLite ({Path(instance) / QUEUE_FILE})" if instance else "not configured"
    parts = urlsplit(url)
    return f"Redis at {parts.hostname or 'localhost'}:{parts.port or 6379}"


def is_embedded() -> bool:
    """Tell whether the queue lives in the instance folder (then `hiring serve` runs a worker)."""
    return not (_state["where"] or ("",))[0]


def bind_app(app: Any) -> None:
    """Give the tasks of this process the app (settings and database) they run against."""
    _state["app"] = app


def task_app() -> Any:
    """Return the app a task runs against; only a consumer (or a test) has one."""
    if _state["app"] is None:
        raise QueueError("No app is bound to the task queue in this process.")
    return _state["app"]
