"""Differential prediction (Cleary, 1968): does the same fit predict the same outcome in every group?

The moderated regression ``outcome ~ 1 + fit + group + fit x group`` is fitted by ordinary
least squares for a continuous outcome and by logistic regression (Newton-Raphson, Wald
standard errors) for a yes/no one. ``group`` is 1 for the group studied and 0 for everyone
else with a known answer. The fit is centred at the sample's mean and scaled by its SD, so

* the **intercept difference** (the group coefficient) is the gap in outcome between the group
  and everyone else *at the average fit*, and
* the **slope difference** (the interaction) is how much more (or less) the outcome rises per
  standard deviation of fit in the group.

A slope difference means the fit predicts differently; an intercept difference alone means it
over- or under-predicts the group by a constant. Both come with a confidence interval and a
two-sided p-value; "clear" means p < ``ALPHA``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

ALPHA = 0.05
CONFIDENCE = 0.95
CONTINUOUS = "continuous"
BINARY = "yes/no"
MAX_NEWTON = 100
MIN_PREDICTION_GROUP = 20  # people in the group and in the rest, on top of the small-cell rules


class PredictionFitError(ValueError):
    """The moderated regression cannot be estimated from these data."""


@dataclass(frozen=True)
class Coefficients:
    """Estimates, standard errors and degrees of freedom (None: normal theory, logistic)."""

    estimate: np.ndarray
    se: np.ndarray
    df: int | None


@dataclass(frozen=True)
class DifferentialPrediction:
    """Intercept and slope differences of one group against everyone else, in plain words too."""

    group: str
    outcome_kind: str
    n: int
    n_group: int
    slope_reference: float  # outcome change per SD of fit for everyone else
    slope_difference: float
    slope_difference_ci: tuple[float, float]
    slope_p: float
    intercept_difference: float
    intercept_difference_ci: tuple[float, float]
    intercept_p: float
    units: str  # what the differences are measured in (slopes: per SD of fit)
    reading: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict."""
        return asdict(self)


def ordinary_least_squares(design: np.ndarray, y: np.ndarray) -> Coefficients:
    """OLS estimates with the classical standard errors (residual df = n - p)."""
    n, p = design.shape
    if n <= p or np.linalg.matrix_rank(design) < p:
        raise PredictionFitError("too few people, or no variation, to fit the regression")
    xtx_inverse = np.linalg.inv(design.T @ design)
    beta = xtx_inverse @ design.T @ y
    residual = y - design @ beta
    sigma2 = residual @ residual / (n - p)
    return Coefficients(beta, np.sqrt(np.diag(xtx_inverse) * sigma2), n - p)


def logistic_regression(design: np.ndarray, y: np.ndarray) -> Coefficients:
    """Maximum-likelihood logistic regression by Newton-Raphson, with Wald standard errors."""
    n, p = design.shape
    if n <= p or np.linalg.matrix_rank(design) < p:
        raise PredictionFitError("too few people, or no variation, to fit the regression")
    from scipy.special import expit

    beta = np.zeros(p)
    for _ in range(MAX_NEWTON):
        prob = expit(design @ beta)
        weight = prob * (1 - prob)
        information = design.T @ (design * weight[:, None])
        if np.linalg.cond(information) > 1e12 or np.max(np.abs(beta)) > 30:
            raise PredictionFitError(
                "the outcome is perfectly separated; the regression has no answer"
            )
        step = np.linalg.solve(information, design.T @ (y - prob))
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    prob = expit(design @ beta)
    information = design.T @ (design * (prob * (1 - prob))[:, None])
    return Coefficients(beta, np.sqrt(np.diag(np.linalg.inv(information))), None)


def _test(coef: Coefficients, j: int, confidence: float) -> tuple[tuple[float, float], float]:
    from scipy import stats

    distribution = stats.t(coef.df) if coef.df is not None else stats.norm()
    estimate, se = float(coef.estimate[j]), float(coef.se[j])
    half = float(distribution.ppf(1 - (1 - confidence) / 2)) * se
    p = float(2 * distribution.sf(abs(estimate / se))) if se > 0 else float("nan")
    return (estimate - half, estimate + half), p


def moderated_regression(
    fit: np.ndarray,
    outcome: np.ndarray,
    in_group: np.ndarray,
    *,
    binary: bool | None = None,
) -> Coefficients:
    """Fit ``outcome ~ 1 + z + group + z x group`` with z the standardized fit.

    ``binary`` defaults to True when the outcome holds only 0 and 1.
    """
    fit, y = np.asarray(fit, dtype=float), np.asarray(outcome, dtype=float)
    group = np.asarray(in_group, dtype=float)
    sd = fit.std(ddof=1) if fit.size > 1 else 0.0
    if sd == 0 or not np.isfinite(sd):
        raise PredictionFitError("the fit does not vary, so nothing can be predicted from it")
    z = (fit - fit.mean()) / sd
    design = np.column_stack([np.ones_like(z), z, group, z * group])
    if binary is None:
        binary = bool(np.isin(y, (0.0, 1.0)).all())
    return logistic_regression(design, y) if binary else ordinary_least_squares(design, y)


def _reading(result: dict[str, Any], group: str, binary: bool) -> str:
    """Say the finding in one or two plain sentences."""
    unit = "odds of success" if binary else "outcome"
    if result["slope_p"] < ALPHA:
        relation = "more" if result["slope_difference"] > 0 else "less"
        return (
            f"The fit predicts differently for {group}: their {unit} rose {relation} with fit "
            f"than everyone else's. Review how the fit is used for this group."
        )
    if result["intercept_p"] < ALPHA:
        direction = "higher" if result["intercept_difference"] > 0 else "lower"
        over_under = "under" if direction == "higher" else "over"
        return (
            f"For the same fit, {group}'s {unit} were {direction} than everyone else's: the fit "
            f"{over_under}-predicts them by about the same amount at every level."
        )
    return f"No clear difference: for the same fit, {group}'s {unit} were like everyone else's."


def differential_prediction(
    fit: np.ndarray,
    outcome: np.ndarray,
    in_group: np.ndarray,
    group: str,
    *,
    binary: bool | None = None,
    confidence: float = CONFIDENCE,
) -> DifferentialPrediction:
    """Return the Cleary-model differences of ``group`` (``in_group`` True) against the rest.

    For a yes/no outcome the differences are on the log-odds scale and ``units`` says so
    (exp of a difference is an odds ratio); for a continuous outcome they are in the
    outcome's own units.
    """
    y = np.asarray(outcome, dtype=float)
    binary = bool(np.isin(y, (0.0, 1.0)).all()) if binary is None else binary
    coef = moderated_regression(fit, y, in_group, binary=binary)
    slope_ci, slope_p = _test(coef, 3, confidence)
    intercept_ci, intercept_p = _test(coef, 2, confidence)
    values = {
        "slope_difference": float(coef.estimate[3]),
        "slope_p": slope_p,
        "intercept_difference": float(coef.estimate[2]),
        "intercept_p": intercept_p,
    }
    return DifferentialPrediction(
        group=group,
        outcome_kind=BINARY if binary else CONTINUOUS,
        n=int(y.size),
        n_group=int(np.sum(in_group)),
        slope_reference=float(coef.estimate[1]),
        slope_difference=values["slope_difference"],
        slope_difference_ci=slope_ci,
        slope_p=slope_p,
        intercept_difference=values["intercept_difference"],
        intercept_difference_ci=intercept_ci,
        intercept_p=intercept_p,
        units="log-odds of success" if binary else "outcome units",
        reading=_reading(values, group, binary),
    )
