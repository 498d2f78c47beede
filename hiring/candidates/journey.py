"""The candidate's way through the assessment: consent, save a page, resume, self-identify.

Every page is saved when the candidate moves on, so answers survive a closed tab, another
device or a server restart; the link always resumes at the first page still missing an
answer. Employees in an incumbent study take the same journey with their own tables
(:data:`EMPLOYEES`, used by ``hiring.team``): the functions take a :class:`Respondents`
saying where a kind of respondent is kept, candidates by default.
"""

import secrets
from dataclasses import dataclass

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.candidates import adaptive_form
from hiring.candidates.records import AlreadySubmitted, CandidateError, get_candidate, is_submitted
from hiring.candidates.self_identification import STORED, SelfIdQuestions, default_self_id
from hiring.roles.services import (
    RoleError,
    adaptive_bank,
    get_role,
    publish_questionnaire,
    role_questionnaire,
)
from hiring.store.db import write_transaction
from hiring.webhooks.events import announce_candidate

# A page left open longer than this counts as this long: the candidate was away.
MAX_PAGE_SECONDS = 30 * 60


@dataclass(frozen=True)
class Respondents:
    """Where one kind of respondent is kept: their rows, answers and page timings.

    The names are constants of this module, never user text, so they may appear in SQL.
    """

    people: str
    answers: str
    timings: str
    key: str  # the answers' and timings' column naming the respondent
    kind: str  # the audit log's actor and target type


CANDIDATES = Respondents("candidates", "answers", "page_timings", "candidate_id", "candidate")
EMPLOYEES = Respondents(
    "study_participants", "study_answers", "study_page_timings", "participant_id", "participant"
)


def get_respondent(db: Database, who: Respondents, person_id: int) -> dict:
    """Return one respondent's row (a candidate through ``get_candidate``)."""
    if who == CANDIDATES:
        return get_candidate(db, person_id)
    rows = list(db[who.people].rows_where("id = ?", [person_id]))
    if not rows:
        raise CandidateError(f"No {who.kind} with id {person_id}.")
    return rows[0]


class QuestionnaireChanged(CandidateError):
    """The installed questionnaire file differs from the version the candidate started on."""


def candidate_questionnaire(db: Database, candidate: dict):
    """Return the questionnaire of the candidate's role, exactly as the candidate started it.

    A candidate is pinned at consent to the content hash of what they were shown; answers
    are only scored against those same items. Raises :class:`QuestionnaireChanged` when the
    installed file has changed since.
    """
    questionnaire = role_questionnaire(get_role(db, candidate["role_id"]))
    pinned = candidate.get("questionnaire_hash")
    if pinned and pinned != questionnaire.content_hash:
        raise QuestionnaireChanged(
            f"The questionnaire {questionnaire.label} ({questionnaire.source}) was changed "
            f"after candidate {candidate['id']} started it (started on content {pinned}, the "
            f"installed file is {questionnaire.content_hash}); a published version never "
            "changes, so restore the file or give the edit a new version. Saved answers are kept."
        )
    return questionnaire


def _open_candidate(db: Database, candidate_id: int, who: Respondents = CANDIDATES) -> dict:
    candidate = get_respondent(db, who, candidate_id)
    if is_submitted(candidate):
        raise AlreadySubmitted("Your answers were already sent; they can no longer be changed.")
    return candidate


def _form_pin(db: Database, candidate: dict, who: Respondents) -> dict:
    """The form a starting candidate takes: their role's, the adaptive one only with a bank."""
    if who is not CANDIDATES:
        return {}
    role = get_role(db, candidate["role_id"])
    if role.get("form") != "adaptive":
        return {"form": "full"}
    try:
        bank = adaptive_bank(db, role)
    except RoleError:
        return {"form": "full"}  # the bank went away since the role chose the form
    return {
        "form": "adaptive",
        "item_bank_version": bank.version,
        "cat_seed": secrets.randbelow(2**31),
    }


def give_consent(db: Database, candidate_id: int, who: Respondents = CANDIDATES) -> dict:
    """Record consent and start the assessment; pin the questionnaire's content hash and form."""
    candidate = _open_candidate(db, candidate_id, who)
    questionnaire = candidate_questionnaire(db, candidate)
    publish_questionnaire(db, questionnaire)
    pin = _form_pin(db, candidate, who)
    with write_transaction(db):
        candidate = get_respondent(db, who, candidate_id)
        if candidate["status"] == "invited":
            now = audit.now_iso()
            db[who.people].update(
                candidate_id,
                {
                    "status": "started",
                    "consented_at": now,
                    "started_at": now,
                    "questionnaire_hash": questionnaire.content_hash,
                    **pin,
                },
            )
            audit.record(db, who.kind, f"{who.kind}.consent", who.kind, candidate_id)
            if who is CANDIDATES:  # an employee's study answers are nobody's ATS event
                announce_candidate(db, "candidate.started", candidate_id)
    return get_respondent(db, who, candidate_id)


def saved_answers(db: Database, candidate_id: int, who: Respondents = CANDIDATES) -> dict[str, int]:
    """Return every answer saved so far, by item id."""
    return {
        row["item_id"]: row["value"]
        for row in db[who.answers].rows_where(f"{who.key} = ?", [candidate_id])
    }


