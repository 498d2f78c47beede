"""Detect whether WeasyPrint's system libraries (Pango) are present."""

import logging

from flask import Flask

PANGO_HELP = (
    "PDF reports need the Pango libraries: on Debian/Ubuntu run "
    "'sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0'."
)


def pango_available() -> bool:
    """Tell whether WeasyPrint can be imported (it loads Pango through cffi at import)."""
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
