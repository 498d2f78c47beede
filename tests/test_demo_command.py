"""`hiring demo` keeps an existing demo unless told --reset, and checks its port first."""

import socket
import sqlite3

import pytest
from click.testing import CliRunner

from hiring.cli import cli
from hiring.store.db import close_all


def demo(*args):
    result = CliRunner().invoke(cli, ["demo", *args])
    close_all()
    return result


def passwords(folder):
    return (folder / "demo-accounts.txt").read_text()


def hashes(folder):
    with sqlite3.connect(folder / "hiring.sqlite3") as conn:
        return sorted(conn.execute("SELECT username, password_hash FROM users"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo") / "frontline demo"
    result = demo("--folder", str(folder), "--no-serve")
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def busy_port():
    """A port that something else is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def one_line_error(result, *fragments):
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize("extra", [["--no-serve"], ["--port", "8999"]])
def test_running_the_demo_again_refuses_and_says_what_reset_would_delete(built, extra):
    before = (passwords(built), hashes(built))
    result = demo("--folder", str(built), *extra)
    one_line_error(
        result,
        "already exists",
        "186 candidates",
        "3 staff accounts",
        "passwords",
        "--reset",
        f"hiring --instance '{built}' serve",
    )
    assert (passwords(built), hashes(built)) == before


def test_reset_rebuilds_with_new_passwords(tmp_path):
    folder = tmp_path / "demo"
    assert demo("--folder", str(folder), "--no-serve").exit_code == 0
    before = passwords(folder)
    (folder / "notes.txt").write_text("mine")
    result = demo("--folder", str(folder), "--no-serve", "--reset")
    assert result.exit_code == 0, result.output
    assert passwords(folder) != before
    assert (folder / "notes.txt").read_text() == "mine"  # only what the demo made is replaced


def test_reset_never_wipes_an_instance_that_is_not_a_demo(run, tmp_path):
    assert run("init").exit_code == 0
    assert run("users", "add", "alex", "--role", "admin", "--generate").exit_code == 0
    folder = tmp_path / "inst"
    result = demo("--folder", str(folder), "--no-serve", "--reset")
    one_line_error(result, "not a demo")
    assert [name for name, _ in hashes(folder)] == ["alex"]


def test_a_busy_port_is_refused_before_anything_is_built(tmp_path, busy_port):
    folder = tmp_path / "demo"
    result = demo("--folder", str(folder), "--port", str(busy_port))
    one_line_error(result, f"127.0.0.1:{busy_port}", "already in use", "--port")
    assert not folder.exists()


def test_a_busy_port_with_reset_deletes_nothing(built, busy_port):
    before = (passwords(built), hashes(built))
    result = demo("--folder", str(built), "--port", str(busy_port), "--reset")
    one_line_error(result, "already in use")
    assert (passwords(built), hashes(built)) == before


def test_the_demo_manager_sees_real_onboarding_plans(built):
    from hiring import create_app
    from hiring.accounts import users as accounts
    from hiring.store.db import get_db
    from hiring.workspace import cohorts

    app = create_app({"INSTANCE_PATH": str(built), "TESTING": True})
    with app.app_context():
        db = get_db(app.config["DATABASE"])
        manager = accounts.find_user(db, "manager")
        hires = cohorts.hires(db, manager.id)
        assert len(hires) == 3
        plans = [
            cohorts.onboarding_plan(cohorts.hire_detail(db, manager.id, h["id"])) for h in hires
        ]
        steps = [sum(len(phase) for phase in plan.values()) for plan in plans]
        assert sum(s > 0 for s in steps) >= 2, steps  # most hires have something to learn
        modules = cohorts.cohort(db, manager.id, [h["id"] for h in hires])
        assert modules, "the cohort plan is empty"
    close_all()


def test_the_demo_role_uses_the_adaptive_form_and_some_candidates_took_it(built):
    with sqlite3.connect(built / "hiring.sqlite3") as conn:
        forms = dict(conn.execute("SELECT title, form FROM job_roles"))
        taken = conn.execute(
            "SELECT count(*), sum(r.fit IS NOT NULL), sum(r.thetas IS NOT NULL) FROM results r "
            "WHERE r.form = 'adaptive'"
        ).fetchone()
        banks = conn.execute("SELECT count(*) FROM item_banks").fetchone()[0]
    assert "adaptive" in forms.values()
    assert taken == (6, 6, 6) and banks == 1


def test_the_demo_has_past_hires_with_outcomes_for_the_predictive_page(built):
    from hiring import create_app
    from hiring.store.db import get_db
    from hiring.workspace.predictive_validity import validation_summary

    app = create_app({"INSTANCE_PATH": str(built), "TESTING": True})
    db = get_db(app.config["DATABASE"])
    role = next(db["job_roles"].rows_where("title LIKE '%demo%'"))
    summary = validation_summary(db, role["id"])
    assert summary["hires_with_outcomes"] == 50
    assert set(summary["predictive"]) == {
        "csat", "qa", "handle_time", "rating", "retained_90", "retained_180",
    }  # fmt: skip
    csat = summary["predictive"]["csat"]
    assert csat["n"] == 50 and csat["corrected_r"] > csat["observed_r"] > 0
    assert summary["predictive"]["retained_90"]["auc"] is not None
    imported = db["candidates"].count_where("source = 'imported' AND synthetic = 1")
    assert imported == 150
    close_all()
