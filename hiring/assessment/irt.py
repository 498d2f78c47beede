"""The graded response model: category probabilities, information, EAP scores and the MML fit.

Samejima's graded response model for an item with categories ``0..K-1`` (the questionnaire's
answers ``1..K`` after minus-keyed items are reversed) gives the chance of answering in
category ``k`` or above at trait level θ as ``1 / (1 + exp(-a (θ - b_k)))`` for ``k = 1..K-1``;
the chance of exactly ``k`` is the difference of two neighbours. ``a`` is the item's
discrimination and ``b`` its ``K-1`` ordered thresholds, on the scale of a standard normal θ in
the calibration sample. ``fit_grm`` estimates them by marginal maximum likelihood (Bock and
Aitkin's EM over a fixed quadrature), with standard errors from the cross-product of the
respondents' marginal score vectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize

from hiring.store.plurals import plural

# The fixed θ grid of EAP scores: wide enough that a N(0, 1) prior has no mass beyond it.
EAP_POINTS = 121
EAP_HALF_WIDTH = 6.0
# The calibration: fixed quadrature, and the documented rule for "too few for stable parameters".
FIT_NODES = np.linspace(-5.0, 5.0, 41)
INFORMATION_GRID = tuple(float(t) for t in np.linspace(-3.0, 3.0, 13))
MIN_RESPONDENTS = 500  # fewer answers to an item than this: its parameters are unstable
MIN_CATEGORY = 10  # fewer answers than this in any category: its threshold is unstable
RMSD_LIMIT = 0.1  # item misfit: observed and expected category shares differ by more than this


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
    sd = float(np.sqrt(max(float(post @ (nodes - mean) ** 2), 0.0)))
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


@dataclass(frozen=True)
class GRMFit:
    """A calibration: items with SEs, test information per scale, item fit and warnings."""

    items: tuple[GRMItem, ...]
    respondents: dict[str, int]
    log_likelihood: dict[str, float]
    iterations: dict[str, int]
    converged: dict[str, bool]
    item_fit: dict[str, float]
    information: dict[str, tuple[float, ...]]
    theta_grid: tuple[float, ...] = INFORMATION_GRID
    warnings: tuple[str, ...] = field(default_factory=tuple)


def _pack(a: float, b: np.ndarray) -> np.ndarray:
    return np.concatenate([[np.log(a), b[0]], np.log(np.maximum(np.diff(b), 1e-3))])


def _unpack(x: np.ndarray) -> tuple[float, np.ndarray]:
    return float(np.exp(x[0])), x[1] + np.concatenate([[0.0], np.cumsum(np.exp(x[2:]))])


def _log_probabilities(a: float, b: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    return np.log(category_probabilities(GRMItem("", "", a, tuple(b)), nodes))


def _m_step(counts: np.ndarray, start: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """Maximise one item's expected complete-data log-likelihood over (log a, b1, log gaps)."""

    def loss(x: np.ndarray) -> tuple[float, np.ndarray]:
        a, b = _unpack(x)
        value = -float(np.sum(counts * _log_probabilities(a, b, nodes)))
        grad = np.einsum("qk,qkp->p", counts, _scores(a, b, nodes))
        # chain rule to (log a, b1, log gaps): b_t = b1 + the gaps up to t
        tail = np.cumsum(grad[1:][::-1])[::-1]
        natural = np.concatenate([[grad[0] * a, tail[0]], np.exp(x[2:]) * tail[1:]])
        return value, -natural

    found = minimize(loss, start, jac=True, method="BFGS", options={"maxiter": 25}).x
    # keep a and the gaps in a range where an empty category cannot run them off to infinity
    return np.concatenate([[np.clip(found[0], -3.0, 2.1), np.clip(found[1], -8.0, 8.0)],
                           np.clip(found[2:], -7.0, 2.5)])  # fmt: skip


