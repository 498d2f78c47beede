"""Judge a score against its target range as people see it: at the precision it is shown with.

A listening score of 66.6 is shown as "67"; beside a target shown as "67–100" it must not be
called below that range, nor listed as a gap of 0.00. So every judgment (below, within or
above the target, below a minimum) is made on the values as they are shown, and every page,
PDF and export shows them with :func:`format_score`: scores on a narrow metric (the 1-5 trait
scales) with one decimal, scores on a wide one (0-100 scenario scores) as whole numbers
(:func:`score_decimals`). A gap is the distance between the shown values in standard
deviations, and :func:`format_gap` never prints a gap that is not zero as "0.0" or "-0.0".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDE_METRIC = 10.0  # a metric spanning more than this is shown in whole numbers
BELOW, WITHIN, ABOVE = "below", "within", "above"


def score_decimals(lowest: float, highest: float) -> int:
    """Return how many decimals a score on the metric ``lowest..highest`` is shown with."""
    return 0 if highest - lowest > WIDE_METRIC else 1


def shown(value: float, decimals: int) -> float:
    """Return ``value`` as it is shown with ``decimals`` decimals (the same digits as printed)."""
    return float(f"{value:.{decimals}f}")


def format_score(value: float | None, decimals: int, missing: str = "—") -> str:
    """Print a score (or a target's end) with ``decimals`` decimals; ``missing`` for None/NaN."""
    if value is None or not math.isfinite(value):
        return missing
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text  # never "-0"


@dataclass(frozen=True)
class RangeJudgment:
    """Where a shown score stands against a shown target range."""

    position: str  # BELOW, WITHIN or ABOVE
    gap: float  # signed distance to the range in SD units between shown values; 0 within
    below_minimum: bool  # the shown score is below the shown minimum (a knock-out)


def judge(
    value: float,
    low: float,
    high: float,
    *,
    decimals: int,
    sd: float = 1.0,
    minimum: float | None = None,
) -> RangeJudgment:
    """Judge ``value`` against the target ``low..high`` (and ``minimum``) as they are shown.

    ``sd`` is the spread that turns a gap into standard deviations (it must be positive).
    """
    if not sd > 0:
        raise ValueError("sd must be positive")
    score, start, end = shown(value, decimals), shown(low, decimals), shown(high, decimals)
    if score < start:
        position, gap = BELOW, (score - start) / sd
    elif score > end:
        position, gap = ABOVE, (score - end) / sd
    else:
        position, gap = WITHIN, 0.0
    below_minimum = minimum is not None and score < shown(minimum, decimals)
    return RangeJudgment(position, gap, below_minimum)


def format_gap(gap: float, places: int = 1, *, signed: bool = True) -> str:
    """Print a gap in SD units; one too small to show at ``places`` reads "less than 0.1".

    ``signed`` prints "+0.3" / "-0.3"; otherwise the size alone ("0.3"). A gap of exactly
    zero prints as "0".
    """
    if gap == 0 or not math.isfinite(gap):
        return "0"
    if float(f"{abs(gap):.{places}f}") == 0:
        return f"less than {10.0**-places:.{places}f}"
    return f"{gap:+.{places}f}" if signed else f"{abs(gap):.{places}f}"
