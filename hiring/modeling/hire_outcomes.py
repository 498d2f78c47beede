"""What the hires' outcome table holds, and hires as extra calibration rows with one outcome."""

from __future__ import annotations

import json
import math

import numpy as np
from sqlite_utils import Database

from hiring.errors import HiringError
from hiring.modeling.incumbents import Criterion

# column: (lowest, highest) allowed value
NUMERIC = {
    "csat": (0.0, 100.0),
    "qa": (0.0, 100.0),
    "handle_time": (0.0, math.inf),
    "rating": (-math.inf, math.inf),
}
YES_NO = ("retained_90", "retained_180")
OUTCOMES = (*NUMERIC, *YES_NO)
LOWER_IS_BETTER = frozenset({"handle_time"})
LABELS = {
    "csat": "customer satisfaction (CSAT)",
    "qa": "quality-assurance score",
    "handle_time": "average handle time",
    "rating": "manager rating",
    "retained_90": "still employed at 90 days",
    "retained_180": "still employed at 180 days",
}


def latest_outcomes(db: Database, role_id: int) -> dict[int, dict[str, float | None]]:
    """Each hire's latest measured value of every outcome (None where never measured)."""
    found: dict[int, dict[str, float | None]] = {}
    for row in db["hire_outcomes"].rows_where(
        "role_id = ?", [role_id], order_by="candidate_id, measured_on"
    ):
        values = found.setdefault(row["candidate_id"], dict.fromkeys(OUTCOMES))
        for column in OUTCOMES:
            if row[column] is not None:
                values[column] = row[column]
    return found


def hires_criterion(column: str, threshold: float | None = None) -> Criterion:
    """Who counts as a success among hires: a yes/no outcome, or a KPI at a threshold."""
    if column in YES_NO:
        return Criterion(column, "binary")
    if column not in NUMERIC:
        raise HiringError(f"Unknown outcome {column!r}; use one of {', '.join(OUTCOMES)}.")
    if threshold is None:
        raise HiringError(f"Give the {column} value that counts as success (a threshold).")
    return Criterion(column, "threshold", threshold, None, column not in LOWER_IS_BETTER)


def hire_matrix(
    db: Database, role_id: int, feature_ids: tuple[str, ...], criterion: Criterion
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Return the role's hires with the outcome measured: (ids, features, success 0/1)."""
    outcomes = latest_outcomes(db, role_id)
    rows = db.query(
        "SELECT c.id, r.scores FROM candidates c JOIN results r ON r.candidate_id = c.id "
        "WHERE c.role_id = ? AND c.status = 'hired' AND r.scores IS NOT NULL ORDER BY c.id",
        [role_id],
    )
    ids, x, y = [], [], []
    for row in rows:
        value = outcomes.get(row["id"], {}).get(criterion.column)
        if value is None:
            continue
        scores = json.loads(row["scores"])
        flat = {**scores.get("scales", {}), **scores.get("competencies", {})}
        ids.append(f"hire-{row['id']}")
        x.append([np.nan if flat.get(f) is None else flat[f] for f in feature_ids])
        if criterion.rule == "binary":
            y.append(int(value))
        else:
            better = (
                value >= criterion.threshold
                if criterion.higher_is_better
                else value <= criterion.threshold
            )  # type: ignore[operator]
            y.append(int(better))
    return ids, np.array(x, dtype=float).reshape(len(ids), len(feature_ids)), np.array(y, dtype=int)
