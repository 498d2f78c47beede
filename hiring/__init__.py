"""Frontline Fit: hiring assessment and candidate profiling for service teams."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hiring.store import config as settings
from hiring.store import lean_imports
from hiring.store.instance import permission_warning, prepare_instance, private_file
from hiring.store.paths import data_dir, static_dir

if TYPE_CHECKING:
    from flask import Flask

lean_imports.install()


def create_app(test_config: dict[str, Any] | None = None, *, pages: bool = True) -> Flask:
    """Build the web app: defaults, then the environment, then ``test_config`` on top.

    ``pages=False`` leaves out the web pages, for the CLI and the queue worker: they need the
    settings and the database, and start faster without the blueprints' imports.
    """
    # Imported here, not above: `python -m hiring` imports this package, and the CLI's
    # --help and light commands must start without Flask or the web's libraries.
    from flask import Flask

    from hiring.candidates.self_identification import load_self_id

    values = settings.from_environment()
    if test_config:
        values.update(test_config)
    instance = Path(str(values["INSTANCE_PATH"])).resolve()
    app = Flask(
        __name__,
        instance_path=str(instance),
        template_folder=str(data_dir("templates")),
        static_folder=str(static_dir()),
    )
    app.config.from_mapping(values)
    app.config["INSTANCE_PATH"] = str(instance)
    _prepare_storage(app, instance)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.instance_secret_key(instance)
    if not app.config.get("SELF_ID"):  # a test may hand over ready-made questions
        app.config["SELF_ID"] = load_self_id(app.config.get("SELF_ID_FILE") or None)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(app.config["HTTPS"]),
        SESSION_COOKIE_NAME="ff_session",
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # a candidate may pause for hours on a page
    )

    from hiring.store import queue
    from hiring.web.database import init_app as init_db

    queue.configure(str(app.config["QUEUE_URL"] or ""), instance)
    init_db(app)
    if pages:  # a command that makes PDFs (and the worker) checks for Pango itself
        from hiring import web
        from hiring.reports.pdf_support import warn_if_pango_missing

        web.init_app(app)
        warn_if_pango_missing(app)
    _trust_proxies(app)
    return app


def _prepare_storage(app: Flask, instance: Path) -> None:
    """Check the instance can be written, warn when it is readable by others, and create the
    database file owner-only (SQLite gives its -wal and -shm files the same mode)."""
    prepare_instance(instance)
    warning = permission_warning(instance)
    if warning:
        logging.getLogger("hiring").warning(warning)
    if not app.config.get("DATABASE"):
        app.config["DATABASE"] = str(instance / "hiring.sqlite3")
    database = Path(app.config["DATABASE"]).resolve()
    if database.parent != instance:
        prepare_instance(database.parent)
    private_file(database)


def _trust_proxies(app: Flask) -> None:
    """Behind ``PROXY_HOPS`` reverse proxies, take the client's address, scheme and host from them.

    Off by default: without a proxy that overwrites X-Forwarded-For, any client could pick
    the address the per-address sign-in limit counts against.
    """
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops < 0:
        raise SystemExit(f"HIRING_PROXY_HOPS must be 0 or more, not {hops}.")
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
