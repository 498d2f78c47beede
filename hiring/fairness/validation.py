"""The whole validation summary of a role: predictive, measurement, fairness and utility.

Each part is its own area's use case; this module (in the top area, so it may read them all)
puts them together as ``hiring validation summary --json`` prints them and as the technical
report reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from hiring.assessment.reliability import ReliabilityReport
from hiring.candidates.self_identification import SelfIdQuestions
from hiring.fairness.item_review import dif_summary
from hiring.fairness.monitoring import MIN_CELL
from hiring.fairness.prediction_review import (
    differential_prediction_summary,
    hire_prediction_review,
)
from hiring.modeling.incumbent_evidence import sjt_incremental_summary
from hiring.modeling.measurement import measurement_summary
from hiring.modeling.validity import utility_summary
from hiring.workspace.predictive_validity import clean_json, validation_summary


@dataclass(frozen=True)
class UtilityInputs:
    """What the money utility needs from the user (SDy None: 40% of the salary)."""

    salary: float
    hires_per_year: int
    tenure_years: float = 1.5
    selection_ratio: float = 0.2
    cost_per_applicant: float = 0.0
    sdy: float | None = None


def full_validation_summary(
    db: Database,
    role_id: int,
    ryy: dict[str, float] | None = None,
    utility: UtilityInputs | None = None,
    reliability: ReliabilityReport | None = None,
    *,
    questions: SelfIdQuestions | None = None,
    min_cell: int = MIN_CELL,
) -> dict[str, Any]:
    """Return every number of the role's validation; ``utility`` is None without its inputs.

    ``fairness`` holds ``dif`` (applicants' items), ``differential_prediction`` (the Cleary
    model on incumbents, concurrent) and ``differential_prediction_hires`` (on hires' outcomes,
    predictive). ``measurement`` holds reliability per scale with ``sjt_incremental``
    (``reliability``: the role's reliability report, if the caller already has it).
    ``questions`` and ``min_cell`` are the instance's self-identification questions and
    smallest shown group, as on the Fairness pages.
    """
    groups = {"questions": questions, "min_cell": min_cell}
    numbers = validation_summary(db, role_id, ryy)
    numbers["measurement"] = {
        **measurement_summary(db, role_id, reliability),
        "sjt_incremental": sjt_incremental_summary(db, role_id),
    }
    numbers["fairness"] = {
        "dif": dif_summary(db, role_id, **groups),
        "differential_prediction": differential_prediction_summary(db, role_id, **groups),
        "differential_prediction_hires": hire_prediction_review(db, role_id, **groups),
    }
    numbers["utility"] = (
        utility_summary(
            db,
            role_id,
            salary=utility.salary,
            sdy=utility.sdy,
            cost_per_applicant=utility.cost_per_applicant,
            hires_per_year=utility.hires_per_year,
            tenure_years=utility.tenure_years,
            selection_ratio=utility.selection_ratio,
        )
        if utility
        else None
    )
    return clean_json(numbers)
