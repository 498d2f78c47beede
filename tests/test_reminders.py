"""Reminders to unfinished candidates: sent by the queue once per configured day, never after
expiry, completion or an opt-out, with an opt-out link that needs no sign-in."""

import email
import email.policy
import re
import time
from datetime import UTC, datetime, timedelta

import pytest

from hiring.candidates import deliveries, invites, reminders
from hiring.candidates.tasks import reminders_task
from hiring.store import queue
from hiring.store.db import get_db
from tests.candidate_support import SMTPSink
from tests.conftest import csrf_token
from tests.queue_support import Worker, run_queued_tasks
from tests.workspace_data import completed_candidate, fast_hashing, make_role  # noqa: F401

BASE = "https://jobs.example.test"


def _invite(db, role, name: str, days_ago: float, expires_in_days: float = 10) -> int:
    """Invite a candidate as if ``days_ago`` days ago (the fake clock is the invitation time)."""
    made = invites.invite_candidate(
        db, role_slug=role["slug"], name=name, email=f"{name.split()[0].lower()}@example.test",
        days=14,
    )  # fmt: skip
    now = datetime.now(UTC)
    db["candidates"].update(made.candidate_id, {
        "invited_at": (now - timedelta(days=days_ago)).isoformat(timespec="seconds"),
        "token_expires_at": (now + timedelta(days=expires_in_days)).isoformat(timespec="seconds"),
    })  # fmt: skip
    return made.candidate_id


def _run_due(app, sink) -> list[dict]:
    """Run the periodic task through the real queue, then its e-mails; return what arrived."""
    app.config.update(sink.config(), BASE_URL=BASE, MAIL_RETRY_SECONDS=0)
    reminders_task()  # enqueues the periodic task, as the consumer's scheduler does
    run_queued_tasks(app)
    return sink.messages


def _body(message: dict) -> str:
    """The decoded text of an e-mail the sink received (long lines come quoted-printable)."""
    return email.message_from_string(message["data"], policy=email.policy.default).get_content()


def _opt_out_link(message: dict) -> str:
    return re.search(r"https://jobs\.example\.test(/reminders/stop/[\w-]+)", _body(message))[1]


def test_each_configured_day_sends_one_reminder_and_never_again(app, db, client):
    role = make_role(db)
    fresh = _invite(db, role, "Fay Fresh", days_ago=1)
    two = _invite(db, role, "Tom Two", days_ago=2.5)
    with SMTPSink() as sink:
        sent = _run_due(app, sink)
        assert [m["to"] for m in sent] == [["tom@example.test"]]
        assert "Reminder: your assessment" in sent[0]["data"] and f"{BASE}/a/" in sent[0]["data"]
        _run_due(app, sink)  # the same day again: nothing more
        assert len(sink.messages) == 1
        db["candidates"].update(two, {"invited_at": "2000-01-01T00:00:00+00:00"})  # day 5 now
        _run_due(app, sink)
    assert [m["to"] for m in sink.messages] == [["tom@example.test"]] * 2
    rows = list(db["candidate_reminders"].rows_where(order_by="day"))
    assert [(r["candidate_id"], r["day"], r["status"]) for r in rows] == [
        (two, 2, "queued"), (two, 5, "queued"),
    ]  # fmt: skip
    assert all(
        db["mail_deliveries"].get(r["delivery_id"])["status"] == deliveries.SENT for r in rows
    )
    assert not db["candidate_reminders"].count_where("candidate_id = ?", [fresh])


def test_the_new_link_in_a_reminder_opens_the_assessment_with_the_same_expiry(app, db, client):
    cid = _invite(db, make_role(db), "Rae Reminded", days_ago=3)
    expiry = db["candidates"].get(cid)["token_expires_at"]
    with SMTPSink() as sink:
        (message,) = _run_due(app, sink)
    link = re.search(r"https://jobs\.example\.test(/a/[\w-]+)", _body(message))[1]
    assert client.get(link).status_code == 302
    assert client.get("/assessment/").status_code == 200
    assert db["candidates"].get(cid)["token_expires_at"] == expiry


def test_a_late_queue_sends_only_the_latest_day_and_skips_the_earlier(app, db):
    cid = _invite(db, make_role(db), "Lee Late", days_ago=6)
    with SMTPSink() as sink:
        assert len(_run_due(app, sink)) == 1
    rows = {r["day"]: r["status"] for r in db["candidate_reminders"].rows}
    assert rows == {2: reminders.SKIPPED, 5: reminders.QUEUED}
    page_state = reminders.reminder_state(db, cid)
    assert [s["reminder"] for s in page_state.sent] == ["skipped", "queued"]


def test_no_reminder_after_expiry_completion_or_for_a_closed_role(app, db):
    role, closed = make_role(db), make_role(db, "Closed Agent")
    _invite(db, role, "Eve Expired", days_ago=3, expires_in_days=-0.1)
    done = completed_candidate(app, db, role, "Don Done", "don@example.test")
    db["candidates"].update(done["id"], {"invited_at": "2000-01-01T00:00:00+00:00"})
    _invite(db, closed, "Cal Closed", days_ago=3)
    db["job_roles"].update(closed["id"], {"status": "closed"})
    with SMTPSink() as sink:
        assert _run_due(app, sink) == []
    assert db["candidate_reminders"].count == 0


