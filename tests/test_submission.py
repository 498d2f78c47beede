"""Submit once: score with the questionnaire engine, store the result, never twice."""

import hashlib
import json
import re
import threading

import pytest

from hiring.assessment.profiles import FitResult
from hiring.assessment.scoring import score_answers
from hiring.candidates import journey, submission
from hiring.candidates.records import AlreadySubmitted, get_candidate
from hiring.modeling import fitting
from hiring.store.db import get_db
from tests.candidate_support import Walker, answers_for, invite, make_role, questionnaire_of


@pytest.fixture
def role(db):
    return make_role(db)


@pytest.fixture
def made(db, role):
    return invite(db, role)


@pytest.fixture
def q(db, made):
    return questionnaire_of(db, made.candidate_id)


def fill(db, candidate_id, q, answers):
    journey.give_consent(db, candidate_id)
    for index, page in enumerate(q.pages):
        journey.save_page(
            db, candidate_id, index, {i: answers[i] for i in page.item_ids}, seconds=20.0
        )


def test_submit_scores_and_stores_once(app, db, made, q):
    answers = answers_for(q, lambda item_id, i: 1 + (i * 7) % 4)
    fill(db, made.candidate_id, q, answers)
    result = submission.submit_assessment(db, made.candidate_id, instance_path=app.instance_path)
    expected = score_answers(q, answers)
    stored = json.loads(result["scores"])
    assert stored["scales"] == pytest.approx(expected.scales)
    assert stored["competencies"] == pytest.approx(expected.competencies)
    canonical = "{" + ",".join(f'"{k}":{answers[k]}' for k in sorted(answers)) + "}"
    assert result["input_hash"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert (result["questionnaire_id"], result["questionnaire_hash"]) == (q.id, q.content_hash)
    candidate = get_candidate(db, made.candidate_id)
    assert candidate["status"] == "completed" and candidate["submitted_at"]
    assert candidate["flag_count"] == len(stored["flags"])
    fit = json.loads(result["fit"])
    assert (
        candidate["band"] == fit["band"]
        and candidate["band_rank"] == fitting.BAND_RANKS[fit["band"]]
    )
    assert candidate["top_strength"] == (fit["strengths"] or [None])[0]
    event = next(db["audit_log"].rows_where("action = 'candidate.scored'"))
    assert json.loads(event["detail"])["input_hash"] == result["input_hash"]


def test_page_timings_reach_the_quality_flags(app, db, made, q):
    answers = answers_for(q)
    journey.give_consent(db, made.candidate_id)
    for index, page in enumerate(q.pages):  # one second per page: far too fast to have read
        journey.save_page(
            db, made.candidate_id, index, {i: answers[i] for i in page.item_ids}, seconds=1.0
        )
    stored = json.loads(
        submission.submit_assessment(db, made.candidate_id, instance_path=app.instance_path)[
            "scores"
        ]
    )
    timings = [submission._timings(q, journey.page_seconds(db, made.candidate_id))][0]
    assert stored["flags"] == [f.__dict__ for f in score_answers(q, answers, timings).flags]
    assert any("fast" in (f["code"] + f["label"]).lower() for f in stored["flags"])


def test_a_second_submit_changes_nothing(app, db, made, q):
    fill(db, made.candidate_id, q, answers_for(q))
    first = submission.submit_assessment(db, made.candidate_id, instance_path=app.instance_path)
    second = submission.submit_assessment(db, made.candidate_id, instance_path=app.instance_path)
    assert first == second
    assert db["results"].count == 1
    assert db["status_history"].count == 1
    assert db["audit_log"].count_where("action = 'candidate.scored'") == 1


def test_answers_are_final_after_submitting(app, db, made, q):
    fill(db, made.candidate_id, q, answers_for(q))
    submission.submit_assessment(db, made.candidate_id, instance_path=app.instance_path)
    with pytest.raises(AlreadySubmitted):
        journey.save_page(db, made.candidate_id, 0, {q.pages[0].item_ids[0]: 5})


def test_incomplete_answers_cannot_be_submitted(app, db, made, q):
    answers = answers_for(q)
    journey.give_consent(db, made.candidate_id)
    journey.save_page(db, made.candidate_id, 0, {i: answers[i] for i in q.pages[0].item_ids})
    with pytest.raises(submission.IncompleteAssessment):
        submission.submit_assessment(db, made.candidate_id, instance_path=app.instance_path)
    assert db["results"].count == 0


def test_concurrent_submits_store_one_result(app, db, made, q):
    fill(db, made.candidate_id, q, answers_for(q))
    errors = []

    def go():
        try:
            submission.submit_assessment(
                get_db(app.config["DATABASE"]), made.candidate_id, instance_path=app.instance_path
            )
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=go) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert db["results"].count == 1 and db["status_history"].count == 1


