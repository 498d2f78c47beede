"""E-mails to candidates go out on the task queue: retried while the mail server is busy,
failed with the reason when it refuses or never answers, and followed on a page."""

import os
import re
import socket
import subprocess
import sys
import time
from io import BytesIO

import pytest
from test_queue import REDIS_URL, redis_database

from hiring import create_app
from hiring.candidates import deliveries, erasure, invites
from hiring.candidates.mail import invitation
from hiring.candidates.tasks import queue_mail
from hiring.store import queue
from hiring.store.db import close_all, get_db
from tests.candidate_support import SMTPSink, make_role
from tests.conftest import csrf_token
from tests.queue_support import Worker, run_queued_tasks


def _invite_by_upload(client, auth, role, rows: str) -> str:
    """Invite the CSV rows through the upload page; return the page that shows the links."""
    auth.login("recruiter")
    page = client.get("/invite/upload").get_data(as_text=True)
    return client.post(
        "/invite/upload",
        data={"csrf_token": csrf_token(page), "role": role["slug"],
              "file": (BytesIO(("name,email\n" + rows).encode()), "people.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)  # fmt: skip


def _wait_until_settled(db, batch: str, timeout: float = 60) -> list[deliveries.MailDelivery]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        made = deliveries.batch_deliveries(db, batch)
        if made and not any(d.pending for d in made):
            return made
        time.sleep(0.1)
    raise AssertionError(f"e-mails still on the way after {timeout} s: {made}")


@pytest.mark.slow
@pytest.mark.parametrize("where", ["sqlite", "redis"])
def test_a_busy_mail_server_gets_the_invitation_on_a_retry_by_a_real_worker(
    where, app, db, client, auth
):
    if where == "redis" and not REDIS_URL:
        if os.environ.get("HIRING_REQUIRE_REDIS") == "1":
            pytest.fail("no Redis server: set HIRING_TEST_REDIS_URL")
        pytest.skip("no Redis server: set HIRING_TEST_REDIS_URL (.ci/run starts one)")
    url = redis_database(REDIS_URL, 2) if where == "redis" else ""
    instance = app.config["INSTANCE_PATH"]
    queue.configure(url, instance)
    try:
        with SMTPSink() as sink:
            sink.state.busy = 1  # the first attempt is answered "451 try again later"
            app.config.update(sink.config(), BASE_URL="https://jobs.example.test")
            if url:
                queue.huey.flush()
            html = _invite_by_upload(client, auth, make_role(db), "Ada Busy,ada@example.test\n")
            batch = re.search(r'href="/invite/mail/([0-9a-f]+)"', html).group(1)
            worker = Worker(
                instance, app.config["DATABASE"], url,
                env={**sink.environment(), "HIRING_MAIL_RETRY_SECONDS": "1"},
            )  # fmt: skip
            try:
                (done,) = _wait_until_settled(db, batch)
            finally:
                output = worker.stop()
    finally:
        queue.configure("", instance)  # leave the process's queue embedded
    assert done.status == deliveries.SENT and done.attempts == 2, (done, output)
    assert [m["to"] for m in sink.messages] == [["ada@example.test"]]
    assert "https://jobs.example.test/a/" in sink.messages[0]["data"]
    page = client.get(f"/invite/mail/{batch}").get_data(as_text=True)
    assert "Sent at attempt 2" in page and "Ada Busy" in page
    assert "451" in output  # the worker's log says why it tried again


def test_a_mail_server_that_never_answers_is_tried_again_then_marked_failed(app, db, client, auth):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False, BASE_URL="https://j.test",
        MAIL_RETRIES=2, MAIL_RETRY_SECONDS=0,
    )  # fmt: skip
    html = _invite_by_upload(client, auth, make_role(db), "Bo Nobody,bo@example.test\n")
    batch = re.search(r'href="/invite/mail/([0-9a-f]+)"', html).group(1)
    run_queued_tasks(app)
    (done,) = deliveries.batch_deliveries(db, batch)
    assert done.status == deliveries.FAILED and done.attempts == 3  # the first try, 2 retries
    page = client.get(f"/invite/mail/{batch}").get_data(as_text=True)
    assert "Not sent after 3 attempts: the mail server could not be reached" in page
    assert "Send the link yourself." in page and "still on the way" not in page


def test_a_queued_email_of_an_erased_candidate_is_never_sent(app, db):
    with SMTPSink() as sink:
        app.config.update(sink.config())
        made = invites.invite_candidate(
            db, role_slug=make_role(db)["slug"], name="Cy Gone", email="cy@example.test", days=14
        )
        queued = queue_mail(db, made.candidate_id, deliveries.INVITE,
                            invitation(app.config, made, made.link("https://j.test")), "b1")  # fmt: skip
        assert queued.status == deliveries.QUEUED
        erasure.erase_candidate(db, app.config["INSTANCE_PATH"], made.candidate_id, actor="ada")
        assert db["mail_deliveries"].count == 0  # the row went with the candidate
        run_queued_tasks(app)
    assert sink.messages == []


def test_an_email_whose_worker_died_while_sending_reads_as_failed(app, db, client, auth):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # its process id now names no process
    made = invites.invite_candidate(
        db, role_slug=make_role(db)["slug"], name="Di Lost", email="di@example.test", days=14
    )
    delivery_id = deliveries.record(db, made.candidate_id, deliveries.INVITE, "di@x.test", "b2")
    db["mail_deliveries"].update(
        delivery_id, {"status": deliveries.SENDING, "attempts": 1, "pid": gone.pid,
                      "host": socket.gethostname()},
    )  # fmt: skip
    auth.login("recruiter")
    page = client.get("/invite/mail/b2").get_data(as_text=True)
    assert "Not sent after 1 attempt: the worker stopped while sending it" in page
    assert db["mail_deliveries"].get(delivery_id)["status"] == deliveries.FAILED


def test_an_email_the_queue_cannot_take_is_shown_as_not_sent(app, db, client, auth):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config.update(SMTP_HOST="mail.example.test", BASE_URL="https://j.test")
    queue.configure(f"redis://127.0.0.1:{port}/0", app.config["INSTANCE_PATH"])  # no Redis there
    try:
        html = _invite_by_upload(client, auth, make_role(db), "Ed Stuck,ed@example.test\n")
    finally:
        queue.configure("", app.config["INSTANCE_PATH"])
    assert "Not sent: it could not be queued (" in html
    assert re.search(r'value="https://j\.test/a/[A-Za-z0-9_-]{43}"', html)  # the link to copy


def test_hiring_invite_queues_the_emails_by_default(run, tmp_path, monkeypatch):
    with SMTPSink() as sink:
        for key, value in sink.environment().items():
            monkeypatch.setenv(key, value)
        assert run("roles", "add", "Phone agent").exit_code == 0
        people = tmp_path / "people.csv"
        people.write_text("name,email\nSam Sample,sam@example.test\n", encoding="utf-8")
        result = run("invite", str(people), "--role", "phone-agent", "--base-url", "https://x.test")
        assert result.exit_code == 0, result.output
        assert "\te-mail queued\n" in result.output and not sink.messages
        assert "The e-mails are on the task queue" in result.output
        app = create_app({"INSTANCE_PATH": str(tmp_path / "inst")}, pages=False)
        (row,) = get_db(app.config["DATABASE"])["mail_deliveries"].rows
        assert row["status"] == deliveries.QUEUED and row["recipient"].endswith(
            "<sam@example.test>"
        )
        run_queued_tasks(app)  # what `hiring serve`'s worker does
        close_all()
    assert [m["to"] for m in sink.messages] == [["sam@example.test"]]
