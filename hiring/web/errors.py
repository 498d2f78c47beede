"""Friendly error pages that never show a stack trace."""

import logging
import sqlite3
import threading
import time

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from hiring.store.instance import storage_problem
from hiring.web.api.problems import http_problem, is_api_request, problem

log = logging.getLogger("hiring")
STORAGE_ERRORS = (sqlite3.OperationalError, OSError)
STORAGE_LOG_SECONDS = 60.0  # at most one log line per minute while the disk stays full

MESSAGES = {
    400: ("Something in that request was not right", "Go back, check the form and try again."),
    403: ("You do not have access to this page", "Ask an administrator if you think you should."),
    404: ("Page not found", "The address may be mistyped, or the page no longer exists."),
    405: ("That action is not allowed here", "Go back and use the buttons on the page."),
    410: ("This link is no longer valid", "Ask the person who sent it for a new one."),
    413: ("That upload is too large", "Files up to 8 MB are accepted."),
    429: ("Too many attempts", "Wait a few minutes and try again."),
    500: ("Something went wrong on our side", "The problem was logged. Please try again shortly."),
    503: (
        "Your change was not saved",
        "The server cannot write to its disk just now, so nothing was changed. Try again in a "
        "few minutes; if it keeps happening, tell your administrator (the server log says why).",
    ),
}


class StorageFailureLog:
    """Log writes refused by a full or read-only disk: one line each, at most one per interval.

    A full disk fails every request that writes; a traceback for each would fill the disk
    further and bury the cause, so repeats within the interval are only counted.
    """

    def __init__(self, interval: float = STORAGE_LOG_SECONDS) -> None:
        self.interval = interval
        self._lock = threading.Lock()
        self._last: float | None = None
        self._repeats = 0

    def record(self, problem: str, error: BaseException) -> None:
        """Log one line for this failure, or count it when a line went out recently."""
        with self._lock:
            now = time.monotonic()
            if self._last is not None and now - self._last < self.interval:
                self._repeats += 1
                return
            repeats, self._repeats, self._last = self._repeats, 0, now
        where = f"{request.method} {request.endpoint}" if request else "a write"
        since = f"; {repeats} more since the last line" if repeats else ""
        log.error(
            "Could not save (%s): %s [%s: %s]%s", where, problem, type(error).__name__, error, since
        )


def storage_failed(error: BaseException) -> bool:
    """Tell whether ``error`` is a full or read-only disk, logging it (rate-limited) if so."""
    problem = storage_problem(error)
    if problem is None:
        return False
    current_app.extensions["hiring_storage_log"].record(problem, error)
    return True


def render_error(code: int, detail: str | None = None) -> tuple[str, int]:
    """Render the shared error template for ``code``."""
    title, hint = MESSAGES.get(code, (f"Error {code}", ""))
    return render_template("errors/error.html", code=code, title=title, hint=detail or hint), code


def init_app(app: Flask) -> None:
    """Register handlers for HTTP errors, CSRF failures, a full disk and anything unexpected."""
    app.extensions["hiring_storage_log"] = StorageFailureLog()

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> tuple[str, int]:
        return render_error(
            400, "The form expired or was sent twice. Reload the page and try again."
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if is_api_request():
            return http_problem(error)
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        if isinstance(error, STORAGE_ERRORS) and storage_failed(error):
            if is_api_request():
                return problem(
                    503, "The server cannot write to its disk just now; nothing was changed."
                )
            return render_error(503)
        log.exception("Unhandled error", exc_info=error)
        if is_api_request():
            return problem(500, "The problem was logged. Please try again shortly.")
        return render_error(InternalServerError.code)