def test_a_replayed_submit_request_does_not_duplicate(client, db, made, q):
    walker = Walker(client, made.token)
    walker.open()
    walker.consent()
    walker.answer_pages(q, answers_for(q))
    walker.get("/assessment/about-you")
    form = {"csrf_token": walker.csrf, "sex": "Man", "send": "Send"}
    first = client.post("/assessment/about-you", data=form)
    replay = client.post("/assessment/about-you", data={**form, "sex": "Woman"})
    assert first.headers["Location"] == replay.headers["Location"] == "/assessment/done"
    assert db["results"].count == 1
    assert db["self_identification"].get(made.candidate_id)["sex"] == "Man"
    assert db["answers"].count == len(q.item_ids)


def test_self_identification_never_changes_the_score(app, db, role, q):
    answers = answers_for(q)
    results = []
    for n, sex in enumerate(("Woman", "Man")):
        person = invite(db, role, email=f"p{n}@example.test")
        fill(db, person.candidate_id, q, answers)
        journey.save_self_identification(db, person.candidate_id, {"sex": sex})
        results.append(
            submission.submit_assessment(db, person.candidate_id, instance_path=app.instance_path)
        )
    assert results[0]["scores"] == results[1]["scores"] and results[0]["fit"] == results[1]["fit"]


class FakeModel:
    """Stands in for hiring.modeling.live_model's active model."""

    version_id = 7
    label = "test model"

    def fit(self, scores):
        return FitResult(
            probability=0.62,
            band="strong",
            band_basis="probability",
            percentile=88.0,
            gaps={},
            factors=[("empathy", 0.4)],
            knockouts=[],
            strengths=["empathy", "warmth"],
            onboarding_gaps=[],
            base_rate=0.3,
        )


def test_an_active_model_gives_the_fit(app, db, made, q, monkeypatch):
    monkeypatch.setattr(submission, "active_model", lambda *args: FakeModel())
    fill(db, made.candidate_id, q, answers_for(q))
    result = submission.submit_assessment(db, made.candidate_id, instance_path=app.instance_path)
    candidate = get_candidate(db, made.candidate_id)
    assert result["model_version_id"] == 7
    assert json.loads(result["fit"])["probability"] == 0.62
    assert (
        candidate["fit"],
        candidate["band"],
        candidate["band_rank"],
        candidate["percentile"],
    ) == (0.62, "strong", 4, 88.0)
    assert candidate["top_strength"] == "empathy" and candidate["biggest_gap"] is None


def test_demo_step_leaves_candidates_at_every_stage(app, db):
    from hiring.candidates import invites
    from hiring.demo.candidates import COMPLETED, HALF_DONE, INVITED, add_demo_candidates
    from hiring.demo.context import DemoContext

    ctx = DemoContext(app=app, db=db)
    add_demo_candidates(ctx)
    statuses = {
        r["status"]: r["n"]
        for r in db.query("select status, count(*) n from candidates group by status")
    }
    assert statuses == {"invited": INVITED, "started": HALF_DONE, "completed": COMPLETED}
    assert db["results"].count == COMPLETED
    assert db["candidates"].count_where("synthetic = 1") == INVITED + HALF_DONE + COMPLETED
    tokens = [
        re.search(r"/a/([A-Za-z0-9_-]{43})", line).group(1) for line in ctx.lines if "/a/" in line
    ]
    opened = [invites.open_link(db, t)["status"] for t in tokens]
    assert opened == ["invited"] * INVITED + ["started"] * HALF_DONE + ["completed"]
    assert "(synthetic demo)" in ctx.lines[0]
