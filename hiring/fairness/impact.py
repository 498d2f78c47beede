"""Selection rates, impact ratios and the four-fifths flag per group, with significance tests."""

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np

from hiring.fairness.groups import (
    UNKNOWN_LABELS,
    FairnessError,
    GroupImpact,
    check_min_group_size,
    check_min_share,
    group_labels,
    require_same_length,
)
from hiring.fairness.notes import Suppressed, table_notes
from hiring.fairness.significance import compare_proportions
from hiring.store.plurals import plural

# Groups with fewer people than this are shown but left out of impact ratios and tests.
MIN_GROUP_SIZE = 5
# Groups that are less than this share of the whole sample (unknowns included) are flagged;
# NYC's bias-audit rule lets an auditor leave them out of impact ratios if their size and
# rate are still reported, which the scoring-rate table does by default.
MIN_SHARE = 0.02
# A group is flagged when its impact ratio is strictly below 4/5 (compared exactly).
FOUR_FIFTHS = Fraction(4, 5)

SELECTION = "selection"
SCORING_RATE = "scoring rate"


@dataclass(frozen=True)
class ImpactTable:
    """A whole adverse-impact table plus the sentences an auditor needs to read it."""

    kind: str  # SELECTION or SCORING_RATE
    rows: tuple[GroupImpact, ...]
    total: int  # everyone in the sample, unknown group included
    unknown_count: int
    unknown_selected: int  # shown for completeness; never compared
    reference_group: str | None
    notes: tuple[str, ...]
    median: float | None = None  # the sample median score, for scoring-rate tables
    # Groups under ``suppress_below`` people are not shown (their answers could be
    # recognised): only how many groups and people, and (when the pooled count is at least
    # ``suppress_below``) how many of them were selected.
    suppress_below: int = 0
    suppressed_groups: int = 0
    suppressed_count: int = 0
    suppressed_selected: int | None = None

    def row(self, group: str) -> GroupImpact:
        """Return the row for ``group`` (KeyError if the group is not in the table)."""
        for row in self.rows:
            if row.group == group:
                return row
        raise KeyError(group)


def selection_table(
    groups: Sequence[object],
    selected: Sequence[object],
    *,
    min_group_size: int = MIN_GROUP_SIZE,
    min_share: float = MIN_SHARE,
    exclude_small_share: bool = False,
    unknown_labels: Iterable[str] = UNKNOWN_LABELS,
    suppress_below: int = 0,
) -> ImpactTable:
    """Compare selection rates across groups at one decision point.

    ``groups`` holds each person's self-identified group (None or an unknown label when not
    disclosed); ``selected`` says whether that person passed the decision point. Unknowns are
    counted but kept out of every rate comparison. Groups of fewer than ``suppress_below``
    people are counted together, never shown or compared (see :class:`ImpactTable`).
    """
    require_same_length(("groups", groups), ("selected", selected))
    check_min_group_size(min_group_size)
    check_min_share(min_share)
    check_min_group_size(suppress_below, smallest=0)
    outcome = [_as_bool(v) for v in selected]
    labels = group_labels(groups, unknown_labels)
    return _impact_table(
        labels, outcome, SELECTION, min_group_size, min_share, exclude_small_share, suppress_below
    )


def scoring_rate_table(
    groups: Sequence[object],
    scores: Sequence[float | None],
    *,
    min_group_size: int = MIN_GROUP_SIZE,
    min_share: float = MIN_SHARE,
    exclude_small_share: bool = True,
    unknown_labels: Iterable[str] = UNKNOWN_LABELS,
    suppress_below: int = 0,
) -> ImpactTable:
    """NYC-style scoring rates: each group's share scoring strictly above the sample median.

    The median is taken over everyone with a score, including people whose group is
    unknown or suppressed, because it describes the scored sample rather than any group.
    People without a score (None or NaN) are left out and the notes say how many.
    """
    require_same_length(("groups", groups), ("scores", scores))
    check_min_group_size(min_group_size)
    check_min_share(min_share)
    check_min_group_size(suppress_below, smallest=0)
    values = np.array([math.nan if s is None else s for s in scores], dtype=float)
    if np.isinf(values).any():
        raise FairnessError("Scores must be finite numbers (or blank when missing).")
    has_score = ~np.isnan(values)
    labels = [
        g for g, ok in zip(group_labels(groups, unknown_labels), has_score, strict=True) if ok
    ]
    values = values[has_score]
    missing = int((~has_score).sum())
    verb = "is" if missing == 1 else "are"
    notes = [f"{plural(missing, 'person')} without a score {verb} left out of this table."]
    notes = notes if missing else []
    rules = (min_group_size, min_share, exclude_small_share, suppress_below)
    if values.size == 0:
        table = _impact_table([], [], SCORING_RATE, *rules)
        return replace(table, notes=(*notes, *table.notes))
    median = float(np.median(values))
    table = _impact_table(labels, list(values > median), SCORING_RATE, *rules)
    notes.insert(
        0,
        f"The median score of the whole sample ({plural(values.size, 'person')} with a score, unknown "
        f"group included) is {median:.4g}; a person counts as scoring above it only if their "
        "score is strictly higher.",
    )
    return replace(table, notes=(*notes, *table.notes), median=median)


