import shlex
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

    from hiring.cli import server

    served = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: served.update(app=app, **kw))
    monkeypatch.setattr(server.QueueWorker, "start", lambda self: served.update(worker=self.env))
    monkeypatch.setenv("HIRING_SMTP_HOST", "mail.example.invalid")
    monkeypatch.setenv("HIRING_WORKERS", "1")  # one waitress process, served in this test
    folder = tmp_path / "demo"
    with socket.socket() as probe:  # a port nothing listens on, so the demo's check passes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(cli, ["demo", "--folder", str(folder), "--port", str(port)])
    close_all()
    assert result.exit_code == 0, result.output
    assert served["port"] == port and served["host"] == "127.0.0.1"
    assert served["app"].config["SMTP_HOST"] == ""  # synthetic addresses are never mailed
    assert served["worker"]["HIRING_SMTP_HOST"] == ""  # nor by the demo's queue worker
    assert f"http://127.0.0.1:{port}/a/" in result.output
    assert f"Open http://127.0.0.1:{port}/ " in result.output
    assert ":8000" not in result.output


def test_init_hint_names_the_instance_and_works_from_any_folder(tmp_path, monkeypatch):
    folder = tmp_path / "my instance"
    result = CliRunner().invoke(cli, ["--instance", str(folder), "init"])
    close_all()
    assert result.exit_code == 0, result.output
    (hint,) = [line for line in result.output.splitlines() if line.startswith("Next:")]
    command = hint.split("  ", 1)[1]
    assert command == f"hiring --instance '{folder}' users add NAME --role admin --generate"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    words = shlex.split(command.replace("NAME", "alex"))
    assert words[0] == "hiring"
    added = CliRunner().invoke(cli, words[1:])
    close_all()
    assert added.exit_code == 0, added.output
    users = sqlite3.connect(folder / "hiring.sqlite3").execute("SELECT username FROM users")
    assert [row[0] for row in users] == ["alex"]
    assert list(elsewhere.iterdir()) == []  # no second instance


def test_without_an_instance_a_command_refuses_to_make_one_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HIRING_INSTANCE", raising=False)
    monkeypatch.delenv("HIRING_DATABASE", raising=False)
    result = CliRunner().invoke(cli, ["users", "add", "alex", "--role", "admin", "--generate"])
    close_all()
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"Error: No instance in {tmp_path / 'instance'}. Pass --instance PATH (or set "
        "HIRING_INSTANCE) to use yours, or create one here with: "
        f"hiring --instance {tmp_path / 'instance'} init"
    )
    assert list(tmp_path.iterdir()) == []
    assert CliRunner().invoke(cli, ["init"]).exit_code == 0  # init may make ./instance
    close_all()
    assert (tmp_path / "instance" / "hiring.sqlite3").exists()


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["roles", "close", "nope"], "see `hiring --instance {folder} roles list`"),
        (["models", "activate", "99"], "see `hiring --instance {folder} models list`"),
    ],
)
def test_commands_named_in_errors_carry_the_instance(run, tmp_path, args, hint):
    result = run(*args)
    assert result.exit_code == 2
    assert hint.format(folder=tmp_path / "inst") in result.output


def test_printed_hints_carry_the_instance(run, tmp_path):
    assert run("init").exit_code == 0
    result = run("roles", "list")
    assert f"hiring --instance {tmp_path / 'inst'} roles add TITLE" in result.output


def test_db_upgrade_reports_the_migrations_an_older_instance_needed(tmp_path):
    from hiring.store.db import connect, migrate
    from hiring.store.migrations import MIGRATIONS

    folder = tmp_path / "old"
    folder.mkdir()
    names = [m.name for m in MIGRATIONS._migrations]
    old = connect(folder / "hiring.sqlite3")
    migrate(old, stop_before=names[3])  # as left by a version that had three migrations
    old.close()
    result = CliRunner().invoke(cli, ["--instance", str(folder), "db", "upgrade"])
    close_all()
    assert result.exit_code == 0, result.output
    later = names[3:]
    assert result.output.splitlines() == [
        f"Applied {len(later)} migrations: {', '.join(later)}.",
        "Schema up to date (0 pending).",
    ]
    again = CliRunner().invoke(cli, ["--instance", str(folder), "db", "upgrade"])
    close_all()
    assert again.output.splitlines()[0] == "No migration was needed."
