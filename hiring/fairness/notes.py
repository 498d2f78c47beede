"""Plain-language sentences that explain an impact table to the person reading it."""

from collections.abc import Sequence
from dataclasses import dataclass

from hiring.fairness.groups import GroupImpact
from hiring.fairness.significance import MIN_EXPECTED_COUNT
from hiring.store.plurals import plural


@dataclass(frozen=True)
class Suppressed:
    """Groups too small to show: how many, how many people they hold, and the minimum."""

    groups: int = 0
    people: int = 0
    minimum: int = 0


def people(count: int) -> str:
    """Say '1 person' or '3 people'."""
    return f"{count} {'person' if count == 1 else 'people'}"


def suppressed_note(suppressed: Suppressed, total: int, *, in_everyone_else: bool = False) -> str:
    """Say how many people are in groups too small to show, so that the totals stay honest.

    ``in_everyone_else``: the hidden people still count on the "everyone else" side of the
    shown groups' comparisons (effect sizes), rather than being left out of them (rates).
    """
    groups = plural(suppressed.groups, "group")
    where = (
        'in the "everyone else" each shown group is compared with'
        if in_everyone_else
        else "nowhere else: they are left out of every comparison"
    )
    return (
        f"{people(suppressed.people)} in {groups} of fewer than {people(suppressed.minimum)} "
        f"{'is' if suppressed.people == 1 else 'are'} not shown by group, so that no one's "
        f"answers can be recognised; they count in the total of {total} and {where}."
    )


def table_notes(
    rows: Sequence[GroupImpact],
    total: int,
    unknown_count: int,
    reference: str | None,
    min_share: float,
    suppressed: Suppressed | None = None,
) -> list[str]:
    """Say who is left out and why, what the ratios compare with, and what stands out."""
    if total == 0:
        return ["There is no one in this data yet, so there is nothing to compare."]
    notes = [
        f"{unknown_count} of {plural(total, 'person')} did not disclose this characteristic or chose "
        "'prefer not to say'; they are counted as unknown and kept out of every rate comparison."
    ]
    if suppressed and suppressed.groups:
        notes.append(suppressed_note(suppressed, total))
    notes += [
        _size_note(row, min_share) for row in rows if row.excluded_reason or row.small_share_flag
    ]
    notes += _reference_notes(rows, reference)
    notes += [
        f"'{row.group}': impact ratio {row.impact_ratio:.2f} is below four-fifths (0.80); "
        f"{row.primary_test} p = {row.primary_p:.3g}."
        for row in rows
        if row.four_fifths_flag and row.primary_p is not None and row.impact_ratio is not None
    ]
    sparse = [
        f"'{row.group}'"
        for row in rows
        if row.min_expected is not None and row.min_expected < MIN_EXPECTED_COUNT
    ]
    if sparse:
        notes.append(
            f"For {', '.join(sparse)}, an expected count in the 2x2 table is under "
            f"{MIN_EXPECTED_COUNT:g}, so the chi-square and z-test p-values are rough "
            "approximations; Fisher's exact test is the one to read."
        )
    return notes


def _size_note(row: GroupImpact, min_share: float) -> str:
    """Describe a small group with its size and rate, so it is never silently dropped."""
    described = (
        f"'{row.group}' ({plural(row.n, 'person')}, {row.share:.1%} of the sample, "
        f"rate {row.rate:.1%})"
    )
    if row.excluded_reason:
        return (
            f"{described} is shown but left out of impact ratios and tests: {row.excluded_reason}."
        )
    return f"{described} is under {min_share:.0%} of the sample; read its ratio with care."


def _reference_notes(rows: Sequence[GroupImpact], reference: str | None) -> list[str]:
    """Explain what the impact ratios are relative to, or why there are none."""
    included = [row for row in rows if row.excluded_reason is None]
    if not included:
        return ["No group is large enough to compare, so there are no impact ratios."]
    if reference is None:
        return [
            "Nobody in the groups large enough to compare was selected, so impact ratios "
            "are not defined."
        ]
    best = next(row for row in rows if row.group == reference)
    notes = [
        f"Impact ratios compare each group's rate with '{reference}', the included group with "
        f"the highest rate ({best.rate:.1%}); significance tests compare the same two groups."
    ]
    if len(included) == 1:
        notes.append(f"Only '{reference}' is large enough to compare, so nothing is tested.")
    return notes
