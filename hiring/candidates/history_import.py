"""Import past applicants: their answers, scored by the same engine and model, and decisions.

The file is the response CSV of :mod:`hiring.assessment.response_csv` (an ``id`` column and
one column per item) with five more columns: ``name``, ``email``, ``assessed_on``
(YYYY-MM-DD), ``decision`` (``hired``, ``rejected`` or blank for none) and ``decided_on``
(the decision's date; blank without one). Every problem is named by row and column, and
nothing is stored until there are none. The candidates are stored with
``source = 'imported'`` and no link, and are labelled imported wherever they show.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlite_utils import Database

from hiring.accounts import audit
from hiring.assessment.response_csv import ResponseSheet, parse_responses
from hiring.assessment.scoring import ResponseError, all_candidate_scores, score_matrix
from hiring.candidates.invites import check_person
from hiring.candidates.submission import input_hash
from hiring.modeling.fitting import list_columns, profile_fit
from hiring.modeling.live_model import active_model
from hiring.roles.services import get_role, role_questionnaire
from hiring.store.db import write_transaction

ID_COLUMN = "id"
EXTRA = ("name", "email", "assessed_on", "decision", "decided_on")
DECISIONS = ("hired", "rejected")
IMPORTED = "imported"


class HistoryFileError(ResponseError):
    """A past-applicant file has problems; ``problems`` names each row and column."""


@dataclass(frozen=True)
class HistoryImport:
    """What an import stored."""

    candidates: int
    hired: int
    rejected: int
    model_version_id: int | None


def _date(text: str, where: str, column: str, problems: list[str]) -> str | None:
    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        problems.append(f"{where}, column {column}: {text.strip()!r} is not a date (YYYY-MM-DD)")
        return None


def _people(db: Database, role_id: int, sheet: ResponseSheet, name: str) -> list[dict]:
    """Check each row's person, dates and decision; raise with every problem."""
    problems: list[str] = []
    missing = [c for c in EXTRA if c not in sheet.extra]
    if missing:
        raise HistoryFileError([f"{name} row 1: missing columns {', '.join(missing)}"])
    taken = {
        r["e"]
        for r in db.query("SELECT lower(email) AS e FROM candidates WHERE role_id = ?", [role_id])
    }
    seen: dict[str, int] = {}
    people = []
    for k in range(len(sheet.ids)):
        where, cells = f"{name} row {k + 2}", {c: sheet.extra[c][k].strip() for c in EXTRA}
        person_problem = check_person(cells["name"], cells["email"])
        email = cells["email"].lower()
        if person_problem:
            problems.append(f"{where}: {person_problem}")
        elif email in taken:
            problems.append(
                f"{where}, column email: {cells['email']} is already a candidate of this role"
            )
        elif email in seen:
            problems.append(
                f"{where}, column email: {cells['email']} already used on row {seen[email]}"
            )
        seen.setdefault(email, k + 2)
        assessed = _date(cells["assessed_on"], where, "assessed_on", problems)
        decision, decided = cells["decision"].lower(), None
        if decision and decision not in DECISIONS:
            problems.append(
                f"{where}, column decision: {cells['decision']!r} is not hired, rejected or blank"
            )
        if decision and not cells["decided_on"]:
            problems.append(f"{where}, column decided_on: a decision needs its date")
        elif cells["decided_on"]:
            decided = _date(cells["decided_on"], where, "decided_on", problems)
            if not decision:
                problems.append(f"{where}, column decided_on: a date without a decision")
            elif assessed and decided and decided < assessed:
                problems.append(f"{where}, column decided_on: {decided} is before assessed_on")
        people.append(
            {**cells, "assessed_on": assessed, "decision": decision, "decided_on": decided}
        )
    if not people:
        problems.append(f"{name}: there are no applicant rows")
    if problems:
        raise HistoryFileError(problems)
    return people


