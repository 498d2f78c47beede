"""Bulk actions on a role's ranked list: one decision for many, new links, export, refusals."""

import csv
import io
import json

import pytest

from hiring.candidates import deliveries
from hiring.webhooks.subscriptions import subscribe
from tests.candidate_support import SMTPSink
from tests.conftest import csrf_token
from tests.queue_support import run_queued_tasks
from tests.workspace_data import bare_candidate, fast_hashing, make_role  # noqa: F401


@pytest.fixture
def people(db, app):
    """A role with three finished candidates (one with a low fit), one not finished, and a
    finished candidate of another role."""
    role, other = make_role(db), make_role(db, "Other Agent")
    made = {
        "strong": bare_candidate(db, role["id"], 1, fit=0.82, band="strong", band_rank=4),
        "good": bare_candidate(db, role["id"], 2, fit=0.7, band="good", band_rank=3),
        "low": bare_candidate(db, role["id"], 3, fit=0.2, band="low", band_rank=1),
        "waiting": bare_candidate(
            db, role["id"], 4, status="invited", token_expires_at="2099-01-01T00:00:00+00:00"
        ),
        "stranger": bare_candidate(db, other["id"], 5, fit=0.9, band="strong", band_rank=4),
    }
    return {"role": role, **made}


def _post(client, role, data: dict, query: str = ""):
    page = client.get(f"/roles/{role['id']}/candidates").get_data(as_text=True)
    return client.post(
        f"/roles/{role['id']}/candidates/bulk{query}",
        data={"csrf_token": csrf_token(page), **data},
    )


def _status(db, row) -> str:
    return db["candidates"].get(row["id"])["status"]


def test_advancing_many_applies_the_allowed_and_names_each_refusal(auth, client, db, people):
    subscribe(db, "http://127.0.0.1:9/in", ("candidate.decided",), actor="t",
              allow_private=True)  # fmt: skip
    auth.login("recruiter")
    picked = [people[k]["id"] for k in ("strong", "good", "low", "waiting")]
    response = _post(client, people["role"], {"c": picked, "action": "decide",
                                              "status": "shortlisted", "reason": ""})  # fmt: skip
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 candidates moved to shortlisted; 2 refused and left as they were:" in page
    assert "Person 0003 (The candidate has a low fit" in page
    assert "Person 0004 (The candidate has not completed the assessment yet)" in page
    assert [_status(db, people[k]) for k in ("strong", "good", "low", "waiting")] == [
        "shortlisted", "shortlisted", "completed", "invited",
    ]  # fmt: skip
    events = [json.loads(r["payload"]) for r in db["webhook_deliveries"].rows]
    assert sorted(e["data"]["candidate_id"] for e in events) == sorted(
        [people["strong"]["id"], people["good"]["id"]]
    )
    assert all(e["type"] == "candidate.decided" for e in events)
    (entry,) = db["audit_log"].rows_where("action = 'candidates.bulk_status'")
    detail = json.loads(entry["detail"])
    assert detail["refused"] == [people["low"]["id"], people["waiting"]["id"]]
    assert db["audit_log"].count_where("action = 'candidate.status'") == 2


def test_one_reason_advances_a_low_fit_as_a_recorded_override(auth, client, db, people):
    auth.login("recruiter")
    response = _post(client, people["role"], {
        "c": [people["low"]["id"], people["good"]["id"]], "action": "decide",
        "status": "interviewed", "reason": "Strong  references from the  agency",
    })  # fmt: skip
    assert response.status_code == 302
    rows = {r["candidate_id"]: r for r in db["status_history"].rows}
    assert rows[people["low"]["id"]]["override"] == 1
    assert rows[people["good"]["id"]]["override"] == 0
    assert {r["reason"] for r in rows.values()} == {"Strong references from the agency"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "decide", "status": "shortlisted"}, "Select at least one candidate first."),
        ({"c": ["{strong}"], "action": "decide", "status": "rejected", "reason": " "},
         "Give a reason for the rejection"),
        ({"c": ["{strong}", "{stranger}"], "action": "decide", "status": "shortlisted"},
         "1 selected candidate is not in this role&#39;s list"),
        ({"c": ["{strong}", "99999"], "action": "export"}, "1 selected candidate is not in"),
        ({"c": ["{strong}", "1 OR 1=1"], "action": "decide", "status": "shortlisted"},
         "could not be coerced"),
        ({"c": ["{strong}"], "action": "decide", "status": "completed"}, "Not a valid choice"),
        ({"c": ["{strong}"], "action": "delete", "status": "shortlisted"}, "Not a valid choice"),
        ({"c": ["{strong}"], "action": "decide", "status": "hired", "reason": "x" * 501},
         "500 characters"),
    ],
)  # fmt: skip
def test_bad_input_reshows_the_list_with_the_message_and_changes_nothing(
    auth, client, db, people, data, message
):
    auth.login("recruiter")
    ids = {k: str(people[k]["id"]) for k in ("strong", "stranger")}
    data = {k: [v.format(**ids) for v in vs] if isinstance(vs, list) else vs
            for k, vs in data.items()}  # fmt: skip
    before = [dict(r) for r in db["candidates"].rows]
    response = _post(client, people["role"], data, "?sort=name")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and "Candidates for" in page
    assert '<option selected value="name">' in page  # the same list, filters kept
    assert [dict(r) for r in db["candidates"].rows] == before
    assert db["status_history"].count == 0