def test_opting_out_stops_reminders_without_sign_in_and_keeps_the_link(app, db, client):
    cid = _invite(db, make_role(db), "Olu Optout", days_ago=2.5)
    with SMTPSink() as sink:
        (message,) = _run_due(app, sink)
        link = _opt_out_link(message)
        page = client.get(link).get_data(as_text=True)
        assert (
            "Stop reminders" in page and db["reminder_opt_outs"].count == 0
        )  # GET changes nothing
        done = client.post(link, data={"csrf_token": csrf_token(page)}).get_data(as_text=True)
        assert "Reminders stopped" in done and "still works" in done
        db["candidates"].update(cid, {"invited_at": "2000-01-01T00:00:00+00:00"})
        _run_due(app, sink)
    assert len(sink.messages) == 1
    assert db["reminder_opt_outs"].count == 1
    assert db["candidates"].get(cid)["status"] == "invited"
    assert client.get(_opt_out_link(message)).status_code == 200  # stays readable
    assert client.get("/reminders/stop/not-a-token").status_code == 404


def test_the_recruiter_sees_reminders_sent_and_the_opt_out(app, db, client, auth):
    cid = _invite(db, make_role(db), "Sam Seen", days_ago=2.5)
    auth.login("recruiter")
    before = client.get(f"/candidates/{cid}").get_data(as_text=True)
    assert (
        "No reminder sent yet. Reminders go while the link works, on these days after the invitation: 2, 5"
        in before
    )
    with SMTPSink() as sink:
        (message,) = _run_due(app, sink)
    reminders.opt_out(db, _opt_out_link(message).rsplit("/", 1)[1])
    page = client.get(f"/candidates/{cid}").get_data(as_text=True)
    assert "Day 2: sent on" in page
    assert "Sam Seen stopped reminders on" in page


def test_the_command_lists_then_queues_due_reminders(run, tmp_path):
    assert run("init").exit_code == 0
    from hiring import create_app

    app = create_app({"INSTANCE_PATH": str(tmp_path / "inst"), "BASE_URL": BASE})
    db = get_db(app.config["DATABASE"])
    cid = _invite(db, make_role(db), "Cli Candidate", days_ago=3)
    dry = run("reminders", "send", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"due: day 2 reminder to candidate {cid}" in dry.output
    assert "1 reminder due; nothing recorded or sent." in dry.output
    no_mail = run("reminders", "send")
    assert no_mail.exit_code == 2
    assert "1 reminder due, none made: no mail server is set up" in no_mail.output
    assert get_db(app.config["DATABASE"])["candidate_reminders"].count == 0


@pytest.mark.parametrize(
    ("value", "days"), [("2,5", (2, 5)), (" 5, 2,2 ", (2, 5)), ("off", ()), ("0", ())]
)
def test_reminder_days_are_read_from_the_setting(value, days):
    assert reminders.reminder_days(value) == days


@pytest.mark.parametrize("value", ["two", "0,3", "1,2,3,4,5,6", "-1"])
def test_a_bad_reminder_setting_is_refused_with_its_name(value):
    with pytest.raises(reminders.ReminderError, match="HIRING_REMINDER_DAYS"):
        reminders.reminder_days(value)


@pytest.mark.slow
def test_a_real_worker_sends_a_due_reminder_once_across_a_restart(app, db):
    cid = _invite(db, make_role(db), "Wes Worker", days_ago=2.5)
    with SMTPSink() as sink:
        env = {**sink.environment(), "HIRING_BASE_URL": BASE}
        for _ in range(2):  # a restarted worker finds the day recorded and sends nothing more
            worker = Worker(app.config["INSTANCE_PATH"], app.config["DATABASE"], env=env)
            try:
                reminders_task()
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and (
                    queue.huey.pending_count()
                    or not db["mail_deliveries"].count
                    or db["mail_deliveries"].get(1)["status"] != deliveries.SENT
                ):
                    time.sleep(0.1)
            finally:
                output = worker.stop()
            assert "send-reminders" in output, output
    assert [m["to"] for m in sink.messages] == [["wes@example.test"]]
    assert db["candidate_reminders"].count_where("candidate_id = ?", [cid]) == 1


def test_a_bad_setting_makes_the_hourly_task_say_so_and_send_nothing(app, db, caplog):
    _invite(db, make_role(db), "Bea Badsetting", days_ago=3)
    app.config.update(REMINDER_DAYS="two,five", BASE_URL=BASE)
    reminders_task()
    run_queued_tasks(app)
    assert "HIRING_REMINDER_DAYS must be whole days" in caplog.text
    assert db["candidate_reminders"].count == 0


def test_a_bad_setting_is_one_line_from_the_command(run, monkeypatch):
    assert run("init").exit_code == 0
    monkeypatch.setenv("HIRING_REMINDER_DAYS", "soon")
    result = run("reminders", "send")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: HIRING_REMINDER_DAYS must be whole days separated by commas (like 2,5) or off, "
        "not 'soon'."
    ]
