"""A second factor for staff: enrolment, sign-in with codes, recovery codes, required roles."""

import base64
import hashlib
import hmac
import re

import pytest

from hiring.accounts import throttle, two_factor
from hiring.accounts import users as accounts
from hiring.store.db import close_all, connect
from tests.conftest import PASSWORDS, AuthActions, csrf_token
from tests.workspace_data import fast_hashing  # noqa: F401

T0 = 1_900_000_000.0  # a fixed moment, in the middle of a 30-second step


def totp(secret: str, at: float, digits: int = 6, key: bytes | None = None) -> str:
    """RFC 6238 with HMAC-SHA1, computed here without the app's library."""
    key = key or base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, int(at // 30).to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = (int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF) % 10**digits
    return str(value).zfill(digits)


def test_the_reference_totp_matches_rfc_6238():
    key = b"12345678901234567890"
    assert totp("", 59, 8, key) == "94287082"
    assert totp("", 1111111109, 8, key) == "07081804"
    assert totp("", 20000000000, 8, key) == "65353130"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(throttle, "clock", fake)
    return fake


def _form(client, url: str, data: dict, page: str | None = None):
    token = csrf_token(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def _enrol(client, clock) -> tuple[str, list[str]]:
    """Set up the factor through the pages; return the secret and the recovery codes."""
    page = "/auth/two-factor/"
    assert _form(client, "/auth/two-factor/start", {}, page).status_code == 302
    html = client.get(page).get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    assert "otpauth://totp/Frontline%20Fit:" in html and f"secret={secret}" in html
    assert "<svg" in html and "style=" not in html.split("<svg", 1)[1].split("</svg>")[0]
    done = _form(client, "/auth/two-factor/confirm", {"code": totp(secret, clock.now)}, page)
    assert done.status_code == 200, done.get_data(as_text=True)
    codes = re.findall(
        r'<code class="secret">([a-z2-9]{5}-[a-z2-9]{5})</code>', done.get_data(True)
    )
    return secret, codes


def _sign_in(app, username: str, code: str | None):
    client = app.test_client()
    first = AuthActions(client).login(username)
    if code is None:
        return client, first
    return client, _form(client, first.headers["Location"], {"code": code})


def test_enrolment_shows_the_secret_and_qr_and_turns_on_with_a_real_code(
    app, auth, client, db, clock
):
    auth.login("manager")
    secret, codes = _enrol(client, clock)
    assert len(codes) == two_factor.RECOVERY_CODES == len(set(codes))
    stored = [row["code_hash"] for row in db["staff_recovery_codes"].rows]
    assert hashlib.sha256(codes[0].replace("-", "").encode()).hexdigest() in stored
    assert not any(code.replace("-", "") in str(stored) for code in codes)
    actions = [r["action"] for r in db["audit_log"].rows_where("action LIKE '2fa.%'")]
    assert actions == ["2fa.enrol_start", "2fa.enabled"]


def test_a_wrong_first_code_leaves_the_factor_off(auth, client, db, clock):
    auth.login("manager")
    _form(client, "/auth/two-factor/start", {}, "/auth/two-factor/")
    response = _form(client, "/auth/two-factor/confirm", {"code": "000000"}, "/auth/two-factor/")
    assert response.status_code == 400 and "That code is not right" in response.get_data(True)
    assert not two_factor.is_enabled(db, accounts.find_user(db, "manager").id)


def test_sign_in_asks_for_the_code_and_only_a_right_one_lets_in(app, auth, client, db, clock):
    auth.login("recruiter")
    secret, _ = _enrol(client, clock)
    clock.now += 60
    other, first = _sign_in(app, "recruiter", None)
    assert first.status_code == 302 and "/auth/code" in first.headers["Location"]
    assert other.get("/roles/").status_code == 302  # the password alone does not sign in
    wrong = _form(other, first.headers["Location"], {"code": "123456"})
    assert "That code is not right" in wrong.get_data(True)
    right = _form(other, first.headers["Location"], {"code": totp(secret, clock.now)})
    assert right.status_code == 302 and other.get("/roles/").status_code == 200
    assert db["audit_log"].count_where("action = '2fa.verified.app'") == 1
    assert db["audit_log"].count_where("action = '2fa.failed'") == 1


def test_a_code_is_accepted_one_step_either_side_and_never_twice(app, auth, client, clock):
    auth.login("recruiter")
    secret, _ = _enrol(client, clock)
    clock.now += 90
    _, late = _sign_in(app, "recruiter", totp(secret, clock.now - 30))
    assert late.status_code == 302  # the step before now: a slow typist
    _, replay = _sign_in(app, "recruiter", totp(secret, clock.now - 30))
    assert replay.status_code == 200 and "not right" in replay.get_data(True)
    _, stale = _sign_in(app, "recruiter", totp(secret, clock.now - 60))
    assert stale.status_code == 200
    clock.now += 30
    _, ahead = _sign_in(app, "recruiter", totp(secret, clock.now + 30))
    assert ahead.status_code == 302  # the step after now: a phone clock running fast


def test_a_recovery_code_signs_in_once(app, auth, client, db, clock):
    auth.login("manager")
    _, codes = _enrol(client, clock)
    signed_in, used = _sign_in(app, "manager", codes[3].upper().replace("-", " "))
    assert used.status_code == 302
    assert "9 left" in signed_in.get("/").get_data(as_text=True)
    _, again = _sign_in(app, "manager", codes[3])
    assert again.status_code == 200 and "not right" in again.get_data(True)
    assert db["audit_log"].count_where("action = '2fa.verified.recovery'") == 1


def test_new_recovery_codes_replace_the_old_ones(app, auth, client, clock):
    auth.login("manager")
    secret, old = _enrol(client, clock)
    clock.now += 30
    page = _form(client, "/auth/two-factor/recovery-codes", {"code": totp(secret, clock.now)},
                 "/auth/two-factor/")  # fmt: skip
    new = re.findall(r'<code class="secret">([a-z2-9-]{11})</code>', page.get_data(True))
    assert len(new) == 10 and not set(new) & set(old)
    assert _sign_in(app, "manager", old[0])[1].status_code == 200
    assert _sign_in(app, "manager", new[0])[1].status_code == 302


def test_wrong_codes_slow_down_with_growing_delays(app, auth, client, clock):
    auth.login("recruiter")
    secret, _ = _enrol(client, clock)
    other, first = _sign_in(app, "recruiter", None)
    for _ in range(two_factor.CODE_LIMIT.free):
        _form(other, first.headers["Location"], {"code": "000000"})
    right = totp(secret, clock.now + 30)  # the next step's code: not yet used
    refused = _form(other, first.headers["Location"], {"code": right})
    assert "Too many codes tried. Wait 2 seconds and try again." in refused.get_data(True)
    clock.now += two_factor.CODE_LIMIT.base
    assert _form(other, first.headers["Location"], {"code": right}).status_code == 302


def test_the_code_step_expires_after_five_minutes(app, auth, client, clock):
    auth.login("recruiter")
    secret, _ = _enrol(client, clock)
    other, first = _sign_in(app, "recruiter", None)
    clock.now += 5 * 60 + 1
    late = _form(other, "/auth/code", {"code": totp(secret, clock.now)}, "/auth/login")
    assert late.status_code == 302 and "/auth/login" in late.headers["Location"]
    assert other.get("/roles/").status_code == 302


def test_turning_off_needs_the_password_and_a_code(app, auth, client, db, clock):
    auth.login("manager")
    secret, _ = _enrol(client, clock)
    clock.now += 30
    page = "/auth/two-factor/"
    bad = _form(client, "/auth/two-factor/off",
                {"off-password": "nope-nope-nope", "off-code": totp(secret, clock.now)}, page)  # fmt: skip
    assert bad.status_code == 400 and "not your current password" in bad.get_data(True)
    ok = _form(client, "/auth/two-factor/off",
               {"off-password": PASSWORDS["manager"], "off-code": totp(secret, clock.now)}, page)  # fmt: skip
    assert ok.status_code == 302
    assert not two_factor.is_enabled(db, accounts.find_user(db, "manager").id)
    assert _sign_in(app, "manager", None)[1].headers["Location"] == "/"
    assert db["audit_log"].count_where("action = '2fa.disabled'") == 1


def test_an_admin_requires_it_for_a_role_and_its_members_enrol_before_anything_else(
    app, auth, client, db, clock
):
    auth.login("admin")
    saved = _form(client, "/admin/users/two-factor", {"roles": ["recruiter"]}, "/admin/users/")
    assert saved.status_code == 302 and two_factor.required_roles(db) == {"recruiter"}
    assert db["audit_log"].count_where("action = '2fa.policy'") == 1
    recruiter, _ = _sign_in(app, "recruiter", None)
    for url in ("/roles/", "/invite/", "/auth/password"):
        response = recruiter.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/auth/two-factor/"
    assert (
        '<p class="flash flash-info">Your role (recruiter) requires a second factor: set it up '
        "to go on.</p>"
    ) in recruiter.get("/auth/two-factor/").get_data(True)
    assert recruiter.get("/auth/two-factor/").status_code == 200  # the way to enrol stays open
    secret, _ = _enrol(recruiter, clock)
    assert recruiter.get("/roles/").status_code == 200
    clock.now += 30
    off = _form(recruiter, "/auth/two-factor/off",
                {"off-password": PASSWORDS["recruiter"], "off-code": totp(secret, clock.now)},
                "/auth/two-factor/")  # fmt: skip
    assert off.status_code == 400 and "requires a second factor" in off.get_data(True)
    assert client.get("/roles/").status_code == 200  # an admin is not affected


def test_reset_2fa_from_the_cli_lets_a_locked_out_user_enrol_again(run, tmp_path, clock):
    assert (
        run("users", "add", "pat", "--role", "manager", "--password", "long-enough-pw").exit_code
        == 0
    )
    db = connect(tmp_path / "inst" / "hiring.sqlite3")
    user = accounts.find_user(db, "pat")
    secret = two_factor.start_enrolment(db, user).secret
    two_factor.confirm_enrolment(db, user, totp(secret, clock.now))
    db.close()
    result = run("users", "reset-2fa", "pat")
    assert result.exit_code == 0 and "Second factor removed for pat" in result.output
    db = connect(tmp_path / "inst" / "hiring.sqlite3")
    assert not two_factor.is_enabled(db, user.id)
    assert not db["staff_recovery_codes"].count_where("user_id = ?", [user.id])
    assert db["audit_log"].count_where("action = '2fa.reset' AND actor = 'cli'") == 1
    db.close()
    close_all()
    again = run("users", "reset-2fa", "pat")
    assert again.exit_code == 2 and again.output.count("\n") == 1
    assert "no second factor" in again.output
    assert run("users", "reset-2fa", "ghost").exit_code == 2


def test_require_2fa_from_the_cli(run, tmp_path):
    assert run("users", "require-2fa", "admin").exit_code == 0
    db = connect(tmp_path / "inst" / "hiring.sqlite3")
    assert two_factor.required_roles(db) == {"admin"}
    db.close()
    assert run("users", "require-2fa", "admin", "--off").exit_code == 0
    db = connect(tmp_path / "inst" / "hiring.sqlite3")
    assert two_factor.required_roles(db) == set()
    db.close()
