"""The permission matrix of the API: every operation x every scope, keys never cookies."""

import re

import pytest
from api_support import ALL_SCOPES, bearer, make_key
from workspace_data import completed_candidate, make_role

from hiring.accounts import api_keys


@pytest.fixture
def world(app, db):
    role = make_role(db)
    candidate = completed_candidate(app, db, role, "Ann Lee", "ann@example.com")
    return {"slug": role["slug"], "candidate_id": candidate["id"], "job_id": 1}


BODIES = {
    "/api/v1/candidates": {"role": "{slug}", "name": "Pat Doe", "email": "pat@example.com"},
    "/api/v1/candidates/{candidate_id}/decisions": {"status": "rejected", "reason": "Withdrew"},
    "/api/v1/roles/{slug}/incumbents": {"csv": "employee_id\n1\n"},
    "/api/v1/roles/{slug}/calibrations": {"method": "logistic"},
}


def operations(app) -> list[tuple[str, str, str]]:
    """Every (method, path template, required scope) of the served document."""
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    return [
        (method.upper(), path, op["x-required-scope"])
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method != "parameters"
    ]


def call(client, method, path, world, key=None):
    url = re.sub(r"{(\w+)}", lambda m: str(world[m.group(1)]), path)
    body = BODIES.get(path)
    if body:
        body = {k: v.format(**world) if isinstance(v, str) else v for k, v in body.items()}
    headers = bearer(key) if key else {}
    return client.open(url, method=method, json=body if method == "POST" else None, headers=headers)


def test_every_operation_needs_one_documented_scope(app):
    ops = operations(app)
    assert len(ops) >= 11
    assert {scope for _, _, scope in ops} == set(ALL_SCOPES)


@pytest.mark.parametrize("scope", ALL_SCOPES)
def test_a_key_reaches_exactly_the_operations_of_its_scope(app, client, db, world, scope):
    key = make_key(db, "only-" + scope.replace(":", "-"), scopes=[scope])
    for method, path, needed in operations(app):
        response = call(client, method, path, world, key)
        if needed == scope:
            assert response.status_code not in (401, 403), (method, path, response.get_json())
        else:
            assert response.status_code == 403, (method, path, response.status_code)
            assert response.get_json()["required_scope"] == needed


def test_refused_calls_change_nothing(app, client, db, world):
    key = make_key(db, "reader", scopes=["candidates:read"])
    before = {name: db[name].count for name in ("candidates", "status_history", "incumbents")}
    for method, path, _ in operations(app):
        if method == "POST":
            assert call(client, method, path, world, key).status_code == 403
            assert call(client, method, path, world).status_code == 401
    after = {name: db[name].count for name in before}
    assert after == before


def test_no_key_a_staff_cookie_or_a_revoked_key_gets_401_everywhere(app, client, db, auth, world):
    key = make_key(db, "gone")
    api_keys.revoke_key(db, "gone", actor="test")
    auth.login("admin")  # the cookie is sent along and must not count
    for method, path, _ in operations(app):
        assert call(client, method, path, world).status_code == 401, (method, path)
        assert call(client, method, path, world, key).status_code == 401, (method, path)
