"""Friendly error pages that never show a stack trace."""

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger("hiring")

MESSAGES = {
    400: ("Something in that request was not right", "Go back, check the form and try again."),
    403: ("You do not have access to this page", "Ask an administrator if you think you should."),
    404: ("Page not found", "The address may be mistyped, or the page no longer exists."),
    405: ("That action is not allowed here", "Go back and use the buttons on the page."),
    410: ("This link is no longer valid", "Ask the person who sent it for a new one."),
    413: ("That upload is too large", "Files up to 8 MB are accepted."),
    429: ("Too many attempts", "Wait a few minutes and try again."),
    500: ("Something went wrong on our side", "The problem was logged. Please try again shortly."),
}


def render_error(code: int, detail: str | None = None) -> tuple[str, int]:
    """Render the shared error template for ``code``."""
    title, hint = MESSAGES.get(code, (f"Error {code}", ""))
    return render_template("errors/error.html", code=code, title=title, hint=detail or hint), code


def init_app(app: Flask) -> None:
    """Register handlers for HTTP errors, CSRF failures and anything unexpected."""

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> tuple[str, int]:
        return render_error(
            400, "The form expired or was sent twice. Reload the page and try again."
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[str, int]:
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("Unhandled error", exc_info=error)
        return render_error(InternalServerError.code)
