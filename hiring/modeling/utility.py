"""Expected hiring outcomes at a cut-off: empirical (out-of-fold), Taylor-Russell, Naylor-Shine.

If the top ``share`` of applicants by fit were hired, what share would be high performers,
and how well would they perform on average?

* Empirically: sort the incumbents by their out-of-fold probability and take the high-performer
  rate among the top ``share`` (at least one person).
* Taylor-Russell (1939): predictor and criterion are standard bivariate normal with correlation
  ``validity``; hiring the top ``selection_ratio`` and calling the top ``base_rate`` of the
  criterion successful gives the success ratio

  .. math:: P(Y > y_c \\mid X > x_c) = \\frac{\\Phi_2(-x_c, -y_c; r)}{\\mathrm{SR}},
            \\quad x_c = \\Phi^{-1}(1 - \\mathrm{SR}),\\; y_c = \\Phi^{-1}(1 - \\mathrm{BR}).

* Naylor-Shine (1965): under the same bivariate normal model, the expected standardized
  criterion performance of those hired (in SD units above the applicants' average): the mean
  of the predictor's normal distribution truncated at the cut, times the validity,

  .. math:: E(Y \\mid X > x_c) = r\\,\\frac{\\varphi(x_c)}{\\mathrm{SR}}.

* Brogden-Cronbach-Gleser: the same gain in money. Hiring ``N`` people a year who stay ``T``
  years, with SDy the standard deviation of a year's job performance in money,

  .. math:: \\Delta U = N\\,T\\,r\\,\\mathrm{SD}_y\\,\\frac{\\varphi(x_c)}{\\mathrm{SR}}
            - \\frac{N}{\\mathrm{SR}}\\,C,

  where ``N / SR`` applicants are assessed at a cost ``C`` each. Without a study of SDy, the
  default is 40% of the annual salary (Schmidt & Hunter, 1983; the "40% rule").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

SHARES = (0.1, 0.2, 0.3, 0.5)
SDY_SHARE_OF_SALARY = 0.40  # Schmidt & Hunter's 40% rule for SDy


@dataclass(frozen=True)
class ExpectedOutcome:
    """The expected high-performer share when hiring the top ``share`` by fit."""

    share: float
    n_selected: int
    empirical: float
    taylor_russell: float | None
    naylor_shine: float | None = None  # mean performance of those hired, in SD units

    def to_dict(self) -> dict[str, float | int | None]:
        """Return a JSON-able dict."""
        return asdict(self)


def taylor_russell(validity: float, base_rate: float, selection_ratio: float) -> float:
    """Return the Taylor-Russell success ratio (share of hires who succeed)."""
    if not (0 < base_rate < 1 and 0 < selection_ratio <= 1):
        raise ValueError("base_rate and selection_ratio must be in (0, 1)")
    if selection_ratio == 1:
        return base_rate
    from scipy.stats import multivariate_normal, norm

    r = float(np.clip(validity, -0.999999, 0.999999))
    x_cut, y_cut = norm.ppf(1 - selection_ratio), norm.ppf(1 - base_rate)
    joint = multivariate_normal(mean=[0.0, 0.0], cov=[[1.0, r], [r, 1.0]]).cdf([-x_cut, -y_cut])
    return float(np.clip(joint / selection_ratio, 0.0, 1.0))


def naylor_shine(validity: float, selection_ratio: float) -> float:
    """Return the expected standardized criterion score of the top ``selection_ratio`` hired."""
    if not 0 < selection_ratio <= 1:
        raise ValueError("selection_ratio must be in (0, 1]")
    from scipy.stats import norm

    cut = norm.ppf(1 - selection_ratio)
    return float(validity * norm.pdf(cut) / selection_ratio)


@dataclass(frozen=True)
class MoneyUtility:
    """The Brogden-Cronbach-Gleser expected gain of hiring by fit rather than at random."""

    validity: float
    selection_ratio: float
    hires_per_year: int
    tenure_years: float
    sdy: float  # SD of a year's performance in money
    cost_per_applicant: float
    applicants_per_year: float
    gain_total: float  # for one year's hires over their tenure, after assessment costs
    gain_per_hire: float  # gain_total / hires_per_year
    gain_per_year: float  # gain_total / tenure_years
    assessment_cost: float  # applicants_per_year * cost_per_applicant

    def to_dict(self) -> dict[str, float | int]:
        """Return a JSON-able dict."""
        return asdict(self)


def default_sdy(annual_salary: float) -> float:
    """Return SDy by the 40% rule: 40% of the annual salary."""
    return SDY_SHARE_OF_SALARY * annual_salary


def brogden_cronbach_gleser(
    validity: float,
    selection_ratio: float,
    hires_per_year: int,
    tenure_years: float,
    sdy: float,
    cost_per_applicant: float,
) -> MoneyUtility:
    """Return the expected gain in money of hiring the top ``selection_ratio`` by fit.

    ``validity`` is the fit's correlation with (continuous) job performance.
    """
    if not 0 < selection_ratio <= 1:
        raise ValueError("selection_ratio must be in (0, 1]")
    if hires_per_year < 1 or tenure_years <= 0 or sdy < 0 or cost_per_applicant < 0:
        raise ValueError("hires, tenure, SDy and cost must be positive (cost and SDy may be 0)")
    per_hire_year = validity * sdy * naylor_shine(1.0, selection_ratio)
    applicants = hires_per_year / selection_ratio
    cost = applicants * cost_per_applicant
    total = hires_per_year * tenure_years * per_hire_year - cost
    return MoneyUtility(
        validity, selection_ratio, hires_per_year, tenure_years, sdy, cost_per_applicant,
        applicants, total, total / hires_per_year, total / tenure_years, cost,
    )  # fmt: skip


def money_utility(
    validity: float,
    base_rate: float,
    *,
    salary: float,
    sdy: float | None,
    cost_per_applicant: float,
    hires_per_year: int,
    tenure_years: float,
    selection_ratio: float,
) -> MoneyUtility:
    """Brogden-Cronbach-Gleser from a model's point-biserial validity and base rate.

    The validity with the 0/1 outcome is converted to the biserial one (with the latent
    continuous performance, as for Naylor-Shine); SDy defaults to 40% of ``salary``.
    """
    latent = biserial_from_point_biserial(validity, base_rate)
    return brogden_cronbach_gleser(
        latent, selection_ratio, hires_per_year, tenure_years,
        default_sdy(salary) if sdy is None else sdy, cost_per_applicant,
    )  # fmt: skip


def empirical_success_ratio(y: np.ndarray, score: np.ndarray, share: float) -> tuple[float, int]:
    """Return the high-performer rate among the top ``share`` by ``score`` and their number."""
    y = np.asarray(y, dtype=float)
    order = np.argsort(-np.asarray(score, dtype=float), kind="stable")
    k = max(1, int(round(share * y.size)))
    return float(y[order[:k]].mean()), k


def biserial_from_point_biserial(r_pb: float, base_rate: float) -> float:
    """Convert a correlation with a 0/1 outcome into one with the latent continuous criterion.

    Taylor-Russell needs the latter; for a dichotomised normal criterion
    :math:`r_b = r_{pb} \\sqrt{pq} / \\varphi(\\Phi^{-1}(p))` (clipped below 1).
    """
    from scipy.stats import norm

    density = norm.pdf(norm.ppf(base_rate))
    return float(np.clip(r_pb * np.sqrt(base_rate * (1 - base_rate)) / density, -0.999, 0.999))


def expected_outcomes(
    y: np.ndarray,
    oof_probability: np.ndarray,
    validity: float | None,
    shares: Sequence[float] = SHARES,
) -> list[ExpectedOutcome]:
    """Both estimates side by side for each share.

    ``validity`` is the point-biserial correlation of fit score and 0/1 outcome; it is
    converted to the biserial one (the correlation with the latent continuous performance)
    before entering Taylor-Russell and Naylor-Shine.
    """
    base_rate = float(np.mean(y))
    rows = []
    for share in shares:
        empirical, k = empirical_success_ratio(y, oof_probability, share)
        theory = performance = None
        if validity is not None and np.isfinite(validity) and 0 < base_rate < 1:
            latent = biserial_from_point_biserial(validity, base_rate)
            theory = taylor_russell(latent, base_rate, share)
            performance = naylor_shine(latent, share)
        rows.append(ExpectedOutcome(share, k, empirical, theory, performance))
    return rows
