"""Predictive validity on hires: corrected correlations, AUC, calibration and retention rates.

Plain functions over numpy arrays (no database). The formulas, as the README names them:

* Observed validity ``r``: Pearson correlation of the hires' fit with their outcome (the
  point-biserial for a yes/no outcome), with a Fisher-z interval
  (:func:`hiring.modeling.validation.validity_coefficient`).
* Criterion unreliability (optional): ``r / sqrt(ryy)``, with ``ryy`` the outcome's
  reliability among hires, applied first as Hunter, Schmidt & Le (2006) prescribe for
  direct range restriction.
* Thorndike's Case II for direct range restriction on the fit:
  ``r_c = r u / sqrt(1 + r^2 (u^2 - 1))`` with ``u = SD(fit, applicants) / SD(fit, hires)``.
* The corrected interval: both ends of the observed interval go through the same
  corrections (they are increasing in ``r``), so the interval keeps its coverage as far as
  ``u`` and ``ryy`` are known (Hunter & Schmidt, 2004, ch. 3).
* Calibration on hires: calibration-in-the-large is the intercept of the logistic
  regression of the outcome on an offset ``logit(p)``; the calibration slope is the slope
  of the logistic regression of the outcome on ``logit(p)``; both with Wald intervals.
* Retention: the share retained with a Wilson score interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hiring.modeling.validation import EPS, auc_with_ci, validity_coefficient

MIN_FOR_R = 4  # Fisher's z needs n > 3
SMALL_SAMPLE = 30  # below this many hires an estimate is flagged as resting on a small sample


@dataclass(frozen=True)
class PredictiveEstimate:
    """The validity of the fit for one outcome among hires, observed and corrected."""

    n: int
    observed_r: float
    observed_r_ci: tuple[float, float]
    corrected_r: float
    corrected_r_ci: tuple[float, float]
    u: float  # applicants' SD of the fit over the hires'
    ryy: float | None
    auc: float | None = None
    auc_ci: tuple[float, float] | None = None

    @property
    def small_sample(self) -> bool:
        """Whether fewer than :data:`SMALL_SAMPLE` hires carry the estimate."""
        return self.n < SMALL_SAMPLE


def thorndike_case2(r: float, u: float) -> float:
    """Correct ``r`` for direct range restriction: ``r u / sqrt(1 + r^2 (u^2 - 1))``.

    ``u`` is the unrestricted (applicant) SD of the predictor over its restricted (hired) SD.
    """
    if not (u > 0 and math.isfinite(r)):
        return float("nan")
    return float(r * u / math.sqrt(1 + r * r * (u * u - 1)))


def disattenuate(r: float, ryy: float) -> float:
    """Correct ``r`` for the outcome's unreliability ``ryy`` (0 < ryy <= 1), capped at +-1."""
    if not 0 < ryy <= 1:
        raise ValueError("ryy must be in (0, 1]")
    return float(np.clip(r / math.sqrt(ryy), -1.0, 1.0))


def correct(r: float, u: float, ryy: float | None = None) -> float:
    """Apply the criterion-reliability correction (if ``ryy``), then Thorndike Case II."""
    if ryy is not None:
        r = disattenuate(r, ryy)
    return thorndike_case2(r, u)


