"""Group labels for self-identification: unknowns, intersections and input checks."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hiring.errors import HiringError

# Answers that tell us nothing about the group; compared case-insensitively after trimming.
UNKNOWN_LABELS: frozenset[str] = frozenset(
    {
        "",
        "unknown",
        "prefer not to say",
        "prefer_not_to_say",
        "prefer-not-to-say",
        "not provided",
        "not disclosed",
        "declined",
    }
)
INTERSECTION_SEPARATOR = " / "


class FairnessError(HiringError):
    """The data handed to a fairness report cannot be analysed as given."""


def group_label(value: object, unknown_labels: Iterable[str] = UNKNOWN_LABELS) -> str | None:
    """Return the trimmed label, or None when the answer is missing or means "unknown".

    Missing covers None and a float NaN (how data frames spell a blank cell).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if not isinstance(value, str):
        raise FairnessError(f"Group labels must be text; got {value!r}.")
    label = value.strip()
    unknown = {u.strip().casefold() for u in unknown_labels}
    return None if label.casefold() in unknown else label


def group_labels(
    values: Sequence[object], unknown_labels: Iterable[str] = UNKNOWN_LABELS
) -> list[str | None]:
    """Apply :func:`group_label` to every value."""
    unknown = frozenset(unknown_labels)
    return [group_label(v, unknown) for v in values]


def intersect(
    sex: Sequence[object],
    race: Sequence[object],
    *,
    unknown_labels: Iterable[str] = UNKNOWN_LABELS,
) -> list[str | None]:
    """Build "sex / race" labels; unknown when either part is unknown.

    A person who disclosed one characteristic but not the other cannot be placed in an
    intersectional category, so they count as unknown there (and only there).
    """
    require_same_length(("sex", sex), ("race/ethnicity", race))
    unknown = frozenset(unknown_labels)
    labels: list[str | None] = []
    for s, r in zip(group_labels(sex, unknown), group_labels(race, unknown), strict=True):
        labels.append(None if s is None or r is None else f"{s}{INTERSECTION_SEPARATOR}{r}")
    return labels


def require_same_length(*named: tuple[str, Sequence[object]]) -> int:
    """Return the common length of the named sequences, or explain which ones differ."""
    lengths = {name: len(values) for name, values in named}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name}: {n}" for name, n in lengths.items())
        raise FairnessError(f"Each person needs one value in every column; got {listed}.")
    return next(iter(lengths.values()))


def check_min_group_size(min_group_size: int, smallest: int = 1) -> None:
    """Reject a minimum group size that cannot work."""
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, int):
        raise FairnessError("The minimum group size must be a whole number.")
    if min_group_size < smallest:
        raise FairnessError(f"The minimum group size must be at least {smallest}.")


def check_min_share(min_share: float) -> None:
    """Reject a small-group share that is not a fraction of the sample."""
    if not 0 <= min_share < 1:
        raise FairnessError("The small-group share must be a fraction between 0 and 1, e.g. 0.02.")


@dataclass(frozen=True)
class GroupImpact:
    """One group's line in an adverse-impact table."""

    group: str
    n: int
    share: float  # of the whole sample, unknowns included
    selected: int  # selected, or (scoring-rate tables) scoring above the median
    rate: float
    impact_ratio: float | None  # None when the group is excluded or no ratio is defined
    four_fifths_flag: bool
    excluded_reason: str | None
    small_share_flag: bool
    fisher_p: float | None  # tests are against the reference group; None for it and exclusions
    z_p: float | None
    chi2_p: float | None  # Pearson's chi-square, uncorrected (equal to the z-test's p)
    chi2_yates_p: float | None  # the same with Yates's continuity correction
    primary_test: str | None
    primary_p: float | None
    min_expected: float | None  # smallest expected cell count in the 2x2 table