def parse_history(db: Database, role_id: int, text: str, name: str):
    """Check a past-applicant file against the role's questionnaire; return sheet and people."""
    questionnaire = role_questionnaire(get_role(db, role_id))
    try:
        sheet = parse_responses(text, name, questionnaire, id_column=ID_COLUMN, extra_columns=EXTRA)
    except HistoryFileError:
        raise
    except ResponseError as error:
        raise HistoryFileError(error.problems) from None
    return questionnaire, sheet, _people(db, role_id, sheet, name)


def import_history(
    db: Database, instance_path: str | Path, role_id: int, text: str, *,
    filename: str = "applicants.csv", actor: str = "cli", synthetic: bool = False,
) -> HistoryImport:  # fmt: skip
    """Score and store a clean past-applicant file for the role, all rows or none.

    ``synthetic`` labels the rows synthetic too (the demo's made-up history).
    """
    role = get_role(db, role_id)
    questionnaire, sheet, people = parse_history(db, role_id, text, filename)
    try:
        table = score_matrix(questionnaire, sheet.responses)
    except ResponseError as error:
        raise HistoryFileError(error.problems) from None
    scores = all_candidate_scores(questionnaire, table, sheet.responses)
    model = active_model(db, instance_path, role_id)
    now = audit.now_iso()
    with write_transaction(db):
        for k, person in enumerate(people):
            fit = (
                model.fit(scores[k])
                if model is not None
                else profile_fit(db, role, questionnaire, scores[k])
            )
            person["synthetic"] = int(synthetic)
            _store(db, role, questionnaire, sheet, k, person, scores[k], fit, model, now)
        counts = {d: sum(p["decision"] == d for p in people) for d in DECISIONS}
        audit.record(
            db, actor, "candidates.import", "role", role_id, rows=len(people), file=filename,
            model_version=model.version_id if model is not None else None, **counts,
        )  # fmt: skip
    return HistoryImport(
        len(people), counts["hired"], counts["rejected"],
        model.version_id if model is not None else None,
    )  # fmt: skip


def _store(db, role, questionnaire, sheet, k, person, scores, fit, model, now) -> None:
    """Store one past applicant: candidate row, answers, result and decision history."""
    assessed = f"{person['assessed_on']}T00:00:00+00:00"
    decided = f"{person['decided_on']}T00:00:00+00:00" if person["decided_on"] else None
    status = person["decision"] or "completed"
    candidate_id = db["candidates"].insert(
        {
            "role_id": role["id"], "name": person["name"], "email": person["email"],
            "status": status, "invited_at": assessed, "submitted_at": assessed,
            "decided_at": decided, "source": IMPORTED, "external_id": sheet.ids[k],
            "synthetic": person["synthetic"],
            **list_columns(fit, scores),
        }
    ).last_pk  # fmt: skip
    answers = {
        item_id: int(value)
        for item_id, value in zip(questionnaire.item_ids, sheet.responses[k], strict=True)
        if not np.isnan(value)
    }
    db["answers"].insert_all(
        {"candidate_id": candidate_id, "item_id": i, "value": v, "answered_at": assessed}
        for i, v in answers.items()
    )
    db["results"].insert(
        {
            "candidate_id": candidate_id, "scored_at": now, "questionnaire_id": questionnaire.id,
            "questionnaire_version": questionnaire.version,
            "questionnaire_hash": questionnaire.content_hash,
            "model_version_id": model.version_id if model is not None else None,
            "input_hash": input_hash(answers),
            "scores": json.dumps(scores.to_dict(), sort_keys=True),
            "fit": json.dumps(fit.to_dict(), sort_keys=True) if fit is not None else None,
        }
    )  # fmt: skip
    if person["decision"]:
        db["status_history"].insert(
            {
                "candidate_id": candidate_id, "from_status": "completed", "to_status": status,
                "reason": "imported: a decision made before Frontline Fit", "override": 0,
                "by_user": None, "at": decided,
            }
        )  # fmt: skip
