"""Shared fixtures: an app on a fresh temporary database, its clients and a login helper."""

import pytest
from click.testing import CliRunner
from page_support import csrf_token

from hiring import create_app
from hiring.accounts import users as accounts
from hiring.cli import cli
from hiring.store.db import close_all, get_db

PASSWORDS = {
    "admin": "admin-pass-123",
    "recruiter": "recruiter-pass-123",
    "manager": "manager-pass-123",
}


@pytest.fixture
def app(tmp_path):
    """An app whose instance folder and database are new for each test."""
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE": str(tmp_path / "instance" / "test.sqlite3"),
            "SECRET_KEY": "test-secret-key",
        }
    )
    yield app
    close_all()


@pytest.fixture
def db(app):
    """The app's database connection."""
    return get_db(app.config["DATABASE"])


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def run(tmp_path):
    """Run the ``hiring`` command on an instance of its own, as a user would."""

    def invoke(*args, input=None):
        result = CliRunner().invoke(cli, ["--instance", str(tmp_path / "inst"), *args], input=input)
        close_all()
        return result

    return invoke


@pytest.fixture
def runner(app):
    """A CLI runner for the app's Flask commands."""
    return app.test_cli_runner()


@pytest.fixture
def staff(db):
    """One account per role, with the passwords in ``PASSWORDS``."""
    return {
        role: accounts.add_user(db, role, PASSWORDS[role], role, f"{role.title()} Tester")
        for role in accounts.ROLES
    }


class AuthActions:
    """Sign in and out through the real forms, CSRF included."""

    def __init__(self, client):
        self._client = client

    def login(self, username: str = "admin", password: str | None = None, follow: bool = False):
        page = self._client.get("/auth/login")
        token = csrf_token(page.get_data(as_text=True))
        return self._client.post(
            "/auth/login",
            data={
                "username": username,
                "password": password or PASSWORDS.get(username, ""),
                "csrf_token": token,
            },
            follow_redirects=follow,
        )

    def logout(self):
        page = self._client.get("/")
        token = csrf_token(page.get_data(as_text=True))
        return self._client.post("/auth/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client, staff):
    """Sign-in helper over the test client, with staff accounts present."""
    return AuthActions(client)


@pytest.fixture
def queue_worker(app):
    """A real `hiring worker` on the app's instance, stopped after the test."""
    from queue_support import Worker

    worker = Worker(app.config["INSTANCE_PATH"], app.config["DATABASE"])
    yield worker
    worker.stop()
