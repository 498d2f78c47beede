"""Change since the previous round of a study, per scale, with its measurement error.

The previous round is the study this one ``follows``. Each scale's SD is the questionnaire's
reference sample's (its norms), else the previous round's scores; its reliability is
Cronbach's alpha of the previous round's answers (at least ``MIN_RESPONDENTS`` complete
ones). The maths is ``hiring.team.change``.
"""

import json
from dataclasses import dataclass

import numpy as np
from sqlite_utils import Database

from hiring.assessment.reliability import reliability_report
from hiring.roles.profiles import feature_names
from hiring.roles.services import get_role, role_questionnaire
from hiring.team.change import ScaleChange, scale_change
from hiring.team.coaching import visible
from hiring.workspace.candidate_view import NotFound

MIN_RESPONDENTS = 10


@dataclass(frozen=True)
class Progress:
    """One employee's change between two rounds."""

    employee: dict
    before_round: int
    after_round: int
    changes: list[ScaleChange]
    respondents: int  # complete answers the reliabilities were estimated from
    sd_source: str = "the questionnaire's reference sample"  # where each scale's SD came from


def _previous(db: Database, participant: dict) -> dict | None:
    study = db["studies"].get(participant["study_id"])
    if not study["follows_id"]:
        return None
    rows = list(db.query(
        "SELECT p.* FROM study_participants p JOIN study_results r ON r.participant_id = p.id "
        "WHERE p.study_id = ? AND p.employee_pk = ?", [study["follows_id"], participant["employee_pk"]]
    ))  # fmt: skip
    return rows[0] if rows else None


def round_statistics(db: Database, study_id: int, questionnaire) -> tuple[dict, dict, int]:
    """Return each feature's reliability (alpha) and SD in a round, and the respondents used."""
    rows = list(db.query(
        "SELECT p.id, r.scores FROM study_participants p JOIN study_results r "
        "ON r.participant_id = p.id WHERE p.study_id = ?", [study_id]
    ))  # fmt: skip
    items = list(questionnaire.item_ids)
    matrix = np.full((len(rows), len(items)), np.nan)
    for i, row in enumerate(rows):
        answers = {
            a["item_id"]: a["value"]
            for a in db["study_answers"].rows_where("participant_id = ?", [row["id"]])
        }
        matrix[i] = [answers.get(item, np.nan) for item in items]
    alphas: dict[str, float | None] = {}
    if rows:
        report = reliability_report(questionnaire, matrix)
        for rel in report.scales + report.competencies:
            alphas[rel.id] = rel.alpha if rel.n >= MIN_RESPONDENTS else None
    spreads: dict[str, float | None] = {}
    flat = [_flat(json.loads(row["scores"])) for row in rows]
    for fid in questionnaire.feature_ids:
        norm = questionnaire.norms.get(fid)
        values = [f[fid] for f in flat if f.get(fid) is not None]
        spreads[fid] = (
            float(norm[1]) if norm else (float(np.std(values, ddof=1)) if len(values) > 1 else None)
        )
    return alphas, spreads, len(rows)


def _flat(scores: dict) -> dict:
    return {**scores.get("scales", {}), **scores.get("competencies", {})}


def employee_progress(
    db: Database, participant_id: int, manager_id: int | None = None
) -> Progress | None:
    """Return the change since the previous round (None when there was no earlier result).

    Raises :class:`NotFound` for a participant the viewer may not see or without a result.
    """
    rows = list(db["study_participants"].rows_where("id = ?", [participant_id]))
    if not rows:
        raise NotFound("No such participant.")
    person = rows[0]
    employee = db["employees"].get(person["employee_pk"])
    result = list(db["study_results"].rows_where("participant_id = ?", [participant_id]))
    if not visible(employee, manager_id) or not result:
        raise NotFound("No such assessed employee.")
    before = _previous(db, person)
    if before is None:
        return None
    role = get_role(db, person["role_id"])
    q = role_questionnaire(role)
    names, decimals = feature_names(role), q.score_decimals
    alphas, spreads, n = round_statistics(db, before["study_id"], q)
    old = _flat(json.loads(db["study_results"].get(before["id"])["scores"]))
    new = _flat(json.loads(result[0]["scores"]))
    changes = [
        scale_change(
            fid,
            names.get(fid, fid),
            old[fid],
            new[fid],
            spreads.get(fid),
            alphas.get(fid),
            decimals.get(fid, 1),
        )
        for fid in q.feature_ids
        if old.get(fid) is not None and new.get(fid) is not None
    ]
    rounds = (
        db["studies"].get(before["study_id"])["round"],
        db["studies"].get(person["study_id"])["round"],
    )
    source = (
        "the questionnaire's reference sample"
        if all(fid in q.norms for fid in q.feature_ids)
        else f"the questionnaire's reference sample where it has one, else round {rounds[0]}'s scores"
    )
    return Progress(employee, rounds[0], rounds[1], changes, n, source)
