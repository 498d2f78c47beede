"""Detect whether WeasyPrint's system libraries (Pango) are present."""

from __future__ import annotations

import ctypes
import logging
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

PANGO_HELP = (
    "PDF reports need the Pango libraries: on Debian/Ubuntu run "
    "'sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0'."
)


# The libraries WeasyPrint opens at import (weasyprint/text/ffi.py), under the names it tries.
LIBRARIES = (
    ("libgobject-2.0-0", "gobject-2.0-0", "gobject-2.0", "libgobject-2.0.so.0",
     "libgobject-2.0.0.dylib", "libgobject-2.0-0.dll"),
    ("libpango-1.0-0", "pango-1.0-0", "pango-1.0", "libpango-1.0.so.0", "libpango-1.0.dylib",
     "libpango-1.0-0.dll"),
    ("libharfbuzz-0", "harfbuzz", "harfbuzz-0.0", "libharfbuzz.so.0", "libharfbuzz.0.dylib",
     "libharfbuzz-0.dll"),
    ("libfontconfig-1", "fontconfig-1", "fontconfig", "libfontconfig.so.1",
     "libfontconfig.1.dylib", "libfontconfig-1.dll"),
    ("libpangoft2-1.0-0", "pangoft2-1.0-0", "pangoft2-1.0", "libpangoft2-1.0.so.0",
     "libpangoft2-1.0.dylib", "libpangoft2-1.0-0.dll"),
)  # fmt: skip


def _loadable(names: tuple[str, ...]) -> bool:
    for name in names:
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return False


def pango_available() -> bool:
    """Tell whether WeasyPrint can be imported (it loads Pango through cffi at import).

    Opening the libraries takes milliseconds, importing WeasyPrint about a second; so the
    import, which decides, is only tried when one of the libraries cannot be opened.
    """
    if "weasyprint" in sys.modules or all(_loadable(names) for names in LIBRARIES):
        return True
    try:
        import weasyprint  # noqa: F401
    except OSError:
        return False
    return True


def warn_if_pango_missing(app: Flask) -> None:
    """Log one clear line at start when reports cannot be rendered."""
    if not pango_available():
        app.config["PDF_UNAVAILABLE"] = PANGO_HELP
        logging.getLogger("hiring").warning(PANGO_HELP)
