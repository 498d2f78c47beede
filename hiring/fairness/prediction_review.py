"""Differential prediction on a role's incumbents, per self-identified group (concurrent design).

Each incumbent's fit is their out-of-fold probability from the scales and competencies
(:func:`hiring.modeling.incumbent_evidence.incumbent_fit`); their outcome is the 0/1 success
of the incumbent import. Their group comes from the incumbents' own self-identification
(:mod:`hiring.fairness.incumbent_identity`). Applicants' post-hire outcomes, when they exist,
go through the same core, :func:`hiring.fairness.differential_prediction.differential_prediction`.
"""

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlite_utils import Database

from hiring.candidates.self_identification import SelfIdQuestions, default_self_id
from hiring.fairness.differential_prediction import (
    MIN_PREDICTION_GROUP,
    DifferentialPrediction,
    PredictionFitError,
    differential_prediction,
)
from hiring.fairness.groups import group_label
from hiring.fairness.impact import MIN_GROUP_SIZE
from hiring.fairness.monitoring import MIN_CELL, characteristics, group_columns, unknown_labels
from hiring.modeling.hire_outcomes import LABELS, LOWER_IS_BETTER, OUTCOMES, YES_NO, latest_outcomes
from hiring.modeling.incumbent_evidence import incumbent_fit, incumbent_sample
from hiring.store.plurals import plural
from hiring.workspace.predictive_validity import hire_fits

DESIGN = "concurrent"


@dataclass
class CharacteristicPrediction:
    """The groups of one characteristic: each one's result, or why it was not tested."""

    characteristic: str
    name: str
    results: list[DifferentialPrediction] = field(default_factory=list)
    not_tested: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the characteristic's results and untested groups as plain data."""
        return {
            "characteristic": self.characteristic, "name": self.name,
            "results": [r.to_dict() for r in self.results], "not_tested": self.not_tested,
        }  # fmt: skip


@dataclass
class PredictionReview:
    """Differential prediction of a role's fit on its incumbents, by characteristic."""

    role: dict
    n: int  # incumbents with every score, an outcome and a usable fit
    n_identified: int  # of them, with self-identification on file
    characteristics: list[CharacteristicPrediction]
    design: str = DESIGN

    def to_dict(self) -> dict[str, Any]:
        """Return the ``differential_prediction`` part of the summary's ``fairness`` object."""
        return {
            "design": self.design, "n": self.n, "n_identified": self.n_identified,
            "characteristics": [c.to_dict() for c in self.characteristics],
        }  # fmt: skip


def _identities(db: Database, role_id: int, ids: list[str]) -> list[dict[str, Any]]:
    found = {
        row["employee_id"]: row
        for row in db["incumbent_self_identification"].rows_where("role_id = ?", [role_id])
    }
    keys = ("sex", "race_ethnicity", "age_band", "disability")
    return [{k: found.get(i, {}).get(k) for k in keys} for i in ids]


def _test_groups(
    name: str,
    title: str,
    labels: list[str | None],
    fit: np.ndarray,
    y: np.ndarray,
    smallest: int,
    binary: bool = True,
) -> CharacteristicPrediction:
    result = CharacteristicPrediction(name, title)
    known = np.array([label is not None for label in labels])
    counts: dict[str, int] = {}
    for label in labels:
        if label is not None:
            counts[label] = counts.get(label, 0) + 1
    for label in sorted(counts):
        rest = int(known.sum()) - counts[label]
        if counts[label] < smallest or rest < MIN_PREDICTION_GROUP:
            too_few = "the group" if counts[label] < smallest else "everyone else"
            limit = smallest if counts[label] < smallest else MIN_PREDICTION_GROUP
            result.not_tested[label] = f"fewer than {plural(limit, 'person')} in {too_few}"
            continue
        in_group = np.array([value == label for value in labels])[known]
        try:
            result.results.append(
                differential_prediction(fit[known], y[known], in_group, label, binary=binary)
            )
        except PredictionFitError as error:
            result.not_tested[label] = str(error)
    return result


