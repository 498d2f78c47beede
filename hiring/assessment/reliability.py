"""Reliability of a questionnaire in a group of respondents: alpha, omega, SEM, item-total, split-half."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from hiring.assessment.omega import omega_with_interval
from hiring.assessment.questionnaire import Questionnaire
from hiring.assessment.scoring import keyed_trait_items, sjt_item_scores, trait_item_ids
from hiring.store.plurals import plural

ALPHA_WARNING = 0.70  # warn for a trait scale whose alpha is under this
CONFIDENCE = 0.95


@dataclass(frozen=True)
class ItemStatistic:
    """How one item behaves within its scale."""

    item_id: str
    mean: float | None
    sd: float | None
    corrected_item_total: float | None  # r with the sum of the scale's other items


@dataclass(frozen=True)
class ScaleReliability:
    """Internal consistency of one scale or competency, on complete cases."""

    id: str
    name: str
    kind: str  # "scale" | "competency"
    n: int  # respondents who answered every item of it
    k: int  # items
    alpha: float | None
    ci_low: float | None
    ci_high: float | None
    items: tuple[ItemStatistic, ...]
    omega: float | None = None  # McDonald's omega total, one-factor model
    omega_ci_low: float | None = None  # percentile bootstrap
    omega_ci_high: float | None = None
    sem: float | None = None  # SD of the score x sqrt(1 - omega), in score units
    sem_ci_low: float | None = None
    sem_ci_high: float | None = None


@dataclass(frozen=True)
class SplitHalf:
    """Odd/even split-half reliability of the whole SJT, stepped up with Spearman-Brown."""

    n: int
    r_halves: float | None
    spearman_brown: float | None


@dataclass
class ReliabilityReport:
    """Everything a psychologist needs to judge a questionnaire in one group."""

    questionnaire: str
    version: str
    respondents: int
    scales: list[ScaleReliability]
    competencies: list[ScaleReliability]
    sjt_split_half: SplitHalf | None
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (None for values that could not be computed)."""
        return asdict(self)


def _clean(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def cronbach_alpha(items: np.ndarray) -> float:
    """Cronbach's alpha of complete-case item scores.

    Parameters
    ----------
    items : ndarray, shape (n, k)
        Keyed item scores, no missing values.

    Returns
    -------
    float
        alpha = k / (k - 1) * (1 - sum(var_i) / var(total)), variances with ddof=1; NaN when
        k < 2, n < 2 or the total has no variance.
    """
    n, k = items.shape
    if k < 2 or n < 2:
        return float("nan")
    total_var = items.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum() / total_var))


def feldt_interval(
    alpha: float, n: int, k: int, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """Feldt's F-based confidence interval for alpha.

    Notes
    -----
    (1 - alpha) / (1 - alpha_hat) follows F(n - 1, (n - 1)(k - 1)) (Feldt, Woodruff & Salih,
    1987), so the bounds are 1 - (1 - alpha_hat) * F_{1 - c/2} and 1 - (1 - alpha_hat) * F_{c/2}
    with c = 1 - confidence.
    """
    if not np.isfinite(alpha) or n < 2 or k < 2:
        return float("nan"), float("nan")
    from scipy.stats import f as f_distribution

    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - confidence) / 2
    low = 1 - (1 - alpha) * f_distribution.ppf(1 - tail, df1, df2)
    high = 1 - (1 - alpha) * f_distribution.ppf(tail, df1, df2)
    return float(low), float(high)


