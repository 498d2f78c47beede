"""Behind a reverse proxy (HIRING_PROXY_HOPS): the client's address, scheme and host are used."""

import re

import pytest

from hiring import create_app
from hiring.accounts import throttle
from hiring.accounts import users as accounts
from hiring.store.db import close_all, get_db
from tests.candidate_support import make_role
from tests.conftest import PASSWORDS, AuthActions, csrf_token
from tests.workspace_data import fast_hashing  # noqa: F401


def _app(tmp_path, hops: int):
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret-key",
            "PROXY_HOPS": hops,
        }
    )


@pytest.fixture
def proxied(tmp_path):
    """An app behind one trusted proxy, with staff accounts."""
    app = _app(tmp_path, 1)
    db = get_db(app.config["DATABASE"])
    for role in accounts.ROLES:
        accounts.add_user(db, role, PASSWORDS[role], role, f"{role.title()} Tester")
    yield app, db
    close_all()


def _login(client, username: str, password: str, forwarded_for: str):
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    return client.post(
        "/auth/login",
        data={"username": username, "password": password, "csrf_token": token},
        headers={"X-Forwarded-For": forwarded_for},
    )


def test_the_sign_in_limit_counts_the_forwarded_address(proxied, monkeypatch):
    app, db = proxied
    monkeypatch.setattr(accounts, "ADDRESS_LIMIT", throttle.Limit(3, 60, 60, 3600))
    client = app.test_client()
    for i in range(3):  # a different account each time: only the address limit is reached
        assert _login(client, f"guess{i}", "wrong-password", "203.0.113.7").status_code == 200
    assert db["attempt_counters"].get("addr:203.0.113.7")["attempts"] == 3
    assert not db["attempt_counters"].count_where("key = 'addr:127.0.0.1'")
    refused = _login(client, "manager", PASSWORDS["manager"], "203.0.113.7")
    assert refused.status_code == 200 and "Too many sign-in attempts" in refused.get_data(True)
    other = _login(app.test_client(), "manager", PASSWORDS["manager"], "198.51.100.4")
    assert other.status_code == 302  # another client behind the same proxy is not locked out


def test_invite_links_use_the_forwarded_scheme_and_host(proxied):
    app, db = proxied
    app.config["ALLOWED_HOSTS"] = "jobs.example.org"  # without HIRING_BASE_URL, a known host
    role = make_role(db)
    client = app.test_client()
    headers = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "jobs.example.org",
        "Referer": "https://jobs.example.org/invite/",  # CSRF checks it over HTTPS
    }
    AuthActions(client).login("recruiter")
    token = csrf_token(client.get("/invite/").get_data(as_text=True))
    html = client.post(
        "/invite/",
        data={"csrf_token": token, "role": role["slug"], "name": "Ann One", "email": "a@ex.test"},
        headers=headers,
    ).get_data(as_text=True)
    assert re.search(r'value="https://jobs\.example\.org/a/[A-Za-z0-9_-]{43}"', html)


def test_without_hops_forwarded_headers_are_ignored(tmp_path, monkeypatch):
    app = _app(tmp_path, 0)
    db = get_db(app.config["DATABASE"])
    _login(app.test_client(), "nobody", "wrong-password", "203.0.113.7")
    assert db["attempt_counters"].count_where("key = 'addr:127.0.0.1'") == 1
    assert not db["attempt_counters"].count_where("key = 'addr:203.0.113.7'")
    close_all()


def test_proxy_hops_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("HIRING_PROXY_HOPS", "2")
    monkeypatch.setenv("HIRING_ACCOMMODATION_CONTACT", "Call Jo on 0123 456 789.")
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "k"})
    assert app.config["PROXY_HOPS"] == 2
    assert app.config["ACCOMMODATION_CONTACT"] == "Call Jo on 0123 456 789."
    assert app.wsgi_app.x_for == 2 and app.wsgi_app.x_host == 2
    close_all()


def test_negative_proxy_hops_is_a_clear_error(tmp_path):
    with pytest.raises(SystemExit, match="HIRING_PROXY_HOPS must be 0 or more"):
        _app(tmp_path, -1)
    close_all()
