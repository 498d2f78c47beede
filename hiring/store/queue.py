"""The task queue: one Huey instance, kept in SQLite in the instance folder, or in Redis.

Tasks are registered on ``huey`` (made on first use) when their area's ``tasks`` module is
imported; the queue's storage is chosen only when an app starts (:func:`configure`), because
the instance folder and ``HIRING_QUEUE_URL`` are settings. Until then, enqueuing fails loudly rather than
dropping work. A consumer (``hiring worker``) builds its own app from the same settings and
hands it to the tasks through :func:`task_app`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from hiring.errors import HiringError

if TYPE_CHECKING:
    from huey import Huey
    from huey.storage import BaseStorage

QUEUE_NAME = "hiring"
QUEUE_FILE = "queue.sqlite3"
_state: dict[str, Any] = {"app": None, "where": None, "huey": None}


class QueueError(HiringError):
    """The task queue is not set up, or its address cannot be used."""


def __getattr__(name: str) -> Any:
    """Make :data:`huey` on first use: importing Huey (and Redis's client) costs 0.1 s, which
    the commands that never touch the queue do not pay."""
    if name == "huey":
        return _queue()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _queue() -> Huey:
    if _state["huey"] is None:
        from huey import Huey
        from huey.storage import BaseStorage

        class Unconfigured(BaseStorage):
            """Storage before :func:`configure`: every use says so instead of losing a task."""

            def __getattribute__(self, name: str) -> Any:
                if name in {"name", "close", "blocking", "priority", "__class__"}:
                    return object.__getattribute__(self, name)
                raise QueueError(
                    "The task queue is not configured: start the app or `hiring worker`."
                )

        queue = Huey(QUEUE_NAME, results=False, utc=True, storage_class=Unconfigured)
        if _state["where"] is not None:
            queue.storage = storage_for(*_state["where"])
        _state["huey"] = queue
    return _state["huey"]


def _check_url(url: str) -> None:
    scheme = urlsplit(url).scheme
    if url and scheme not in {"redis", "rediss", "unix"}:
        raise QueueError(
            f"HIRING_QUEUE_URL must be empty (SQLite in the instance folder) or a redis:// "
            f"address, not {scheme or url!r}."
        )


def storage_for(url: str, instance: Path | str) -> BaseStorage:
    """Return the storage a queue URL names: empty for SQLite in ``instance``, or redis://."""
    _check_url(url)
    if not url:
        from huey.storage import SqliteStorage

        instance = Path(instance)
        path = instance / QUEUE_FILE
        instance.mkdir(parents=True, exist_ok=True)
        if not path.exists():  # owner-only, like every instance file
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, stat.S_IRUSR | stat.S_IWUSR))
        return SqliteStorage(name=QUEUE_NAME, filename=str(path))
    from huey.storage import RedisStorage

    return RedisStorage(name=QUEUE_NAME, url=url)


def configure(url: str, instance: Path) -> None:
    """Point the queue at its storage (once per process, and again if the settings change)."""
    where = (url, str(instance))
    if _state["where"] == where:
        return
    _check_url(url)  # a wrong address is refused at start, even before the queue is used
    if _state["huey"] is not None:
        _state["huey"].storage = storage_for(url, instance)
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
