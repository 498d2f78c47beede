"""The graded response model's maths, against values worked out independently."""

import math

import numpy as np
import pytest
from scipy import integrate, stats

from hiring.assessment.irt import (
    RMSD_LIMIT,
    GRMItem,
    category_probabilities,
    eap,
    expected_scale_score,
    fit_grm,
    item_information,
    scale_information,
)

ITEM = GRMItem("w1", "warmth", 1.7, (-1.5, -0.4, 0.6, 1.8))


def _by_hand(theta: float) -> list[float]:
    star = [1.0] + [1 / (1 + math.exp(-1.7 * (theta - b))) for b in ITEM.b] + [0.0]
    return [star[k] - star[k + 1] for k in range(5)]


@pytest.mark.parametrize("theta", [-3.0, -0.4, 0.0, 1.1, 2.5])
def test_category_probabilities_are_differences_of_the_boundary_curves(theta):
    got = category_probabilities(ITEM, np.array([theta]))[0]
    assert got == pytest.approx(_by_hand(theta), abs=1e-12)
    assert got.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("theta", [-2.0, 0.0, 0.9, 3.0])
def test_item_information_matches_the_numerical_derivative_formula(theta):
    h = 1e-5
    p = np.array(_by_hand(theta))
    derivative = (np.array(_by_hand(theta + h)) - np.array(_by_hand(theta - h))) / (2 * h)
    assert item_information(ITEM, np.array([theta]))[0] == pytest.approx(
        np.sum(derivative**2 / p), rel=1e-6
    )


def test_information_of_a_two_category_item_is_the_2pl_formula():
    item = GRMItem("x", "s", 1.3, (0.5,))
    theta = np.linspace(-3, 3, 13)
    p = 1 / (1 + np.exp(-1.3 * (theta - 0.5)))
    assert item_information(item, theta) == pytest.approx(1.3**2 * p * (1 - p))
    assert scale_information([item, item], theta) == pytest.approx(2 * 1.3**2 * p * (1 - p))


def test_eap_matches_direct_integration_of_the_posterior():
    other = GRMItem("w2", "warmth", 0.9, (-2.0, -1.0, 0.2, 1.0))
    answers = [(ITEM, 3), (other, 1)]

    def posterior(theta, power):
        like = math.prod(_prob(item, theta, k) for item, k in answers)
        return theta**power * like * stats.norm.pdf(theta, 0.3, 1.2)

    norm = integrate.quad(posterior, -12, 12, args=(0,))[0]
    mean = integrate.quad(posterior, -12, 12, args=(1,))[0] / norm
    second = integrate.quad(posterior, -12, 12, args=(2,))[0] / norm
    theta, se = eap([ITEM, other], [3, 1], prior_mean=0.3, prior_sd=1.2)
    assert theta == pytest.approx(mean, abs=1e-4)
    assert se == pytest.approx(math.sqrt(second - mean**2), abs=1e-4)


def _prob(item, theta, k):
    return category_probabilities(item, np.array([theta]))[0, k]


def test_eap_without_answers_is_the_prior():
    assert eap([], []) == pytest.approx((0.0, 1.0), abs=1e-6)


def test_eap_refuses_a_category_the_item_does_not_have():
    with pytest.raises(ValueError, match="outside 0..4"):
        eap([ITEM], [5])


def test_expected_scale_score_runs_from_one_to_five_and_rises_with_theta():
    items = [ITEM, GRMItem("w2", "warmth", 0.9, (-2.0, -1.0, 0.2, 1.0))]
    low, mid, high = (expected_scale_score(items, t) for t in (-8.0, 0.0, 8.0))
    assert low == pytest.approx(1.0, abs=0.01)
    assert high == pytest.approx(5.0, abs=0.01)
    assert low < mid < high
    by_hand = np.mean([np.dot(_by_hand(0.0), [1, 2, 3, 4, 5]), _expected(items[1], 0.0)])
    assert mid == pytest.approx(by_hand)


def _expected(item, theta):
    return float(category_probabilities(item, np.array([theta]))[0] @ np.arange(1, 6))


def _simulate(items, n, rng):
    theta = rng.normal(size=n)
    x = np.empty((n, len(items)))
    for j, item in enumerate(items):
        p = category_probabilities(item, theta)
        x[:, j] = (p.cumsum(axis=1) < rng.random((n, 1))).sum(axis=1)
    return x


@pytest.mark.slow
def test_fit_grm_recovers_simulated_discriminations_and_thresholds():
    rng = np.random.default_rng(11)
    true = [
        GRMItem(f"{s}{j}", s, float(rng.uniform(0.7, 2.5)), tuple(np.sort(rng.normal(0, 1.2, 4))))
        for s in ("warmth", "energy")
        for j in range(8)
    ]
    x = _simulate(true[:8], 1000, rng)
    x = np.hstack([x, _simulate(true[8:], 1000, rng)])
    x[rng.random(x.shape) < 0.03] = np.nan
    fit = fit_grm(x, [i.id for i in true], [i.scale for i in true], 5)
    a, a_hat = np.array([i.a for i in true]), np.array([i.a for i in fit.items])
    b, b_hat = np.array([i.b for i in true]), np.array([i.b for i in fit.items])
    assert np.corrcoef(a, a_hat)[0, 1] >= 0.8
    assert np.corrcoef(b.ravel(), b_hat.ravel())[0, 1] >= 0.9
    # the SEs are honest: the errors, in SE units, have a variance near 1
    z = np.concatenate(
        [
            (a_hat - a) / [i.a_se for i in fit.items],
            ((b_hat - b) / [i.b_se for i in fit.items]).ravel(),
        ]
    )
    assert 0.4 <= np.mean(z**2) <= 2.0
    assert all(fit.converged.values()) and fit.respondents == {"warmth": 1000, "energy": 1000}
    assert max(fit.item_fit.values()) < RMSD_LIMIT
    information = fit.information["warmth"]
    assert information[fit.theta_grid.index(0.0)] == pytest.approx(
        scale_information(fit.items[:8], np.array([0.0]))[0]
    )


def test_fit_grm_warns_when_data_are_too_few_for_stable_parameters():
    rng = np.random.default_rng(2)
    true = [GRMItem(f"i{j}", "s", 1.5, (-1.0, -0.3, 0.4, 1.2)) for j in range(4)]
    fit = fit_grm(_simulate(true, 120, rng), [i.id for i in true], ["s"] * 4, 5)
    assert any("only 120 answers (fewer than 500)" in w for w in fit.warnings)


def test_fit_grm_flags_an_item_the_model_does_not_fit():
    rng = np.random.default_rng(5)
    true = [GRMItem(f"i{j}", "s", 1.8, (-1.2, -0.4, 0.4, 1.2)) for j in range(6)]
    x = _simulate(true, 800, rng)
    x[:, 5] = rng.integers(0, 5, 800)  # answered at random: unrelated to θ
    fit = fit_grm(x, [i.id for i in true], ["s"] * 6, 5)
    worst = max(fit.item_fit, key=fit.item_fit.get)
    assert worst == "i5"


def test_fit_grm_refuses_answers_outside_the_categories():
    with pytest.raises(ValueError, match="0..4"):
        fit_grm(np.array([[0.0, 5.0]]), ["a", "b"], ["s", "s"], 5)
