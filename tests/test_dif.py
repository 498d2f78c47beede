"""Item DIF by ordinal logistic regression: the likelihood, the tests and the effect classes."""

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from hiring.fairness.dif import (
    _negative_log_likelihood,
    effect_class,
    fit_ordinal,
    item_dif,
    nagelkerke_r2,
    null_log_likelihood,
)


def graded_responses(n: int, seed: int, shift: float = 0.0, slope_gap: float = 0.0):
    """Six 5-point items of one trait; item 0 carries DIF of size ``shift`` for the group."""
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal(n)
    group = rng.random(n) < 0.5
    cuts = np.array([-1.5, -0.5, 0.5, 1.5])
    answers = np.empty((n, 6), dtype=int)
    for j in range(6):
        slope = np.full(n, 1.7)
        location = theta * slope
        if j == 0:
            location = location + group * (shift + slope_gap * theta)
        latent = location + rng.logistic(size=n)
        answers[:, j] = 1 + (latent[:, None] > cuts * 1.7).sum(axis=1)
    return answers, group


def test_the_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 2))
    y = rng.integers(0, 4, 200)
    params = np.array([-1.0, 0.2, -0.3, 0.5, -0.4])
    _, gradient = _negative_log_likelihood(params, x, y, 4)
    numeric = approx_fprime(params, lambda p: _negative_log_likelihood(p, x, y, 4)[0], 1e-6)
    assert gradient == pytest.approx(numeric, rel=1e-4, abs=1e-4)


def test_two_categories_give_the_log_likelihood_of_ordinary_logistic_regression():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(1)
    x = rng.standard_normal((400, 2))
    y = (rng.random(400) < 1 / (1 + np.exp(-(x @ [1.0, -0.5])))).astype(int)
    reference = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(x, y)
    p = reference.predict_proba(x)[:, 1]
    expected = float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
    assert fit_ordinal(x, y).log_likelihood == pytest.approx(expected, abs=1e-4)


def test_the_null_model_and_nagelkerke_by_hand():
    y = np.array([0, 0, 1, 1, 1, 2])
    assert null_log_likelihood(y) == pytest.approx(
        2 * np.log(2 / 6) + 3 * np.log(3 / 6) + np.log(1 / 6)
    )
    # Cox-Snell 1 - exp(2 (L0 - L) / n) over its maximum 1 - exp(2 L0 / n)
    assert nagelkerke_r2(-4.0, -6.0, 10) == pytest.approx((1 - np.exp(-0.4)) / (1 - np.exp(-1.2)))


@pytest.mark.parametrize(
    ("delta", "significant", "bounds", "expected"),
    [
        (0.02, True, (0.035, 0.070), "A"),
        (0.05, True, (0.035, 0.070), "B"),
        (0.09, True, (0.035, 0.070), "C"),
        (0.09, False, (0.035, 0.070), "A"),
        (0.20, True, (0.13, 0.26), "B"),
        (0.30, True, (0.13, 0.26), "C"),
    ],
)
def test_effect_classes_follow_jodoin_gierl_and_zumbo_thomas(delta, significant, bounds, expected):
    assert effect_class(delta, significant, bounds) == expected


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(5))
def test_a_planted_uniform_dif_item_is_flagged_and_a_null_item_is_not(seed):
    answers, group = graded_responses(1000, seed, shift=-1.8)
    total = answers.sum(axis=1)
    planted = item_dif(answers[:, 0], total, group, "i0", "Group A")
    assert planted.uniform_p < 0.01 and planted.flagged and planted.direction == "lower"
    null = [item_dif(answers[:, j], total, group, f"i{j}", "Group A") for j in range(1, 6)]
    assert not any(row.flagged for row in null)


@pytest.mark.slow
def test_a_planted_non_uniform_dif_item_shows_in_the_interaction_test():
    answers, group = graded_responses(1500, 11, slope_gap=-1.5)
    planted = item_dif(answers[:, 0], answers.sum(axis=1), group, "i0", "Group A")
    assert planted.nonuniform_p < 0.01 and planted.flagged
