"""Change between two assessments of one person, with its measurement error (no database).

We use the standard error of the difference between two scores (Jacobson & Truax, 1991):
``SEdiff = SD * sqrt(2 * (1 - r))``, where ``SD`` is the spread of the scale's scores and
``r`` its reliability. A change counts as real only when it is larger than ``Z * SEdiff``
(``Z`` = 1.96: a change that big would arise from measurement error alone less than 5% of
the time); the reliable change index is ``difference / SEdiff``. Anything inside the band
is "no clear change": it is never called progress.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z = 1.96
UP, DOWN, STEADY = "clear improvement", "clear decline", "no clear change"


def se_difference(sd: float, reliability: float) -> float:
    """Return SEdiff = SD * sqrt(2 (1 - r)) for a scale with spread ``sd`` and reliability ``r``."""
    if not sd > 0 or not -1 < reliability < 1:
        raise ValueError("the SD must be above 0 and the reliability between -1 and 1")
    return sd * math.sqrt(2.0 * (1.0 - reliability))


@dataclass(frozen=True)
class ScaleChange:
    """One scale's scores in two rounds, the difference and its error band."""

    feature_id: str
    name: str
    before: float
    after: float
    se_diff: float | None  # None: the reliability could not be estimated, nothing is judged
    decimals: int = 1

    @property
    def difference(self) -> float:
        """After minus before."""
        return self.after - self.before

    @property
    def band(self) -> float | None:
        """Half-width of the band a change must leave to count: Z x SEdiff."""
        return None if self.se_diff is None else Z * self.se_diff

    @property
    def rci(self) -> float | None:
        """The reliable change index, difference / SEdiff."""
        return None if not self.se_diff else self.difference / self.se_diff

    @property
    def verdict(self) -> str:
        """Say whether the change is outside the band (up or down) or inside it."""
        if self.band is None:
            return "not judged: too few answers to estimate this scale's reliability"
        if self.difference > self.band:
            return UP
        if self.difference < -self.band:
            return DOWN
        return STEADY


def scale_change(
    feature_id: str, name: str, before: float, after: float, sd: float | None,
    reliability: float | None, decimals: int = 1,
) -> ScaleChange:  # fmt: skip
    """Return the change on one scale; without a usable SD or reliability it is not judged."""
    usable = sd is not None and reliability is not None and sd > 0 and -1 < reliability < 1
    se = se_difference(sd, reliability) if usable else None  # type: ignore[arg-type]
    return ScaleChange(feature_id, name, float(before), float(after), se, decimals)
