"""Keep pandas and numpy out of processes that never use them: sqlite-utils imports both if it can.

``sqlite_utils.db`` imports pandas and numpy, when installed, only to map ``pandas.Timestamp``
and numpy's number types to column types: 0.25 s and 0.04 s of every command's start, for
types a light command never stores. While that one module is first executed, ``import
pandas`` and ``import numpy`` fail as if they were not installed; everywhere else (the
scoring engine, fairlearn, a test) they import as usual. When numpy is imported later, its
number types are added to sqlite-utils' mapping then, so the mapping ends as it would have.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

LEAN_MODULE = "sqlite_utils.db"
KEPT_OUT = ("pandas", "numpy")
NUMPY_TYPES = {
    "int8": "INTEGER", "int16": "INTEGER", "int32": "INTEGER", "int64": "INTEGER",
    "uint8": "INTEGER", "uint16": "INTEGER", "uint32": "INTEGER", "uint64": "INTEGER",
    "float16": "REAL", "float32": "REAL", "float64": "REAL",
}  # fmt: skip  # what sqlite_utils.db maps when it imports numpy itself


class _Wrapped(importlib.abc.Loader):
    """A module's real loader, with something done around its execution."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename, ... for tracebacks
        return getattr(self._loader, name)


class _WithoutOptional(_Wrapped):
    """Run ``sqlite_utils.db`` while pandas and numpy read as not installed."""

    def exec_module(self, module: ModuleType) -> None:
        kept = [name for name in KEPT_OUT if name not in sys.modules]
        for name in kept:
            sys.modules[name] = None  # type: ignore[assignment]  # "import name" fails
        try:
            self._loader.exec_module(module)
        finally:
            for name in kept:
                if sys.modules.get(name, False) is None:
                    del sys.modules[name]


class _ThenNumpyTypes(_Wrapped):
    """Run numpy's own loader, then give sqlite-utils the numpy types it went without."""

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        add_numpy_types(module)


def add_numpy_types(numpy: ModuleType) -> None:
    """Map numpy's number types in ``sqlite_utils.db`` if it was loaded without numpy."""
    lean = sys.modules.get(LEAN_MODULE)
    if lean is None or getattr(lean, "np", None) is not None:
        return
    lean.np = numpy
    lean.COLUMN_TYPE_MAPPING.update(
        {getattr(numpy, name): kind for name, kind in NUMPY_TYPES.items()}
    )


class _LeanFinder(importlib.abc.MetaPathFinder):
    """Find ``sqlite_utils.db`` and, after it, numpy as usual, and wrap their loaders."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname == LEAN_MODULE:
            wrapper: type[_Wrapped] = _WithoutOptional
        elif fullname == "numpy" and LEAN_MODULE in sys.modules:
            wrapper = _ThenNumpyTypes
        else:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            spec.loader = wrapper(spec.loader)
        return spec


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once), before sqlite-utils is imported."""
    if not any(isinstance(finder, _LeanFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _LeanFinder())
