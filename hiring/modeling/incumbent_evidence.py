"""Concurrent evidence from a role's incumbents: the SJT's incremental validity and their fit.

Incumbents are employees assessed while in the job, so everything here is concurrent
evidence: it says how scores and performance go together in people already hired, not how
well the scores predict the performance of applicants.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlite_utils import Database

from hiring.modeling.calibration import incumbent_matrix
from hiring.modeling.incremental import cross_validated_predictions, incremental_validity
from hiring.roles.services import get_role, role_questionnaire


@dataclass(frozen=True)
class IncumbentSample:
    """A role's incumbents: ids, scale and competency scores (NaN = missing), 0/1 outcome."""

    role: dict
    ids: list[str]
    scale_ids: tuple[str, ...]
    competency_ids: tuple[str, ...]
    features: np.ndarray  # scales then competencies
    outcome: np.ndarray


def incumbent_sample(db: Database, role_id: int) -> IncumbentSample:
    """Read the role's incumbents with the questionnaire's scales and competencies."""
    role = get_role(db, role_id)
    q = role_questionnaire(role)
    scales = tuple(s.id for s in q.scales)
    competencies = tuple(c.id for c in q.competencies)
    ids, x, y, _synthetic = incumbent_matrix(db, role_id, scales + competencies)
    return IncumbentSample(role, ids, scales, competencies, x, y.astype(float))


def sjt_incremental_summary(db: Database, role_id: int) -> dict[str, Any] | None:
    """The SJT's out-of-fold gain in AUC over the traits on the incumbents (None: too few).

    JSON-able: ``measure``, ``n``, ``traits_only``, ``with_sjt``, ``gain``, ``gain_ci`` and
    ``design`` ("concurrent").
    """
    sample = incumbent_sample(db, role_id)
    k = len(sample.scale_ids)
    if not sample.ids or not sample.competency_ids:
        return None
    result = incremental_validity(sample.features[:, :k], sample.features[:, k:], sample.outcome)
    return None if result is None else {**result.to_dict(), "design": "concurrent"}


def incumbent_fit(sample: IncumbentSample) -> tuple[np.ndarray, np.ndarray]:
    """Return which incumbents have every score, and their out-of-fold fit (probability).

    The fit is a logistic regression on all scales and competencies, cross-validated so that
    no incumbent's own outcome enters their fit.
    """
    keep = ~np.isnan(sample.features).any(axis=1)
    y = sample.outcome[keep]
    if keep.sum() < 10 or min(y.sum(), y.size - y.sum()) < 5:
        return keep, np.full(int(keep.sum()), np.nan)
    return keep, cross_validated_predictions(sample.features[keep], y, binary=True)
