"""Errors of the API as ``application/problem+json`` (RFC 9457), never an HTML page.

Every error of a request under ``/api/`` goes through :func:`problem`: unknown addresses,
wrong methods, refused keys, validation failures and server faults alike, so a client parses
one shape. ``type`` is ``about:blank`` (the status says what happened) unless a more precise
problem has its own page in the docs.
"""

import http

import marshmallow as ma
from flask import Response, json, request
from werkzeug.exceptions import HTTPException

CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/"
TITLES = {
    401: "A valid API key is needed",
    403: "This key's scopes do not allow this",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    422: "The request could not be processed",
    429: "Too many requests",
    500: "Server error",
    503: "Service unavailable",
}


class ProblemSchema(ma.Schema):
    """A problem detail (RFC 9457)."""

    type = ma.fields.String(
        required=True, metadata={"description": "A URI naming the kind of problem."}
    )
    title = ma.fields.String(required=True, metadata={"description": "What went wrong, briefly."})
    status = ma.fields.Integer(required=True, metadata={"description": "The HTTP status code."})
    detail = ma.fields.String(metadata={"description": "What went wrong here, and what to do."})
    instance = ma.fields.String(metadata={"description": "The path of the request."})
    errors = ma.fields.Dict(
        metadata={"description": "Per field (or `json`/`query`/`headers`), what is wrong."}
    )
    required_scope = ma.fields.String(
        metadata={"description": "The scope the operation needs (403 only)."}
    )


def is_api_request() -> bool:
    """Tell whether the current request is one for the API."""
    return request.path.startswith(API_PREFIX)


def problem(status: int, detail: str = "", headers: dict | None = None, **extra) -> Response:
    """Return a problem+json response for ``status``."""
    body = {
        "type": "about:blank",
        "title": TITLES.get(status) or http.HTTPStatus(status).phrase,
        "status": status,
        "instance": request.path,
        **({"detail": detail} if detail else {}),
        **extra,
    }
    response = Response(json.dumps(body), status=status, mimetype=CONTENT_TYPE)
    response.headers.update(headers or {})
    return response


def validation_errors(data: dict | None) -> dict:
    """Return webargs' messages of a failed validation, by location then field."""
    messages = (data or {}).get("messages") or {}
    return {str(where): fields for where, fields in messages.items()}


def http_problem(error: HTTPException) -> Response:
    """Turn an HTTP error raised anywhere under /api/ into a problem response."""
    code = error.code or 500
    headers = {k: v for k, v in error.get_headers() if k.lower() in ("allow", "retry-after")}
    data = getattr(error, "data", None)
    errors = validation_errors(data) if data else {}
    detail = "Some values were not accepted: see errors." if errors else ""
    if code == 405:
        detail = f"Use one of: {headers.get('Allow', '')}."
    elif code == 404 and not detail:
        detail = "No such resource; the OpenAPI document at /api/v1/openapi.json lists them."
    elif code == 413:
        detail = "Requests up to 8 MB are accepted."
    return problem(code, detail, headers, **({"errors": errors} if errors else {}))
