"""Status changes record who, when and why; rejections and overrides need a reason; notes."""

import json
import re

import pytest

from hiring.workspace import decisions
from hiring.workspace.decisions import DecisionError
from tests.conftest import csrf_token
from tests.workspace_data import bare_candidate, fast_hashing, make_role  # noqa: F401


@pytest.fixture
def candidate(db, app):
    role = make_role(db)
    return bare_candidate(db, role["id"], 1, fit=0.81, band="strong", band_rank=4)


def test_a_status_change_is_recorded_with_who_when_and_from_what(db, staff, candidate):
    row = decisions.change_status(
        db, candidate["id"], "shortlisted", user_id=staff["recruiter"].id, actor="recruiter"
    )
    assert db["candidates"].get(candidate["id"])["status"] == "shortlisted"
    history = decisions.status_history(db, candidate["id"])
    assert [(h["from_status"], h["to_status"], h["by_name"]) for h in history] == [
        ("completed", "shortlisted", "Recruiter Tester")
    ]
    assert history[0]["at"] == row["at"] and history[0]["at"].startswith("20")
    audit = list(db["audit_log"].rows_where("action = 'candidate.status'"))
    assert audit[0]["actor"] == "recruiter"
    assert json.loads(audit[0]["detail"])["to_status"] == "shortlisted"


def test_a_rejection_needs_a_reason_and_records_it(db, staff, candidate):
    with pytest.raises(DecisionError, match="reason"):
        decisions.change_status(db, candidate["id"], "rejected", user_id=1, actor="r")
    assert db["candidates"].get(candidate["id"])["status"] == "completed"
    assert db["status_history"].count == 0
    decisions.change_status(
        db, candidate["id"], "rejected", user_id=staff["recruiter"].id, actor="r",
        reason="  Not available for  evening shifts ",
    )  # fmt: skip
    row = db["candidates"].get(candidate["id"])
    assert row["status"] == "rejected" and row["decided_at"]
    assert decisions.status_history(db, candidate["id"])[0]["reason"] == (
        "Not available for evening shifts"
    )


def test_an_override_needs_a_reason_and_is_stored(db, staff, candidate):
    with pytest.raises(DecisionError, match="against the fit score"):
        decisions.change_status(
            db, candidate["id"], "shortlisted", user_id=1, actor="r", override=True
        )
    decisions.change_status(
        db, candidate["id"], "rejected", user_id=staff["recruiter"].id, actor="r",
        reason="References raised concerns", override=True,
    )  # fmt: skip
    assert decisions.status_history(db, candidate["id"])[0]["override"] == 1


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        ("invited", "shortlisted", "not completed"),
        ("started", "hired", "not completed"),
        ("completed", "completed", "already"),
        ("completed", "started", "Choose one of"),
        ("completed", "promoted", "Choose one of"),
    ],
)
def test_refused_changes_write_nothing(db, candidate, start, to, message):
    db["candidates"].update(candidate["id"], {"status": start})
    with pytest.raises(DecisionError, match=message):
        decisions.change_status(db, candidate["id"], to, user_id=1, actor="r")
    assert db["candidates"].get(candidate["id"])["status"] == start
    assert db["status_history"].count == 0


def test_the_whole_pipeline_and_back(db, staff, candidate):
    for status in ("shortlisted", "interviewed", "offered", "hired"):
        decisions.change_status(db, candidate["id"], status, user_id=staff["admin"].id, actor="a")
    assert db["candidates"].get(candidate["id"])["decided_at"]
    decisions.change_status(db, candidate["id"], "offered", user_id=staff["admin"].id, actor="a")
    assert db["candidates"].get(candidate["id"])["decided_at"] is None  # no longer final
    assert len(decisions.status_history(db, candidate["id"])) == 5


def test_unknown_candidate(db):
    with pytest.raises(decisions.UnknownCandidate):
        decisions.change_status(db, 424242, "hired", user_id=1, actor="r")
    with pytest.raises(decisions.UnknownCandidate):
        decisions.add_note(db, 424242, "hello", user_id=1, actor="r")


def test_notes_are_kept_newest_first_with_their_author(db, staff, candidate):
    decisions.add_note(
        db, candidate["id"], "Phoned, keen.", user_id=staff["recruiter"].id, actor="r"
    )
    decisions.add_note(db, candidate["id"], "Second call.", user_id=staff["admin"].id, actor="a")
    notes = decisions.notes(db, candidate["id"])
    assert [(n["body"], n["author_name"]) for n in notes] == [
        ("Second call.", "Admin Tester"),
        ("Phoned, keen.", "Recruiter Tester"),
    ]
    with pytest.raises(DecisionError):
        decisions.add_note(db, candidate["id"], "   ", user_id=1, actor="r")
    assert db["audit_log"].count_where("action = 'candidate.note'") == 2


