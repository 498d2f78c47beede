"""The admin page for staff accounts, and the same operations on the command line."""

import re

from hiring.accounts import users as accounts
from tests.conftest import AuthActions, csrf_token
from tests.workspace_data import fast_hashing  # noqa: F401


def post(client, url: str, data: dict):
    token = csrf_token(client.get("/admin/users/").get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_admin_lists_every_account(auth, client, staff):
    auth.login("admin")
    text = client.get("/admin/users/").get_data(as_text=True)
    for user in staff.values():
        assert user.username in text and user.display_name in text
    assert "password_hash" not in text and "$argon2" not in text


def test_adding_with_a_generated_password_shows_it_once_and_it_works(app, auth, client, db):
    auth.login("admin")
    response = post(client, "/admin/users/new", {"username": "Jo.Doe", "role": "manager"})
    assert response.status_code == 200
    password = re.search(r'<code class="secret">([^<]+)</code>', response.get_data(as_text=True))
    assert password and len(password.group(1)) >= 10
    assert accounts.find_user(db, "jo.doe").role == "manager"
    assert password.group(1) not in client.get("/admin/users/").get_data(as_text=True)
    other = app.test_client()
    AuthActions(other).login("jo.doe", password.group(1))
    assert other.get("/manager/").status_code == 200


def test_adding_with_a_chosen_password_and_refusals(auth, client, db):
    auth.login("admin")
    ok = post(client, "/admin/users/new", {"username": "kim", "role": "recruiter",
                                           "password": "kim-password-1"})  # fmt: skip
    assert ok.status_code == 302
    again = post(client, "/admin/users/new", {"username": "kim", "role": "recruiter"})
    assert again.status_code == 400 and "already exists" in again.get_data(as_text=True)
    short = post(client, "/admin/users/new", {"username": "lee", "role": "admin",
                                              "password": "short"})  # fmt: skip
    assert short.status_code == 400 and not db["users"].count_where("username = 'lee'")
    bad = post(client, "/admin/users/new", {"username": "bad name!", "role": "admin"})
    assert bad.status_code == 400


def test_changing_a_role_and_switching_off_ends_that_users_sessions(app, auth, client, db, staff):
    victim = app.test_client()
    AuthActions(victim).login("recruiter")
    assert victim.get("/roles/").status_code == 200
    auth.login("admin")
    rid = staff["recruiter"].id
    post(client, f"/admin/users/{rid}", {f"u{rid}-role": "manager", f"u{rid}-active": "y"})
    assert accounts.get_user(db, rid).role == "manager"
    assert victim.get("/roles/").status_code == 302  # signed out by the change
    post(client, f"/admin/users/{rid}", {f"u{rid}-role": "manager"})  # box unticked: off
    assert not accounts.get_user(db, rid).active
    response = AuthActions(app.test_client()).login("recruiter")
    assert "Sign-in failed" in response.get_data(as_text=True)


def test_an_admin_cannot_demote_or_switch_off_themselves(auth, client, db, staff):
    auth.login("admin")
    aid = staff["admin"].id
    response = post(client, f"/admin/users/{aid}", {f"u{aid}-role": "recruiter"})
    assert response.status_code == 302
    assert "cannot change your own" in client.get("/admin/users/").get_data(as_text=True)
    me = accounts.get_user(db, aid)
    assert me.role == "admin" and me.active


def test_resetting_a_password(app, auth, client, db, staff):
    auth.login("admin")
    mid = staff["manager"].id
    response = post(client, f"/admin/users/{mid}/password", {"password": "fresh-password-9"})
    assert response.status_code == 302
    AuthActions(fresh := app.test_client()).login("manager", "fresh-password-9")
    assert fresh.get("/manager/").status_code == 200
    generated = post(client, f"/admin/users/{mid}/password", {})
    password = re.search(r'<code class="secret">([^<]+)</code>', generated.get_data(as_text=True))
    assert password
    assert fresh.get("/manager/").status_code == 302  # the reset ended that session
    AuthActions(third := app.test_client()).login("manager", password.group(1))
    assert third.get("/manager/").status_code == 200
    assert db["audit_log"].count_where("action = 'user.set_password' and actor = 'admin'") == 2


# Command-line parity


def test_cli_can_do_what_the_page_does(run):
    assert run("users", "add", "sam", "--role", "recruiter", "--password", "sam-password-1").exit_code == 0  # fmt: skip
    result = run("users", "set-role", "sam", "manager")
    assert result.exit_code == 0 and "now manager" in result.output
    assert run("users", "disable", "sam").exit_code == 0
    assert re.search(r"sam\s+manager\s+disabled", run("users", "list").output)
    assert run("users", "enable", "sam").exit_code == 0
    assert re.search(r"sam\s+manager\s+active", run("users", "list").output)
    missing = run("users", "disable", "nobody")
    assert missing.exit_code == 2 and "No user named" in missing.output
