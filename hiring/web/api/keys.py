"""Who is calling the API: the key in ``Authorization: Bearer``, its scopes, rate and audit.

The staff session cookie is never read for the API (``web/access.py`` skips it), so a page
open in a browser cannot be made to call the API, and CSRF does not arise: a key must be
sent on purpose with every call.
"""

import functools
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, g, make_response, request
from flask_smorest import Blueprint
from werkzeug.exceptions import HTTPException

from hiring.accounts import api_keys, audit, idempotency
from hiring.web.api.problems import http_problem, problem
from hiring.web.database import db

SECURITY_SCHEME = "apiKey"
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="frontline-fit"'}
ERRORS = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 429: "TOO_MANY_REQUESTS"}
SERVER_ERRORS = {500: "INTERNAL_SERVER_ERROR", 503: "SERVICE_UNAVAILABLE"}


def authenticate() -> Response | None:
    """Find the caller's key before an API view runs; answer 401 or 429 when it cannot go on."""
    g.api_key = None
    scheme, _, key = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return problem(401, "Send an API key as 'Authorization: Bearer KEY'.", CHALLENGE)
    found = api_keys.find_key(db(), key.strip())
    if found is None:
        return problem(401, "This API key is not valid: unknown or revoked.", CHALLENGE)
    g.api_key = found
    limit = int(current_app.config["API_RATE_LIMIT"])
    wait = api_keys.count_call(db(), found, limit)
    if wait:
        return problem(
            429,
            f"This key made more than {limit} calls this minute; retry in {wait} s.",
            {"Retry-After": str(wait)},
        )
    return None


def record_call(response: Response) -> Response:
    """Audit every call made with a key: who, what, and how it ended."""
    key = g.get("api_key")
    if key is not None:
        audit.record(
            db(), key.actor, "api.call", "api", f"{request.method} {request.path}",
            status=response.status_code,
        )  # fmt: skip
    return response


def needs(blp: Blueprint, scope: str) -> Callable[[Callable], Callable]:
    """Let through keys with ``scope``; 403 for the others. Documents scope and errors."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if scope not in g.api_key.scopes:
                return problem(
                    403, f"This operation needs the scope {scope}.", required_scope=scope
                )
            return view(*args, **kwargs)

        return blp.doc(
            **{"x-required-scope": scope},
            security=[{SECURITY_SCHEME: [scope]}],
            responses={**ERRORS, **SERVER_ERRORS},
        )(wrapped)

    return decorate


def idempotent(blp: Blueprint) -> Callable[[Callable], Callable]:
    """Honour an ``Idempotency-Key`` header on a POST: a retry gets the first response again."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            given = request.headers.get("Idempotency-Key")
            if given is None:
                return view(*args, **kwargs)
            key_id = g.api_key.id
            fingerprint = idempotency.request_hash(
                request.method, request.full_path, request.get_data()
            )
            try:
                stored = idempotency.claim(db(), key_id, given, fingerprint)
            except idempotency.IdempotencyError as error:
                return problem(error.status, error.message)
            if stored is not None:
                replay = Response(stored.body, stored.status, headers=stored.headers)
                replay.headers["Idempotent-Replayed"] = "true"
                return replay
            try:
                response = make_response(view(*args, **kwargs))
            except HTTPException as error:
                response = http_problem(error)
            except BaseException:
                idempotency.store(db(), key_id, given, 500, b"", {})
                raise
            kept = {k: v for k, v in response.headers.items() if k in ("Content-Type", "Location")}
            idempotency.store(db(), key_id, given, response.status_code, response.get_data(), kept)
            return response

        return blp.doc(
            **{"x-idempotent": True},
            responses={409: "CONFLICT", 400: "BAD_REQUEST", 422: "UNPROCESSABLE_ENTITY"},
        )(wrapped)

    return decorate


def conditional(blp: Blueprint) -> Callable[[Callable], Callable]:
    """Give a GET's response an ETag, and answer 304 when ``If-None-Match`` holds it."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            response = make_response(view(*args, **kwargs))
            if response.status_code == 200 and not response.direct_passthrough:
                response.add_etag()
                response.headers["Cache-Control"] = "private, no-cache"
                response.make_conditional(request)
            return response

        return blp.doc(**{"x-etag": True}, responses={304: "NOT_MODIFIED"})(wrapped)

    return decorate
