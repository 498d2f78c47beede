"""Predictive validity maths: range-restriction and reliability corrections, calibration, Wilson."""

import math

import numpy as np
import pytest
from scipy.special import expit, logit
from sklearn.linear_model import LogisticRegression

from hiring.demo.synthetic import simulate_selection
from hiring.modeling.predictive import (
    correct,
    disattenuate,
    predictive_validity,
    recalibration,
    thorndike_case2,
    wilson_interval,
)


@pytest.mark.parametrize(
    ("r", "u", "expected"),
    [
        (0.20, 2.0, 0.4 / math.sqrt(1.12)),  # 0.37796, by hand
        (0.25, 1.5, 0.375 / math.sqrt(1.078125)),  # 0.36116, by hand
        (0.30, 1.0, 0.30),  # no restriction, no change
        (-0.20, 2.0, -0.4 / math.sqrt(1.12)),
    ],
)
def test_thorndike_case2_matches_hand_computed_values(r, u, expected):
    assert thorndike_case2(r, u) == pytest.approx(expected, abs=1e-12)


def test_case2_inverts_the_restriction_of_a_bivariate_normal():
    # Restricting x to a band of SD s in a bivariate normal with correlation rho gives
    # r = rho s / sqrt(rho^2 s^2 + 1 - rho^2); Case II with u = 1/s must give rho back.
    rho, s = 0.5, 0.6
    restricted = rho * s / math.sqrt(rho**2 * s**2 + 1 - rho**2)
    assert thorndike_case2(restricted, 1 / s) == pytest.approx(rho, abs=1e-12)


def test_reliability_correction_divides_by_the_root_of_ryy_then_case2_applies():
    assert disattenuate(0.3, 0.81) == pytest.approx(0.3 / 0.9)
    assert correct(0.3, 1.5, 0.81) == pytest.approx(thorndike_case2(0.3 / 0.9, 1.5))
    assert disattenuate(0.95, 0.5) == 1.0  # capped
    with pytest.raises(ValueError):
        disattenuate(0.3, 0.0)


def test_corrected_interval_is_the_observed_interval_corrected_end_by_end():
    sample = simulate_selection(600, selection_ratio=0.25, random_state=3)
    fit, y = sample.fit[sample.hired], sample.performance[sample.hired]
    estimate = predictive_validity(fit, y, sample.fit.std(ddof=1), ryy=0.8)
    assert estimate.n == 150
    assert estimate.observed_r == pytest.approx(np.corrcoef(fit, y)[0, 1])
    half = 1.959963984540054 / math.sqrt(150 - 3)
    low = math.tanh(math.atanh(estimate.observed_r) - half)
    assert estimate.observed_r_ci[0] == pytest.approx(low)
    u = sample.fit.std(ddof=1) / fit.std(ddof=1)
    assert estimate.u == pytest.approx(u)
    assert estimate.corrected_r_ci[0] == pytest.approx(correct(low, u, 0.8))
    assert estimate.corrected_r > estimate.observed_r
    assert estimate.auc is None  # not a yes/no outcome


def test_too_few_hires_or_a_constant_outcome_give_no_estimate():
    assert predictive_validity(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 2.5]), 1.0) is None
    assert predictive_validity(np.arange(10.0), np.ones(10), 1.0) is None
    fit = np.array([1.0, 2.0, np.nan, 3.0, 4.0, 5.0])
    out = np.array([1.0, np.nan, 2.0, 2.0, 3.0, 5.0])
    assert predictive_validity(fit, out, 2.0).n == 4  # rows missing either value left out


def test_yes_no_outcome_gets_an_auc_with_its_interval():
    rng = np.random.default_rng(0)
    fit = rng.standard_normal(200)
    y = (fit + rng.standard_normal(200) > 0).astype(float)
    estimate = predictive_validity(fit, y, 1.2, binary=True)
    from sklearn.metrics import roc_auc_score

    assert estimate.auc == pytest.approx(roc_auc_score(y, fit))
    assert estimate.auc_ci[0] < estimate.auc < estimate.auc_ci[1]


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611)],
)
def test_wilson_interval_matches_newcombes_table(k, n, low, high):
    # Newcombe (1998), Statistics in Medicine 17:857, table I, method 3
    got = wilson_interval(k, n)
    assert got == pytest.approx((low, high), abs=5e-5)


def test_calibration_in_the_large_of_a_constant_prediction_is_the_log_odds_gap():
    y = np.array([1, 0, 1, 1, 0, 1, 0, 1, 1, 1], dtype=float)
    p = np.full(10, 0.5)
    result = recalibration(y, p)
    assert result.in_the_large == pytest.approx(logit(0.7) - logit(0.5), abs=1e-8)
    se = 1 / math.sqrt(10 * 0.7 * 0.3)
    assert result.in_the_large_ci[1] - result.in_the_large == pytest.approx(1.96 * se, abs=1e-3)
    assert result.observed_rate == 0.7 and result.mean_predicted == 0.5
    assert math.isnan(result.slope)  # all predictions alike: no slope
    assert recalibration(np.ones(10), p) is None  # one outcome only


def test_calibration_slope_matches_an_unpenalised_logistic_regression():
    rng = np.random.default_rng(5)
    p = expit(rng.normal(-0.5, 1.2, 1500))
    y = (rng.uniform(size=1500) < expit(0.3 + 0.6 * logit(p))).astype(float)
    reference = LogisticRegression(C=np.inf, max_iter=1000).fit(logit(p)[:, None], y)
    result = recalibration(y, p)
    assert result.slope == pytest.approx(reference.coef_[0][0], abs=1e-4)
    assert result.slope_ci[0] < 0.6 < result.slope_ci[1]
    assert result.slope_ci[1] < 1.0  # the planted over-confidence is detected
