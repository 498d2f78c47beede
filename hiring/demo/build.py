"""Build a self-contained demo instance filled with synthetic data."""

import os
import secrets
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from hiring import create_app
from hiring.accounts import users as accounts
from hiring.demo.adaptive import add_demo_adaptive
from hiring.demo.calibration import add_demo_calibration
from hiring.demo.candidates import add_demo_candidates
from hiring.demo.context import DEMO_BASE_URL, DemoContext
from hiring.demo.history import add_demo_history
from hiring.demo.self_id import add_synthetic_self_identification
from hiring.demo.study import add_demo_study
from hiring.demo.workspace import add_demo_decisions
from hiring.errors import HiringError
from hiring.store.db import close_all, get_db
from hiring.store.instance import private_folder
from hiring.store.plurals import plural

DEMO_USERS = (
    ("admin", "admin", "Avery Admin (demo)"),
    ("recruiter", "recruiter", "Riley Recruiter (demo)"),
    ("manager", "manager", "Morgan Manager (demo)"),
)
GENERATED = ("hiring.sqlite3", "hiring.sqlite3-wal", "hiring.sqlite3-shm", "models", "reports")


def add_demo_users(ctx: DemoContext) -> None:
    """Create one account per role with a freshly generated password."""
    for username, role, display in DEMO_USERS:
        password = secrets.token_urlsafe(12)
        accounts.add_user(ctx.db, username, password, role, display, actor="demo")
        ctx.passwords[username] = password


# The steps run in this order on a fresh instance: later steps use what earlier ones made.
# The model is calibrated right after the candidates exist, so that their fits are re-scored
# with it, and self-identification and decisions then see incumbents and calibrated fits.
DEMO_STEPS: list[Callable[[DemoContext], None]] = [
    add_demo_users,
    add_demo_candidates,
    add_demo_calibration,
    add_demo_adaptive,
    add_demo_history,
    add_synthetic_self_identification,
    add_demo_decisions,
    add_demo_study,
]


class DemoExists(HiringError):
    """The demo folder already holds a demo (or another instance) that a build would replace."""


def what_a_rebuild_loses(folder: Path) -> str | None:
    """Describe the demo already in ``folder`` that a rebuild would delete, or None if none.

    Refuses outright a folder that holds an instance which is not a demo: ``--reset`` must
    never wipe real data.
    """
    database = folder / "hiring.sqlite3"
    if not database.exists():
        return None
    if not (folder / "demo-accounts.txt").exists():
        raise DemoExists(
            f"{folder} holds an instance that is not a demo; choose another --folder for the demo."
        )
    conn = sqlite3.connect(database.as_uri() + "?mode=ro", uri=True)
    try:
        candidates = conn.execute("SELECT count(*) FROM candidates").fetchone()[0]
        users = conn.execute("SELECT count(*) FROM users").fetchone()[0]
    except sqlite3.Error:
        candidates = users = 0
    finally:
        conn.close()
    return (
        f"its {plural(candidates, 'candidate')} and {plural(users, 'staff account')} with their "
        "current passwords, and every change made in it since it was built"
    )


def reset_folder(folder: Path) -> None:
    """Remove what an earlier demo build generated, keeping anything else the user put there."""
    close_all()
    for name in GENERATED:
        path = folder / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def build_demo(folder: Path, base_url: str = DEMO_BASE_URL) -> DemoContext:
    """Create (or re-create) the demo instance in ``folder`` and run every demo step.

    ``base_url`` is the address the demo will be served on, used in the links it prints.
    The demo never sends e-mail, whatever ``HIRING_SMTP_HOST`` says: its candidates are
    synthetic and their addresses made up.
    """
    folder = private_folder(folder.resolve())
    reset_folder(folder)
    app = create_app(
        {"INSTANCE_PATH": str(folder), "DATABASE": None, "SECRET_KEY": None, "SMTP_HOST": ""}
    )
    ctx = DemoContext(app=app, db=get_db(app.config["DATABASE"]), base_url=base_url)
    with app.app_context():
        for step in DEMO_STEPS:
            step(ctx)
    write_accounts_file(folder, ctx.passwords)
    return ctx


def write_accounts_file(folder: Path, passwords: dict[str, str]) -> Path:
    """Keep the generated passwords in an owner-only file beside the database."""
    path = folder / "demo-accounts.txt"
    if path.exists():
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        for username, password in passwords.items():
            handle.write(f"{username}\t{password}\n")
    return path
