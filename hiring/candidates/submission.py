"""Submit an assessment once: score it, explain the fit, store the result.

Everything happens in one write transaction that first re-reads the candidate's status, so
a double click, a second tab or a replayed request finds the work already done and
changes nothing.
"""

import hashlib
import json
from pathlib import Path

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.candidates.journey import (
    candidate_questionnaire,
    page_seconds,
    resume_page,
    saved_answers,
)
from hiring.candidates.records import AlreadySubmitted, CandidateError, get_candidate, is_submitted
from hiring.modeling.fitting import list_columns, profile_fit
from hiring.modeling.live_model import active_model
from hiring.roles.services import get_role
from hiring.store.db import write_transaction
from hiring.webhooks.events import announce_candidate


class IncompleteAssessment(CandidateError):
    """Some required items have no answer yet."""


def input_hash(answers: dict[str, int]) -> str:
    """Return the SHA-256 of the answers in canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(answers, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _timings(questionnaire, seconds: dict[str, tuple[float, int]]) -> list:
    from hiring.assessment.scoring import PageTiming

    return [
        PageTiming(page_id=page.id, seconds=seconds[page.id][0], n_items=seconds[page.id][1])
        for page in questionnaire.pages
        if page.id in seconds
    ]


def submit_assessment(db: Database, candidate_id: int, *, instance_path: str | Path) -> dict:
    """Score and store a candidate's answers once; return the ``results`` row.

    A second call returns the stored result unchanged. Raises
    :class:`IncompleteAssessment` when a required item is unanswered.
    """
    from hiring.assessment.scoring import score_answers

    candidate = get_candidate(db, candidate_id)
    if is_submitted(candidate):
        return _result(db, candidate_id)
    if candidate["status"] == "invited":
        raise CandidateError("The assessment has not been started yet.")
    questionnaire = candidate_questionnaire(db, candidate)
    answers = saved_answers(db, candidate_id)
    if resume_page(questionnaire, answers) < len(questionnaire.pages):
        raise IncompleteAssessment("Some questions still need an answer.")
    role = get_role(db, candidate["role_id"])
    model = active_model(db, instance_path, role["id"])
    with write_transaction(db):
        if is_submitted(get_candidate(db, candidate_id)):
            return _result(db, candidate_id)
        answers = saved_answers(db, candidate_id)
        scores = score_answers(
            questionnaire, answers, _timings(questionnaire, page_seconds(db, candidate_id))
        )
        fit = (
            model.fit(scores) if model is not None else profile_fit(db, role, questionnaire, scores)
        )
        _store(db, candidate, questionnaire, answers, scores, fit, model)
    return _result(db, candidate_id)


def _store(db: Database, candidate: dict, questionnaire, answers, scores, fit, model) -> None:
    now = audit.now_iso()
    digest = input_hash(answers)
    model_version = model.version_id if model is not None else None
    db["results"].insert(
        {
            "candidate_id": candidate["id"],
            "scored_at": now,
            "questionnaire_id": questionnaire.id,
            "questionnaire_version": questionnaire.version,
            "questionnaire_hash": questionnaire.content_hash,
            "model_version_id": model_version,
            "input_hash": digest,
            "scores": json.dumps(scores.to_dict(), sort_keys=True),
            "fit": json.dumps(fit.to_dict(), sort_keys=True) if fit is not None else None,
        }
    )
    db["candidates"].update(
        candidate["id"],
        {"status": "completed", "submitted_at": now, **list_columns(fit, scores)},
    )
    db["status_history"].insert(
        {
            "candidate_id": candidate["id"],
            "from_status": candidate["status"],
            "to_status": "completed",
            "reason": "assessment submitted",
            "override": 0,
            "by_user": None,
            "at": now,
        }
    )
    audit.record(
        db,
        "candidate",
        "candidate.scored",
        "candidate",
        candidate["id"],
        model_version=model_version,
        questionnaire=f"{questionnaire.id} v{questionnaire.version}",
        input_hash=digest,
    )
    announce_candidate(db, "candidate.completed", candidate["id"])


def _result(db: Database, candidate_id: int) -> dict:
    rows = list(db["results"].rows_where("candidate_id = ?", [candidate_id]))
    if not rows:
        raise AlreadySubmitted("This assessment was closed without a stored result.")
    return rows[0]
