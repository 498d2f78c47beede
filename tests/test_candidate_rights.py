"""A candidate sees their results explained and downloads their own data, and nobody else's."""

import json

import pytest
from candidate_records import assessed_candidate, make_role

from hiring.candidates.erasure import erase_candidate

SELF_ID = {"sex": "Man", "race_ethnicity": "White", "age_band": "40 to 54", "disability": "No"}


@pytest.fixture
def people(app, db):
    role = make_role(db, title="Chat support")
    first = assessed_candidate(
        app, db, role, "Orla Firstperson", "orla@example.test", self_id=SELF_ID, seed=4
    )
    second = assessed_candidate(app, db, role, "Piotr Secondperson", "piotr@example.test", seed=5)
    # give the first a calibrated-looking fit, to prove no model internals reach the page
    fit = json.loads(db["results"].get(first[0])["fit"])
    fit.update(probability=0.7345, percentile=88.5, factors=[["warmth", 1.2345]], base_rate=0.4)
    db["results"].update(first[0], {"fit": json.dumps(fit)})
    return {"role": role, "first": first, "second": second, "fit": fit}


def _open(client, token):
    response = client.get(f"/a/{token}")
    assert response.status_code == 302


def test_explanation_names_what_was_measured_in_words_only(client, db, people):
    cid, token = people["first"]
    _open(client, token)
    page = client.get("/my-data/").get_data(as_text=True)
    assert "Your assessment, explained" in page and "Chat support" in page
    for name in ("Warmth", "Empathy", "Teamwork", "Conscientiousness", "Optimism"):
        assert name in page
    assert "range this role looks for" in page
    for internal in (
        "0.73",
        "73%",
        "88.5",
        "89th",
        "1.23",
        "probability",
        "coefficient",
        "percentile",
    ):
        assert internal not in page, internal
    assert "Piotr" not in page


def test_strengths_and_areas_to_develop_come_from_the_stored_result(client, db, people):
    from hiring.candidates.data_rights import explain

    cid, token = people["first"]
    explanation = explain(db, cid)
    stored = people["fit"]
    assert explanation.strengths and explanation.to_develop
    assert len(explanation.strengths) == len(stored["strengths"][:3])
    assert len(explanation.to_develop) == len(stored["onboarding_gaps"][:3])
    _open(client, token)
    page = client.get("/my-data/").get_data(as_text=True)
    for element in explanation.strengths + explanation.to_develop:
        assert element.name in page


def test_download_holds_own_answers_with_questions_scores_and_status(client, db, people):
    cid, token = people["first"]
    _open(client, token)
    response = client.get("/my-data/download.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    stored = {r["item_id"]: r["value"] for r in db["answers"].rows_where("candidate_id = ?", [cid])}
    assert {a["item_id"]: a["answer"] for a in data["answers"]} == stored
    assert all(a["question"] and a["answer_text"] for a in data["answers"])
    assert data["you"]["email"] == "orla@example.test"
    assert data["status"] == "completed"
    assert data["scores"] == json.loads(db["results"].get(cid)["scores"])
    assert data["self_identification"] is None  # only through a fresh link (test_fresh_links)
    assert "40 to 54" not in response.get_data(as_text=True)
    assert "ask for a fresh link" in data["self_identification_note"]
    assert "probability" not in json.dumps(data["fit"])
    assert "Piotr" not in response.get_data(as_text=True)
    logged = list(db["audit_log"].rows_where("action = 'candidate.data_download'"))
    assert [(r["target_id"], r["detail"]) for r in logged] == [(str(cid), "{}")]


def test_each_session_sees_only_its_own_candidate(app, db, people):
    first_client, second_client = app.test_client(), app.test_client()
    _open(first_client, people["first"][1])
    _open(second_client, people["second"][1])
    mine = first_client.get(f"/my-data/download.json?candidate_id={people['second'][0]}")
    theirs = second_client.get(f"/my-data/download.json?candidate_id={people['first'][0]}")
    assert mine.get_json()["you"]["name"] == "Orla Firstperson"
    assert theirs.get_json()["you"]["name"] == "Piotr Secondperson"


def test_without_a_candidate_session_nothing_is_shown(client, auth, people):
    assert client.get("/my-data/").status_code == 403
    assert client.get("/my-data/download.json").status_code == 403
    auth.login("admin")  # staff sessions are not candidate sessions
    assert client.get("/my-data/download.json").status_code == 403


def test_erased_candidate_link_and_session_stop_working(app, client, db, people):
    cid, token = people["first"]
    _open(client, token)
    erase_candidate(db, app.config["INSTANCE_PATH"], cid, actor="admin")
    assert client.get("/my-data/download.json").status_code == 403
    assert client.get(f"/a/{token}").status_code == 404


def test_thank_you_page_links_to_my_data(client, people):
    _open(client, people["second"][1])
    done = client.get("/assessment/done").get_data(as_text=True)
    assert 'href="/my-data/"' in done


def test_download_holds_the_decision_reasons_and_the_report_link(client, db, staff, people):
    from hiring.workspace import decisions

    cid, token = people["first"]
    reason = "We needed someone free at weekends."
    decisions.change_status(
        db, cid, "rejected", user_id=staff["recruiter"].id, actor="recruiter", reason=reason
    )
    _open(client, token)
    data = client.get("/my-data/download.json").get_json()
    history = data["status_history"]
    assert [h["to_status"] for h in history] == ["completed", "rejected"]
    assert history[-1]["reason"] == reason
    assert all(set(h) == {"from_status", "to_status", "at", "reason"} for h in history)
    assert data["report_pdf"] == "http://localhost/my-data/report.pdf"


def test_before_submitting_there_is_no_report_link(client, db):
    from tests.candidate_support import invite

    made = invite(db, make_role(db, title="Chat support"))
    _open(client, made.token)
    data = client.get("/my-data/download.json").get_json()
    assert data["report_pdf"] is None and data["status_history"] == []
