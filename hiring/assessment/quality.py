"""Response-quality flags: signs that answers may not reflect the person, for a human to weigh.

A flag never rejects a candidate by itself; it tells the reviewer what to look at. Every
threshold is a module constant and is documented in docs/questionnaire-format.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hiring.assessment.questionnaire import Questionnaire
from hiring.store.plurals import plural

LONGEST_RUN_LIMIT = 10  # flag this many identical Likert answers in a row, or more
SECONDS_PER_ITEM_MIN = 2.0  # flag a page answered faster than this many seconds per item
ATTENTION_FAILURES_LIMIT = 1  # flag this many attention checks answered unexpectedly, or more
IMPRESSION_SHARE_LIMIT = 0.75  # flag this share of impression items at the most favourable end
IMPRESSION_MIN_ANSWERED = 2  # ... when at least this many impression items were answered
SYNONYM_GAP_LIMIT = 0.4  # flag a mean synonym-pair gap of this share of the answer range, or more
SYNONYM_MIN_PAIRS = 2  # ... when at least this many pairs were answered
OUTLIER_QUANTILE = 0.99  # flag a Mahalanobis D^2 beyond this chi-square quantile


@dataclass(frozen=True)
class QualityFlag:
    """One thing a reviewer should look at, in words they can act on."""

    code: str
    label: str
    detail: str


@dataclass(frozen=True)
class PageTiming:
    """How long a candidate spent on one page."""

    page_id: str
    seconds: float
    n_items: int


@dataclass(frozen=True, eq=False)
class QualityIndices:
    """The numbers behind the flags, one entry per respondent (NaN when not computable)."""

    longest_run: np.ndarray
    attention_failed: np.ndarray
    impression_share: np.ndarray
    synonym_gap: np.ndarray
    mahalanobis: np.ndarray
    mahalanobis_df: np.ndarray
    diagonal: bool


def longest_runs(answers: np.ndarray) -> np.ndarray:
    """Length of the longest run of identical answers in each row (NaN breaks a run)."""
    answers = np.atleast_2d(answers)
    if answers.shape[1] == 0:
        return np.zeros(answers.shape[0])
    same = answers[:, 1:] == answers[:, :-1]
    counts = np.cumsum(same, axis=1)
    # the count at the last break, carried forward, is subtracted to restart at every break
    restart = np.maximum.accumulate(np.where(same, 0, counts), axis=1)
    run = (counts - restart).max(axis=1, initial=0) + 1
    return np.where(np.isnan(answers).all(axis=1), 0, run).astype(float)


def mahalanobis_sq(
    x: np.ndarray, mean: np.ndarray, cov: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Squared Mahalanobis distance of each row, using only the row's non-missing features.

    Returns the distances and the number of features each used (its chi-square df). Rows are
    grouped by their pattern of missing features, so the work stays vectorised.
    """
    x = np.atleast_2d(x)
    d2 = np.full(x.shape[0], np.nan)
    df = (~np.isnan(x)).sum(axis=1)
    patterns, group = np.unique(~np.isnan(x), axis=0, return_inverse=True)
    for g, present in enumerate(patterns):
        if not present.any():
            continue
        rows = group.ravel() == g
        diff = x[np.ix_(rows, present)] - mean[present]
        inverse = np.linalg.pinv(cov[np.ix_(present, present)])
        d2[rows] = np.einsum("ij,jk,ik->i", diff, inverse, diff)
    return d2, df


def quality_indices(
    q: Questionnaire,
    responses: np.ndarray,
    scale_scores: np.ndarray,
    reference: tuple[np.ndarray, np.ndarray, bool] | None = None,
) -> QualityIndices:
    """Compute every quality index for a response matrix (columns in ``q.item_ids`` order).

    ``reference`` is the norm group's (mean, covariance, diagonal?) for the scale scores; without
    one the outlier index is NaN.
    """
    responses = np.atleast_2d(np.asarray(responses, dtype=float))
    column = {item_id: j for j, item_id in enumerate(q.item_ids)}
    likert = [column[i] for i in q.item_ids if i in q.likert_by_id]
    points = q.response_scale.points
    failed = np.zeros(responses.shape[0])
    for item in (i for i in q.items if i.kind == "attention"):
        x = responses[:, column[item.id]]
        failed += ~np.isnan(x) & ~np.isin(x, item.expected)
    distance, df = _outliers(scale_scores, reference)
    return QualityIndices(
        longest_run=longest_runs(responses[:, likert]),
        attention_failed=failed,
        impression_share=_impression_shares(q, responses, column, points),
        synonym_gap=_synonym_gaps(q, responses, column, points),
        mahalanobis=distance,
        mahalanobis_df=df,
        diagonal=bool(reference[2]) if reference is not None else False,
    )


