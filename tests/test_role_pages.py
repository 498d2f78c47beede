"""Role pages: open a role with its manager, see the funnel, close it."""

import html
import re

from hiring.workspace import decisions
from tests.conftest import csrf_token
from tests.workspace_data import (  # noqa: F401
    bare_candidate,
    completed_candidate,
    fast_hashing,
    invited_candidate,
    make_role,
)


def test_open_a_role_through_the_form(auth, client, db, staff):
    auth.login("recruiter")
    page = client.get("/roles/new").get_data(as_text=True)
    assert "Contact-center representative" in page and "Manager Tester" in page
    response = client.post(
        "/roles/new",
        data={"title": "  Night   Shift Agent ", "location": "Cardiff",
              "questionnaire": "wetco-service@1", "profile": "contact-center-rep",
              "hiring_manager": "", "csrf_token": csrf_token(page)},
    )  # fmt: skip
    assert response.status_code == 302
    role = next(db["job_roles"].rows_where("title = 'Night Shift Agent'"))
    assert role["hiring_manager_id"] is None and role["created_by"] == staff["recruiter"].id
    listing = client.get("/roles/").get_data(as_text=True)
    assert "Night Shift Agent" in listing and "Cardiff" in listing


def test_a_form_error_is_shown_and_nothing_is_created(auth, client, db):
    auth.login("recruiter")
    page = client.get("/roles/new").get_data(as_text=True)
    response = client.post(
        "/roles/new",
        data={"title": "", "questionnaire": "wetco-service@1", "profile": "nope",
              "csrf_token": csrf_token(page)},
    )  # fmt: skip
    assert response.status_code == 200 and "error-summary" in response.get_data(as_text=True)
    assert db["job_roles"].count == 0


def test_the_funnel_counts_everyone_who_reached_each_stage(app, auth, client, db, staff):
    role = make_role(db)
    invited_candidate(db, role, "Ivy Invited", "ivy@example.test")
    done = [
        completed_candidate(app, db, role, f"Done {i}", f"done{i}@example.test", 4, i)
        for i in range(3)
    ]
    decisions.change_status(db, done[0]["id"], "shortlisted", user_id=1, actor="t")
    decisions.change_status(db, done[1]["id"], "shortlisted", user_id=1, actor="t")
    decisions.change_status(db, done[1]["id"], "hired", user_id=1, actor="t")
    auth.login("recruiter")
    text = html.unescape(client.get(f"/roles/{role['id']}").get_data(as_text=True))
    pattern = r'<span class="funnel-n">(\d+)</span> <span class="funnel-label">(\w+)</span>'
    stages = {label: int(n) for n, label in re.findall(pattern, text)}
    # invited 4, started 3 (all who consented), completed 3, shortlisted 2 (one then hired), hired 1
    assert stages == {"invited": 4, "started": 3, "completed": 3, "shortlisted": 2, "hired": 1}


def test_the_funnel_still_counts_someone_shortlisted_and_then_rejected(auth, client, db, staff):
    role = make_role(db)
    people = [bare_candidate(db, role["id"], number) for number in range(2)]
    for status in ("shortlisted", "rejected"):
        decisions.change_status(db, people[0]["id"], status, user_id=1, actor="t", reason="r")
    auth.login("recruiter")
    text = html.unescape(client.get(f"/roles/{role['id']}").get_data(as_text=True))
    pattern = r'<span class="funnel-n">(\d+)</span> <span class="funnel-label">(\w+)</span>'
    stages = {label: int(n) for n, label in re.findall(pattern, text)}
    assert stages == {"invited": 2, "started": 2, "completed": 2, "shortlisted": 1, "hired": 0}


def test_closing_a_role(auth, client, db):
    role = make_role(db)
    auth.login("admin")
    page = client.get(f"/roles/{role['id']}").get_data(as_text=True)
    response = client.post(f"/roles/{role['id']}/close", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert db["job_roles"].get(role["id"])["status"] == "closed"
    assert "closed to new invites" in client.get(f"/roles/{role['id']}").get_data(as_text=True)
    assert "Service Agent" not in client.get("/roles/").get_data(as_text=True)
    assert "Service Agent" in client.get("/roles/?closed=1").get_data(as_text=True)


def test_the_role_page_names_the_model_in_use(auth, client, db):
    role = make_role(db)
    auth.login("recruiter")
    assert "Not calibrated yet" in client.get(f"/roles/{role['id']}").get_data(as_text=True)
    db["model_versions"].insert({"id": 7, "role_id": role["id"], "label": "Spring 2024 calibration", "status": "active"})  # fmt: skip
    assert "Spring 2024 calibration" in client.get(f"/roles/{role['id']}").get_data(as_text=True)