def predictive_validity(
    fit: np.ndarray,
    outcome: np.ndarray,
    applicant_sd: float,
    ryy: float | None = None,
    binary: bool = False,
    level: float = 0.95,
) -> PredictiveEstimate | None:
    """Estimate the fit's validity for one outcome among hires; None with too few hires.

    ``fit`` and ``outcome`` are the hires' (rows with a missing value are left out);
    ``applicant_sd`` is the fit's SD over every assessed applicant of the role.
    """
    fit = np.asarray(fit, dtype=float)
    outcome = np.asarray(outcome, dtype=float)
    keep = np.isfinite(fit) & np.isfinite(outcome)
    fit, outcome = fit[keep], outcome[keep]
    if fit.size < MIN_FOR_R or fit.std() == 0 or outcome.std() == 0:
        return None
    r, low, high = validity_coefficient(fit, outcome, level)
    u = float(applicant_sd / fit.std(ddof=1))
    auc = auc_ci = None
    if binary and min(outcome.sum(), (1 - outcome).sum()) >= 2:
        auc, auc_low, auc_high = auc_with_ci(outcome, fit, level)
        auc_ci = (auc_low, auc_high)
    return PredictiveEstimate(
        n=int(fit.size),
        observed_r=r,
        observed_r_ci=(low, high),
        corrected_r=correct(r, u, ryy),
        corrected_r_ci=(correct(low, u, ryy), correct(high, u, ryy)),
        u=u,
        ryy=ryy,
        auc=auc,
        auc_ci=auc_ci,
    )


@dataclass(frozen=True)
class Recalibration:
    """How well predicted probabilities match the hires' observed outcomes."""

    n: int
    observed_rate: float
    mean_predicted: float
    in_the_large: float  # 0 is ideal; above 0: more successes than predicted
    in_the_large_ci: tuple[float, float]
    slope: float  # 1 is ideal; below 1: predictions too extreme (NaN: all p alike)
    slope_ci: tuple[float, float]


def _logistic(
    design: np.ndarray, y: np.ndarray, offset: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Fit a logistic regression by Newton-Raphson; return (coefficients, their covariance)."""
    from scipy.special import expit

    beta = np.zeros(design.shape[1])
    for _ in range(100):
        mu = expit(offset + design @ beta)
        hessian = design.T @ (design * (mu * (1 - mu))[:, None])
        if np.linalg.cond(hessian) > 1e12:
            raise np.linalg.LinAlgError("separated or constant data")
        step = np.linalg.solve(hessian, design.T @ (y - mu))
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    if not np.all(np.isfinite(beta)) or np.max(np.abs(beta)) > 50:
        raise np.linalg.LinAlgError("the fit diverged")
    mu = expit(offset + design @ beta)
    covariance = np.linalg.inv(design.T @ (design * (mu * (1 - mu))[:, None]))
    return beta, covariance


def recalibration(y: np.ndarray, p: np.ndarray, level: float = 0.95) -> Recalibration | None:
    """Calibration-in-the-large and slope of ``p`` for outcomes ``y``; None if not estimable."""
    from scipy.special import logit
    from scipy.stats import norm

    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    keep = np.isfinite(y) & np.isfinite(p)
    y, p = y[keep], p[keep]
    if y.size < MIN_FOR_R or y.min() == y.max():
        return None
    x = logit(np.clip(p, EPS, 1 - EPS))
    z = norm.ppf(0.5 + level / 2)
    try:
        large, large_cov = _logistic(np.ones((y.size, 1)), y, x)
    except np.linalg.LinAlgError:
        return None
    try:
        both, both_cov = _logistic(np.column_stack([np.ones_like(x), x]), y, np.zeros_like(x))
    except np.linalg.LinAlgError:  # every prediction alike: no slope to estimate
        both, both_cov = np.full(2, np.nan), np.full((2, 2), np.nan)
    large_se, slope_se = math.sqrt(large_cov[0, 0]), math.sqrt(both_cov[1, 1])
    return Recalibration(
        n=int(y.size),
        observed_rate=float(y.mean()),
        mean_predicted=float(p.mean()),
        in_the_large=float(large[0]),
        in_the_large_ci=(float(large[0] - z * large_se), float(large[0] + z * large_se)),
        slope=float(both[1]),
        slope_ci=(float(both[1] - z * slope_se), float(both[1] + z * slope_se)),
    )


def wilson_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Return the Wilson score interval for a proportion (``(nan, nan)`` when ``n`` is 0)."""
    from scipy.stats import norm

    if n <= 0:
        return float("nan"), float("nan")
    z = norm.ppf(0.5 + level / 2)
    share = successes / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))
