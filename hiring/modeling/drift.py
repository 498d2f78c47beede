"""Compare the applicant pool's feature means with the incumbents' (standardized differences).

Applicants tend to describe themselves more favourably than incumbents do, so a model
calibrated on incumbents can rank a shifted pool well but overstate its probabilities. Each
feature's shift is Cohen's d with the pooled SD; ``|d| >= 0.5`` (a medium effect) is a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

LARGE_SHIFT = 0.5


@dataclass(frozen=True)
class FeatureDrift:
    """The shift of one feature from incumbents to applicants."""

    feature_id: str
    incumbent_mean: float
    applicant_mean: float
    d: float
    warning: str | None

    def to_dict(self) -> dict[str, object]:
        """Return plain JSON-able data."""
        return asdict(self)


def pool_drift(
    incumbents: np.ndarray,
    applicants: np.ndarray,
    feature_ids: Sequence[str],
    threshold: float = LARGE_SHIFT,
) -> list[FeatureDrift]:
    """Return one :class:`FeatureDrift` per feature (NaN scores are ignored)."""
    old, new = np.asarray(incumbents, dtype=float), np.asarray(applicants, dtype=float)
    out = []
    for j, feature in enumerate(feature_ids):
        a, b = old[:, j][np.isfinite(old[:, j])], new[:, j][np.isfinite(new[:, j])]
        if a.size < 2 or b.size < 2:
            continue
        pooled = np.sqrt(
            ((a.size - 1) * a.var(ddof=1) + (b.size - 1) * b.var(ddof=1)) / (a.size + b.size - 2)
        )
        d = float((b.mean() - a.mean()) / pooled) if pooled > 0 else 0.0
        warning = None
        if abs(d) >= threshold:
            direction = "higher" if d > 0 else "lower"
            warning = (
                f"Applicants score {abs(d):.2f} SD {direction} than incumbents on {feature}; "
                "probabilities for this pool may be off. Compare rankings, not raw probabilities, "
                "and recalibrate when hires from this pool have outcomes."
            )
        out.append(FeatureDrift(feature, float(a.mean()), float(b.mean()), d, warning))
    return out
