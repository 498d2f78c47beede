"""Staff sessions end after an idle period and after an absolute one, checked on the server."""

from datetime import UTC, datetime, timedelta

import pytest

from hiring import create_app
from hiring.accounts import sessions as staff_sessions
from hiring.store.db import close_all
from tests.conftest import AuthActions
from tests.workspace_data import fast_hashing  # noqa: F401


def _ago(**delta) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).isoformat(timespec="seconds")


def _age_session(db, **columns) -> None:
    db.execute(
        "UPDATE staff_sessions SET " + ", ".join(f"{c} = ?" for c in columns),
        list(columns.values()),
    )


def test_a_session_idle_past_the_timeout_ends_and_the_user_is_told(auth, client, db):
    auth.login("recruiter")
    assert client.get("/roles/").status_code == 200
    _age_session(db, last_seen_at=_ago(minutes=31))
    response = client.get("/roles/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "signed out after 30 minutes without activity" in page
    row = next(db["staff_sessions"].rows)
    assert row["ended_at"] and row["ended_reason"] == staff_sessions.ENDED_IDLE
    _age_session(db, last_seen_at=_ago(minutes=1))  # ended for good, whatever happens later
    assert client.get("/roles/").status_code == 302
    assert db["audit_log"].count_where("action = 'session.timeout'") == 1


def test_a_session_used_within_the_timeout_goes_on_and_records_the_use(auth, client, db):
    auth.login("recruiter")
    _age_session(db, last_seen_at=_ago(minutes=29))
    assert client.get("/roles/").status_code == 200
    seen = datetime.fromisoformat(next(db["staff_sessions"].rows)["last_seen_at"])
    assert datetime.now(UTC) - seen < timedelta(minutes=1)


def test_a_busy_session_still_ends_at_the_absolute_timeout(auth, client, db):
    auth.login("admin")
    _age_session(db, started_at=_ago(hours=12, seconds=1), last_seen_at=_ago(seconds=5))
    response = client.get("/admin/users/")
    assert response.status_code == 302
    assert "signed out 12 hours after signing in" in client.get("/auth/login").get_data(True)
    assert next(db["staff_sessions"].rows)["ended_reason"] == staff_sessions.ENDED_TOO_OLD


def test_both_timeouts_come_from_the_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("HIRING_SESSION_IDLE_MINUTES", "5")
    monkeypatch.setenv("HIRING_SESSION_MAX_HOURS", "2")
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i")})
    assert app.config["SESSION_IDLE_MINUTES"] == 5 and app.config["SESSION_MAX_HOURS"] == 2
    close_all()


def test_a_shorter_configured_idle_timeout_is_enforced(app, auth, client, db):
    app.config["SESSION_IDLE_MINUTES"] = 5
    auth.login("manager")
    _age_session(db, last_seen_at=_ago(minutes=6))
    assert client.get("/manager/").status_code == 302
    assert "after 5 minutes without activity" in client.get("/auth/login").get_data(True)


def test_a_cookie_copied_from_an_idle_session_does_not_sign_in(app, auth, client, db):
    auth.login("admin")
    name = app.config["SESSION_COOKIE_NAME"]
    copied = client.get_cookie(name).value
    _age_session(db, last_seen_at=_ago(hours=3))
    thief = app.test_client()
    thief.set_cookie(name, copied)
    assert thief.get("/").status_code == 302


START = datetime(2031, 1, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("idle", "age", "expected"),
    [
        (timedelta(minutes=30) - timedelta(seconds=1), timedelta(hours=1), None),
        (timedelta(minutes=30), timedelta(hours=1), staff_sessions.ENDED_IDLE),
        (timedelta(0), timedelta(hours=12) - timedelta(seconds=1), None),
        (timedelta(0), timedelta(hours=12), staff_sessions.ENDED_TOO_OLD),
    ],
)
def test_timeouts_at_their_exact_boundary(db, staff, idle, age, expected):
    sid = staff_sessions.start_session(db, staff["admin"].id)
    now = START + age
    _age_session(db, started_at=START.isoformat(), last_seen_at=(now - idle).isoformat())
    reason = staff_sessions.check_session(
        db, sid, staff["admin"].id, idle_minutes=30, max_hours=12, now=now
    )
    assert reason == expected
    again = staff_sessions.check_session(
        db, sid, staff["admin"].id, idle_minutes=30, max_hours=12, now=now
    )
    assert again == (None if expected is None else "ended")


def test_other_users_cannot_use_a_session(db, staff):
    sid = staff_sessions.start_session(db, staff["admin"].id)
    assert staff_sessions.check_session(db, sid, staff["manager"].id, idle_minutes=30, max_hours=12)
    assert staff_sessions.check_session(db, None, staff["admin"].id, idle_minutes=30, max_hours=12)


def test_signing_in_again_after_a_timeout_works(auth, client, db):
    auth.login("admin")
    _age_session(db, last_seen_at=_ago(hours=1))
    client.get("/")
    assert AuthActions(client).login("admin").status_code == 302
    assert client.get("/admin/users/").status_code == 200


def test_signing_out_ends_the_session_with_its_reason_and_a_utc_time(auth, client, db):
    auth.login("recruiter")
    before = datetime.now(UTC).replace(microsecond=0)
    auth.logout()
    row = next(db["staff_sessions"].rows)
    assert row["ended_reason"] == "signed out"
    ended = datetime.fromisoformat(row["ended_at"])
    assert ended.utcoffset() == timedelta(0)
    assert before <= ended <= datetime.now(UTC)


# -- exact effects, written for the mutants a full mutmut run let through ------------------


def test_a_timeout_is_said_as_an_info_message_and_audited_by_the_system(auth, client, db):
    auth.login("recruiter")
    user_id = db.execute("SELECT id FROM users WHERE username = 'recruiter'").fetchone()[0]
    _age_session(db, last_seen_at=_ago(minutes=31))
    client.get("/roles/")
    page = client.get("/auth/login").get_data(as_text=True)
    assert (
        '<p class="flash flash-info">You were signed out after 30 minutes without activity. '
        "Please sign in again.</p>"
    ) in page
    rows = db.execute(
        "SELECT actor, target_type, target_id, detail FROM audit_log "
        "WHERE action = 'session.timeout'"
    ).fetchall()
    assert rows == [("system", "user", str(user_id), '{"reason": "idle"}')]


def test_a_session_is_ended_at_the_time_it_was_judged(db, staff):
    sid = staff_sessions.start_session(db, staff["admin"].id)
    now = START + timedelta(hours=12)
    _age_session(db, started_at=START.isoformat(), last_seen_at=START.isoformat())
    assert (
        staff_sessions.check_session(
            db, sid, staff["admin"].id, idle_minutes=30, max_hours=12, now=now
        )
        == staff_sessions.ENDED_TOO_OLD
    )
    ended = db.execute("SELECT ended_at, ended_reason FROM staff_sessions").fetchone()
    assert ended == (now.isoformat(timespec="seconds"), staff_sessions.ENDED_TOO_OLD)


def test_use_is_written_once_a_minute_has_passed_exactly(db, staff):
    sid = staff_sessions.start_session(db, staff["admin"].id)
    seen = START + timedelta(minutes=5)
    _age_session(db, started_at=START.isoformat(), last_seen_at=seen.isoformat())
    for after, written in (
        (staff_sessions.TOUCH_SECONDS - 1, seen),
        (60, seen + timedelta(seconds=60)),
    ):
        now = seen + timedelta(seconds=after)
        assert (
            staff_sessions.check_session(
                db, sid, staff["admin"].id, idle_minutes=30, max_hours=12, now=now
            )
            is None
        )
        last = db.execute("SELECT last_seen_at FROM staff_sessions").fetchone()[0]
        assert datetime.fromisoformat(last) == written


def test_no_cookie_or_an_unknown_one_is_an_ended_session(db, staff):
    assert (
        staff_sessions.check_session(db, None, staff["admin"].id, idle_minutes=30, max_hours=12)
        == "ended"
    )
    assert (
        staff_sessions.check_session(
            db, "made-up", staff["admin"].id, idle_minutes=30, max_hours=12
        )
        == "ended"
    )


def test_a_session_id_carries_256_random_bits(db, staff):
    ids = {staff_sessions.start_session(db, staff["admin"].id) for _ in range(3)}
    assert len(ids) == 3 and all(len(sid) == 43 for sid in ids)  # 32 bytes in URL-safe base64


def test_an_api_call_with_the_staff_cookie_neither_signs_in_nor_keeps_the_session(auth, client, db):
    auth.login("admin")
    _age_session(db, last_seen_at=_ago(minutes=10))
    before = db.execute("SELECT last_seen_at FROM staff_sessions").fetchone()[0]
    assert client.get("/api/v1/roles").status_code == 401  # the API takes keys, not cookies
    assert db.execute("SELECT last_seen_at FROM staff_sessions").fetchone()[0] == before
    assert client.get("/roles/").status_code == 200  # a page does use the cookie, and notes it
    assert db.execute("SELECT last_seen_at FROM staff_sessions").fetchone()[0] != before