def _start(x: np.ndarray, categories: int) -> np.ndarray:
    seen = x[~np.isnan(x)]
    above = [(np.sum(seen >= k) + 0.5) / (len(seen) + 1.0) for k in range(1, categories)]
    b = -np.log(np.array(above) / (1 - np.array(above)))
    return _pack(1.0, np.maximum.accumulate(b + np.arange(len(b)) * 1e-3))


def _posterior(
    x: np.ndarray, params: list[np.ndarray], nodes: np.ndarray, prior: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    log_like = np.tile(np.log(prior), (len(x), 1))
    for j, param in enumerate(params):
        seen = ~np.isnan(x[:, j])
        log_like[seen] += _log_probabilities(*_unpack(param), nodes)[:, x[seen, j].astype(int)].T
    post = np.exp(log_like - log_like.max(axis=1, keepdims=True))
    return post / post.sum(axis=1, keepdims=True), log_like


def _fit_scale(x: np.ndarray, categories: int, max_iter: int, tol: float):
    """EM for one scale's items; returns parameters, posterior, log-likelihood, iterations."""
    nodes = FIT_NODES
    prior = np.exp(-0.5 * nodes**2)
    prior /= prior.sum()
    params = [_start(x[:, j], categories) for j in range(x.shape[1])]
    onehot = [np.eye(categories)[np.nan_to_num(x[:, j]).astype(int)] for j in range(x.shape[1])]
    previous, converged, iteration = -np.inf, False, 0
    for iteration in range(1, max_iter + 1):  # noqa: B007 (the count is reported)
        post, log_like = _posterior(x, params, nodes, prior)
        peak = log_like.max(axis=1)
        total = float(np.sum(peak + np.log(np.exp(log_like - peak[:, None]).sum(axis=1))))
        for j in range(x.shape[1]):
            seen = ~np.isnan(x[:, j])
            params[j] = _m_step(post[seen].T @ onehot[j][seen], params[j], nodes)
        if abs(total - previous) < tol * abs(total):
            converged = True
            break
        previous = total
    post, _ = _posterior(x, params, nodes, prior)
    return params, post, total, iteration, converged


def _scores(a: float, b: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """d log P(k | θ_q) / d(a, b_1..b_K-1), shape (nodes, K, 1 + K-1)."""
    k_max = len(b) + 1
    star = _cumulative(GRMItem("", "", a, tuple(b)), nodes)
    slope = star * (1 - star)
    p = np.clip(star[:, :-1] - star[:, 1:], 1e-300, None)
    d_a = np.zeros_like(star)
    d_a[:, 1:-1] = slope[:, 1:-1] * (nodes[:, None] - b[None, :])
    grad = np.zeros((len(nodes), k_max, k_max))
    grad[:, :, 0] = (d_a[:, :-1] - d_a[:, 1:]) / p
    for t in range(1, k_max):  # threshold b_t moves P*_t: category t-1 gains, t loses
        grad[:, t, t] = -a * slope[:, t] / p[:, t]
        grad[:, t - 1, t] = a * slope[:, t] / p[:, t - 1]
    return grad


def _standard_errors(x, params, post) -> list[np.ndarray]:
    """SEs of (a, b) from the cross-product of the respondents' marginal score vectors."""
    blocks = []
    for j, param in enumerate(params):
        a, b = _unpack(param)
        grad = _scores(a, b, FIT_NODES)
        block = np.zeros((len(x), len(b) + 1))
        seen = ~np.isnan(x[:, j])
        cats = x[seen, j].astype(int)
        block[seen] = np.einsum("nq,nqp->np", post[seen], grad[:, cats, :].transpose(1, 0, 2))
        blocks.append(block)
    scores = np.hstack(blocks)
    covariance = np.linalg.pinv(scores.T @ scores)
    se = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    width = blocks[0].shape[1]
    return [se[j * width : (j + 1) * width] for j in range(len(params))]


def _rmsd(x_j: np.ndarray, post: np.ndarray, a: float, b: np.ndarray, categories: int) -> float:
    """The largest category RMSD of observed (posterior-weighted) against expected shares."""
    seen = ~np.isnan(x_j)
    counts = post[seen].T @ np.eye(categories)[x_j[seen].astype(int)]
    mass = counts.sum(axis=1)
    observed = counts / np.maximum(mass, 1e-12)[:, None]
    expected = np.exp(_log_probabilities(a, b, FIT_NODES))
    weights = mass / mass.sum()
    return float(np.sqrt(weights @ (observed - expected) ** 2).max())


def fit_grm(
    responses: np.ndarray,
    item_ids: Sequence[str],
    scales: Sequence[str],
    categories: int,
    *,
    max_iter: int = 500,
    tol: float = 1e-7,
) -> GRMFit:
    """Fit a unidimensional graded response model to each scale's items by MML (EM).

    Parameters
    ----------
    responses : ndarray of shape (respondents, items)
        Keyed categories ``0..categories-1``, NaN where unanswered.
    item_ids, scales : sequences of str
        Each column's item id and scale; every scale is fitted on its own, θ ~ N(0, 1).
    categories : int
        How many answer categories every item has.
    """
    x = np.asarray(responses, dtype=float)
    if x.ndim != 2 or x.shape[1] != len(item_ids) or len(item_ids) != len(scales):
        raise ValueError("one item id and one scale per column")
    seen_values = x[~np.isnan(x)]
    if np.any((seen_values < 0) | (seen_values >= categories) | (seen_values % 1 != 0)):
        raise ValueError(f"responses must be whole categories 0..{categories - 1}")
    items, fit, info, warnings = {}, {}, {}, []
    respondents, loglik, iterations, converged = {}, {}, {}, {}
    for scale in dict.fromkeys(scales):
        cols = [j for j, s in enumerate(scales) if s == scale]
        rows = ~np.all(np.isnan(x[:, cols]), axis=1)
        block = x[np.ix_(rows, cols)]
        params, post, total, its, done = _fit_scale(block, categories, max_iter, tol)
        ses = _standard_errors(block, params, post)
        respondents[scale], loglik[scale] = int(rows.sum()), total
        iterations[scale], converged[scale] = its, done
        if not done:
            warnings.append(f"{scale}: the fit did not converge in {its} iterations")
        for j, param, se in zip(cols, params, ses, strict=True):
            a, b = _unpack(param)
            items[j] = GRMItem(
                item_ids[j], scale, a, tuple(float(v) for v in b), float(se[0]),
                tuple(float(v) for v in se[1:]),
            )  # fmt: skip
            fit[item_ids[j]] = _rmsd(block[:, cols.index(j)], post, a, b, categories)
            warnings.extend(_sparse(item_ids[j], x[:, j], categories))
        grid = np.array(INFORMATION_GRID)
        info[scale] = tuple(float(v) for v in scale_information([items[j] for j in cols], grid))
    return GRMFit(
        tuple(items[j] for j in range(len(item_ids))), respondents, loglik, iterations,
        converged, fit, info, INFORMATION_GRID, tuple(warnings),
    )  # fmt: skip


def _sparse(item_id: str, x_j: np.ndarray, categories: int) -> list[str]:
    """The documented too-few-data rule for one item, as plain warnings."""
    seen = x_j[~np.isnan(x_j)].astype(int)
    problems = []
    if len(seen) < MIN_RESPONDENTS:
        problems.append(
            f"{item_id}: only {plural(len(seen), 'answer')} (fewer than {MIN_RESPONDENTS}); "
            "its parameters are not stable"
        )
    counts = np.bincount(seen, minlength=categories)
    thin = [str(k + 1) for k in range(categories) if counts[k] < MIN_CATEGORY]
    if thin:
        problems.append(
            f"{item_id}: fewer than {MIN_CATEGORY} answers in keyed categor"
            f"{'y' if len(thin) == 1 else 'ies'} {', '.join(thin)}; its thresholds are not stable"
        )
    return problems
