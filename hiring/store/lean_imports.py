"""Keep pandas out of processes that never use it: sqlite-utils imports it only if it can.

``sqlite_utils.db`` imports pandas, when installed, to map ``pandas.Timestamp`` to a TEXT
column: 0.25 s of every command's start, for a type we never store. While that one module
is first executed, ``import pandas`` fails as if pandas were not installed; everywhere
else (fairlearn, a test) pandas imports as usual.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

LEAN_MODULE = "sqlite_utils.db"
KEPT_OUT = "pandas"


class _WithoutPandas(importlib.abc.Loader):
    """Run the real loader of ``sqlite_utils.db`` while pandas reads as not installed."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        if KEPT_OUT in sys.modules:  # imported meanwhile: nothing left to save
            self._loader.exec_module(module)
            return
        sys.modules[KEPT_OUT] = None  # type: ignore[assignment]  # "import pandas" fails
        try:
            self._loader.exec_module(module)
        finally:
            if sys.modules.get(KEPT_OUT, False) is None:
                del sys.modules[KEPT_OUT]

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename, ... for tracebacks
        return getattr(self._loader, name)


class _LeanFinder(importlib.abc.MetaPathFinder):
    """Find ``sqlite_utils.db`` as usual and hand it the loader above."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != LEAN_MODULE or KEPT_OUT in sys.modules:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _WithoutPandas(spec.loader)
        return spec


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once), before sqlite-utils is imported."""
    if not any(isinstance(finder, _LeanFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _LeanFinder())
