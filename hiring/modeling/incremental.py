"""Incremental validity of the SJT over the traits: out-of-fold ΔR² or ΔAUC with a bootstrap CI.

Two models are cross-validated on the same folds: the traits alone, and the traits with the
SJT competencies. Every prediction a person gets comes from a model fitted without them
(k-fold, repeated, averaged), so the gain is out-of-sample. For a continuous outcome the
models are least-squares regressions and the gain is in out-of-fold R²
(1 - sum of squared errors / sum of squares around the mean); for a yes/no outcome they are
logistic regressions (L2, C = 1, on standardized inputs) and the gain is in AUC.

The interval resamples people (with replacement) and recomputes both figures on their
out-of-fold predictions; it shows how much the gain depends on who was in the sample, not the
variation from refitting, so it is somewhat narrow for small samples.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from hiring.modeling.validation import roc_auc

FOLDS = 5
REPEATS = 5
RESAMPLES = 1000
CONFIDENCE = 0.95
MIN_PEOPLE = 30  # fewer complete cases than this give no estimate


@dataclass(frozen=True)
class IncrementalValidity:
    """Out-of-fold accuracy of the traits alone and with the SJT, and the gain."""

    outcome_kind: str  # "continuous" or "yes/no"
    measure: str  # "R²" or "AUC"
    n: int
    traits_only: float
    with_sjt: float
    gain: float
    gain_ci: tuple[float, float]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict."""
        return asdict(self)


def _estimator(binary: bool):
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    model = LogisticRegression(C=1.0, max_iter=1000) if binary else LinearRegression()
    return Pipeline([("scale", StandardScaler()), ("model", model)])


def cross_validated_predictions(
    x: np.ndarray, y: np.ndarray, binary: bool, *, random_state: int = 0
) -> np.ndarray:
    """Return each person's prediction averaged over ``REPEATS`` runs of ``FOLDS``-fold CV.

    For a yes/no outcome the prediction is the probability of a 1.
    """
    from sklearn.model_selection import RepeatedKFold, RepeatedStratifiedKFold

    splitter_class = RepeatedStratifiedKFold if binary else RepeatedKFold
    splitter = splitter_class(n_splits=FOLDS, n_repeats=REPEATS, random_state=random_state)
    total, counts = np.zeros(y.size), np.zeros(y.size)
    for train, test in splitter.split(x, y):
        fitted = _estimator(binary).fit(x[train], y[train])
        predicted = fitted.predict_proba(x[test])[:, 1] if binary else fitted.predict(x[test])
        total[test] += predicted
        counts[test] += 1
    return total / counts


def out_of_sample_r2(y: np.ndarray, predicted: np.ndarray) -> float:
    """Return 1 - SSE / SST of out-of-fold predictions (can be below 0)."""
    total = ((y - y.mean()) ** 2).sum()
    return float(1 - ((y - predicted) ** 2).sum() / total) if total > 0 else float("nan")


def incremental_validity(
    traits: np.ndarray,
    sjt: np.ndarray,
    outcome: np.ndarray,
    *,
    binary: bool | None = None,
    resamples: int = RESAMPLES,
    confidence: float = CONFIDENCE,
    random_state: int = 0,
) -> IncrementalValidity | None:
    """Return the out-of-fold gain of traits + SJT over traits alone, or None if too few.

    Rows with a missing value anywhere are left out (nothing is imputed).
    """
    y = np.asarray(outcome, dtype=float)
    binary = bool(np.isin(y, (0.0, 1.0)).all()) if binary is None else binary
    full = np.column_stack([traits, sjt]).astype(float)
    keep = ~np.isnan(full).any(axis=1) & ~np.isnan(y)
    full, y = full[keep], y[keep]
    smaller = min(int(y.sum()), int(y.size - y.sum())) if binary else y.size
    if y.size < MIN_PEOPLE or smaller < FOLDS or np.asarray(traits).shape[1] == 0:
        return None
    k = np.asarray(traits).shape[1]
    base = cross_validated_predictions(full[:, :k], y, binary, random_state=random_state)
    more = cross_validated_predictions(full, y, binary, random_state=random_state)
    score = roc_auc if binary else out_of_sample_r2
    rng = np.random.default_rng(random_state)
    gains = []
    for _ in range(resamples):
        pick = rng.integers(0, y.size, y.size)
        if binary and np.unique(y[pick]).size < 2:
            continue
        gains.append(score(y[pick], more[pick]) - score(y[pick], base[pick]))
    tail = (1 - confidence) / 2
    low, high = np.quantile(gains, [tail, 1 - tail])
    first, second = score(y, base), score(y, more)
    return IncrementalValidity(
        "yes/no" if binary else "continuous", "AUC" if binary else "R²", int(y.size),
        first, second, second - first, (float(low), float(high)),
    )  # fmt: skip
