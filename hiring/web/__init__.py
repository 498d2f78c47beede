"""The web face: blueprints, CSRF, security headers and error pages."""

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from hiring.web import access, errors, headers

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """Register every blueprint and the cross-cutting request hooks."""
    from hiring.web.auth import bp as auth_bp
    from hiring.web.home import bp as home_bp

    csrf.init_app(app)
    access.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(home_bp)