# Through the web page


def post(client, url: str, data: dict):
    token = csrf_token(client.get("/").get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_the_recruiter_shortlists_from_the_candidate_page(auth, client, db, candidate):
    auth.login("recruiter")
    page = client.get(f"/candidates/{candidate['id']}").get_data(as_text=True)
    assert "supports the decision; it does not make it" in page
    response = post(client, f"/candidates/{candidate['id']}/status", {"status": "shortlisted"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Status changed to shortlisted" in page
    assert "completed → <strong>shortlisted</strong>" in page


def test_a_rejection_without_reason_shows_the_form_error(auth, client, db, candidate):
    auth.login("recruiter")
    response = post(client, f"/candidates/{candidate['id']}/status", {"status": "rejected"})
    assert response.status_code == 200
    assert "Give a reason for the rejection." in response.get_data(as_text=True)
    assert db["candidates"].get(candidate["id"])["status"] == "completed"


def test_an_override_through_the_page(auth, client, db, candidate):
    auth.login("recruiter")
    post(
        client,
        f"/candidates/{candidate['id']}/status",
        {"status": "rejected", "override": "y", "reason": "Failed the role play"},
    )
    page = client.get(f"/candidates/{candidate['id']}").get_data(as_text=True)
    assert "against the fit score" in page and "Failed the role play" in page
    assert db["status_history"].get(1)["override"] == 1


def test_a_note_through_the_page_is_escaped(auth, client, db, candidate):
    auth.login("admin")
    response = post(
        client, f"/candidates/{candidate['id']}/notes", {"body": "<script>alert(1)</script> ok"}
    )
    assert response.status_code == 302
    page = client.get(f"/candidates/{candidate['id']}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ok" in page
    assert "<script>alert(1)" not in page


@pytest.mark.parametrize(
    ("current", "suggested"),
    [("completed", "shortlisted"), ("shortlisted", "interviewed"), ("offered", "hired"),
     ("hired", "hired"), ("rejected", "rejected"), ("invited", "completed")],
)  # fmt: skip
def test_the_form_suggests_the_next_step(current, suggested):
    assert decisions.next_status(current) == suggested


def test_the_history_names_the_candidate_for_their_own_submission(db, candidate):
    db["status_history"].insert(
        {"candidate_id": candidate["id"], "from_status": "started", "to_status": "completed",
         "by_user": None, "at": "2024-01-01T00:00:00+00:00", "override": 0}
    )  # fmt: skip
    assert decisions.status_history(db, candidate["id"])[0]["by_name"] == (
        "the candidate (on submitting)"
    )


def forms_of(page: str) -> str:
    """The decision and notes sections of a candidate's page."""
    return page[page.index('id="decision"') : page.index("</main>")]


def selected_status(page: str) -> str:
    return re.search(r'<option selected value="([^"]+)"', page).group(1)


def test_the_decision_form_kept_between_views_still_shows_each_candidates_state(
    auth, client, db, candidate
):
    """The fresh form's fields are rendered once per worker; a sent form is shown as sent."""
    other = bare_candidate(db, candidate["role_id"], 2, status="shortlisted", fit=0.5)
    auth.login("recruiter")
    first = client.get(f"/candidates/{candidate['id']}").get_data(as_text=True)
    assert selected_status(first) == "shortlisted"  # the next step from "completed"
    assert selected_status(client.get(f"/candidates/{other['id']}").get_data(as_text=True)) == (
        "interviewed"
    )
    sent = post(
        client,
        f"/candidates/{candidate['id']}/status",
        {"status": "rejected", "reason": "", "override": "y"},
    ).get_data(as_text=True)
    assert "Give a reason" in sent and selected_status(sent) == "rejected"
    assert '<input checked id="override"' in sent
    again = client.get(f"/candidates/{candidate['id']}").get_data(as_text=True)
    assert '<input id="override"' in again and "Give a reason" not in again
    assert selected_status(again) == "shortlisted"
    assert forms_of(again) == forms_of(first).replace(csrf_token(first), csrf_token(again))
    note = post(client, f"/candidates/{candidate['id']}/notes", {"body": ""}).get_data(as_text=True)
    assert 'class="field has-error"' in note
    assert 'class="field has-error"' not in client.get(f"/candidates/{candidate['id']}").get_data(
        as_text=True
    )