def _impression_shares(
    q: Questionnaire, responses: np.ndarray, column: dict, points: int
) -> np.ndarray:
    items = [i for i in q.items if i.kind == "impression"]
    if not items:
        return np.full(responses.shape[0], np.nan)
    x = responses[:, [column[i.id] for i in items]]
    favourable = np.where([i.keyed > 0 for i in items], points, 1)
    answered = (~np.isnan(x)).sum(axis=1)
    share = (x == favourable).sum(axis=1) / np.maximum(answered, 1)
    return np.where(answered >= IMPRESSION_MIN_ANSWERED, share, np.nan)


def _synonym_gaps(q: Questionnaire, responses: np.ndarray, column: dict, points: int) -> np.ndarray:
    if not q.synonym_pairs:
        return np.full(responses.shape[0], np.nan)
    first = responses[:, [column[a] for a, _ in q.synonym_pairs]]
    second = responses[:, [column[b] for _, b in q.synonym_pairs]]
    gap = np.abs(first - second) / (points - 1)
    answered = (~np.isnan(gap)).sum(axis=1)
    mean = np.where(np.isnan(gap), 0.0, gap).sum(axis=1) / np.maximum(answered, 1)
    return np.where(answered >= SYNONYM_MIN_PAIRS, mean, np.nan)


def _outliers(scores: np.ndarray, reference) -> tuple[np.ndarray, np.ndarray]:
    scores = np.atleast_2d(scores)
    if reference is None or np.isnan(reference[0]).any():
        return np.full(scores.shape[0], np.nan), np.zeros(scores.shape[0], dtype=int)
    return mahalanobis_sq(scores, reference[0], reference[1])


def too_fast_pages(timings: Sequence[PageTiming]) -> list[PageTiming]:
    """Pages answered in under SECONDS_PER_ITEM_MIN seconds per item."""
    return [t for t in timings if t.n_items > 0 and t.seconds < SECONDS_PER_ITEM_MIN * t.n_items]


def quality_flags(
    indices: QualityIndices, row: int, points: int, timings: Sequence[PageTiming] = ()
) -> list[QualityFlag]:
    """Turn one respondent's quality indices into the flags a reviewer sees."""
    flags = []
    run = indices.longest_run[row]
    if run >= LONGEST_RUN_LIMIT:
        flags.append(
            QualityFlag(
                "straight_lining",
                "Same answer many times in a row",
                f"The same answer was given to {run:.0f} statements in a row "
                f"(flagged at {LONGEST_RUN_LIMIT} or more).",
            )
        )
    fast = too_fast_pages(timings)
    if fast:
        pages = ", ".join(
            f"{t.page_id} ({t.seconds:.0f} s for {plural(t.n_items, 'item')})" for t in fast
        )
        flags.append(
            QualityFlag(
                "too_fast",
                "Answered very quickly",
                f"Under {SECONDS_PER_ITEM_MIN:g} seconds per item on: {pages}.",
            )
        )
    failed = indices.attention_failed[row]
    if failed >= ATTENTION_FAILURES_LIMIT:
        flags.append(
            QualityFlag(
                "attention",
                "Missed an attention check" if failed == 1 else "Missed attention checks",
                f"{plural(int(failed), 'attention check')} answered in an unexpected way.",
            )
        )
    share = indices.impression_share[row]
    if share >= IMPRESSION_SHARE_LIMIT:
        flags.append(
            QualityFlag(
                "impression",
                "Very favourable self-description",
                f"{share:.0%} of the impression-management statements were answered at the most "
                f"favourable end (flagged at {IMPRESSION_SHARE_LIMIT:.0%}); trait scores may be "
                "inflated.",
            )
        )
    gap = indices.synonym_gap[row]
    if gap >= SYNONYM_GAP_LIMIT:
        flags.append(
            QualityFlag(
                "inconsistent",
                "Inconsistent answers",
                f"Statements with nearly the same meaning were answered {gap * (points - 1):.1f} "
                f"points apart on average (flagged at {SYNONYM_GAP_LIMIT * (points - 1):.1f}).",
            )
        )
    flags.extend(_outlier_flag(indices, row))
    return flags


def _outlier_flag(indices: QualityIndices, row: int) -> list[QualityFlag]:
    d2, df = indices.mahalanobis[row], int(indices.mahalanobis_df[row])
    if np.isnan(d2) or df == 0:
        return []
    from scipy.stats import chi2

    limit = float(chi2.ppf(OUTLIER_QUANTILE, df))
    if d2 <= limit:
        return []
    basis = (
        "diagonal covariance: the norm table has no correlations between scales"
        if indices.diagonal
        else "the norm group's covariance"
    )
    return [
        QualityFlag(
            "outlier",
            "Unusual pattern of scores",
            f"The scale scores are further from the norm group than {OUTLIER_QUANTILE:.0%} of "
            f"typical profiles (Mahalanobis D² {d2:.1f} on {plural(df, 'scale')}, limit {limit:.1f}; {basis}).",
        )
    ]
