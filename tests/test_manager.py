"""Managers: their own hires only, each hire's onboarding plan, and the cohort's module counts."""

import csv
import html
import io
import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from hiring.accounts import users as accounts
from hiring.workspace import cohorts, decisions
from tests.conftest import AuthActions, csrf_token
from tests.workspace_data import completed_candidate, fast_hashing, make_role  # noqa: F401

PROFILE = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "profiles" / "contact-center-rep.yaml").read_text()
)
MODULES = {f["module"]["id"]: f["module"] for f in PROFILE["features"].values()}


@pytest.fixture
def team(app, db, staff):
    other = accounts.add_user(db, "manager2", "manager2-pass-123", "manager", "Other Manager")
    mine = make_role(db, "Chat Agent", manager_id=staff["manager"].id)
    theirs = make_role(db, "Phone Agent", manager_id=other.id)
    people = {}
    for key, role, level, seed in (
        ("h1", mine, 2, 1), ("h2", mine, 3, 2), ("h3", mine, 2, 3), ("waiting", mine, 2, 4),
        ("elsewhere", theirs, 2, 5),
    ):  # fmt: skip
        people[key] = completed_candidate(
            app, db, role, f"Person {key}", f"{key}@example.test", level, seed
        )
        if key != "waiting":
            decisions.change_status(
                db, people[key]["id"], "hired", user_id=staff["recruiter"].id, actor="test",
                reason="Hired after a strong interview",
            )  # fmt: skip
    return {"mine": mine, "theirs": theirs, "other": other, **people}


def gaps_of(db, candidate_id) -> list[dict]:
    return json.loads(db["results"].get(candidate_id)["fit"])["onboarding_gaps"]


def test_a_manager_sees_only_hires_of_their_roles(auth, client, team):
    auth.login("manager")
    text = client.get("/manager/").get_data(as_text=True)
    for key in ("h1", "h2", "h3"):
        assert team[key]["name"] in text
    assert team["waiting"]["name"] not in text  # not hired
    assert team["elsewhere"]["name"] not in text  # another manager's role


def test_an_admin_sees_every_role(auth, client, team):
    auth.login("admin")
    text = client.get("/manager/").get_data(as_text=True)
    assert team["elsewhere"]["name"] in text and team["h1"]["name"] in text


def test_the_plan_maps_gaps_to_modules_by_phase(auth, client, db, team):
    gaps = gaps_of(db, team["h1"]["id"])
    assert gaps, "a level-2 hire should have gaps"
    auth.login("manager")
    text = html.unescape(client.get(f"/manager/hires/{team['h1']['id']}").get_data(as_text=True))
    for gap in gaps:
        module = MODULES[gap["module"]["id"]]
        assert module["name"] in text
    phases = sorted({MODULES[g["module"]["id"]]["phase"] for g in gaps})
    for phase in (30, 60, 90):
        assert f"First {phase} days" in text
    first = text.index(MODULES[gaps[0]["module"]["id"]]["name"])
    heading = text.index(f"First {MODULES[gaps[0]['module']['id']]['phase']} days")
    assert heading < first and phases


def test_the_cohort_counts_who_needs_each_module_in_phase_order(db, team, staff):
    hires = [team["h1"], team["h2"], team["h3"]]
    modules = cohorts.cohort(db, staff["manager"].id, [h["id"] for h in hires])
    expected = Counter(g["module"]["id"] for h in hires for g in gaps_of(db, h["id"]))
    assert {m.module["id"]: m.count for m in modules} == dict(expected)
    keys = [(m.module["phase"], -m.count, m.module["name"]) for m in modules]
    assert keys == sorted(keys)
    for m in modules:
        needing = {h["name"] for h in hires if any(
            g["module"]["id"] == m.module["id"] for g in gaps_of(db, h["id"])
        )}  # fmt: skip
        assert set(m.hires) == needing


def test_the_cohort_page_and_csv(auth, client, db, team):
    auth.login("manager")
    ids = [team["h1"]["id"], team["h3"]["id"]]
    query = "&".join(f"c={i}" for i in ids)
    page = client.get(f"/manager/cohort?{query}")
    assert page.status_code == 200
    response = client.get(f"/manager/cohort.csv?{query}")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == list(cohorts.COHORT_CSV_HEADER)
    expected = Counter(g["module"]["id"] for i in ids for g in gaps_of(db, i))
    assert {r[2]: int(r[7]) for r in rows[1:]} == dict(expected)
    assert [int(r[0]) for r in rows[1:]] == list(range(1, len(rows)))


