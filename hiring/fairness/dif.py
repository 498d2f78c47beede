"""Item-level differential item functioning (DIF) by ordinal logistic regression (Zumbo, 1999).

For each Likert item and each group studied, three proportional-odds (cumulative logit)
models of the item's answer are fitted, with the scale's total score (the sum of its keyed
items, this one included) as the matching criterion:

1. ``total``;
2. ``total + group`` (uniform DIF: the item is easier or harder for the group at every level);
3. ``total + group + total x group`` (non-uniform DIF: the gap changes with the level).

Nested models are compared by likelihood-ratio tests: 2 vs 1 (1 df) for uniform DIF, 3 vs 2
(1 df) for non-uniform DIF, and 3 vs 1 (2 df) for any DIF. The effect size is the gain in
Nagelkerke's pseudo-R² from model 1 to model 3, classified as

* Jodoin & Gierl (2001): A (negligible) below .035, B (moderate) .035 to .070, C (large) from
  .070;
* Zumbo & Thomas (1997): A below .13, B .13 to .26, C from .26;

a class above A needs the 2-df test to be significant at ``ALPHA`` (.01, Zumbo's choice).
An item is flagged for review when its Jodoin-Gierl class is B or C. Flagged items are shown
to people to review; nothing is dropped or rescored here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

ALPHA = 0.01
JODOIN_GIERL = (0.035, 0.070)
ZUMBO_THOMAS = (0.13, 0.26)
MIN_DIF_GROUP = 30  # people in the group studied and in the rest, on top of the small-cell rules


@dataclass(frozen=True)
class OrdinalFit:
    """A fitted proportional-odds model: its log-likelihood and number of parameters."""

    log_likelihood: float
    parameters: int


@dataclass(frozen=True)
class ItemDif:
    """The DIF tests and effect size of one item for one group against everyone else."""

    item_id: str
    group: str
    n: int
    n_group: int
    uniform_chi2: float
    uniform_p: float
    nonuniform_chi2: float
    nonuniform_p: float
    any_chi2: float
    any_p: float
    delta_r2: float  # Nagelkerke R² of model 3 minus model 1
    jodoin_gierl: str  # A, B or C
    zumbo_thomas: str
    direction: (
        str  # "higher" or "lower": the group's answers at the same total; "" if no uniform DIF
    )

    @property
    def flagged(self) -> bool:
        """Whether the item should be reviewed for this group (Jodoin-Gierl B or C)."""
        return self.jodoin_gierl in ("B", "C")

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict (with ``flagged``)."""
        return {**asdict(self), "flagged": self.flagged}


def _negative_log_likelihood(
    params: np.ndarray, x: np.ndarray, y: np.ndarray, k: int
) -> tuple[float, np.ndarray]:
    """Cumulative-logit negative log-likelihood and gradient.

    ``params`` holds the first cut, the log-gaps between cuts (so they stay ordered), then the
    slopes; P(Y <= j) = logistic(cut_j - x @ beta).
    """
    from scipy.special import expit

    first, log_gaps, beta = params[0], params[1 : k - 1], params[k - 1 :]
    cuts = first + np.concatenate([[0.0], np.cumsum(np.exp(log_gaps))])
    eta = x @ beta
    upper = np.where(y < k - 1, cuts[np.minimum(y, k - 2)] - eta, np.inf)
    lower = np.where(y > 0, cuts[np.maximum(y - 1, 0)] - eta, -np.inf)
    f_upper, f_lower = expit(upper), expit(lower)
    prob = np.maximum(f_upper - f_lower, 1e-300)
    d_upper, d_lower = f_upper * (1 - f_upper), f_lower * (1 - f_lower)
    # derivative of log p with respect to each cut j: d_upper if j == y, -d_lower if j == y - 1
    d_cut = np.zeros((y.size, k - 1))
    rows = np.arange(y.size)
    has_upper, has_lower = y < k - 1, y > 0
    d_cut[rows[has_upper], y[has_upper]] += d_upper[has_upper] / prob[has_upper]
    d_cut[rows[has_lower], y[has_lower] - 1] -= d_lower[has_lower] / prob[has_lower]
    d_eta = -(d_upper - d_lower) / prob
    grad_cuts = d_cut.sum(axis=0)
    # cuts_j = first + sum_{m <= j} exp(log_gap_m): d/d first = sum of all, d/d log_gap_m
    # = exp(log_gap_m) * sum of the cuts at or after m
    grad_first = grad_cuts.sum()
    grad_gaps = np.exp(log_gaps) * np.cumsum(grad_cuts[::-1])[::-1][1:]
    gradient = np.concatenate([[grad_first], grad_gaps, x.T @ d_eta])
    return -float(np.log(prob).sum()), -gradient


