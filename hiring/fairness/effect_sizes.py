"""Standardized mean differences (Cohen's d, Hedges' g) per scale between groups."""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from hiring.fairness.groups import UNKNOWN_LABELS, FairnessError, check_min_group_size, group_labels
from hiring.fairness.impact import MIN_GROUP_SIZE
from hiring.fairness.notes import Suppressed, suppressed_note
from hiring.store.plurals import plural

# Cohen's conventional benchmarks for |d|; descriptive labels, not legal thresholds.
SMALL_EFFECT = 0.2
MEDIUM_EFFECT = 0.5
LARGE_EFFECT = 0.8
EVERYONE_ELSE = "everyone else"


@dataclass(frozen=True)
class EffectSize:
    """How far one group's mean on one feature sits from the comparison's, in pooled SDs."""

    group: str
    comparison: str  # EVERYONE_ELSE or the reference group's label
    feature_id: str
    n_group: int  # people with a value on this feature
    n_comparison: int
    mean_group: float | None = None
    mean_comparison: float | None = None
    pooled_sd: float | None = None
    cohens_d: float | None = None  # positive: the group scores higher than the comparison
    hedges_g: float | None = None
    magnitude: str | None = None  # "negligible" | "small" | "medium" | "large"
    excluded_reason: str | None = None


@dataclass(frozen=True)
class EffectSizeTable:
    """Effect sizes for every group and feature, with notes for the reader."""

    rows: tuple[EffectSize, ...]
    feature_ids: tuple[str, ...]
    comparison: str
    total: int
    unknown_count: int
    notes: tuple[str, ...]
    suppressed_groups: int = 0  # groups under ``suppress_below``: counted, never shown
    suppressed_count: int = 0
    suppress_below: int = 0


def cohens_d_table(
    groups: Sequence[object],
    X: np.ndarray | Sequence[Sequence[float]],
    feature_ids: Sequence[str],
    *,
    reference: str | None = None,
    min_group_size: int = MIN_GROUP_SIZE,
    unknown_labels: Iterable[str] = UNKNOWN_LABELS,
    suppress_below: int = 0,
    feature_names: Mapping[str, str] | None = None,
) -> EffectSizeTable:
    """Compare each group's feature means with everyone else's, or with ``reference``'s.

    ``X`` is people x features (NaN = missing, dropped per feature). People whose group is
    unknown are in neither side of any comparison. A group of fewer than ``suppress_below``
    people gets no rows (it still counts in "everyone else"); the notes say how many people
    such groups hold. ``feature_names`` names the features in the notes.
    """
    check_min_group_size(min_group_size, smallest=2)
    check_min_group_size(suppress_below, smallest=0)
    matrix = np.asarray(X, dtype=float)
    if matrix.ndim != 2 or matrix.shape != (len(groups), len(feature_ids)):
        raise FairnessError(
            f"Expected one row per person ({len(groups)}) and one column per feature "
            f"({len(feature_ids)}); got a table of shape {matrix.shape}."
        )
    if np.isinf(matrix).any():
        raise FairnessError("Feature values must be finite numbers (or blank when missing).")
    labels = np.array(group_labels(groups, unknown_labels), dtype=object)
    known = np.array([g is not None for g in labels], dtype=bool)
    names = sorted({g for g in labels if g is not None})
    if reference is not None and (labels == reference).sum() < min_group_size:
        raise FairnessError(
            f"The reference group {reference!r} needs at least {plural(min_group_size, 'person')}."
        )
    comparison = EVERYONE_ELSE if reference is None else reference
    sizes = {name: int((labels == name).sum()) for name in names}
    hidden = {name for name in names if sizes[name] < suppress_below and name != reference}
    rows = []
    for name in (n for n in names if n != reference and n not in hidden):
        other = known & (labels != name) if reference is None else labels == reference
        for j, feature in enumerate(feature_ids):
            a, b = matrix[labels == name, j], matrix[other, j]
            rows.append(
                _effect(name, comparison, feature, a[~np.isnan(a)], b[~np.isnan(b)], min_group_size)
            )
    unknown = int((~known).sum())
    suppressed = Suppressed(len(hidden), sum(sizes[n] for n in hidden), suppress_below)
    notes = _notes(rows, len(labels), unknown, comparison, dict(feature_names or {}))
    if hidden:
        said = suppressed_note(suppressed, len(labels), in_everyone_else=reference is None)
        notes = (notes[0], said, *notes[1:])
    return EffectSizeTable(
        tuple(rows), tuple(feature_ids), comparison, len(labels), unknown, notes,
        suppressed.groups, suppressed.people, suppress_below,
    )  # fmt: skip


