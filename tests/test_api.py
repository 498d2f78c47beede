"""The REST API: its OpenAPI document, keys, problems, pagination, ETags, idempotency, flow."""

import json

import pytest
from api_support import bearer, make_key
from workspace_data import completed_candidate, make_role

from hiring.accounts import api_keys

PROBLEM = "application/problem+json"


@pytest.fixture
def role(db):
    return make_role(db)


@pytest.fixture
def key(db):
    return make_key(db)


def test_openapi_document_is_3_1_and_lists_operations_schemas_errors_and_security(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    assert spec["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"
    assert "Problem" in spec["components"]["schemas"]
    invite = spec["paths"]["/api/v1/candidates"]["post"]
    assert invite["x-required-scope"] == "candidates:write"
    assert {"401", "403", "422", "429", "500"} <= set(invite["responses"])
    assert {"$ref": "#/components/parameters/IDEMPOTENCY_KEY"} in invite["parameters"]
    results = spec["paths"]["/api/v1/candidates/{candidate_id}/results"]["get"]
    assert "ETag" in results["responses"]["200"]["headers"]
    unauthorized = spec["components"]["responses"]["UNAUTHORIZED"]
    assert PROBLEM in unauthorized["content"]


def test_docs_page_shows_every_operation_and_schema_without_external_scripts(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    page = client.get("/api/v1/docs").get_data(as_text=True)
    for path, item in spec["paths"].items():
        for method in set(item) - {"parameters"}:
            assert f"{method.upper()} {path}" in page
    for name in spec["components"]["schemas"]:
        assert f'id="schema-{name}"' in page
    assert 'src="http' not in page and 'href="http' not in page


def test_a_call_without_a_key_is_a_401_problem(client):
    response = client.get("/api/v1/roles")
    assert response.status_code == 401
    assert response.content_type == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["status"] == 401


def test_a_signed_in_staff_cookie_does_not_open_the_api(client, auth):
    auth.login("admin")
    assert client.get("/api/v1/roles").status_code == 401


def test_unknown_path_and_wrong_method_are_problems(client, key):
    missing = client.get("/api/v1/nothing-here", headers=bearer(key))
    assert (missing.status_code, missing.content_type) == (404, PROBLEM)
    wrong = client.delete("/api/v1/roles", headers=bearer(key))
    assert (wrong.status_code, wrong.content_type) == (405, PROBLEM)
    assert "GET" in wrong.headers["Allow"]


def test_roles_list_shows_each_roles_assessment(client, role, key):
    body = client.get("/api/v1/roles", headers=bearer(key)).get_json()
    assert body["next_cursor"] is None
    (item,) = body["items"]
    assert item["slug"] == role["slug"]
    assert item["assessment"]["id"] == role["questionnaire_id"]
    assert item["created_at"].endswith("Z")


def test_cursor_pagination_walks_every_row_once(client, db, key):
    slugs = {make_role(db, title=f"Agent {n}")["slug"] for n in range(5)}
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/roles", query_string=query, headers=bearer(key)).get_json()
        seen += [item["slug"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(slugs)


@pytest.mark.parametrize(
    "query, field",
    [({"limit": 0}, "limit"), ({"limit": 999}, "limit"), ({"cursor": "!!"}, "cursor")],
)
def test_bad_query_values_are_422_problems_naming_the_field(client, key, query, field):
    response = client.get("/api/v1/roles", query_string=query, headers=bearer(key))
    assert (response.status_code, response.content_type) == (422, PROBLEM)
    assert field in response.get_json()["errors"]["query"]


def test_etag_answers_304_while_unchanged(client, role, key):
    first = client.get(f"/api/v1/roles/{role['slug']}", headers=bearer(key))
    etag = first.headers["ETag"]
    again = client.get(
        f"/api/v1/roles/{role['slug']}", headers=bearer(key, **{"If-None-Match": etag})
    )
    assert again.status_code == 304
    assert again.data == b""


def invite_body(role, email="sam@example.com"):
    return {"role": role["slug"], "name": "Sam Jones", "email": email}


def test_invitation_returns_the_id_and_a_working_link(client, role, key):
    response = client.post("/api/v1/candidates", json=invite_body(role), headers=bearer(key))
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "invited"
    assert body["link"].startswith("http://localhost/a/")
    assert response.headers["Location"].endswith(f"/api/v1/candidates/{body['id']}")
    landing = client.get(body["link"].removeprefix("http://localhost"), follow_redirects=True)
    assert landing.status_code == 200 and "Sam Jones" in landing.get_data(as_text=True)
    status = client.get(f"/api/v1/candidates/{body['id']}", headers=bearer(key)).get_json()
    assert status["status"] == "invited" and "link" not in status


def test_invitation_refusals_are_problems(client, role, key):
    client.post("/api/v1/candidates", json=invite_body(role), headers=bearer(key))
    twice = client.post("/api/v1/candidates", json=invite_body(role), headers=bearer(key))
    assert (twice.status_code, twice.content_type) == (422, PROBLEM)
    assert "already invited" in twice.get_json()["detail"]
    bad = client.post("/api/v1/candidates", json={"role": role["slug"]}, headers=bearer(key))
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]["json"]) == {"name", "email"}
    nowhere = client.post(
        "/api/v1/candidates", json=invite_body({"slug": "no-such-role"}), headers=bearer(key)
    )
    assert nowhere.status_code == 404


def test_idempotency_key_replays_the_first_response_and_acts_once(client, db, role, key):
    headers = bearer(key, **{"Idempotency-Key": "abc-123"})
    first = client.post("/api/v1/candidates", json=invite_body(role), headers=headers)
    second = client.post("/api/v1/candidates", json=invite_body(role), headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.get_json() == first.get_json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert db["candidates"].count == 1
    other = client.post(
        "/api/v1/candidates", json=invite_body(role, "x@example.com"), headers=headers
    )
    assert (other.status_code, other.content_type) == (422, PROBLEM)
    assert db["candidates"].count == 1


def test_results_carry_scores_band_notes_model_and_report_links(app, client, db, role, key):
    candidate = completed_candidate(app, db, role, "Ann Lee", "ann@example.com")
    status = client.get(f"/api/v1/candidates/{candidate['id']}", headers=bearer(key)).get_json()
    assert status["results_url"] == f"/api/v1/candidates/{candidate['id']}/results"
    body = client.get(status["results_url"], headers=bearer(key)).get_json()
    assert [row["id"] for row in body["scales"]][:2] == ["warmth", "empathy"]
    assert all(1 <= row["score"] <= 5 for row in body["scales"])
    assert body["sjt"] and body["band"] == candidate["band"]
    assert body["fit_probability"] is None  # no calibrated model: said in the notes instead
    assert any("hiring profile alone" in note for note in body["evidence_notes"])
    assert body["reports"]["fit"].endswith(f"/candidates/{candidate['id']}/report.pdf?variant=fit")


def test_results_of_a_calibrated_role_give_the_probability_with_its_interval(app, client, db, key):
    from calibration_data import calibrated_role

    role, version = calibrated_role(app, db)
    candidate = completed_candidate(app, db, role, "Bo Kim", "bo@example.com")
    body = client.get(
        f"/api/v1/candidates/{candidate['id']}/results", headers=bearer(key)
    ).get_json()
    fit = body["fit_probability"]
    assert fit["interval_low"] <= fit["value"] <= fit["interval_high"]
    assert "95% interval" in fit["meaning"]
    assert body["model_version"] == version.label


def test_decisions_follow_the_web_rules(app, client, db, role, key):
    candidate = completed_candidate(app, db, role, "Ann Lee", "ann@example.com", level=1)
    db["candidates"].update(candidate["id"], {"band": "low"})
    url = f"/api/v1/candidates/{candidate['id']}/decisions"
    refused = client.post(url, json={"status": "shortlisted"}, headers=bearer(key))
    assert (refused.status_code, refused.content_type) == (422, PROBLEM)
    assert "low fit" in refused.get_json()["detail"]
    made = client.post(
        url, json={"status": "shortlisted", "reason": "Strong references"}, headers=bearer(key)
    )
    assert made.status_code == 201
    assert made.get_json()["override"] is True
    history = db.execute("SELECT by_api_key FROM status_history WHERE to_status = 'shortlisted'")
    assert history.fetchone()[0] == "ats"


def test_every_call_is_audited_with_the_key(client, db, key):
    client.get("/api/v1/roles", headers=bearer(key))
    rows = list(db["audit_log"].rows_where("action = 'api.call'"))
    assert rows[-1]["actor"] == "api:ats"
    assert rows[-1]["target_id"] == "GET /api/v1/roles"
    assert json.loads(rows[-1]["detail"])["status"] == 200


def test_the_rate_limit_is_per_key_and_answers_429_with_retry_after(app, client, db):
    app.config["API_RATE_LIMIT"] = 3
    busy, calm = make_key(db, "busy"), make_key(db, "calm")
    codes = [client.get("/api/v1/roles", headers=bearer(busy)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/v1/roles", headers=bearer(busy))
    assert refused.content_type == PROBLEM and int(refused.headers["Retry-After"]) >= 1
    assert client.get("/api/v1/roles", headers=bearer(calm)).status_code == 200


def test_the_call_count_starts_over_each_minute(db):
    key, _ = api_keys.create_key(db, "k", ("admin",), actor="test")
    assert [api_keys.count_call(db, key, 2, now=60.0 + i) for i in range(3)] == [0, 0, 58]
    assert api_keys.count_call(db, key, 2, now=120.0) == 0


def test_a_revoked_key_fails_at_once(client, db, key):
    assert client.get("/api/v1/roles", headers=bearer(key)).status_code == 200
    api_keys.revoke_key(db, "ats", actor="test")
    response = client.get("/api/v1/roles", headers=bearer(key))
    assert response.status_code == 401
    assert "revoked" in response.get_json()["detail"]


def test_keys_are_stored_only_as_hashes(db, key):
    row = db.execute("SELECT * FROM api_keys").fetchone()
    assert key not in json.dumps(row)
    assert api_keys.hash_key(key) in row


def test_server_errors_are_problems_without_a_trace(app, client, key, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("hiring.web.api.roles.roles_page", broken)
    response = client.get("/api/v1/roles", headers=bearer(key))
    assert (response.status_code, response.content_type) == (500, PROBLEM)
    assert "secret internals" not in response.get_data(as_text=True)
