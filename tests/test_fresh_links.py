"""A submitted candidate's link expires; a fresh one is e-mailed on request (issue 19, item 2)."""

import email
import re
from datetime import UTC, datetime, timedelta

import pytest
from candidate_records import assessed_candidate, make_role
from flask import request_finished

from hiring.candidates import invites
from hiring.candidates.link_requests import EMAIL_LIMIT, SOURCE_LIMIT
from tests.candidate_support import SMTPSink, invite
from tests.conftest import csrf_token
from tests.queue_support import run_queued_tasks

SELF_ID = {"sex": "Woman", "race_ethnicity": "Asian", "age_band": "25 to 39", "disability": "No"}
BASE = "https://jobs.example.test"


@pytest.fixture
def orla(app, db):
    role = make_role(db, title="Chat support")
    return assessed_candidate(app, db, role, "Orla First", "Orla@Example.test", self_id=SELF_ID)


@pytest.fixture
def mail(app):
    """An SMTP server the app sends to, with HIRING_BASE_URL set; the queued e-mails are sent
    as each request finishes."""

    def send_queued(sender, **extra):
        run_queued_tasks(app)

    with SMTPSink() as sink:
        app.config.update(sink.config(), BASE_URL=BASE)
        request_finished.connect(send_queued, app)
        try:
            yield sink
        finally:
            request_finished.disconnect(send_queued, app)


def _ago(**delta) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).isoformat(timespec="seconds")


def _ask(client, address: str, host: str | None = None):
    headers = {"Host": host} if host else {}
    page = client.get("/my-data/new-link", headers=headers).get_data(as_text=True)
    return client.post(
        "/my-data/new-link",
        data={"email": address, "csrf_token": csrf_token(page)},
        headers=headers,
    )


def _link_in(message: dict) -> str:
    return re.search(r"/a/([A-Za-z0-9_-]{43})", message["data"]).group(1)


# ---- expiry after submission --------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "status"),
    [(timedelta(days=30) - timedelta(minutes=1), 302), (timedelta(days=30), 410)],
)
def test_a_submitted_link_expires_after_the_configured_days(client, db, orla, age, status):
    cid, token = orla
    submitted = (datetime.now(UTC) - age).isoformat(timespec="seconds")
    db["candidates"].update(cid, {"submitted_at": submitted})
    response = client.get(f"/a/{token}")
    assert response.status_code == status
    if status == 410:
        assert "/my-data/new-link" in response.get_data(as_text=True)


def test_an_open_session_ends_when_the_link_expires(client, db, orla):
    cid, token = orla
    assert client.get(f"/a/{token}").status_code == 302
    assert client.get("/my-data/download.json").status_code == 200
    db["candidates"].update(cid, {"submitted_at": _ago(days=31)})
    assert client.get("/my-data/download.json").status_code == 410
    assert client.get("/my-data/").status_code == 410


def test_the_period_is_a_setting(app, client, db, orla):
    app.config["SUBMITTED_LINK_DAYS"] = 7
    cid, token = orla
    db["candidates"].update(cid, {"submitted_at": _ago(days=7, seconds=1)})
    assert client.get(f"/a/{token}").status_code == 410


def test_expiry_at_the_exact_boundary():
    submitted = datetime(2031, 3, 1, 12, 0, tzinfo=UTC)
    candidate = {
        "status": "completed",
        "submitted_at": submitted.isoformat(),
        "token_expires_at": (submitted + timedelta(days=90)).isoformat(),
        "link_refreshed_at": None,
    }
    limit = submitted + timedelta(days=10)
    assert invites.link_expires_at(candidate, 10) == limit
    assert not invites.link_expired(candidate, limit - timedelta(seconds=1), 10)
    assert invites.link_expired(candidate, limit, 10)
    fresh = candidate | {
        "link_refreshed_at": limit.isoformat(),
        "token_expires_at": "2031-03-12T12:00:00+00:00",
    }
    assert not invites.link_expired(fresh, limit + timedelta(hours=1), 10)
    assert invites.link_expired(fresh, datetime(2031, 3, 12, 12, 0, tzinfo=UTC), 10)


# ---- asking for a fresh link ----------------------------------------------------------------