def test_everyone_is_the_default_cohort(auth, client, db, team):
    auth.login("manager")
    rows = list(csv.reader(io.StringIO(client.get("/manager/cohort.csv").get_data(as_text=True))))
    names = {n for r in rows[1:] for n in r[8].split("; ")}
    assert team["elsewhere"]["name"] not in names
    assert names <= {team[k]["name"] for k in ("h1", "h2", "h3")}


def test_another_managers_hire_or_a_non_hire_is_not_found(auth, client, team):
    auth.login("manager")
    for key in ("elsewhere", "waiting"):
        response = client.get(f"/manager/hires/{team[key]['id']}")
        assert response.status_code == 404
        assert team[key]["name"] not in response.get_data(as_text=True)
    assert client.get(f"/manager/cohort?c={team['elsewhere']['id']}").status_code == 404


def test_a_manager_without_roles_is_told_so(app, db, staff):
    accounts.add_user(db, "newmanager", "newmanager-pass-1", "manager")
    client = app.test_client()
    AuthActions(client).login("newmanager", "newmanager-pass-1")
    assert "not the hiring manager of any role" in client.get("/manager/").get_data(as_text=True)


def test_roles_get_their_manager_on_the_role_form(auth, client, db, staff, team):
    auth.login("recruiter")
    form = client.get("/roles/new").get_data(as_text=True)
    response = client.post(
        "/roles/new",
        data={
            "title": "Escalations Desk",
            "location": "Remote",
            "questionnaire": "wetco-service@1",
            "profile": "contact-center-rep",
            "hiring_manager": str(team["other"].id),
            "csrf_token": csrf_token(form),
        },
    )
    assert response.status_code == 302
    role = next(db["job_roles"].rows_where("title = 'Escalations Desk'"))
    assert role["hiring_manager_id"] == team["other"].id
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Other Manager" in detail and "Funnel" in detail
    page = client.get(f"/roles/{role['id']}").get_data(as_text=True)
    client.post(
        f"/roles/{role['id']}/manager",
        data={"hiring_manager": str(staff["manager"].id), "csrf_token": csrf_token(page)},
    )
    assert db["job_roles"].get(role["id"])["hiring_manager_id"] == staff["manager"].id


def test_only_active_managers_can_be_assigned(db, staff, team):
    with pytest.raises(cohorts.ManagerError):
        cohorts.assign_manager(db, team["mine"]["id"], staff["recruiter"].id, actor="t")
    assert db["job_roles"].get(team["mine"]["id"])["hiring_manager_id"] == staff["manager"].id


def test_the_demo_step_gives_the_manager_hires_to_plan(app, db):
    from hiring.demo.context import DemoContext
    from hiring.demo.workspace import HIRE, SHORTLIST, add_demo_decisions

    for username in ("recruiter", "manager"):
        accounts.add_user(db, username, f"{username}-pass-123", username)
    role = make_role(db, "Demo Desk")
    people = [
        completed_candidate(app, db, role, f"Demo {i}", f"demo{i}@example.test", 3 + i % 2, i)
        for i in range(HIRE + SHORTLIST + 2)
    ]
    ctx = DemoContext(app=app, db=db)
    add_demo_decisions(ctx)
    statuses = Counter(db["candidates"].get(p["id"])["status"] for p in people)
    assert statuses == {"hired": HIRE, "shortlisted": SHORTLIST, "rejected": 1, "completed": 1}
    manager = accounts.find_user(db, "manager")
    assert len(cohorts.hires(db, manager.id)) == HIRE
    overrides = list(db["status_history"].rows_where("override = 1"))
    assert sum(row["to_status"] == "rejected" for row in overrides) == 1
    for row in overrides:  # the rest move a candidate with a low fit forward, with a reason
        assert row["reason"]
        if row["to_status"] != "rejected":
            assert db["candidates"].get(row["candidate_id"])["band"] in ("low", "knock-out")
    assert ctx.lines