def prediction_review(
    db: Database,
    role_id: int,
    *,
    questions: SelfIdQuestions | None = None,
    min_cell: int = MIN_CELL,
) -> PredictionReview:
    """Run the Cleary model for every group of every characteristic the incumbents disclosed.

    A group is tested with at least ``max(min_cell, MIN_GROUP_SIZE, MIN_PREDICTION_GROUP)``
    people and ``MIN_PREDICTION_GROUP`` in the rest; smaller groups are named, not tested.
    """
    sample = incumbent_sample(db, role_id)
    questions = questions or default_self_id()
    keep, fit = incumbent_fit(sample)
    usable = np.isfinite(fit)
    ids = [i for i, k in zip(sample.ids, keep, strict=True) if k]
    ids = [i for i, u in zip(ids, usable, strict=True) if u]
    fit, y = fit[usable], sample.outcome[keep][usable]
    people = _identities(db, role_id, ids)
    unknown = unknown_labels(questions)
    names = characteristics(questions)
    smallest = max(min_cell, MIN_GROUP_SIZE, MIN_PREDICTION_GROUP)
    tables = []
    for name, values in group_columns(people, questions).items():
        labels = [group_label(v, unknown) for v in values]
        if any(label is not None for label in labels):
            tables.append(_test_groups(name, names[name], labels, fit, y, smallest))
    identified = sum(any(v is not None for v in p.values()) for p in people)
    return PredictionReview(sample.role, len(ids), identified, tables)


def differential_prediction_summary(db: Database, role_id: int, **options: Any) -> dict[str, Any]:
    """The ``differential_prediction`` part of the validation summary, as plain data."""
    return prediction_review(db, role_id, **options).to_dict()


def _candidate_identities(db: Database, ids: list[int]) -> list[dict[str, Any]]:
    keys = ("sex", "race_ethnicity", "age_band", "disability")
    found = {
        row["candidate_id"]: row
        for row in db.query(
            "SELECT s.* FROM self_identification s JOIN json_each(?) j ON j.value = s.candidate_id",
            [json.dumps(ids)],
        )
    }
    return [{k: found.get(i, {}).get(k) for k in keys} for i in ids]


def hire_prediction_review(
    db: Database,
    role_id: int,
    *,
    questions: SelfIdQuestions | None = None,
    min_cell: int = MIN_CELL,
) -> dict[str, Any]:
    """The Cleary model on hires' later outcomes (predictive design), per outcome, as plain data.

    Each hire's fit is the one they were hired on; each outcome is their latest measured value,
    in its own units (``lower_is_better`` says when a smaller value is the better one). Groups
    come from the candidates' own self-identification; the same group-size rules as the
    incumbents' review apply, so with few hires most groups are named, not tested.
    """
    questions = questions or default_self_id()
    _pool, hires = hire_fits(db, role_id)
    outcomes = latest_outcomes(db, role_id)
    unknown = unknown_labels(questions)
    names = characteristics(questions)
    smallest = max(min_cell, MIN_GROUP_SIZE, MIN_PREDICTION_GROUP)
    result: dict[str, Any] = {}
    for column in OUTCOMES:
        ids = [i for i in hires if outcomes.get(i, {}).get(column) is not None]
        if not ids:
            continue
        fit = np.array([hires[i]["fit"] for i in ids], dtype=float)
        y = np.array([outcomes[i][column] for i in ids], dtype=float)
        people = _candidate_identities(db, ids)
        tables = []
        for name, values in group_columns(people, questions).items():
            labels = [group_label(v, unknown) for v in values]
            if any(label is not None for label in labels):
                tables.append(
                    _test_groups(name, names[name], labels, fit, y, smallest, column in YES_NO)
                )
        result[column] = {
            "label": LABELS[column],
            "lower_is_better": column in LOWER_IS_BETTER,
            "n": len(ids),
            "n_identified": sum(any(v is not None for v in p.values()) for p in people),
            "characteristics": [c.to_dict() for c in tables],
        }
    return {"design": "predictive", "outcomes": result}
