"""Out-of-fold metrics and expected outcomes, each against an independent computation."""

import numpy as np
import pytest
from scipy import integrate, stats
from scipy.special import expit, logit
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from hiring.modeling.drift import pool_drift
from hiring.modeling.utility import (
    biserial_from_point_biserial,
    empirical_success_ratio,
    expected_outcomes,
    naylor_shine,
    taylor_russell,
)
from hiring.modeling.validation import (
    auc_with_ci,
    brier_score,
    brier_skill_score,
    brier_skill_with_ci,
    calibration_slope,
    expected_calibration_error,
    roc_auc,
    validity_coefficient,
)


def test_brier_score_and_skill_match_hand_computation():
    y = np.array([1, 0, 1, 0])
    p = np.array([0.9, 0.2, 0.6, 0.4])
    # (0.1^2 + 0.2^2 + 0.4^2 + 0.4^2) / 4 = 0.0925; base rate 0.5 -> reference 0.25
    assert brier_score(y, p) == pytest.approx(0.0925)
    skill, base = brier_skill_score(y, p)
    assert base == pytest.approx(0.25)
    assert skill == pytest.approx(1 - 0.0925 / 0.25)


def _reference_skills(y, p, n_boot, seed):
    """The documented bootstrap, written out: ``n_boot`` resamples of people drawn 250 at a
    time from numpy's generator seeded with ``seed``, each resample's Brier skill against its
    own base rate, resamples with one outcome skipped. Drawing in the same order keeps an
    interval the same from version to version for the same seed."""
    rng = np.random.default_rng(seed)
    skills = []
    drawn = 0
    while drawn < n_boot:
        block = min(250, n_boot - drawn)
        for row in rng.integers(0, y.size, size=(block, y.size)):
            rate = y[row].mean()
            if 0 < rate < 1:
                skills.append(1 - np.mean((p[row] - y[row]) ** 2) / (rate * (1 - rate)))
        drawn += block
    return skills


@pytest.mark.parametrize(("level", "n_boot"), [(0.95, 2000), (0.80, 600), (0.90, 249)])
def test_brier_skill_interval_is_the_percentile_bootstrap_written_out(level, n_boot):
    rng = np.random.default_rng(8)
    p = rng.uniform(0.05, 0.95, 60)
    y = (rng.uniform(size=60) < p).astype(int)
    skill, base, low, high = brier_skill_with_ci(y, p, level=level, n_boot=n_boot, random_state=4)
    skills = _reference_skills(y, p, n_boot, 4)
    assert len(skills) == n_boot  # no resample of 60 has a single outcome here
    tail = (1 - level) / 2
    assert (skill, base) == brier_skill_score(y, p)
    assert (low, high) == pytest.approx(np.quantile(skills, [tail, 1 - tail]), rel=1e-12)


def test_brier_skill_interval_of_one_resample_or_none():
    y = np.array([0] * 9 + [1])
    p = np.linspace(0.05, 0.5, 10)
    # seed 1 draws one resample with both outcomes: the interval is that resample's skill
    (only,) = _reference_skills(y, p, 1, 1)
    assert brier_skill_with_ci(y, p, n_boot=1, random_state=1)[2:] == pytest.approx((only, only))
    # seed 0 draws one with no high performer: nothing to compute an interval from
    assert _reference_skills(y, p, 1, 0) == []
    skill, base, low, high = brier_skill_with_ci(y, p, n_boot=1, random_state=0)
    assert np.isnan(low) and np.isnan(high) and (skill, base) == brier_skill_score(y, p)


def test_predicting_the_base_rate_has_zero_skill():
    y = np.array([1, 0, 0, 0, 1, 0, 0, 0, 0, 0])
    skill, _ = brier_skill_score(y, np.full(10, 0.2))
    assert skill == pytest.approx(0.0)


def test_ece_and_bin_counts_match_hand_computation():
    y = np.array([1, 0, 1, 0, 1])
    p = np.array([0.05, 0.15, 0.85, 0.95, 0.92])
    ece, bins = expected_calibration_error(y, p, n_bins=10)
    # bins: [0,.1): |1-.05|; [.1,.2): |0-.15|; [.8,.9): |1-.85|; [.9,1]: |.5-.935| x 2
    assert ece == pytest.approx((0.95 + 0.15 + 0.15 + 2 * 0.435) / 5)
    assert [b.count for b in bins] == [1, 1, 0, 0, 0, 0, 0, 0, 1, 2]
    assert bins[9].mean_predicted == pytest.approx(0.935)
    assert bins[9].observed_rate == pytest.approx(0.5)
    assert bins[4].mean_predicted is None


