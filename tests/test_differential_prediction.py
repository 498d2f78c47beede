"""The Cleary moderated regression: slope and intercept differences against reference values."""

import numpy as np
import pytest
from scipy import stats

from hiring.fairness.differential_prediction import (
    BINARY,
    CONTINUOUS,
    PredictionFitError,
    differential_prediction,
)


def simulate(n: int, seed: int, slope_gap: float = 0.0, intercept_gap: float = 0.0):
    rng = np.random.default_rng(seed)
    fit = rng.normal(50, 10, n)
    group = rng.random(n) < 0.4
    z = (fit - 50) / 10
    outcome = 3 + 0.5 * z + group * (intercept_gap + slope_gap * z) + rng.normal(0, 1, n)
    return fit, outcome, group


def test_the_differences_match_separate_regressions_per_group_by_hand():
    fit, outcome, group = simulate(120, 3, slope_gap=0.3, intercept_gap=0.2)
    result = differential_prediction(fit, outcome, group, "Women")
    z = (fit - fit.mean()) / fit.std(ddof=1)
    inside = stats.linregress(z[group], outcome[group])
    outside = stats.linregress(z[~group], outcome[~group])
    assert result.slope_difference == pytest.approx(inside.slope - outside.slope)
    assert result.intercept_difference == pytest.approx(inside.intercept - outside.intercept)
    assert result.slope_reference == pytest.approx(outside.slope)
    # the interaction's standard error with the pooled residual variance, by hand
    residuals = np.concatenate(
        [
            outcome[group] - (inside.intercept + inside.slope * z[group]),
            outcome[~group] - (outside.intercept + outside.slope * z[~group]),
        ]
    )
    sigma2 = residuals @ residuals / (fit.size - 4)
    sxx = [((z[g] - z[g].mean()) ** 2).sum() for g in (group, ~group)]
    se = np.sqrt(sigma2 * (1 / sxx[0] + 1 / sxx[1]))
    t = stats.t(fit.size - 4).ppf(0.975)
    low, high = result.slope_difference_ci
    assert (high - low) / 2 == pytest.approx(t * se)
    assert result.slope_p == pytest.approx(2 * stats.t(fit.size - 4).sf(abs(low + high) / 2 / se))
    assert result.outcome_kind == CONTINUOUS and result.n == 120


def test_logistic_estimates_match_scikit_learn_without_a_penalty():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(5)
    fit, group = rng.normal(0, 1, 600), rng.random(600) < 0.5
    z = (fit - fit.mean()) / fit.std(ddof=1)
    logit = -0.2 + 0.8 * z - 0.5 * group + 0.4 * z * group
    outcome = (rng.random(600) < 1 / (1 + np.exp(-logit))).astype(float)
    result = differential_prediction(fit, outcome, group, "Group A")
    design = np.column_stack([z, group, z * group])
    reference = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(design, outcome)
    assert result.intercept_difference == pytest.approx(reference.coef_[0][1], abs=1e-4)
    assert result.slope_difference == pytest.approx(reference.coef_[0][2], abs=1e-4)
    assert result.outcome_kind == BINARY and result.units == "log-odds of success"


@pytest.mark.parametrize("seed", range(10))
def test_a_planted_slope_difference_is_flagged(seed):
    fit, outcome, group = simulate(800, seed, slope_gap=0.4)
    result = differential_prediction(fit, outcome, group, "Group B")
    assert result.slope_p < 0.05
    assert result.slope_difference_ci[0] > 0
    assert result.reading.startswith("The fit predicts differently for Group B")


def test_a_null_difference_is_rarely_flagged_across_seeds():
    flagged = []
    for seed in range(60):
        fit, outcome, group = simulate(300, 100 + seed)
        result = differential_prediction(fit, outcome, group, "Group C")
        flagged.append(result.slope_p < 0.05)
        if result.slope_p >= 0.05 and result.intercept_p >= 0.05:
            assert result.reading.startswith("No clear difference")
    assert sum(flagged) <= 8  # about 3 expected at the 5% level


def test_an_intercept_difference_is_read_as_over_or_under_prediction():
    fit, outcome, group = simulate(1000, 9, intercept_gap=-0.6)
    result = differential_prediction(fit, outcome, group, "Group D")
    assert result.intercept_difference_ci[1] < 0
    assert "lower than everyone else's" in result.reading and "over-predicts" in result.reading


def test_a_constant_fit_or_separated_outcome_is_refused():
    with pytest.raises(PredictionFitError):
        differential_prediction(np.ones(20), np.arange(20.0), np.arange(20) % 2 == 0, "G")
    fit = np.arange(40.0)
    with pytest.raises(PredictionFitError):
        differential_prediction(fit, (fit > 20).astype(float), fit % 2 == 0, "G")
