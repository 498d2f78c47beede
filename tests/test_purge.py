"""The retention purge: who is past the period after a final decision, and `hiring purge`."""

from datetime import UTC, datetime, timedelta

import pytest
from candidate_records import insert_candidate, make_role
from click.testing import CliRunner

from hiring import create_app
from hiring.candidates.erasure import (
    ErasureError,
    due_for_purge,
    purge,
    purge_audit_log,
    rule_text,
)
from hiring.cli import cli
from hiring.store.db import close_all, get_db

NOW = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)


def _ago(days: float) -> str:
    return (NOW - timedelta(days=days)).isoformat(timespec="seconds")


@pytest.fixture
def pool(db):
    """Candidates decided long ago, recently, and not yet decided."""
    role = make_role(db)
    rid = role["id"]
    return {
        "old_hired": insert_candidate(db, rid, status="hired", decided_at=_ago(400)),
        "old_rejected": insert_candidate(db, rid, status="rejected", decided_at=_ago(366)),
        "recent": insert_candidate(db, rid, status="rejected", decided_at=_ago(364)),
        "undecided": insert_candidate(db, rid, status="interviewed"),
        "in_progress": insert_candidate(db, rid, status="started"),
    }


def test_purge_erases_only_final_decisions_older_than_the_period(app, db, pool):
    erased = purge(db, app.config["INSTANCE_PATH"], NOW, 365)
    assert sorted(e.candidate_id for e in erased) == sorted(
        [pool["old_hired"], pool["old_rejected"]]
    )
    left = {row["id"] for row in db["candidates"].rows}
    assert left == {pool["recent"], pool["undecided"], pool["in_progress"]}
    actions = [r["actor"] for r in db["audit_log"].rows_where("action = 'candidate.erase'")]
    assert actions == ["retention", "retention"]


def test_due_for_purge_lists_without_erasing(db, pool):
    due = due_for_purge(db, NOW, 365)
    assert [row["id"] for row in due] == [pool["old_hired"], pool["old_rejected"]]
    assert db["candidates"].count == 5


def test_nothing_due_is_an_empty_purge(app, db, pool):
    assert purge(db, app.config["INSTANCE_PATH"], NOW, 1000) == []
    assert db["candidates"].count == 5


def test_negative_retention_is_refused(db):
    with pytest.raises(ErasureError, match="cannot be negative"):
        due_for_purge(db, NOW, -1)


def test_audit_log_cleanup_keeps_six_months(db):
    db["audit_log"].insert({"at": _ago(0), "actor": "a", "action": "recent"})
    with pytest.raises(ErasureError, match="at least 183 days"):
        purge_audit_log(db, datetime.now(UTC), 90)
    db["audit_log"].insert(
        {"at": (datetime.now(UTC) - timedelta(days=400)).isoformat(), "actor": "a", "action": "old"}
    )
    assert purge_audit_log(db, datetime.now(UTC), 365) == 1
    assert not db["audit_log"].count_where("action = 'old'")
    assert db["audit_log"].count_where("action = 'audit_log.purge'") == 1


@pytest.fixture
def cli_instance(tmp_path):
    """An instance the CLI opens, with one candidate decided long ago and one recently."""
    folder = tmp_path / "inst"
    app = create_app({"INSTANCE_PATH": str(folder)})
    db = get_db(app.config["DATABASE"])
    role = make_role(db)
    real_now = datetime.now(UTC)
    old = insert_candidate(
        db, role["id"], status="hired", decided_at=(real_now - timedelta(days=500)).isoformat()
    )
    new = insert_candidate(
        db, role["id"], status="rejected", decided_at=(real_now - timedelta(days=5)).isoformat()
    )
    close_all()

    def run(*args):
        result = CliRunner().invoke(cli, ["--instance", str(folder), *args])
        close_all()
        return result

    return run, app, old, new


