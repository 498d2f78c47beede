"""Compare scores with a norm group: percentile ranks, T-scores and stens."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hiring.assessment.questionnaire import Questionnaire


@dataclass(frozen=True, eq=False)
class NormGroup:
    """The people a score is compared with, as a raw sample or as a stored table.

    ``sample`` (respondents x features) is kept for a raw group so percentiles are empirical;
    a table has only mean, sd and n, so percentiles use the normal curve. ``cov`` is known only
    for a raw group and is what the outlier flag prefers.
    """

    label: str
    feature_ids: tuple[str, ...]
    mean: np.ndarray
    sd: np.ndarray
    n: np.ndarray
    sample: np.ndarray | None = None
    cov: np.ndarray | None = None

    @property
    def size(self) -> int:
        """The number of people in the group (the largest per-feature count)."""
        return int(self.n.max()) if self.n.size else 0

    @property
    def method(self) -> str:
        """How percentiles are computed: "empirical" (raw sample) or "normal" (table)."""
        return "empirical" if self.sample is not None else "normal"

    @classmethod
    def from_scores(
        cls, features: np.ndarray, feature_ids: tuple[str, ...], label: str
    ) -> NormGroup:
        """A norm group from raw scores, e.g. a role's incumbents (NaN = not scored)."""
        sample = np.asarray(features, dtype=float).reshape(-1, len(feature_ids))
        present = ~np.isnan(sample)
        n = present.sum(axis=0)
        mean = np.full(len(feature_ids), np.nan)
        sd = np.full(len(feature_ids), np.nan)
        for j in range(len(feature_ids)):  # per feature: columns differ in which rows are missing
            column = sample[present[:, j], j]
            if column.size >= 2:
                mean[j], sd[j] = column.mean(), column.std(ddof=1)
        complete = sample[present.all(axis=1)]
        cov = np.cov(complete, rowvar=False) if len(complete) > len(feature_ids) else None
        return cls(label, tuple(feature_ids), mean, sd, n, sample, cov)

    @classmethod
    def from_table(cls, q: Questionnaire) -> NormGroup:
        """The norm table shipped in a questionnaire (features without norms get NaN)."""
        ids = q.feature_ids
        rows = [q.norms.get(f, (np.nan, np.nan, 0)) for f in ids]
        mean = np.array([r[0] for r in rows], dtype=float)
        sd = np.array([r[1] for r in rows], dtype=float)
        n = np.array([r[2] for r in rows], dtype=int)
        return cls(q.norms_label, ids, mean, sd, n)

    def reference(self, feature_ids: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, bool]:
        """Mean and covariance of some features; diagonal (and True) when no covariance is known."""
        index = [self.feature_ids.index(f) for f in feature_ids]
        mean = self.mean[index]
        if self.cov is not None:
            return mean, self.cov[np.ix_(index, index)], False
        return mean, np.diag(self.sd[index] ** 2), True


@dataclass(frozen=True, eq=False)
class NormScores:
    """Norm-referenced scores, shaped like the raw features (NaN where a score is missing)."""

    percentile: np.ndarray
    t_score: np.ndarray
    sten: np.ndarray
    label: str
    n: np.ndarray
    method: str


def z_scores(group: NormGroup, features: np.ndarray) -> np.ndarray:
    """Standard scores against the group: (x - mean) / sd."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return (np.asarray(features, dtype=float) - group.mean) / group.sd


def t_scores(z: np.ndarray) -> np.ndarray:
    """T-scores: mean 50, sd 10."""
    return 50.0 + 10.0 * z


def stens(z: np.ndarray) -> np.ndarray:
    """Standard tens: ten half-sd bands centred on the mean (5 and 6 meet at z = 0), clipped 1..10."""
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(z), np.nan, np.clip(np.floor(2.0 * z + 6.0), 1.0, 10.0))


def empirical_percentiles(sample: np.ndarray, features: np.ndarray) -> np.ndarray:
    """Mid-rank percentiles: 100 * (below + half of ties) / n, per feature column.

    Parameters
    ----------
    sample : ndarray, shape (n_norm, n_features)
        The norm group's raw scores; NaN entries are ignored per column.
    features : ndarray, shape (n, n_features)
        Scores to place in the norm group.
    """
    features = np.atleast_2d(np.asarray(features, dtype=float))
    result = np.full(features.shape, np.nan)
    for j in range(features.shape[1]):  # one sorted column per feature; the rows are vectorised
        column = np.sort(sample[~np.isnan(sample[:, j]), j])
        if column.size == 0:
            continue
        x = features[:, j]
        below = np.searchsorted(column, x, side="left")
        ties = np.searchsorted(column, x, side="right") - below
        result[:, j] = np.where(np.isnan(x), np.nan, 100.0 * (below + 0.5 * ties) / column.size)
    return result


def norm_scores(group: NormGroup, features: np.ndarray) -> NormScores:
    """Percentile ranks, T-scores and stens of features given in ``group.feature_ids`` order.

    A raw group gives empirical mid-rank percentiles; a table gives normal-curve percentiles
    100 * Phi(z). T-scores and stens always come from z = (x - mean) / sd.
    """
    features = np.asarray(features, dtype=float)
    z = z_scores(group, features)
    if group.sample is not None:
        shape = features.shape
        percentile = empirical_percentiles(
            group.sample, features.reshape(-1, len(group.feature_ids))
        )
        percentile = percentile.reshape(shape)
    else:
        from scipy.stats import norm

        percentile = 100.0 * norm.cdf(z)
    return NormScores(percentile, t_scores(z), stens(z), group.label, group.n, group.method)
