import pytest

from hiring.accounts import users as accounts
from hiring.web.headers import CSP
from tests.conftest import csrf_token


def test_login_starts_a_session_and_shows_the_home_page(auth, client):
    response = auth.login("recruiter", follow=True)
    assert response.status_code == 200
    assert "Welcome, Recruiter Tester" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("username", "password"),
    [("admin", "wrong-password"), ("nobody", "whatever-password")],
)
def test_failures_do_not_reveal_whether_the_account_exists(auth, username, password):
    body = auth.login(username, password).get_data(as_text=True)
    assert accounts.SIGN_IN_FAILED.split(".")[0] in body


def test_passwords_are_stored_as_argon2id(db, staff):
    assert db["users"].get(staff["admin"].id)["password_hash"].startswith("$argon2id$")


def test_session_cookie_flags(auth):
    response = auth.login("admin")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookie_and_hsts_over_https(app, staff):
    app.config.update(HTTPS=True, SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    from tests.conftest import AuthActions

    response = AuthActions(client).login("admin")
    assert "Secure" in response.headers["Set-Cookie"]
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_security_headers_on_every_page(client):
    response = client.get("/auth/login")
    assert response.headers["Content-Security-Policy"] == CSP
    assert "frame-ancestors 'none'" in CSP and "base-uri 'none'" in CSP
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_logout_ends_the_session(auth, client):
    auth.login("admin")
    auth.logout()
    assert client.get("/").status_code == 302


def test_a_cookie_copied_before_logout_no_longer_signs_in(app, auth, client, db):
    auth.login("admin")
    name = app.config["SESSION_COOKIE_NAME"]
    copied = client.get_cookie(name).value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie(name, copied)
    assert thief.get("/").status_code == 302  # sent to sign in: the session ended on the server
    assert db["staff_sessions"].count_where("ended_at IS NOT NULL") == 1
    assert copied not in str(list(db["staff_sessions"].rows))  # only a hash is stored


def test_password_change_requires_current_password_and_signs_out_elsewhere(
    app, auth, client, staff
):
    auth.login("manager")
    other = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other).login("manager")
    page = client.get("/auth/password").get_data(as_text=True)
    wrong = client.post(
        "/auth/password",
        data={
            "current": "nope",
            "new": "a-brand-new-pass",
            "confirm": "a-brand-new-pass",
            "csrf_token": csrf_token(page),
        },
    )
    assert "not your current password" in wrong.get_data(as_text=True)
    page = client.get("/auth/password").get_data(as_text=True)
    ok = client.post(
        "/auth/password",
        data={
            "current": "manager-pass-123",
            "new": "a-brand-new-pass",
            "confirm": "a-brand-new-pass",
            "csrf_token": csrf_token(page),
        },
    )
    assert ok.status_code == 302
    assert client.get("/").status_code == 200  # this session goes on
    assert other.get("/").status_code == 302  # the other one ended


def test_open_redirect_after_login_is_refused(auth, client):
    page = client.get("/auth/login")
    response = client.post(
        "/auth/login?next=//evil.example/",
        data={
            "username": "admin",
            "password": "admin-pass-123",
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    assert response.headers["Location"] == "/"