def test_probability_one_falls_in_the_last_bin():
    _, bins = expected_calibration_error(np.array([1, 0]), np.array([1.0, 0.0]), n_bins=5)
    assert bins[-1].count == 1 and bins[0].count == 1


def test_calibration_slope_matches_unpenalised_logistic_regression():
    rng = np.random.default_rng(1)
    p = rng.uniform(0.05, 0.95, 3000)
    y = rng.random(3000) < expit(0.5 * logit(p) + 0.2)  # over-confident predictions
    slope, intercept = calibration_slope(y, p)
    reference = LogisticRegression(C=1e12, max_iter=1000, tol=1e-10)
    reference.fit(logit(p).reshape(-1, 1), y)
    assert slope == pytest.approx(reference.coef_[0, 0], abs=1e-4)
    assert intercept == pytest.approx(reference.intercept_[0], abs=1e-4)
    assert 0.4 < slope < 0.6


def test_calibration_slope_is_nan_when_outcome_is_constant():
    slope, _ = calibration_slope(np.ones(20), np.linspace(0.1, 0.9, 20))
    assert np.isnan(slope)


def test_calibration_slope_is_nan_both_ways_when_the_outcome_is_separable():
    p = np.linspace(0.05, 0.95, 20)
    slope, intercept = calibration_slope((p > 0.5).astype(int), p)
    assert np.isnan(slope) and np.isnan(intercept)


def test_calibration_slope_is_nan_both_ways_when_the_fit_runs_away():
    """Predictions a millionth apart that separate the outcomes well: the fitted slope
    passes a million, where the fit no longer means anything."""
    p = np.r_[np.full(20, 0.5 - 5e-7), np.full(20, 0.5 + 5e-7)]
    y = np.r_[np.zeros(19), 1, np.zeros(1), np.ones(19)]
    slope, intercept = calibration_slope(y, p)
    assert np.isnan(slope) and np.isnan(intercept)
    # twice as far apart, the same outcomes fit with a slope under a million
    wider = np.r_[np.full(20, 0.5 - 1e-6), np.full(20, 0.5 + 1e-6)]
    assert 1e5 < calibration_slope(y, wider)[0] < 1e6


def test_roc_auc_matches_sklearn_with_and_without_ties():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 40)
    for p in (rng.uniform(size=40), np.round(rng.uniform(size=40), 1)):
        assert roc_auc(y, p) == pytest.approx(roc_auc_score(y, p), rel=1e-12)


def test_metrics_refuse_empty_or_unequal_inputs_in_words():
    for y, p in (([], []), ([0, 1], [0.5])):
        with pytest.raises(ValueError, match="^y and p must be non-empty and of the same length$"):
            brier_score(y, p)


def test_brier_skill_of_a_single_outcome_is_zero_against_a_zero_base():
    assert brier_skill_score(np.ones(6), np.full(6, 0.7)) == (0.0, 0.0)


def test_auc_matches_sklearn_and_delong_interval_matches_bootstrap_spread():
    rng = np.random.default_rng(2)
    y = rng.random(400) < 0.3
    p = expit(rng.standard_normal(400) + 0.8 * y)
    auc, low, high = auc_with_ci(y, p)
    assert auc == pytest.approx(roc_auc_score(y, p))
    boot = []
    for _ in range(2000):
        idx = rng.integers(0, 400, 400)
        if y[idx].min() != y[idx].max():
            boot.append(roc_auc_score(y[idx], p[idx]))
    lo_b, hi_b = np.percentile(boot, [2.5, 97.5])
    assert low == pytest.approx(lo_b, abs=0.02)
    assert high == pytest.approx(hi_b, abs=0.02)


def test_auc_with_ties_matches_sklearn():
    y = np.array([1, 1, 0, 0, 1, 0])
    p = np.array([0.5, 0.5, 0.5, 0.2, 0.9, 0.9])
    assert auc_with_ci(y, p)[0] == pytest.approx(roc_auc_score(y, p))


def test_validity_coefficient_matches_scipy_pearson_interval():
    rng = np.random.default_rng(3)
    score = rng.standard_normal(150)
    outcome = (score + rng.standard_normal(150) > 0.5).astype(float)
    r, low, high = validity_coefficient(score, outcome)
    reference = stats.pearsonr(score, outcome)
    ci = reference.confidence_interval(0.95)
    assert r == pytest.approx(reference.statistic)
    assert (low, high) == pytest.approx((ci.low, ci.high), abs=1e-6)


