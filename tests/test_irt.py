"""The graded response model's maths, against values worked out independently."""

import math

import numpy as np
import pytest
from scipy import integrate, stats

from hiring.assessment.irt import (
    GRMItem,
    category_probabilities,
    eap,
    expected_scale_score,
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