def form_plan(
    db: Database,
    person: dict,
    questionnaire,
    answers: dict[str, int],
    who: Respondents = CANDIDATES,
) -> adaptive_form.FormPlan:
    """Return the pages this respondent answers: the questionnaire's, or their adaptive form's."""
    if who is CANDIDATES and person.get("form") == "adaptive":
        return adaptive_form.adaptive_plan(db, person, questionnaire, answers)
    return adaptive_form.full_plan(questionnaire)


def _check_values(questionnaire, page, answers: dict[str, int]) -> None:
    points = questionnaire.response_scale.points
    for item_id, value in answers.items():
        if item_id not in page.item_ids:
            raise CandidateError(f"Item {item_id!r} is not on page {page.id!r}.")
        top = (
            len(questionnaire.sjt_by_id[item_id].options)
            if item_id in questionnaire.sjt_by_id
            else points
        )
        if type(value) is not int or not 1 <= value <= top:  # True is an int, not an answer
            raise CandidateError(f"Answer {value!r} to {item_id!r} is out of range.")


def save_page(
    db: Database,
    candidate_id: int,
    page_index: int,
    answers: dict[str, int],
    *,
    seconds: float | None = None,
    advance: bool = True,
    who: Respondents = CANDIDATES,
) -> None:
    """Store one page's answers (replacing earlier ones) and the time spent on it.

    ``seconds`` adds to the page's total (a page seen twice counts twice), capped per visit
    at :data:`MAX_PAGE_SECONDS`; ``advance`` marks the page as done for resuming.
    """
    candidate = _open_candidate(db, candidate_id, who)
    questionnaire = candidate_questionnaire(db, candidate)
    plan = form_plan(db, candidate, questionnaire, saved_answers(db, candidate_id, who), who)
    if not 0 <= page_index < len(plan.pages):
        raise CandidateError(f"There is no page {page_index + 1} to save yet.")
    page = plan.pages[page_index]
    _check_values(questionnaire, page, answers)
    now = audit.now_iso()
    with write_transaction(db):
        if is_submitted(get_respondent(db, who, candidate_id)):
            return  # submitted in between by another request: answers are final
        if plan.is_adaptive_page(page_index) and answers:
            number = int(page.id.removeprefix(adaptive_form.ADAPTIVE_PREFIX))
            adaptive_form.keep_page(db, candidate_id, number, page.item_ids)
        db[who.answers].upsert_all(
            [
                {who.key: candidate_id, "item_id": k, "value": v, "answered_at": now}
                for k, v in answers.items()
            ],
            pk=(who.key, "item_id"),
        )
        if seconds is not None:
            db.execute(
                f"insert into {who.timings} ({who.key}, page_id, seconds, n_items) "  # noqa: S608
                f"values (?, ?, ?, ?) on conflict ({who.key}, page_id) "
                "do update set seconds = seconds + excluded.seconds",
                [
                    candidate_id,
                    page.id,
                    min(max(seconds, 0.0), MAX_PAGE_SECONDS),
                    len(page.item_ids),
                ],
            )
        if advance:
            db.execute(
                f"update {who.people} set current_page = max(coalesce(current_page, 0), ?) "  # noqa: S608
                "where id = ?",
                [page_index + 1, candidate_id],
            )


def resume_page(questionnaire, answers: dict[str, int]) -> int:
    """Return the index of the first page still missing an answer (len(pages) when none).

    ``questionnaire`` is anything with ``pages``: the questionnaire, or a :func:`form_plan`.
    """
    for index, page in enumerate(questionnaire.pages):
        if any(item_id not in answers for item_id in page.item_ids):
            return index
    return len(questionnaire.pages)


def page_seconds(
    db: Database, candidate_id: int, who: Respondents = CANDIDATES
) -> dict[str, tuple[float, int]]:
    """Return the seconds spent and number of items, by page id."""
    return {
        row["page_id"]: (row["seconds"], row["n_items"])
        for row in db[who.timings].rows_where(f"{who.key} = ?", [candidate_id])
    }


def save_self_identification(
    db: Database,
    candidate_id: int,
    values: dict[str, str],
    questions: SelfIdQuestions | None = None,
) -> None:
    """Store the voluntary answers apart from the assessment; never read by scoring.

    ``questions`` are the deployment's (default: the shipped US EEO list). A question left
    out or empty is stored as its "prefer not to say"; a characteristic not asked stays empty.
    """
    questions = questions or default_self_id()
    unknown = sorted(set(values) - set(questions.ids))
    if unknown:
        raise CandidateError(f"{', '.join(unknown)} is not one of the questions asked.")
    row: dict[str, str | None] = dict.fromkeys(STORED)
    for question in questions.questions:
        value = values.get(question.id) or questions.prefer_not
        if value not in questions.choices(question.id):
            raise CandidateError(f"{value!r} is not one of the choices for {question.name}.")
        row[question.id] = value
    _open_candidate(db, candidate_id)
    with write_transaction(db):
        db["self_identification"].upsert(
            {"candidate_id": candidate_id, **row, "recorded_at": audit.now_iso()},
            pk="candidate_id",
        )
