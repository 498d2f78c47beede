"""The versioned JSON API under /api/v1, documented as OpenAPI 3.1 with flask-smorest.

flask-smorest's ``Api`` sits beside the staff web app as an extension: it documents only its
own blueprints, and its app-wide JSON error handler is left out, because ``web/errors.py``
already answers every request under ``/api/`` with problem+json and every other with the
HTML error page.
"""

import http
from copy import deepcopy

from flask import Flask, request
from flask_smorest import Api as SmorestApi
from flask_smorest.utils import prepare_response

from hiring.accounts.api_keys import SCOPES
from hiring.web.api import keys
from hiring.web.api.problems import CONTENT_TYPE, ProblemSchema

PREFIX = "/api/v1"
DESCRIPTION = """The Frontline Fit API: roles and their assessments, invitations, candidates'
status and results, decisions, incumbents and calibrations, fairness tables and the audit log.

Send an API key with every call as `Authorization: Bearer KEY` (admins create keys with
`hiring apikeys add` or on the API keys page). Each operation needs one scope, named in its
`x-required-scope` and security requirement. Errors are `application/problem+json` (RFC
9457). Lists are paged with `cursor` and `limit`; GETs carry an `ETag` and answer
`If-None-Match` with 304; every POST honours an `Idempotency-Key` header. Times are ISO 8601
in UTC."""


HEADERS = {
    401: {
        "WWW-Authenticate": {"description": "How to authenticate.", "schema": {"type": "string"}}
    },
    429: {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
}


class Api(SmorestApi):
    """flask-smorest's Api with problem+json error responses and no app-wide error handler."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """Leave errors to ``hiring.web.errors`` (problem+json under /api/, HTML elsewhere)."""

    def _register_responses(self) -> None:
        """Document every error status as a problem+json response."""
        for status in http.HTTPStatus:
            response: dict = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            if status in HEADERS:
                response["headers"] = HEADERS[status]
            prepare_response(response, self.spec, CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Any other error", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


def blueprints() -> list:
    """Return the API's resource blueprints."""
    from hiring.web.api import admin, candidates, fairness, roles

    return [roles.blp, candidates.blp, fairness.blp, admin.blp]


def init_app(app: Flask) -> None:
    """Register the API's blueprints, its key checks and its OpenAPI document."""
    app.config.update(
        API_TITLE="Frontline Fit API",
        API_VERSION="1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX=None,  # served by hiring.web.api.docs, with the fix-ups below
        API_SPEC_OPTIONS={
            "info": {"description": DESCRIPTION, "license": {"name": "MIT"}},
            "servers": [{"url": "/", "description": "This server"}],
        },
    )
    api = Api(app)
    api.spec.components.security_scheme(
        keys.SECURITY_SCHEME,
        {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key. Scopes: "
            + "; ".join(f"`{name}`: {text}" for name, text in SCOPES.items()),
        },
    )
    api.spec.components.parameter(
        "IDEMPOTENCY_KEY",
        "header",
        {
            "name": "Idempotency-Key",
            "description": "Any unique text (a UUID): a retry with the same key and body gets "
            "the first response again instead of acting twice; kept 24 hours per API key.",
            "schema": {"type": "string", "minLength": 1, "maxLength": 255},
        },
    )
    api.spec.components.parameter(
        "IF_NONE_MATCH",
        "header",
        {
            "name": "If-None-Match",
            "description": "The ETag of a copy you hold: 304 when it is still current.",
            "schema": {"type": "string"},
        },
    )
    names = set()
    for blp in blueprints():
        api.register_blueprint(blp)
        names.add(blp.name)
    app.extensions["hiring_api"] = api

    def authenticate():
        if request.blueprint in names:
            return keys.authenticate()
        return None

    def record(response):
        if request.blueprint in names:
            return keys.record_call(response)
        return response

    app.before_request(authenticate)
    app.after_request(record)
    from hiring.web.api.docs import bp as docs_bp

    app.register_blueprint(docs_bp)


def document(app: Flask) -> dict:
    """Return the OpenAPI document, with the headers our decorators handle written in."""
    spec = deepcopy(app.extensions["hiring_api"].spec.to_dict())
    etag = {
        "description": "The version of this response, for If-None-Match.",
        "schema": {"type": "string"},
    }
    for path in spec.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            parameters = operation.setdefault("parameters", [])
            if operation.get("x-etag"):
                parameters.append({"$ref": "#/components/parameters/IF_NONE_MATCH"})
                operation["responses"]["200"].setdefault("headers", {})["ETag"] = etag
            if operation.get("x-idempotent"):
                parameters.append({"$ref": "#/components/parameters/IDEMPOTENCY_KEY"})
            if not parameters:
                del operation["parameters"]
    return spec