def test_a_fresh_link_goes_to_the_address_on_file_and_replaces_the_old_one(
    app, client, db, orla, mail
):
    cid, old = orla
    response = _ask(client, " orla@EXAMPLE.test ")
    assert response.status_code == 200 and "Check your e-mail" in response.get_data(True)
    (message,) = mail.messages
    assert message["to"] == ["Orla@Example.test"]  # as stored, not as typed
    parsed = email.message_from_string(message["data"])
    assert parsed["Date"] and "24 hours" in parsed.get_payload()
    assert f"{BASE}/a/" in message["data"] and f"{BASE}/my-data/new-link" in message["data"]
    token = _link_in(message)
    assert app.test_client().get(f"/a/{old}").status_code == 404  # the old link is void
    reader = app.test_client()
    assert reader.get(f"/a/{token}").status_code == 302
    data = reader.get("/my-data/download.json").get_json()
    assert data["self_identification"]["age_band"] == "25 to 39"  # fresh: included
    assert "self_identification_note" not in data
    assert "includes your answers about yourself" in reader.get("/my-data/").get_data(True)
    assert db["audit_log"].count_where("action = 'candidate.fresh_link'") == 1


def test_a_fresh_link_expires_after_its_hours(app, db, orla, mail):
    cid, _ = orla
    _ask(app.test_client(), "orla@example.test")
    token = _link_in(mail.messages[0])
    db["candidates"].update(cid, {"token_expires_at": _ago(seconds=1)})
    assert app.test_client().get(f"/a/{token}").status_code == 410


@pytest.mark.parametrize(
    "address", ["nobody@example.test", "new@example.test", "orla@example.test"]
)
def test_the_answer_is_the_same_whether_or_not_the_address_is_known(app, db, orla, mail, address):
    invite(db, db["job_roles"].get(1), name="Nia New", email="new@example.test")  # not submitted
    answer = _ask(app.test_client(), address)
    assert answer.status_code == 200
    reference = _ask(app.test_client(), "someone-else@example.test")

    def normalise(response) -> str:
        text = response.get_data(as_text=True)
        return text.replace(address, "X").replace("someone-else@example.test", "X")

    assert normalise(answer) == normalise(reference)
    expected = 1 if address == "orla@example.test" else 0
    assert len(mail.messages) == expected


def test_requests_from_one_source_are_rate_limited_for_any_address(app, db, orla, mail):
    client = app.test_client()
    for i in range(SOURCE_LIMIT.free):
        assert "Check your e-mail" in _ask(client, f"x{i}@example.test").get_data(True)
    refused = _ask(client, "orla@example.test").get_data(as_text=True)
    assert "Too many requests from here. Wait 60 seconds" in refused
    assert mail.messages == []
    assert db["attempt_counters"].get("link:addr:127.0.0.1")["attempts"] == SOURCE_LIMIT.free


def test_one_address_gets_only_a_few_links_however_many_sources_ask(
    app, db, orla, mail, monkeypatch
):
    for i in range(EMAIL_LIMIT.free + 2):
        client = app.test_client()
        response = client.post(
            "/my-data/new-link",
            data={"email": "orla@example.test",
                  "csrf_token": csrf_token(client.get("/my-data/new-link").get_data(True))},
            environ_base={"REMOTE_ADDR": f"10.0.5.{i}"},
        )  # fmt: skip
        assert "Check your e-mail" in response.get_data(as_text=True)
    assert len(mail.messages) == EMAIL_LIMIT.free


def test_a_bad_address_is_said_plainly(app, orla, mail):
    response = _ask(app.test_client(), "not-an-address")
    assert "is not a valid address" in response.get_data(as_text=True) and not mail.messages


def test_without_email_or_base_url_the_page_says_to_ask_the_hiring_team(app, db, orla):
    client = app.test_client()
    page = client.get("/my-data/new-link").get_data(as_text=True)
    assert "cannot send links by e-mail" in page
    with SMTPSink() as sink:
        app.config.update(sink.config())  # e-mail, but no public address
        page = client.get("/my-data/new-link").get_data(as_text=True)
        assert "cannot send links by e-mail" in page
    assert not db["audit_log"].count_where("action = 'candidate.fresh_link'")


def test_a_spoofed_host_never_reaches_the_fresh_link(app, orla, mail):
    app.config["ALLOWED_HOSTS"] = "localhost"
    _ask(app.test_client(), "orla@example.test", host="evil.example")
    (message,) = mail.messages
    assert "evil.example" not in message["data"] and f"{BASE}/a/" in message["data"]


def test_the_download_page_offers_a_fresh_link_when_self_id_is_left_out(client, orla):
    _open = client.get(f"/a/{orla[1]}")
    assert _open.status_code == 302
    page = client.get("/my-data/").get_data(as_text=True)
    assert "are left out of this download" in page and "/my-data/new-link" in page
