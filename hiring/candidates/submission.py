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
from hiring.candidates.adaptive_form import ADAPTIVE_PREFIX, candidate_bank
from hiring.candidates.journey import (
    candidate_questionnaire,
    form_plan,
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
    """The page timings in page order; ``questionnaire`` may be a form plan (its ``pages``)."""
    from hiring.assessment.scoring import PageTiming

    return [
        PageTiming(page_id=page.id, seconds=seconds[page.id][0], n_items=seconds[page.id][1])
        for page in questionnaire.pages
        if page.id in seconds
    ]


# Without timings of their own, a statement is taken to need this long (the full form's
# 46 statements and 13 situations in 15 to 25 minutes give about 20 seconds a question).
SECONDS_PER_STATEMENT = 20.0


def _adaptive_summary(questionnaire, bank, answers, thetas, lz, seconds) -> dict:
    """θ, SE and statements asked per scale, and the time the skipped statements would take."""
    adaptive = [v for k, v in seconds.items() if k.startswith(ADAPTIVE_PREFIX)]
    asked_bank = sum(e.asked for e in thetas.values())
    spent, on_pages = sum(s for s, _ in adaptive), sum(n for _, n in adaptive)
    per_statement = spent / on_pages if on_pages and spent > 0 else SECONDS_PER_STATEMENT
    skipped = len(bank.items) - asked_bank
    return {
        "scales": {
            scale: {"theta": e.theta, "se": e.se, "asked": e.asked, "of": e.of}
            for scale, e in thetas.items()
        },
        "statements_answered": sum(1 for i in questionnaire.likert_by_id if i in answers),
        "statements_in_full_form": len(questionnaire.items),
        "seconds_saved": round(skipped * per_statement),
        "person_fit_lz": None if lz != lz else round(lz, 3),  # NaN is not JSON
    }


def _score(db: Database, candidate: dict, questionnaire, plan, answers):
    """Score the answers on the candidate's form; return the scores and the adaptive summary."""
    from hiring.assessment.scoring import score_answers

    seconds = page_seconds(db, candidate["id"])
    timings = _timings(plan, seconds)
    if not plan.adaptive:
        return score_answers(questionnaire, answers, timings), None
    from hiring.assessment.adaptive import score_adaptive

    bank = candidate_bank(db, candidate, questionnaire)
    scores, thetas, lz = score_adaptive(questionnaire, bank, answers, timings)
    return scores, _adaptive_summary(questionnaire, bank, answers, thetas, lz, seconds)


def time_saved(db: Database, candidate_id: int) -> dict | None:
    """What the adaptive form saved a candidate: statements answered, of how many, minutes.

    None for the full form (or before the result is stored).
    """
    rows = list(db["results"].rows_where("candidate_id = ? and form = 'adaptive'", [candidate_id]))
    if not rows or not rows[0]["thetas"]:
        return None
    summary = json.loads(rows[0]["thetas"])
    return {
        "answered": summary["statements_answered"],
        "of": summary["statements_in_full_form"],
        "minutes": round(summary["seconds_saved"] / 60),
    }


def submit_assessment(db: Database, candidate_id: int, *, instance_path: str | Path) -> dict:
    """Score and store a candidate's answers once; return the ``results`` row.

    A second call returns the stored result unchanged. Raises
    :class:`IncompleteAssessment` when a required item is unanswered.
    """
    candidate = get_candidate(db, candidate_id)
    if is_submitted(candidate):
        return _result(db, candidate_id)
    if candidate["status"] == "invited":
        raise CandidateError("The assessment has not been started yet.")
    questionnaire = candidate_questionnaire(db, candidate)
    answers = saved_answers(db, candidate_id)
    plan = form_plan(db, candidate, questionnaire, answers)
    if resume_page(plan, answers) < len(plan.pages):
        raise IncompleteAssessment("Some questions still need an answer.")
    role = get_role(db, candidate["role_id"])
    model = active_model(db, instance_path, role["id"])
    with write_transaction(db):
        if is_submitted(get_candidate(db, candidate_id)):
            return _result(db, candidate_id)
        answers = saved_answers(db, candidate_id)
        scores, adaptive = _score(db, candidate, questionnaire, plan, answers)
        fit = (
            model.fit(scores) if model is not None else profile_fit(db, role, questionnaire, scores)
        )
        _store(db, candidate, questionnaire, answers, scores, fit, model, adaptive)
    return _result(db, candidate_id)


def _store(
    db: Database, candidate: dict, questionnaire, answers, scores, fit, model, adaptive
) -> None:
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
            "form": "adaptive" if adaptive else "full",
            "item_bank_version": candidate.get("item_bank_version") if adaptive else None,
            "thetas": json.dumps(adaptive, sort_keys=True) if adaptive else None,
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
