"""The graded response model: category probabilities, information, EAP scores and the MML fit.

Samejima's graded response model for an item with categories ``0..K-1`` (the questionnaire's
answers ``1..K`` after minus-keyed items are reversed) gives the chance of answering in
category ``k`` or above at trait level θ as ``1 / (1 + exp(-a (θ - b_k)))`` for ``k = 1..K-1``;
the chance of exactly ``k`` is the difference of two neighbours. ``a`` is the item's
discrimination and ``b`` its ``K-1`` ordered thresholds, on the scale of a standard normal θ in
the calibration sample. The fit is in :mod:`hiring.assessment.irt_fit`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# The fixed θ grid of EAP scores: wide enough that a N(0, 1) prior has no mass beyond it.
EAP_POINTS = 121
EAP_HALF_WIDTH = 6.0


@dataclass(frozen=True)
class GRMItem:
    """Graded-response parameters of one item's keyed answers (categories ``0..len(b)``)."""

    id: str
    scale: str
    a: float
    b: tuple[float, ...]
    a_se: float | None = None
    b_se: tuple[float, ...] | None = None

    @property
    def categories(self) -> int:
        """How many answer categories the item has (thresholds + 1)."""
        return len(self.b) + 1


def _cumulative(item: GRMItem, theta: np.ndarray) -> np.ndarray:
    """P(answer >= k) for k = 0..K, shape (len(theta), K+1): a column of 1s, the K-1 curves, 0s."""
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    z = item.a * (theta[:, None] - np.asarray(item.b, dtype=float)[None, :])
    inner = 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))
    ones = np.ones((len(theta), 1))
    return np.hstack([ones, inner, np.zeros((len(theta), 1))])


def category_probabilities(item: GRMItem, theta: np.ndarray) -> np.ndarray:
    """Return P(category k | θ) for every θ, shape ``(len(theta), K)``; rows sum to 1."""
    star = _cumulative(item, theta)
    return np.clip(star[:, :-1] - star[:, 1:], 1e-300, 1.0)


def item_information(item: GRMItem, theta: np.ndarray) -> np.ndarray:
    """Return the item's Fisher information at every θ (Samejima, 1969), shape ``(len(theta),)``.

    ``I(θ) = Σ_k P_k'(θ)² / P_k(θ)``, where ``P_k' = a (P*_k (1 - P*_k) - P*_{k+1} (1 - P*_{k+1}))``.
    """
    star = _cumulative(item, theta)
    slope = item.a * star * (1.0 - star)
    derivative = slope[:, :-1] - slope[:, 1:]
    p = category_probabilities(item, theta)
    return np.sum(derivative**2 / p, axis=1)


def scale_information(items: Sequence[GRMItem], theta: np.ndarray) -> np.ndarray:
    """Return the summed information of ``items`` at every θ (the scale's test information)."""
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    total = np.zeros(len(theta))
    for item in items:
        total += item_information(item, theta)
    return total


def eap_grid(prior_mean: float = 0.0, prior_sd: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Return the EAP quadrature: θ nodes and their normalised prior weights."""
    nodes = prior_mean + prior_sd * np.linspace(-EAP_HALF_WIDTH, EAP_HALF_WIDTH, EAP_POINTS)
    weights = np.exp(-0.5 * ((nodes - prior_mean) / prior_sd) ** 2)
    return nodes, weights / weights.sum()


def posterior(
    items: Sequence[GRMItem],
    categories: Sequence[int],
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the EAP grid's θ nodes and the posterior weights of θ given the keyed categories."""
    if len(items) != len(categories):
        raise ValueError("one category per item")
    nodes, weights = eap_grid(prior_mean, prior_sd)
    log_post = np.log(weights)
    for item, category in zip(items, categories, strict=True):
        if not 0 <= int(category) < item.categories:
            raise ValueError(f"{item.id}: category {category} outside 0..{item.categories - 1}")
        log_post = log_post + np.log(category_probabilities(item, nodes)[:, int(category)])
    post = np.exp(log_post - log_post.max())
    return nodes, post / post.sum()


def eap(
    items: Sequence[GRMItem],
    categories: Sequence[int],
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
) -> tuple[float, float]:
    """Return the expected a posteriori θ and its posterior SD (the SE) from keyed categories.

    With no items answered this is the prior: ``(prior_mean, prior_sd)``.
    """
    nodes, post = posterior(items, categories, prior_mean, prior_sd)
    mean = float(post @ nodes)
    sd = float(np.sqrt(max(post @ (nodes - mean) ** 2, 0.0)))
    return mean, sd


def expected_item_score(item: GRMItem, theta: np.ndarray) -> np.ndarray:
    """Return the expected keyed answer on the 1..K metric at every θ."""
    p = category_probabilities(item, theta)
    return p @ np.arange(1, item.categories + 1)


def expected_scale_score(items: Sequence[GRMItem], theta: float) -> float:
    """Return the reported 1..K scale score at θ: the mean expected keyed answer over ``items``.

    Pass ALL the scale's items (not only those asked): this is the documented mapping from an
    adaptive θ to the same 1-5 metric as the full form's scale mean of keyed answers.
    """
    if not items:
        raise ValueError("a scale score needs the scale's items")
    at = np.array([float(theta)])
    return float(np.mean([expected_item_score(item, at)[0] for item in items]))
