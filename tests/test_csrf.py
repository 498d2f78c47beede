"""Every state-changing endpoint refuses a POST without a CSRF token, and changes nothing.

The endpoints are read from the app's URL map, so a new one is covered the day it is added;
each is called by someone allowed to use it, with data it would accept, on a real target.
"""

import re
from pathlib import Path

import pytest
from calibration_data import calibrated_role
from candidate_support import SHOWN_RE, Walker, answers_for, invite, questionnaire_of

from hiring.accounts import users as accounts
from hiring.candidates import journey
from tests.conftest import PASSWORDS, AuthActions
from tests.workspace_data import completed_candidate

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
REFUSED = "The form expired or was sent twice"
CANDIDATE_BLUEPRINTS = ("candidate", "candidate_rights")


@pytest.fixture
def world(app, db, staff):
    role, version = calibrated_role(app, db)
    done = completed_candidate(app, db, role, "Cora Complete", "cora@example.test")
    started = invite(db, role, name="Stan Started", email="stan@example.test")
    journey.give_consent(db, started.candidate_id)
    fresh = invite(db, role, name="Ines Invited", email="ines@example.test")
    other = accounts.add_user(db, "manager2", "manager2-pass-123", "manager", "Other Manager")
    return {
        "role_id": role["id"], "candidate_id": done["id"], "user_id": other.id,
        "version_id": version.id, "number": 1, "started": started, "fresh": fresh,
        "questionnaire": questionnaire_of(db, started.candidate_id),
    }  # fmt: skip


def _data(endpoint: str, w: dict, shown: str) -> dict:
    """Data the endpoint would accept with a token: the forged request asks for a real change."""
    answers = answers_for(w["questionnaire"])
    page_one = {f"a_{i}": str(answers[i]) for i in w["questionnaire"].pages[0].item_ids}
    uid = w["user_id"]
    return {
        "auth.login": {"username": "admin", "password": PASSWORDS["admin"]},
        "auth.change_password": {"current": PASSWORDS["admin"], "new": "brand-new-pass-987",
                                 "confirm": "brand-new-pass-987"},
        "candidate.landing": {"consent": "y"},
        "candidate.page": {**page_one, "shown": shown, "next": "Next"},
        "candidate.autosave": {**page_one, "shown": shown},
        "candidate.about_you": {"skip": "Skip"},
        "roles.create": {"title": "Forged role", "questionnaire": "wetco-service@1",
                         "profile": "contact-center-rep", "hiring_manager": ""},
        "roles.set_manager": {"hiring_manager": str(uid)},
        "roles.close": {},
        "recruiter.change_status": {"status": "rejected", "reason": "forged"},
        "recruiter.add_note": {"body": "forged note"},
        "admin_users.add": {"username": "forged", "role": "admin", "password": "forged-pass-123"},
        "admin_users.update": {f"u{uid}-role": "admin", f"u{uid}-active": "y"},
        "admin_users.reset_password": {"password": "forged-pass-123"},
        "invite.one": {"role": str(w["role_id"]), "name": "Forged", "email": "f@example.test"},
        "invite.reissue": {},
        "erasure.confirm": {"confirm_id": str(w["candidate_id"]), "understood": "y"},
        "validity.calibrate": {"method": "logistic"},
        "validity.activate": {},
        "validity.suspend": {"reason": "forged"},
        "validity.rescore": {},
    }.get(endpoint, {})  # fmt: skip


def _url(rule, w: dict) -> str:
    """Fill the rule's variables with real ids (1 for a variable nobody knows yet)."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(w.get(m.group(1), 1)), rule.rule)


def _snapshot(db, instance: Path) -> tuple:
    tables = {
        name: list(db.execute(f"SELECT * FROM [{name}]").fetchall())  # noqa: S608
        for name in db.table_names()
    }
    files = sorted(
        (str(p.relative_to(instance)), p.stat().st_size) for p in instance.rglob("*") if p.is_file()
    )
    return tables, files


def _client_for(app, endpoint: str, w: dict):
    """Someone allowed to use the endpoint: the candidate, nobody (sign-in) or an admin."""
    client = app.test_client()
    if endpoint.split(".")[0] in CANDIDATE_BLUEPRINTS:
        token = w["fresh"].token if endpoint == "candidate.landing" else w["started"].token
        assert client.get(f"/a/{token}").status_code == 302
        page = client.get("/assessment/page/1").get_data(as_text=True)
        return client, (SHOWN_RE.search(page).group(1) if SHOWN_RE.search(page) else "")
    if endpoint != "auth.login":
        AuthActions(client).login("admin")
    return client, ""


def test_every_state_changing_endpoint_refuses_a_post_without_a_token(app, db, world):
    instance = Path(app.config["INSTANCE_PATH"])
    checked, problems = [], []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api_"):
            continue  # a key, not a cookie, authenticates the API: tests/test_api_permissions.py
        for method in sorted((rule.methods or set()) & STATE_CHANGING):
            client, shown = _client_for(app, rule.endpoint, world)
            before = _snapshot(db, instance)
            response = client.open(
                _url(rule, world), method=method, data=_data(rule.endpoint, world, shown)
            )
            body = response.get_data(as_text=True)
            if response.status_code != 400 or REFUSED not in body:
                problems.append(f"{method} {rule.rule}: answered {response.status_code}")
            if _snapshot(db, instance) != before:
                problems.append(f"{method} {rule.rule}: changed the database or the files")
            checked.append(rule.endpoint)
    assert problems == []
    assert len(checked) >= 24
    assert {"recruiter.change_status", "admin_users.add", "validity.rescore"} <= set(checked)


def test_the_same_requests_with_a_token_do_change_things(app, db, world):
    """The forged requests above are real: with a token, they act (so 'nothing changed' bites)."""
    client, _ = _client_for(app, "recruiter.change_status", world)
    token = re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/").get_data(as_text=True)
    )
    cid = world["candidate_id"]
    data = {**_data("recruiter.change_status", world, ""), "csrf_token": token.group(1)}
    assert client.post(f"/candidates/{cid}/status", data=data).status_code == 302
    assert db["candidates"].get(cid)["status"] == "rejected"
    walker = Walker(app.test_client(), world["started"].token)
    walker.open()
    answers = answers_for(world["questionnaire"])
    page = {i: answers[i] for i in world["questionnaire"].pages[0].item_ids}
    assert walker.post_page(1, page).status_code == 302
    assert journey.saved_answers(db, world["started"].candidate_id) == page