def _correlations(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson r of each column of x with the matching column of y (NaN when one is constant)."""
    dx, dy = x - x.mean(axis=0), y - y.mean(axis=0)
    denominator = np.sqrt((dx**2).sum(axis=0) * (dy**2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, (dx * dy).sum(axis=0) / denominator, np.nan)


def corrected_item_total(items: np.ndarray) -> np.ndarray:
    """Correlation of each item with the sum of the other items (complete cases)."""
    rest = items.sum(axis=1, keepdims=True) - items
    return _correlations(items, rest)


def split_half(items: np.ndarray) -> tuple[float, float]:
    """Correlation of odd and even item halves (presentation order) and its Spearman-Brown step-up.

    Returns (r, 2r / (1 + r)); NaN when it cannot be computed.
    """
    if items.shape[1] < 2 or items.shape[0] < 3:
        return float("nan"), float("nan")
    odd, even = items[:, 0::2].mean(axis=1), items[:, 1::2].mean(axis=1)
    r = float(_correlations(odd[:, None], even[:, None])[0])
    return r, (2 * r / (1 + r) if np.isfinite(r) and r != -1 else float("nan"))


def _reliability(ident, name, kind, ids, matrix) -> ScaleReliability:
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    n, k = complete.shape
    alpha = cronbach_alpha(complete)
    low, high = feldt_interval(alpha, n, k)
    r = corrected_item_total(complete) if n >= 3 else np.full(k, np.nan)
    mean = complete.mean(axis=0) if n else np.full(k, np.nan)
    sd = complete.std(axis=0, ddof=1) if n >= 2 else np.full(k, np.nan)
    stats = tuple(
        ItemStatistic(i, _clean(m), _clean(s), _clean(c))
        for i, m, s, c in zip(ids, mean, sd, r, strict=True)
    )
    score_sd = float(complete.mean(axis=1).std(ddof=1)) if n >= 2 else float("nan")
    omega = omega_with_interval(complete, score_sd) if n >= 2 else None
    measured = (
        (omega.omega, omega.ci_low, omega.ci_high, omega.sem, omega.sem_ci_low, omega.sem_ci_high)
        if omega is not None
        else (float("nan"),) * 6
    )
    return ScaleReliability(
        ident, name, kind, n, k, _clean(alpha), _clean(low), _clean(high), stats,
        *(_clean(v) for v in measured),
    )  # fmt: skip


def reliability_report(q: Questionnaire, responses: np.ndarray) -> ReliabilityReport:
    """Alpha (Feldt CI), omega (bootstrap CI) and SEM per scale and competency, item statistics
    and SJT split-half.

    Each scale uses the respondents who answered all of its items (listwise deletion).
    """
    responses = np.atleast_2d(np.asarray(responses, dtype=float))
    keyed, trait_ids = keyed_trait_items(q, responses), trait_item_ids(q)
    scales = []
    for scale in q.scales:
        cols = [j for j, i in enumerate(trait_ids) if q.likert_by_id[i].scale == scale.id]
        ids = [trait_ids[j] for j in cols]
        scales.append(_reliability(scale.id, scale.name, "scale", ids, keyed[:, cols]))
    sjt = sjt_item_scores(q, responses)
    sjt_ids = [i for i in q.item_ids if i in q.sjt_by_id]
    competencies = []
    for comp in q.competencies:
        cols = [j for j, i in enumerate(sjt_ids) if comp.id in q.sjt_by_id[i].competencies]
        ids = [sjt_ids[j] for j in cols]
        competencies.append(_reliability(comp.id, comp.name, "competency", ids, sjt[:, cols]))
    halves = None
    if sjt_ids:
        complete = sjt[~np.isnan(sjt).any(axis=1)]
        r, stepped = split_half(complete)
        halves = SplitHalf(len(complete), _clean(r), _clean(stepped))
    report = ReliabilityReport(q.id, q.version, responses.shape[0], scales, competencies, halves)
    report.warnings = reliability_warnings(report)
    return report


def reliability_warnings(report: ReliabilityReport) -> list[str]:
    """Items that probably carry a wrong key, and trait scales under ALPHA_WARNING."""
    warnings = []
    for rel in [*report.scales, *report.competencies]:
        for item in rel.items:
            r = item.corrected_item_total
            if r is not None and r < 0:
                warnings.append(
                    f"{rel.id}: item {item.item_id} has a negative corrected item-total "
                    f"correlation ({r:.2f}); check its key and wording"
                )
        if rel.kind == "scale" and rel.alpha is not None and rel.alpha < ALPHA_WARNING:
            warnings.append(f"{rel.id}: alpha {rel.alpha:.2f} is under {ALPHA_WARNING:.2f}")
        if rel.alpha is None:
            warnings.append(
                f"{rel.id}: alpha could not be computed "
                f"({plural(rel.k, 'item')}, {plural(rel.n, 'complete case')})"
            )
    return warnings