def band_at_or_above(bands: Sequence[str | None], cut: str, order: Sequence[str]) -> list[bool]:
    """Say for each person whether their fit band is at or above ``cut``.

    ``order`` lists the bands from lowest to highest. A missing band (None) is never at or
    above the cut: those people were assessed but not placed in any band.
    """
    rank = {band: i for i, band in enumerate(order)}
    if cut not in rank:
        raise FairnessError(f"The cut {cut!r} is not one of the bands: {', '.join(order)}.")
    unknown = sorted({b for b in bands if b is not None and b not in rank})
    if unknown:
        raise FairnessError(f"Unknown fit bands: {', '.join(unknown)}.")
    return [b is not None and rank[b] >= rank[cut] for b in bands]


def _as_bool(value: object) -> bool:
    """Accept True/False or 1/0 (numpy's too), nothing else."""
    if isinstance(value, bool | np.bool_) or value in (0, 1):
        return bool(value)
    raise FairnessError(
        f"Each selection outcome must be yes/no (True/False or 1/0); got {value!r}."
    )


def _impact_table(
    labels: list[str | None],
    outcome: list[bool],
    kind: str,
    min_group_size: int,
    min_share: float,
    exclude_small_share: bool,
    suppress_below: int = 0,
) -> ImpactTable:
    """Build the rows and notes shared by both kinds of table."""
    total = len(labels)
    n = Counter(g for g in labels if g is not None)
    hits = Counter(g for g, yes in zip(labels, outcome, strict=True) if g is not None and yes)
    unknown_count = total - sum(n.values())
    hidden = sorted(g for g in n if n[g] < suppress_below)
    shown = sorted(g for g in n if g not in hidden)
    reasons = {
        g: _exclusion(n[g], total, min_group_size, min_share, exclude_small_share) for g in shown
    }
    included = [g for g in shown if reasons[g] is None]
    reference = _reference_group(included, n, hits)
    rows = tuple(_row(g, n, hits, total, min_share, reasons[g], reference) for g in shown)
    suppressed = Suppressed(len(hidden), sum(n[g] for g in hidden), suppress_below)
    notes = table_notes(rows, total, unknown_count, reference, min_share, suppressed)
    return ImpactTable(
        kind=kind,
        rows=rows,
        total=total,
        unknown_count=unknown_count,
        unknown_selected=sum(
            1 for g, yes in zip(labels, outcome, strict=True) if g is None and yes
        ),
        reference_group=reference,
        notes=tuple(notes),
        suppress_below=suppress_below,
        suppressed_groups=suppressed.groups,
        suppressed_count=suppressed.people,
        # a pooled count under the minimum would single out people as much as a group would
        suppressed_selected=sum(hits[g] for g in hidden)
        if hidden and suppressed.people >= suppress_below
        else None,
    )


def _exclusion(n: int, total: int, min_size: int, min_share: float, drop_small: bool) -> str | None:
    """Say why a group is left out of the ratios, or None when it is in."""
    if n < min_size:
        return f"fewer than {plural(min_size, 'person')}"
    if drop_small and n / total < min_share:
        return f"under {min_share:.0%} of the sample"
    return None


def _reference_group(included: list[str], n: Counter[str], hits: Counter[str]) -> str | None:
    """Pick the included group with the highest rate (ties: first by name); None if all are 0."""
    if not included:
        return None
    best_rate = max(Fraction(hits[g], n[g]) for g in included)
    best = next(g for g in included if Fraction(hits[g], n[g]) == best_rate)  # sorted by name
    return best if best_rate > 0 else None


def _row(
    group: str,
    n: Counter[str],
    hits: Counter[str],
    total: int,
    min_share: float,
    reason: str | None,
    reference: str | None,
) -> GroupImpact:
    """Compute one group's rate, ratio, flag and tests against the reference group."""
    ratio: Fraction | None = None
    tests = None
    if reason is None and reference is not None:
        ratio = Fraction(hits[group], n[group]) / Fraction(hits[reference], n[reference])
        if group != reference:
            tests = compare_proportions(hits[group], n[group], hits[reference], n[reference])
    return GroupImpact(
        group=group,
        n=n[group],
        share=n[group] / total,
        selected=hits[group],
        rate=hits[group] / n[group],
        impact_ratio=None if ratio is None else float(ratio),
        four_fifths_flag=ratio is not None and ratio < FOUR_FIFTHS,
        excluded_reason=reason,
        small_share_flag=n[group] / total < min_share,
        fisher_p=None if tests is None else tests.fisher_p,
        z_p=None if tests is None else tests.z_p,
        chi2_p=None if tests is None else tests.chi2_p,
        chi2_yates_p=None if tests is None else tests.chi2_yates_p,
        primary_test=None if tests is None else tests.primary_test,
        primary_p=None if tests is None else tests.primary_p,
        min_expected=None if tests is None else tests.min_expected,
    )
