"""An employee's way through a study: the candidates' journey on the study's own tables.

Consent, pages and autosave are ``hiring.candidates.journey`` with ``EMPLOYEES``; sending
scores the answers once (scale scores and quality flags, no hiring fit, band or probability)
into ``study_results``, in one transaction that first re-reads the status.
"""

import json

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.candidates.journey import (
    EMPLOYEES,
    candidate_questionnaire,
    get_respondent,
    page_seconds,
    resume_page,
    saved_answers,
)
from hiring.candidates.records import CandidateError, is_submitted
from hiring.candidates.self_identification import STORED, SelfIdQuestions
from hiring.candidates.submission import IncompleteAssessment, _timings, input_hash
from hiring.store.db import write_transaction


def submit_answers(db: Database, participant_id: int) -> dict:
    """Score and store an employee's answers once; return the ``study_results`` row."""
    from hiring.assessment.scoring import score_answers

    person = get_respondent(db, EMPLOYEES, participant_id)
    if not is_submitted(person):
        if person["status"] == "invited":
            raise CandidateError("The assessment has not been started yet.")
        questionnaire = candidate_questionnaire(db, person)
        if resume_page(questionnaire, saved_answers(db, participant_id, EMPLOYEES)) < len(
            questionnaire.pages
        ):
            raise IncompleteAssessment("Some questions still need an answer.")
        with write_transaction(db):
            if not is_submitted(get_respondent(db, EMPLOYEES, participant_id)):
                answers = saved_answers(db, participant_id, EMPLOYEES)
                timings = _timings(questionnaire, page_seconds(db, participant_id, EMPLOYEES))
                scores = score_answers(questionnaire, answers, timings)
                _store(db, person, questionnaire, answers, scores)
    return db["study_results"].get(participant_id)


def _store(db: Database, person: dict, questionnaire, answers: dict, scores) -> None:
    now, digest = audit.now_iso(), input_hash(answers)
    db["study_results"].insert(
        {"participant_id": person["id"], "scored_at": now, "questionnaire_id": questionnaire.id,
         "questionnaire_version": questionnaire.version,
         "questionnaire_hash": questionnaire.content_hash, "input_hash": digest,
         "scores": json.dumps(scores.to_dict(), sort_keys=True)}
    )  # fmt: skip
    db["study_participants"].update(person["id"], {"status": "completed", "submitted_at": now})
    audit.record(
        db, "participant", "participant.scored", "participant", person["id"], input_hash=digest
    )


def save_self_identification(
    db: Database, participant_id: int, values: dict[str, str], questions: SelfIdQuestions
) -> None:
    """Keep an employee's voluntary answers with the role's incumbent self-identification.

    Stored by role and employee id, apart from the assessment; never read by scoring or by
    any model, only counted by the fairness checks of the study's participation.
    """
    unknown = sorted(set(values) - set(questions.ids))
    if unknown:
        raise CandidateError(f"{', '.join(unknown)} is not one of the questions asked.")
    row: dict[str, str | None] = dict.fromkeys(STORED)
    for question in questions.questions:
        value = values.get(question.id) or questions.prefer_not
        if value not in questions.choices(question.id):
            raise CandidateError(f"{value!r} is not one of the choices for {question.name}.")
        row[question.id] = value
    person = get_respondent(db, EMPLOYEES, participant_id)
    employee = db["employees"].get(person["employee_pk"])
    with write_transaction(db):
        db["incumbent_self_identification"].upsert(
            {"role_id": person["role_id"], "employee_id": employee["employee_id"], **row,
             "recorded_at": audit.now_iso()},
            pk=("role_id", "employee_id"),
        )  # fmt: skip
