"""How far to trust one calibrated probability: what happened to incumbents given a similar one.

The validation report keeps the out-of-fold calibration curve as equal-width bins, each with
how many incumbents fell in it and what share of them met the performance bar. For a
candidate's probability ``p`` the bin holding ``p`` (widened to its nearest neighbours while
it holds fewer than ``min_count`` people, never past ``max_bins``) is the evidence: ``met`` of
``n`` similar incumbents met the bar, and the 95% Wilson score interval of that share says how
sure that evidence can be with so few people. Nothing is estimated beyond the stored counts;
when too few incumbents were near ``p`` there is no interval.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution
MIN_COUNT = 20  # fewer similar incumbents than this say too little to bound a probability
MAX_BINS = 3  # pool at most this many neighbouring bins (0.3 wide with the usual 10 bins)


@dataclass(frozen=True)
class ProbabilityInterval:
    """What incumbents with a similar out-of-fold probability went on to do."""

    low: float
    high: float
    n: int
    met: int
    predicted_low: float  # the pooled bins span predicted_low..predicted_high
    predicted_high: float

    @property
    def observed_rate(self) -> float:
        """The share of the similar incumbents who met the bar."""
        return self.met / self.n

    def contains(self, probability: float) -> bool:
        """Tell whether ``probability`` lies inside the interval."""
        return self.low <= probability <= self.high


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    r"""Return the Wilson score interval of a binomial share.

    .. math:: \frac{\hat p + \frac{z^2}{2n} \pm z \sqrt{\frac{\hat p (1 - \hat p)}{n}
              + \frac{z^2}{4n^2}}}{1 + \frac{z^2}{n}}
    """
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError("need 0 <= successes <= n and n > 0")
    share = successes / n
    denominator = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denominator
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def _holding(bins: Sequence[Mapping[str, Any]], probability: float) -> int:
    """Return the index of the bin whose [low, high) range holds ``probability``."""
    for index, row in enumerate(bins):
        if row["low"] <= probability < row["high"]:
            return index
    return len(bins) - 1 if probability >= bins[-1]["low"] else 0


def _centre(row: Mapping[str, Any]) -> float:
    return (row["low"] + row["high"]) / 2


def probability_interval(
    probability: float,
    bins: Sequence[Mapping[str, Any]],
    *,
    min_count: int = MIN_COUNT,
    max_bins: int = MAX_BINS,
) -> ProbabilityInterval | None:
    """Return the interval for ``probability`` from calibration ``bins``, or None without evidence.

    ``bins`` are dicts with ``low``, ``high``, ``count`` and ``observed_rate`` as stored by
    ``ValidationReport.ece_bins``, in order of ``low``.
    """
    if not bins or not math.isfinite(probability):
        return None
    first = last = _holding(bins, probability)

    def count() -> int:
        return sum(int(row["count"]) for row in bins[first : last + 1])

    while count() < min_count and last - first + 1 < max_bins:
        below = abs(probability - _centre(bins[first - 1])) if first > 0 else math.inf
        above = abs(_centre(bins[last + 1]) - probability) if last + 1 < len(bins) else math.inf
        if math.isinf(below) and math.isinf(above):
            break
        if below <= above:
            first -= 1
        else:
            last += 1
    pooled = bins[first : last + 1]
    n = count()
    if n < min_count:
        return None
    met = sum(round(int(row["count"]) * float(row["observed_rate"] or 0.0)) for row in pooled)
    low, high = wilson_interval(met, n)
    return ProbabilityInterval(low, high, n, met, pooled[0]["low"], pooled[-1]["high"])