def test_cli_purge_dry_run_then_purge(cli_instance):
    run, app, old, new = cli_instance
    dry = run("purge", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"would erase candidate {old} " in dry.output and f"candidate {new} " not in dry.output
    assert "nothing erased" in dry.output
    done = run("purge")
    assert done.exit_code == 0, done.output
    assert f"erased candidate {old} " in done.output
    assert "Erased 1 candidate past the 365-day retention period." in done.output
    again = run("purge", "--days", "1")
    assert f"erased candidate {new} " in again.output


def test_cli_erase_one_candidate_and_unknown_id(cli_instance):
    run, app, old, new = cli_instance
    result = run("erase", str(new), "--yes")
    assert result.exit_code == 0, result.output
    assert f"Erased candidate {new} " in result.output
    missing = run("erase", str(new), "--yes")
    assert missing.exit_code == 2
    assert f"No candidate with id {new}" in missing.output
    refused = CliRunner().invoke(
        cli, ["--instance", app.config["INSTANCE_PATH"], "erase", str(old)], input="n\n"
    )
    close_all()
    assert refused.exit_code == 1
    assert get_db(app.config["DATABASE"])["candidates"].count_where("id = ?", [old]) == 1
    close_all()


def _role(db, title: str, closed_days_ago: float | None = None) -> int:
    role_id = make_role(db, title=title)["id"]
    if closed_days_ago is not None:
        db["job_roles"].update(role_id, {"status": "closed", "closed_at": _ago(closed_days_ago)})
    return role_id


def _unfinished(db, role_id: int, status: str, expired_days_ago: float) -> int:
    candidate_id = insert_candidate(db, role_id, status=status)
    db["candidates"].update(candidate_id, {"token_expires_at": _ago(expired_days_ago)})
    return candidate_id


@pytest.fixture
def rules_pool(db):
    """Candidates who never finished, and finished ones never decided, in open and closed roles."""
    open_role = _role(db, "Open role")
    closed_long_ago = _role(db, "Closed long ago", closed_days_ago=400)
    closed_lately = _role(db, "Closed lately", closed_days_ago=100)
    return {
        "due": {
            "invited_expired": (_unfinished(db, open_role, "invited", 400), "link_expired"),
            "started_expired": (_unfinished(db, open_role, "started", 366), "link_expired"),
            "completed_closed": (
                insert_candidate(db, closed_long_ago, status="completed"),
                "role_closed",
            ),
            "interviewed_closed": (
                insert_candidate(db, closed_long_ago, status="interviewed"),
                "role_closed",
            ),
        },
        "kept": {
            "expired_lately": _unfinished(db, open_role, "started", 30),
            "unfinished_in_closed_role": _unfinished(db, closed_long_ago, "invited", 20),
            "completed_open": insert_candidate(db, open_role, status="completed"),
            "completed_closed_lately": insert_candidate(db, closed_lately, status="offered"),
            "decided_lately": insert_candidate(
                db, closed_long_ago, status="hired", decided_at=_ago(10)
            ),
        },
    }


def test_unfinished_and_undecided_candidates_are_due_by_their_own_rule(db, rules_pool):
    due = {row["id"]: row["rule"] for row in due_for_purge(db, NOW, 365)}
    assert due == dict(rules_pool["due"].values())


def test_purge_says_which_rule_each_erasure_fell_under(app, db, rules_pool):
    erased = purge(db, app.config["INSTANCE_PATH"], NOW, 365)
    rules = {e.candidate_id: e.rule for e in erased}
    for candidate_id, rule in rules_pool["due"].values():
        assert rules[candidate_id] == rule_text(rule, 365)
        assert rule_text(rule, 365) in next(
            e.describe() for e in erased if e.candidate_id == candidate_id
        )
    left = {row["id"] for row in db["candidates"].rows}
    assert left == set(rules_pool["kept"].values())
    reasons = {r["detail"] for r in db["audit_log"].rows_where("action = 'candidate.erase'")}
    assert any("invite link expired more than 365 days ago" in r for r in reasons)


def test_cli_dry_run_and_purge_name_the_rule(tmp_path):
    folder = tmp_path / "inst"
    app = create_app({"INSTANCE_PATH": str(folder)})
    db = get_db(app.config["DATABASE"])
    real_now = datetime.now(UTC)
    role_id = make_role(db)["id"]
    expired = insert_candidate(db, role_id, status="started")
    stale = (real_now - timedelta(days=400)).isoformat(timespec="seconds")
    db["candidates"].update(expired, {"token_expires_at": stale})
    closed = make_role(db, title="Old role")["id"]
    db["job_roles"].update(closed, {"status": "closed", "closed_at": stale})
    undecided = insert_candidate(db, closed, status="completed")
    close_all()
    runner = CliRunner()
    dry = runner.invoke(cli, ["--instance", str(folder), "purge", "--dry-run"])
    close_all()
    assert dry.exit_code == 0, dry.output
    assert f"would erase candidate {expired} " in dry.output
    assert "never finished; invite link expired more than 365 days ago" in dry.output
    assert f"would erase candidate {undecided} " in dry.output
    assert "finished but undecided; role closed more than 365 days ago" in dry.output
    done = runner.invoke(cli, ["--instance", str(folder), "purge"])
    close_all()
    assert done.exit_code == 0, done.output
    assert "Erased 2 candidates" in done.output and "Warning" not in done.output
    line = next(x for x in done.output.splitlines() if f"erased candidate {expired} " in x)
    assert "invite link expired" in line
