"""Parts of a page rendered once per worker process for each small key, then reused."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app
from markupsafe import Markup

SIZE = 256  # fragments kept per kind; the least recently used goes first


class Fragments:
    """A bounded, thread-safe map from a key to rendered HTML."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self.entries: OrderedDict[Hashable, Markup] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], str]) -> Markup:
        """Return the HTML kept for ``key``, rendering and keeping it the first time."""
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        html = Markup(render())  # noqa: S704 - a rendered template, escaped by Jinja
        # (rendered outside the lock: two threads may both render a new key once)
        with self.lock:
            self.entries[key] = html
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return html


def fragment(kind: str, key: Hashable, render: Callable[[], str]) -> Markup:
    """Rendered HTML of ``kind`` for ``key``: from this app's store, or rendered now.

    With templates reloaded on change (debug mode), every call renders afresh.
    """
    if current_app.jinja_env.auto_reload:
        return Markup(render())  # noqa: S704 - a rendered template, escaped by Jinja
    store = current_app.extensions.setdefault("hiring.fragments", {})
    fragments = store.get(kind) or store.setdefault(kind, Fragments())
    return fragments.get(key, render)