def fit_ordinal(x: np.ndarray, y: np.ndarray) -> OrdinalFit:
    """Fit ``P(Y <= j) = logistic(cut_j - x @ beta)`` by maximum likelihood (BFGS).

    ``y`` holds categories 0..K-1 (each present at least once); ``x`` has no constant column.
    With K = 2 this is ordinary logistic regression.
    """
    from scipy.optimize import minimize

    k = int(y.max()) + 1
    counts = np.bincount(y, minlength=k)
    cumulative = np.clip(np.cumsum(counts)[:-1] / y.size, 1e-6, 1 - 1e-6)
    cuts = np.log(cumulative / (1 - cumulative))
    start = np.concatenate(
        [[cuts[0]], np.log(np.maximum(np.diff(cuts), 1e-3)), np.zeros(x.shape[1])]
    )
    result = minimize(
        _negative_log_likelihood, start, args=(x, y, k), jac=True, method="BFGS",
        options={"gtol": 1e-6, "maxiter": 1000},
    )  # fmt: skip
    return OrdinalFit(-float(result.fun), start.size)


def null_log_likelihood(y: np.ndarray) -> float:
    """Log-likelihood of the model with cuts only: the observed category shares."""
    counts = np.bincount(y)
    counts = counts[counts > 0]
    return float((counts * np.log(counts / y.size)).sum())


def nagelkerke_r2(log_likelihood: float, null: float, n: int) -> float:
    """Nagelkerke's pseudo-R²: Cox-Snell's rescaled to reach 1."""
    cox_snell = 1 - np.exp(2 * (null - log_likelihood) / n)
    return float(cox_snell / (1 - np.exp(2 * null / n)))


def effect_class(delta_r2: float, significant: bool, bounds: tuple[float, float]) -> str:
    """Classify a ΔR² as A (negligible), B (moderate) or C (large); A unless significant."""
    if not significant or delta_r2 < bounds[0]:
        return "A"
    return "B" if delta_r2 < bounds[1] else "C"


def item_dif(
    answers: np.ndarray, total: np.ndarray, in_group: np.ndarray, item_id: str, group: str
) -> ItemDif:
    """Test one item for uniform and non-uniform DIF of ``group`` against everyone else.

    Parameters
    ----------
    answers : ndarray of int
        The item's answers (any ordered codes; they are ranked into 0..K-1).
    total : ndarray
        The matching criterion, the scale's total score.
    in_group : ndarray of bool
        True for members of the group studied, False for everyone else with a known answer.
    """
    from scipy.stats import chi2

    _, y = np.unique(np.asarray(answers), return_inverse=True)
    total = np.asarray(total, dtype=float)
    z = (total - total.mean()) / (total.std() or 1.0)  # scaling helps the optimiser only
    g = np.asarray(in_group, dtype=float)
    fits = [fit_ordinal(np.column_stack(columns), y) for columns in ([z], [z, g], [z, g, z * g])]
    ll = [f.log_likelihood for f in fits]
    uniform, nonuniform, both = (
        max(0.0, 2 * d) for d in (ll[1] - ll[0], ll[2] - ll[1], ll[2] - ll[0])
    )
    null = null_log_likelihood(y)
    delta = nagelkerke_r2(ll[2], null, y.size) - nagelkerke_r2(ll[0], null, y.size)
    any_p = float(chi2.sf(both, 2))
    significant = any_p < ALPHA
    uniform_p = float(chi2.sf(uniform, 1))
    direction = ""
    if uniform_p < ALPHA:
        gap = np.mean(y[g == 1] - _expected(y, z)[g == 1])
        direction = "higher" if gap > 0 else "lower"
    return ItemDif(
        item_id, group, int(y.size), int(g.sum()), uniform, uniform_p, nonuniform,
        float(chi2.sf(nonuniform, 1)), both, any_p, max(0.0, delta),
        effect_class(delta, significant, JODOIN_GIERL),
        effect_class(delta, significant, ZUMBO_THOMAS), direction,
    )  # fmt: skip


def _expected(y: np.ndarray, z: np.ndarray) -> np.ndarray:
    """The answer expected from the total alone (a least-squares line), to sign a uniform DIF."""
    slope, intercept = np.polyfit(z, y.astype(float), 1)
    return intercept + slope * z
