"""How well a role's questionnaire measures in its applicants: alpha, omega and SEM per scale."""

from typing import Any

import numpy as np
from sqlite_utils import Database

from hiring.assessment.questionnaire import Questionnaire
from hiring.assessment.reliability import ReliabilityReport, reliability_report
from hiring.roles.services import get_role, role_questionnaire


def applicant_responses(
    db: Database, role_id: int, q: Questionnaire
) -> tuple[list[int], np.ndarray]:
    """Return the scored candidates' ids and their answers (``q.item_ids`` order, NaN = blank)."""
    column = {item_id: j for j, item_id in enumerate(q.item_ids)}
    rows = db.query(
        "SELECT a.candidate_id, a.item_id, a.value FROM answers a "
        "JOIN candidates c ON c.id = a.candidate_id "
        "JOIN results r ON r.candidate_id = c.id "
        "WHERE c.role_id = ? AND r.scores IS NOT NULL ORDER BY a.candidate_id",
        [role_id],
    )
    index: dict[int, int] = {}
    cells: list[tuple[int, int, float]] = []
    for row in rows:
        j = column.get(row["item_id"])
        if j is None or row["value"] is None:
            continue  # an item the role's questionnaire no longer has
        i = index.setdefault(row["candidate_id"], len(index))
        cells.append((i, j, float(row["value"])))
    matrix = np.full((len(index), len(column)), np.nan)
    for i, j, value in cells:
        matrix[i, j] = value
    return list(index), matrix


def role_reliability(db: Database, role_id: int) -> tuple[dict, ReliabilityReport | None]:
    """Return the role and the reliability report of its applicants' answers (None: nobody yet)."""
    role = get_role(db, role_id)
    q = role_questionnaire(role)
    ids, responses = applicant_responses(db, role_id, q)
    return role, (reliability_report(q, responses) if ids else None)


def measurement_summary(
    db: Database, role_id: int, report: ReliabilityReport | None = None
) -> dict[str, Any]:
    """The ``measurement`` part of the validation summary: per scale and competency, JSON-able.

    Each entry has ``n`` (applicants with every item answered), ``k`` (items), ``alpha`` and
    ``alpha_ci`` (Feldt), ``omega`` and ``omega_ci`` (one-factor, bootstrap) and ``sem`` and
    ``sem_ci`` (in score points, from omega); None where a value cannot be computed.
    ``report`` is the role's reliability report when the caller has already computed it.
    """
    if report is None:
        _role, report = role_reliability(db, role_id)
    if report is None:
        return {"respondents": 0, "scales": [], "competencies": [], "warnings": []}

    def entry(rel) -> dict[str, Any]:
        return {
            "id": rel.id, "name": rel.name, "n": rel.n, "k": rel.k, "alpha": rel.alpha,
            "alpha_ci": [rel.ci_low, rel.ci_high], "omega": rel.omega,
            "omega_ci": [rel.omega_ci_low, rel.omega_ci_high], "sem": rel.sem,
            "sem_ci": [rel.sem_ci_low, rel.sem_ci_high],
        }  # fmt: skip

    return {
        "respondents": report.respondents,
        "scales": [entry(r) for r in report.scales],
        "competencies": [entry(r) for r in report.competencies],
        "warnings": report.warnings,
    }