def test_without_a_csrf_token_nothing_happens(auth, client, db, people):
    auth.login("recruiter")
    response = client.post(
        f"/roles/{people['role']['id']}/candidates/bulk",
        data={"c": [people["strong"]["id"]], "action": "decide", "status": "shortlisted"},
    )
    assert response.status_code == 400
    assert _status(db, people["strong"]) == "completed"


def test_export_selected_writes_only_those_rows_and_audits_them(auth, client, db, people):
    auth.login("recruiter")
    picked = [people["good"]["id"], people["strong"]["id"]]
    response = _post(client, people["role"], {"c": picked, "action": "export"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["id", "name", "email"]
    assert [r[1] for r in rows[1:]] == ["Person 0001", "Person 0002"]  # list order: fit
    (entry,) = db["audit_log"].rows_where("action = 'candidates.export'")
    assert sorted(json.loads(entry["detail"])["candidates"]) == sorted(picked)


def test_compare_goes_to_the_compare_page_with_the_selection(auth, client, people):
    auth.login("recruiter")
    picked = [people["good"]["id"], people["strong"]["id"]]
    response = _post(client, people["role"], {"c": picked, "action": "compare"})
    assert response.status_code == 302
    assert f"c={picked[0]}&c={picked[1]}" in response.headers["Location"]


def test_select_all_on_this_page_checks_every_row_without_javascript(auth, client, people):
    auth.login("recruiter")
    page = client.get(f"/roles/{people['role']['id']}/candidates?select=all").get_data(as_text=True)
    assert page.count(" checked>") == 4
    plain = client.get(f"/roles/{people['role']['id']}/candidates").get_data(as_text=True)
    assert " checked>" not in plain and "Select all on this page" in plain


def test_resending_gives_unfinished_candidates_new_links_by_queued_mail(
    app, auth, client, db, people
):
    auth.login("recruiter")
    old_hash = db["candidates"].get(people["waiting"]["id"])["token_hash"]
    with SMTPSink() as sink:
        app.config.update(sink.config(), BASE_URL="https://jobs.example.test", MAIL_RETRY_SECONDS=0)
        response = _post(client, people["role"], {
            "c": [people["waiting"]["id"], people["strong"]["id"]], "action": "resend",
        })  # fmt: skip
        page = response.get_data(as_text=True)
        run_queued_tasks(app)
    assert response.status_code == 200 and "New links made" in page
    assert "Person 0001: already finished the assessment; no link needed" in page
    assert db["candidates"].get(people["waiting"]["id"])["token_hash"] != old_hash
    assert db["candidates"].get(people["strong"]["id"])["token_hash"] == "hash-1-1"
    assert [m["to"] for m in sink.messages] == [["person0004@example.test"]]
    assert "https://jobs.example.test/a/" in sink.messages[0]["data"]
    (made,) = db["mail_deliveries"].rows
    assert made["kind"] == deliveries.INVITE and made["status"] == deliveries.SENT


def test_resending_without_a_known_address_voids_no_link(app, auth, client, db, people):
    auth.login("recruiter")
    app.config.update(BASE_URL="", ALLOWED_HOSTS="jobs.example.test")
    old_hash = db["candidates"].get(people["waiting"]["id"])["token_hash"]
    response = _post(client, people["role"], {"c": [people["waiting"]["id"]], "action": "resend"})
    assert response.status_code == 400 and "HIRING_BASE_URL" in response.get_data(as_text=True)
    assert db["candidates"].get(people["waiting"]["id"])["token_hash"] == old_hash
