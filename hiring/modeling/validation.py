"""Measure how well predicted probabilities discriminate and calibrate (out-of-fold only).

All functions take the observed 0/1 outcomes ``y`` and predicted probabilities ``p`` and are
meant to be fed out-of-fold predictions; in-sample predictions flatter every one of them.

* AUC with a DeLong confidence interval (DeLong, DeLong & Clarke-Pearson, 1988, in the fast
  midrank form of Sun & Xu, 2014), computed on the logit scale and mapped back so it stays
  inside (0, 1).
* Brier score and Brier skill score against always predicting the base rate, with a
  percentile bootstrap interval over people (the predictions held fixed).
* Expected calibration error over equal-width bins, with each bin's count.
* Calibration slope and intercept: the logistic regression of ``y`` on ``logit(p)``
  (slope 1 is ideal; below 1 means over-confident predictions).
* Validity coefficient: Pearson correlation of the fit score with the outcome (point-biserial
  for a 0/1 outcome) with a Fisher-z interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPS = 1e-6


@dataclass(frozen=True)
class CalibrationBin:
    """One bin of a calibration curve."""

    low: float
    high: float
    count: int
    mean_predicted: float | None
    observed_rate: float | None


def _arrays(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float).ravel()
    p = np.asarray(p, dtype=float).ravel()
    if y.shape != p.shape or y.size == 0:
        raise ValueError("y and p must be non-empty and of the same length")
    return y, p


def brier_score(y: np.ndarray, p: np.ndarray) -> float:
    """Mean squared difference between predicted probability and outcome."""
    y, p = _arrays(y, p)
    return float(np.mean((p - y) ** 2))


def brier_skill_score(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """Return ``(skill, base_brier)``: ``1 - Brier / Brier(base rate)``; > 0 beats the base rate."""
    y, p = _arrays(y, p)
    base = float(y.mean() * (1 - y.mean()))
    return (1.0 - brier_score(y, p) / base if base > 0 else 0.0), base


def brier_skill_with_ci(
    y: np.ndarray,
    p: np.ndarray,
    level: float = 0.95,
    n_boot: int = 2000,
    random_state: int = 0,
) -> tuple[float, float, float, float]:
    """Return ``(skill, base_brier, low, high)``: the Brier skill with a bootstrap interval.

    People are resampled with replacement ``n_boot`` times and the skill recomputed against
    each resample's own base rate; the interval is the percentile one. Resamples with only
    one outcome (no base-rate error to beat) are skipped.
    """
    y, p = _arrays(y, p)
    skill, base = brier_skill_score(y, p)
    rng = np.random.default_rng(random_state)
    skills = []
    for start in range(0, n_boot, 250):  # in blocks, to bound memory for large samples
        index = rng.integers(0, y.size, size=(min(250, n_boot - start), y.size))
        yy, pp = y[index], p[index]
        rate = yy.mean(axis=1)
        base_b = rate * (1 - rate)
        keep = base_b > 0
        skills.append(1 - ((pp - yy) ** 2).mean(axis=1)[keep] / base_b[keep])
    values = np.concatenate(skills)
    if values.size == 0:
        return skill, base, float("nan"), float("nan")
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(values, [tail, 100 - tail])
    return skill, base, float(low), float(high)


def calibration_bins(y: np.ndarray, p: np.ndarray, n_bins: int = 10) -> list[CalibrationBin]:
    """Bin predictions into ``n_bins`` equal-width bins on [0, 1] (1.0 falls in the last)."""
    y, p = _arrays(y, p)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    index = np.clip(np.digitize(p, edges[1:-1], right=False), 0, n_bins - 1)
    bins = []
    for b in range(n_bins):
        mask = index == b
        count = int(mask.sum())
        bins.append(
            CalibrationBin(
                low=float(edges[b]),
                high=float(edges[b + 1]),
                count=count,
                mean_predicted=float(p[mask].mean()) if count else None,
                observed_rate=float(y[mask].mean()) if count else None,
            )
        )
    return bins


def expected_calibration_error(
    y: np.ndarray, p: np.ndarray, n_bins: int = 10
) -> tuple[float, list[CalibrationBin]]:
    r"""Return the ECE and its bins.

    .. math:: \mathrm{ECE} = \sum_b \frac{n_b}{n} \left| \bar{y}_b - \bar{p}_b \right|
    """
    bins = calibration_bins(y, p, n_bins)
    n = sum(b.count for b in bins)
    ece = sum(
        b.count / n * abs(b.observed_rate - b.mean_predicted)
        for b in bins
        if b.count and b.observed_rate is not None and b.mean_predicted is not None
    )
    return float(ece), bins


def calibration_slope(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """Return ``(slope, intercept)`` of the unpenalised logistic fit of ``y`` on ``logit(p)``.

    Fitted by Newton-Raphson; separable or constant inputs return NaN rather than diverge.
    """
    from scipy.special import expit, logit

    y, p = _arrays(y, p)
    x = logit(np.clip(p, EPS, 1 - EPS))
    design = np.column_stack([np.ones_like(x), x])
    beta = np.zeros(2)
    for _ in range(100):
        mu = expit(design @ beta)
        weight = mu * (1 - mu)
        hessian = design.T @ (design * weight[:, None])
        if np.linalg.cond(hessian) > 1e12:
            return float("nan"), float("nan")
        step = np.linalg.solve(hessian, design.T @ (y - mu))
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    if not np.all(np.isfinite(beta)) or np.max(np.abs(beta)) > 1e6:
        return float("nan"), float("nan")
    return float(beta[1]), float(beta[0])


def roc_auc(y: np.ndarray, p: np.ndarray) -> float:
    """Return the ROC AUC (Mann-Whitney statistic with midranks for ties)."""
    from scipy.stats import rankdata

    y, p = _arrays(y, p)
    positives = y == 1
    m, n = int(positives.sum()), int((~positives).sum())
    return float((rankdata(p)[positives].sum() - m * (m + 1) / 2) / (m * n))


def _delong_components(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """Return the AUC and its DeLong variance."""
    from scipy.stats import rankdata

    positives, negatives = p[y == 1], p[y == 0]
    m, n = positives.size, negatives.size
    both = np.concatenate([positives, negatives])
    ranks = rankdata(both)
    ranks_pos, ranks_neg = rankdata(positives), rankdata(negatives)
    auc = (ranks[:m].sum() - m * (m + 1) / 2) / (m * n)
    v10 = (ranks[:m] - ranks_pos) / n  # per-positive placement values
    v01 = 1.0 - (ranks[m:] - ranks_neg) / m  # per-negative placement values
    variance = np.var(v10, ddof=1) / m + np.var(v01, ddof=1) / n
    return float(auc), float(variance)


def auc_with_ci(y: np.ndarray, p: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Return ``(auc, low, high)``: ROC AUC with a DeLong interval on the logit scale."""
    y, p = _arrays(y, p)
    if y.min() == y.max():
        raise ValueError("AUC needs both outcomes present")
    from scipy.special import expit, logit
    from scipy.stats import norm

    auc, variance = _delong_components(y, p)
    z = norm.ppf(0.5 + level / 2)
    a = min(max(auc, EPS), 1 - EPS)
    half = z * np.sqrt(variance) / (a * (1 - a))  # delta method for logit(AUC)
    return auc, float(expit(logit(a) - half)), float(expit(logit(a) + half))


def validity_coefficient(
    score: np.ndarray, outcome: np.ndarray, level: float = 0.95
) -> tuple[float, float, float]:
    """Return ``(r, low, high)``: Pearson correlation with a Fisher-z interval."""
    outcome, score = _arrays(outcome, score)
    if score.size < 4 or score.std() == 0 or outcome.std() == 0:
        return float("nan"), float("nan"), float("nan")
    from scipy.stats import norm

    r = float(np.corrcoef(score, outcome)[0, 1])
    half = norm.ppf(0.5 + level / 2) / np.sqrt(score.size - 3)
    centre = np.arctanh(np.clip(r, -1 + EPS, 1 - EPS))
    return r, float(np.tanh(centre - half)), float(np.tanh(centre + half))
