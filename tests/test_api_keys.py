"""API keys from the command line and the admin page: shown once, listed, revoked."""

import re

import pytest
from api_support import bearer
from page_support import csrf_token


def _key(output: str) -> str:
    return re.search(r"(ff_\w{8}_[\w-]{43})", output).group(1)


def test_cli_add_prints_the_key_once_and_list_never_shows_it(run):
    assert run("init").exit_code == 0
    added = run("apikeys", "add", "greenhouse", "--scopes", "candidates:read,candidates:write")
    assert added.exit_code == 0, added.output
    key = _key(added.output)
    listed = run("apikeys", "list")
    assert "greenhouse" in listed.output and "candidates:read,candidates:write" in listed.output
    assert key not in listed.output and "never used" in listed.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["add", "x", "--scopes", "candidates:delete"], "Unknown scope: candidates:delete"),
        (["add", "Bad Name!", "--scopes", "admin"], "A key's name is"),
        (["revoke", "nobody"], "No API key is named 'nobody'"),
    ],
)
def test_cli_refusals_are_one_line_with_exit_code_2(run, args, message):
    run("init")
    result = run("apikeys", *args)
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_cli_refuses_a_second_key_with_the_same_name(run):
    run("init")
    run("apikeys", "add", "ats", "--scopes", "admin")
    again = run("apikeys", "add", "ats", "--scopes", "admin")
    assert again.exit_code == 2 and "already exists" in again.output


def test_cli_revoke_stops_the_key_at_its_next_call(run, tmp_path):
    from hiring import create_app

    run("init")
    key = _key(run("apikeys", "add", "ats", "--scopes", "candidates:read").output)
    app = create_app({"INSTANCE_PATH": str(tmp_path / "inst"), "TESTING": True})
    client = app.test_client()
    assert client.get("/api/v1/roles", headers=bearer(key)).status_code == 200
    revoked = run("apikeys", "revoke", "ats")
    assert revoked.exit_code == 0
    assert client.get("/api/v1/roles", headers=bearer(key)).status_code == 401
    assert "revoked" in run("apikeys", "list").output


def test_admin_page_creates_a_key_shown_once_and_revokes_it(client, auth, db):
    auth.login("admin")
    page = client.get("/admin/api-keys/")
    assert page.status_code == 200 and "API keys" in client.get("/").get_data(as_text=True)
    made = client.post(
        "/admin/api-keys/new",
        data={
            "name": "ats",
            "scopes": ["candidates:read"],
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    key = _key(made.get_data(as_text=True))
    assert client.get("/admin/api-keys/").get_data(as_text=True).count(key) == 0
    api = client.application.test_client()
    assert api.get("/api/v1/roles", headers=bearer(key)).status_code == 200
    listing = client.get("/admin/api-keys/").get_data(as_text=True)
    client.post("/admin/api-keys/ats/revoke", data={"csrf_token": csrf_token(listing)})
    assert api.get("/api/v1/roles", headers=bearer(key)).status_code == 401


def test_admin_page_re_shows_the_form_with_the_problem(client, auth):
    auth.login("admin")
    page = client.get("/admin/api-keys/").get_data(as_text=True)
    response = client.post(
        "/admin/api-keys/new", data={"name": "ats", "csrf_token": csrf_token(page)}
    )
    assert response.status_code == 400
    assert "Choose at least one scope." in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["recruiter", "manager"])
def test_only_admins_reach_the_api_keys_page(client, auth, role):
    auth.login(role)
    assert client.get("/admin/api-keys/").status_code == 403
