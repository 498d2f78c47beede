"""Passwords attackers try first are refused wherever a password is set, with the reason."""

import gzip

import pytest

from hiring.accounts import users as accounts
from hiring.accounts.common_passwords import (
    LIST_FILE,
    common_passwords,
    is_pattern,
    repeated_unit,
    weakness,
)
from hiring.accounts.passwords import password_problem
from tests.conftest import csrf_token
from tests.workspace_data import fast_hashing  # noqa: F401


def test_the_shipped_list_is_large_and_lower_case():
    with gzip.open(LIST_FILE, "rt", encoding="utf-8") as handle:
        lines = [line.strip() for line in handle if line.strip()]
    assert len(lines) > 19_000
    assert {"password", "123456", "qwerty", "iloveyou"} <= common_passwords()
    assert all(line == line.lower() for line in lines)


@pytest.mark.parametrize(
    ("password", "username", "why"),
    [
        ("aaaaaaaaaa", "", "most common passwords"),
        ("password12", "", "most common passwords"),
        ("Password12", "", "most common passwords"),
        ("password2031", "", "digits or symbols added"),
        ("P@ssw0rd!!2024", "", "digits or symbols added"),
        ("!!sunshine2031", "", "digits or symbols added"),
        ("zzzzzzzzzzzzzzzz", "", "run of letters"),  # longer than any list entry
        ("bcdefghijklm", "", "run of letters or digits"),
        ("3456789012345", "", "run of letters or digits"),
        ("poiuytrewqlkj", "", "keyboard pattern"),
        ("zxcvbnmasdfghjkl", "", "keyboard pattern"),
        ("2wsx3edc4rfv", "", "keyboard pattern"),
        ("xk2xk2xk2xk2", "", "repeats"),
        ("jordanna2031", "jordanna", "user name"),
        ("JORDANNA!!!!", "jordanna", "user name"),
        ("annadroj-99", "jordanna", "user name"),
    ],
)
def test_easy_passwords_are_refused_with_the_reason(password, username, why):
    problem = password_problem(password, username)
    assert problem is not None and why in problem


@pytest.mark.parametrize(
    ("password", "username"),
    [
        ("correct horse battery", "pat"),
        ("Tr0ub4dor&3x", ""),
        ("zz8Kq!m2Lp", ""),
        ("kim-password-1", "kim"),  # a list word inside a longer phrase is fine
        ("admin-pass-123", "admin"),
    ],
)
def test_reasonable_passwords_pass(password, username):
    assert password_problem(password, username) is None


def test_pattern_and_repeat_detection():
    assert is_pattern("qwerty123456") and is_pattern("fedcba") and is_pattern("1111")
    assert not is_pattern("qwerty1x3456") and not is_pattern("ab")
    assert repeated_unit("abcabcab") == "abc" and repeated_unit("abcd") is None
    assert weakness("a-long-unusual-phrase") is None


def _post(client, url: str, data: dict):
    token = csrf_token(client.get(url if "admin" not in url else "/admin/users/").get_data(True))
    return client.post(url, data={**data, "csrf_token": token})


def test_changing_ones_password_to_a_common_one_is_refused_and_says_why(auth, client, db):
    auth.login("manager")
    before = db["users"].get(accounts.find_user(db, "manager").id)["password_hash"]
    response = _post(
        client,
        "/auth/password",
        {"current": "manager-pass-123", "new": "password12", "confirm": "password12"},
    )
    assert response.status_code == 200
    assert "most common passwords" in response.get_data(as_text=True)
    assert db["users"].get(accounts.find_user(db, "manager").id)["password_hash"] == before


def test_admin_cannot_give_an_account_a_common_password(auth, client, db, staff):
    auth.login("admin")
    added = _post(
        client, "/admin/users/new", {"username": "lee", "role": "admin", "password": "aaaaaaaaaa"}
    )
    assert added.status_code == 400 and "most common passwords" in added.get_data(as_text=True)
    assert not db["users"].count_where("username = 'lee'")
    mid = staff["manager"].id
    before = db["users"].get(mid)["password_hash"]
    reset = _post(client, f"/admin/users/{mid}/password", {"password": "Manager-123456"})
    assert reset.status_code == 302
    assert "mostly your user name" in client.get("/admin/users/").get_data(as_text=True)
    assert db["users"].get(mid)["password_hash"] == before


@pytest.mark.parametrize(
    "args",
    [
        ["users", "add", "lee", "--role", "admin", "--password", "password12"],
        ["users", "add", "lee", "--role", "admin", "--password", "lee-lee-lee-2031"],
    ],
)
def test_the_cli_refuses_easy_passwords_in_one_line(run, args):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "too easy to guess" in result.output and "Traceback" not in result.output
    assert "lee" not in run("users", "list").output


def test_cli_set_password_refuses_a_keyboard_walk(run):
    assert (
        run("users", "add", "pat", "--role", "admin", "--password", "long-enough-pw").exit_code == 0
    )
    result = run("users", "set-password", "pat", "--password", "mnbvcxzlkjhgf")
    assert result.exit_code == 2 and "keyboard pattern" in result.output


def test_the_hash_a_missing_user_is_checked_against_costs_as_much_as_a_real_one():
    from argon2 import PasswordHasher
    from argon2.exceptions import VerifyMismatchError

    from hiring.accounts import passwords

    hasher = PasswordHasher()  # today's parameters, as new accounts get them
    assert not hasher.check_needs_rehash(passwords._DUMMY_HASH)
    with pytest.raises(VerifyMismatchError):
        hasher.verify(passwords._DUMMY_HASH, "any password at all")