def _effect(
    group: str, comparison: str, feature: str, a: np.ndarray, b: np.ndarray, min_size: int
) -> EffectSize:
    r"""Compute d and g for one group and feature.

    .. math:: d = \frac{\bar a - \bar b}{s_p},\quad
              s_p = \sqrt{\frac{(n_a-1)s_a^2 + (n_b-1)s_b^2}{n_a+n_b-2}},\quad
              g = J\,d,\quad J = \frac{\Gamma(\nu/2)}{\sqrt{\nu/2}\,\Gamma((\nu-1)/2)},
              \ \nu = n_a+n_b-2

    (sample variances with n-1; J is Hedges' exact small-sample correction).
    """
    n_a, n_b = int(a.size), int(b.size)
    base = EffectSize(group, comparison, feature, n_a, n_b)
    if n_a < min_size or n_b < min_size:
        return replace(
            base,
            excluded_reason=f"fewer than {plural(min_size, 'person')} with a value on each side",
        )
    df = n_a + n_b - 2
    pooled = math.sqrt(((n_a - 1) * a.var(ddof=1) + (n_b - 1) * b.var(ddof=1)) / df)
    base = replace(
        base, mean_group=float(a.mean()), mean_comparison=float(b.mean()), pooled_sd=pooled
    )
    if pooled == 0:
        return replace(base, excluded_reason="everyone has the same value")
    d = (float(a.mean()) - float(b.mean())) / pooled
    j = math.exp(math.lgamma(df / 2) - math.lgamma((df - 1) / 2)) / math.sqrt(df / 2)
    return replace(base, cohens_d=d, hedges_g=j * d, magnitude=magnitude(d))


def magnitude(d: float) -> str:
    """Name the size of a standardized difference by Cohen's benchmarks."""
    size = abs(d)
    if size < SMALL_EFFECT:
        return "negligible"
    if size < MEDIUM_EFFECT:
        return "small"
    return "medium" if size < LARGE_EFFECT else "large"


def _notes(
    rows: list[EffectSize], total: int, unknown: int, comparison: str, names: dict[str, str]
) -> tuple[str, ...]:
    """Explain the comparison and point at the differences worth a look before go-live."""
    if total == 0:
        return ("There is no one in this data yet, so there is nothing to compare.",)
    against = (
        "everyone else whose group is known" if comparison == EVERYONE_ELSE else f"'{comparison}'"
    )
    notes = [
        f"{unknown} of {plural(total, 'person')} "
        f"{'has an unknown group and is' if unknown == 1 else 'have an unknown group and are'} "
        "left out of every comparison.",
        f"Each group is compared with {against}; a positive d means the group scores higher. "
        "Hedges' g applies the small-sample correction to d.",
    ]
    notes += [
        f"'{r.group}' on {names.get(r.feature_id, r.feature_id)}: d = {r.cohens_d:.2f}, g = {r.hedges_g:.2f} "
        f"({r.magnitude}); review this scale before the model version goes live."
        for r in rows
        if r.cohens_d is not None and r.hedges_g is not None and abs(r.hedges_g) >= MEDIUM_EFFECT
    ]
    skipped = sorted({r.group for r in rows if r.excluded_reason})
    if skipped:
        notes.append(
            f"Some effect sizes could not be computed for: {', '.join(skipped)} (see each row)."
        )
    return tuple(notes)
