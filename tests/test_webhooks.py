"""Webhooks: subscriptions, address checks, signed delivery by a real worker, retries, replay."""

import json
import time

import pytest
from api_support import bearer, make_key
from standardwebhooks.webhooks import Webhook
from webhook_support import Receiver
from workspace_data import make_role

from hiring import create_app
from hiring.store.db import close_all, get_db
from hiring.webhooks import addresses, deliveries, subscriptions


@pytest.fixture
def receiver():
    server = Receiver(failures=2)
    yield server
    server.close()


@pytest.fixture
def loopback_app(tmp_path, monkeypatch):
    """An app (and, through the environment, its worker) that may call loopback receivers."""
    monkeypatch.setenv("HIRING_WEBHOOK_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("HIRING_WEBHOOK_RETRY_SECONDS", "1")
    app = create_app(
        {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "k"}
    )
    yield app
    close_all()


def wait_for(db, delivery_id: int, status: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = db["webhook_deliveries"].get(delivery_id)
        if row["status"] == status:
            return row
        time.sleep(0.2)
    raise AssertionError(f"delivery {delivery_id} is {row['status']}, not {status}")


@pytest.mark.slow
def test_a_worker_delivers_signed_events_and_retries_after_500(loopback_app, receiver):
    from queue_support import Worker

    app = loopback_app
    db = get_db(app.config["DATABASE"])
    role = make_role(db)
    sub = subscriptions.subscribe(
        db, receiver.url, ("candidate.invited",), actor="test", allow_private=True
    )
    key = make_key(db)
    worker = Worker(app.config["INSTANCE_PATH"], app.config["DATABASE"])
    try:
        response = app.test_client().post(
            "/api/v1/candidates",
            json={"role": role["slug"], "name": "Sam Jones", "email": "sam@example.com"},
            headers=bearer(key),
        )
        assert response.status_code == 201
        (delivery,) = db["webhook_deliveries"].rows
        row = wait_for(db, delivery["id"], deliveries.DELIVERED)
    finally:
        worker.stop()
    assert row["attempts"] == 3
    codes = [a["status_code"] for a in db["webhook_attempts"].rows_where(order_by="id")]
    assert codes == [500, 500, 204]
    assert len({headers["webhook-id"] for headers, _ in receiver.requests}) == 1
    for headers, body in receiver.requests:  # any Standard Webhooks library can verify them
        payload = Webhook(sub.secret).verify(body, headers)
        assert payload["type"] == "candidate.invited"
        assert payload["data"]["candidate_id"] == response.get_json()["id"]
    with pytest.raises(Exception, match="signature"):
        Webhook("whsec_" + "A" * 44).verify(receiver.requests[0][1], receiver.requests[0][0])


def test_backoff_doubles_from_the_base():
    assert [deliveries.backoff(n, 30) for n in range(1, 6)] == [30, 60, 120, 240, 480]


def test_a_delivery_gives_up_after_the_last_attempt(db, receiver):
    receiver.failures = 99
    sub = subscriptions.subscribe(
        db, receiver.url, ("model.activated",), actor="test", allow_private=True
    )
    (delivery_id,) = deliveries.emit(db, "model.activated", {"role": "x"})
    outcomes = [
        deliveries.attempt(db, delivery_id, allow_private=True, retry_base=1)
        for _ in range(deliveries.MAX_ATTEMPTS)
    ]
    assert [o.retry_in for o in outcomes] == [1, 2, 4, 8, 16, None]
    assert db["webhook_deliveries"].get(delivery_id)["status"] == deliveries.FAILED
    assert sub.id == db["webhook_deliveries"].get(delivery_id)["subscription_id"]
    receiver.failures = 0
    deliveries.replay(db, delivery_id, actor="test")
    assert deliveries.attempt(db, delivery_id, allow_private=True, retry_base=1).delivered


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/hook",
        "http://192.168.1.20/hook",
        "http://[::1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_private_addresses_are_refused_unless_allowed(url):
    with pytest.raises(addresses.AddressError, match="HIRING_WEBHOOK_ALLOW_PRIVATE"):
        addresses.check_url(url, allow_private=False)


@pytest.mark.parametrize("url", ["ftp://example.com/x", "http:///x", "http://u:p@example.com/"])
def test_malformed_urls_are_refused(url):
    with pytest.raises(addresses.AddressError):
        addresses.check_url(url, allow_private=True)


def test_a_delivery_to_a_private_address_is_refused_at_send_time_too(db, receiver):
    subscriptions.subscribe(
        db, receiver.url, ("candidate.invited",), actor="test", allow_private=True
    )
    role = make_role(db)
    from hiring.candidates import invites

    invites.invite_candidate(
        db, role_slug=role["slug"], name="Al", email="al@example.com", days=14, actor="test"
    )
    (delivery,) = db["webhook_deliveries"].rows
    outcome = deliveries.attempt(db, delivery["id"], allow_private=False, retry_base=1)
    assert not outcome.delivered and receiver.requests == []
    (attempt,) = db["webhook_attempts"].rows
    assert "private address" in attempt["error"]


def test_events_are_written_with_their_change(app, db, receiver):
    from workspace_data import completed_candidate

    subscriptions.subscribe(
        db, receiver.url, tuple(subscriptions.EVENTS), actor="test", allow_private=True
    )
    role = make_role(db)
    candidate = completed_candidate(app, db, role, "Ann Lee", "ann@example.com")
    events = [
        (row["event"], json.loads(row["payload"])["data"]["status"])
        for row in db["webhook_deliveries"].rows_where(order_by="id")
    ]
    assert events == [
        ("candidate.invited", "invited"),
        ("candidate.started", "started"),
        ("candidate.completed", "completed"),
    ]
    payload = json.loads(list(db["webhook_deliveries"].rows)[-1]["payload"])
    assert payload["data"]["results_url"] == f"/api/v1/candidates/{candidate['id']}/results"


def test_cli_subscribes_logs_and_replays(run, tmp_path, monkeypatch):
    monkeypatch.setenv("HIRING_WEBHOOK_ALLOW_PRIVATE", "1")
    assert run("init").exit_code == 0
    added = run("webhooks", "add", "http://127.0.0.1:9/h", "--events", "candidate.invited")
    assert added.exit_code == 0, added.output
    assert "whsec_" in added.output
    assert "candidate.invited" in run("webhooks", "list").output
    bad = run("webhooks", "add", "http://127.0.0.1:9/h", "--events", "candidate.hired")
    assert bad.exit_code == 2 and "Unknown event: candidate.hired" in bad.output
    assert "No webhook deliveries yet." in run("webhooks", "log").output
    missing = run("webhooks", "replay", "42")
    assert missing.exit_code == 2 and "No webhook delivery has the id 42" in missing.output
    assert run("webhooks", "remove", "1").exit_code == 0
    assert "No webhook subscriptions." in run("webhooks", "list").output


def test_cli_refuses_a_private_address_by_default(run):
    run("init")
    refused = run("webhooks", "add", "http://127.0.0.1:9/h", "--events", "candidate.invited")
    assert refused.exit_code == 2 and "private address" in refused.output


def test_admin_page_subscribes_shows_the_log_and_replays(app, client, auth, db, receiver):
    from page_support import csrf_token

    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    auth.login("admin")
    page = client.get("/admin/webhooks/").get_data(as_text=True)
    made = client.post(
        "/admin/webhooks/new",
        data={"url": receiver.url, "events": ["candidate.invited"], "csrf_token": csrf_token(page)},
    )
    assert made.status_code == 200 and "whsec_" in made.get_data(as_text=True)
    (delivery_id,) = deliveries.emit(db, "candidate.invited", {"candidate_id": 1})
    deliveries.attempt(db, delivery_id, allow_private=True, retry_base=1)
    page = client.get("/admin/webhooks/").get_data(as_text=True)
    assert "answered 500" in page and "whsec_" not in page
    client.post(
        f"/admin/webhooks/deliveries/{delivery_id}/replay", data={"csrf_token": csrf_token(page)}
    )
    assert db["webhook_deliveries"].get(delivery_id)["status"] == deliveries.PENDING
    client.post("/admin/webhooks/1/remove", data={"csrf_token": csrf_token(page)})
    assert subscriptions.list_subscriptions(db) == []


def test_admin_page_refuses_a_private_address_with_the_form(client, auth):
    from page_support import csrf_token

    auth.login("admin")
    page = client.get("/admin/webhooks/").get_data(as_text=True)
    refused = client.post(
        "/admin/webhooks/new",
        data={
            "url": "http://127.0.0.1/x",
            "events": ["model.activated"],
            "csrf_token": csrf_token(page),
        },
    )
    assert refused.status_code == 400 and "private address" in refused.get_data(as_text=True)
