import socket
import sqlite3

import pytest
from click.testing import CliRunner

from hiring.cli import cli
from hiring.store.db import close_all


def test_init_creates_an_instance(run, tmp_path):
    result = run("init")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "inst" / "hiring.sqlite3").exists()
    assert (tmp_path / "inst" / "secret_key").exists()


def test_db_upgrade_is_idempotent(run):
    assert run("db", "upgrade").exit_code == 0
    result = run("db", "upgrade")
    assert result.exit_code == 0 and "0 pending" in result.output


def test_users_add_list_and_set_password(run):
    result = run("users", "add", "pat", "--role", "recruiter", "--password", "long-enough-pw")
    assert result.exit_code == 0, result.output
    listing = run("users", "list").output
    assert "pat" in listing and "recruiter" in listing
    assert run("users", "set-password", "pat", "--password", "another-long-pw").exit_code == 0


def test_users_add_generates_a_password(run):
    result = run("users", "add", "gen", "--role", "admin", "--generate")
    assert result.exit_code == 0 and "Password: " in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["users", "add", "x", "--role", "admin", "--password", "short"], "at least 10 characters"),
        (
            ["users", "set-password", "ghost", "--password", "long-enough-pw"],
            "No user named 'ghost'",
        ),
    ],
)
def test_user_errors_are_one_line_and_exit_2(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_duplicate_user_is_refused(run):
    run("users", "add", "dup", "--role", "admin", "--password", "long-enough-pw")
    result = run("users", "add", "dup", "--role", "admin", "--password", "long-enough-pw")
    assert result.exit_code == 2 and "already exists" in result.output


def test_demo_builds_a_usable_instance_twice_with_reset(tmp_path):
    folder = tmp_path / "demo"
    for extra in ([], ["--reset"]):
        result = CliRunner().invoke(cli, ["demo", "--folder", str(folder), "--no-serve", *extra])
        close_all()
        assert result.exit_code == 0, result.output
    assert "synthetic" in result.output
    assert "http://127.0.0.1:8000/a/" in result.output  # the port it would serve on
    assert "serve --host 127.0.0.1 --port 8000" in result.output
    conn = sqlite3.connect(folder / "hiring.sqlite3")
    assert {row[0] for row in conn.execute("select username from users")} == {
        "admin",
        "recruiter",
        "manager",
    }
    password = dict(
        line.split("\t") for line in (folder / "demo-accounts.txt").read_text().splitlines()
    )["admin"]
    assert f"admin      {password}" in result.output

    from hiring import create_app
    from tests.conftest import AuthActions

    app = create_app({"INSTANCE_PATH": str(folder), "TESTING": True})
    response = AuthActions(app.test_client()).login("admin", password, follow=True)
    assert "Welcome" in response.get_data(as_text=True)
    close_all()


def test_demo_links_match_the_served_port_and_no_email_is_sent(tmp_path, monkeypatch):
    import waitress

    served = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: served.update(app=app, **kw))
    monkeypatch.setenv("HIRING_SMTP_HOST", "mail.example.invalid")
    folder = tmp_path / "demo"
    with socket.socket() as probe:  # a port nothing listens on, so the demo's check passes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(cli, ["demo", "--folder", str(folder), "--port", str(port)])
    close_all()
    assert result.exit_code == 0, result.output
    assert served["port"] == port and served["host"] == "127.0.0.1"
    assert served["app"].config["SMTP_HOST"] == ""  # synthetic addresses are never mailed
    assert f"http://127.0.0.1:{port}/a/" in result.output
    assert f"Open http://127.0.0.1:{port}/ " in result.output
    assert ":8000" not in result.output
