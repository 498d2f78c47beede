"""The web face: blueprints, CSRF, security headers and error pages.

Nothing is imported at the top: the CLI and the queue worker import ``hiring.web.database``
(this package's module) without the pages, and must not pay for the web's libraries
(flask-smorest, marshmallow, WTForms) that only ``init_app`` needs.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register every blueprint and the cross-cutting request hooks."""
    from flask_wtf.csrf import CSRFProtect

    from hiring.store.plurals import noun, plural
    from hiring.web import access, errors, filters, headers
    from hiring.web.auth import bp as auth_bp
    from hiring.web.home import bp as home_bp
    from hiring.web.two_factor import bp as two_factor_bp

    app.jinja_env.filters.update(plural=plural, noun=noun)
    _keep_compiled_templates(app)
    csrf = CSRFProtect(app)
    access.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
    filters.init_app(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(two_factor_bp)
    app.register_blueprint(home_bp)
    from hiring.web.candidate import bp as candidate_bp

    app.register_blueprint(candidate_bp)
    from hiring.web.admin_users import bp as admin_users_bp
    from hiring.web.manager import bp as manager_bp
    from hiring.web.recruiter import bp as recruiter_bp
    from hiring.web.roles import bp as roles_bp

    app.register_blueprint(roles_bp)
    app.register_blueprint(recruiter_bp)
    app.register_blueprint(manager_bp)
    app.register_blueprint(admin_users_bp)
    from hiring.web.invite import bp as invite_bp

    app.register_blueprint(invite_bp)
    from hiring.web.audit_log import bp as audit_log_bp
    from hiring.web.candidate_rights import bp as candidate_rights_bp
    from hiring.web.erasure import bp as erasure_bp
    from hiring.web.fairness import bp as fairness_bp

    app.register_blueprint(fairness_bp)
    app.register_blueprint(audit_log_bp)
    app.register_blueprint(erasure_bp)
    app.register_blueprint(candidate_rights_bp)
    from hiring.web.reports import bp as reports_bp

    app.register_blueprint(reports_bp)
    from hiring.web.validity import bp as validity_bp

    app.register_blueprint(validity_bp)
    from hiring.web.studies import bp as studies_bp
    from hiring.web.study_journey import bp as study_journey_bp
    from hiring.web.team import bp as team_bp

    app.register_blueprint(studies_bp)
    app.register_blueprint(study_journey_bp)
    app.register_blueprint(team_bp)

    from hiring.web import api
    from hiring.web.api_keys import bp as api_keys_bp
    from hiring.web.webhooks import bp as webhooks_bp

    app.register_blueprint(api_keys_bp)
    app.register_blueprint(webhooks_bp)
    api.init_app(app)
    for blueprint in api.blueprints():  # a key, never the staff cookie, authenticates a call
        csrf.exempt(blueprint)


def _keep_compiled_templates(app: Flask) -> None:
    """Keep compiled templates on disk, so that a new server process does not compile them.

    Flask reloads changed templates only in debug mode; then there is nothing to keep. The
    cache is Jinja's own: a folder only this user may use in the temporary directory, each
    entry checked against its template's source. Without a usable folder, templates are
    compiled as before.
    """
    from jinja2 import FileSystemBytecodeCache

    if app.jinja_env.auto_reload:
        return
    try:
        app.jinja_env.bytecode_cache = FileSystemBytecodeCache()
    except (OSError, RuntimeError) as error:
        logging.getLogger("hiring").warning("Compiled templates are not kept: %s", error)