@pytest.mark.parametrize(
    ("validity", "base_rate", "selection_ratio", "table_value"),
    # Taylor & Russell (1939) tables, rounded to two decimals there
    [(0.50, 0.50, 0.10, 0.84), (0.40, 0.50, 0.30, 0.69), (0.30, 0.30, 0.20, 0.46)],
)
def test_taylor_russell_matches_published_table(validity, base_rate, selection_ratio, table_value):
    assert taylor_russell(validity, base_rate, selection_ratio) == pytest.approx(
        table_value, abs=0.006
    )


@pytest.mark.parametrize(("r", "br", "sr"), [(0.35, 0.3, 0.1), (0.6, 0.2, 0.5), (-0.2, 0.4, 0.3)])
def test_taylor_russell_matches_numerical_integration(r, br, sr):
    x_cut, y_cut = stats.norm.ppf(1 - sr), stats.norm.ppf(1 - br)

    def success_density(x):
        return stats.norm.pdf(x) * stats.norm.sf((y_cut - r * x) / np.sqrt(1 - r * r))

    joint, _ = integrate.quad(success_density, x_cut, np.inf)
    assert taylor_russell(r, br, sr) == pytest.approx(joint / sr, abs=1e-5)


def test_zero_validity_gives_the_base_rate():
    assert taylor_russell(0.0, 0.3, 0.2) == pytest.approx(0.3, abs=1e-5)


def test_biserial_conversion_recovers_latent_correlation():
    rng = np.random.default_rng(4)
    latent = rng.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], 200_000)
    y = latent[:, 1] > stats.norm.ppf(0.7)
    r_pb = np.corrcoef(latent[:, 0], y)[0, 1]
    assert biserial_from_point_biserial(r_pb, y.mean()) == pytest.approx(0.5, abs=0.01)


@pytest.mark.parametrize(
    ("validity", "selection_ratio", "hand"),
    [
        # SR = .5 cuts at z = 0, phi(0) = 1/sqrt(2 pi) = .398942: .5 x .398942 / .5
        (0.5, 0.5, 0.5 / np.sqrt(2 * np.pi) / 0.5),
        # SR = .1 cuts at z = 1.281552, phi = .175498: .3 x .175498 / .1 = .526494
        (0.3, 0.1, 0.526494),
        (0.0, 0.2, 0.0),
        (0.4, 1.0, 0.0),  # hiring everyone gives the average
    ],
)
def test_naylor_shine_matches_hand_values(validity, selection_ratio, hand):
    assert naylor_shine(validity, selection_ratio) == pytest.approx(hand, abs=1e-6)


@pytest.mark.parametrize(("r", "sr"), [(0.35, 0.1), (0.6, 0.3), (0.25, 0.5)])
def test_naylor_shine_matches_a_monte_carlo_selection(r, sr):
    rng = np.random.default_rng(11)
    x, y = rng.multivariate_normal([0, 0], [[1, r], [r, 1]], 400_000).T
    hired = x > np.quantile(x, 1 - sr)
    assert naylor_shine(r, sr) == pytest.approx(y[hired].mean(), abs=0.01)


def test_expected_outcomes_give_naylor_shine_from_the_latent_validity():
    rng = np.random.default_rng(12)
    score = rng.standard_normal(400)
    y = (score + rng.standard_normal(400) > 0.5).astype(int)
    r = float(np.corrcoef(score, y)[0, 1])
    rows = expected_outcomes(y, score, r, shares=(0.2,))
    latent = biserial_from_point_biserial(r, y.mean())
    assert rows[0].naylor_shine == pytest.approx(naylor_shine(latent, 0.2))
    assert rows[0].to_dict()["naylor_shine"] == rows[0].naylor_shine


def test_empirical_success_ratio_takes_the_top_share():
    y = np.array([1, 0, 1, 1, 0, 0, 0, 0, 1, 0])
    score = np.arange(10)[::-1].astype(float)  # person 0 has the highest score
    assert empirical_success_ratio(y, score, 0.3) == (pytest.approx(2 / 3), 3)
    rows = expected_outcomes(y, score, 0.3, shares=(0.1, 0.5))
    assert [r.n_selected for r in rows] == [1, 5]
    assert rows[1].empirical == pytest.approx(3 / 5)
    assert rows[0].taylor_russell is not None


def test_drift_flags_large_standardized_shifts_only():
    rng = np.random.default_rng(5)
    old = rng.standard_normal((500, 2))
    new = rng.standard_normal((500, 2)) + [0.8, 0.1]
    result = {d.feature_id: d for d in pool_drift(old, new, ["warmth", "listening"])}
    pooled = np.sqrt((old[:, 0].var(ddof=1) + new[:, 0].var(ddof=1)) / 2)
    assert result["warmth"].d == pytest.approx((new[:, 0].mean() - old[:, 0].mean()) / pooled)
    assert result["warmth"].warning and "higher" in result["warmth"].warning
    assert result["listening"].warning is None
