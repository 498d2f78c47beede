"""Adverse-impact monitoring: selection and scoring rates, impact ratios, tests, effect sizes.

Self-identification data enters only here; it never reaches the fit model or its features.
"""

from hiring.fairness.effect_sizes import (
    EVERYONE_ELSE,
    LARGE_EFFECT,
    MEDIUM_EFFECT,
    SMALL_EFFECT,
    EffectSize,
    EffectSizeTable,
    cohens_d_table,
    magnitude,
)
from hiring.fairness.export import EFFECT_SIZE_COLUMNS, IMPACT_COLUMNS, to_csv_rows
from hiring.fairness.groups import (
    INTERSECTION_SEPARATOR,
    UNKNOWN_LABELS,
    FairnessError,
    GroupImpact,
    group_label,
    intersect,
)
from hiring.fairness.impact import (
    FOUR_FIFTHS,
    MIN_GROUP_SIZE,
    MIN_SHARE,
    SCORING_RATE,
    SELECTION,
    ImpactTable,
    band_at_or_above,
    scoring_rate_table,
    selection_table,
)
from hiring.fairness.significance import (
    FISHER,
    MIN_EXPECTED_COUNT,
    SMALL_SAMPLE_SIZE,
    Z_TEST,
    TwoByTwoTests,
    compare_proportions,
)

__all__ = [
    "EFFECT_SIZE_COLUMNS",
    "EVERYONE_ELSE",
    "FISHER",
    "FOUR_FIFTHS",
    "IMPACT_COLUMNS",
    "INTERSECTION_SEPARATOR",
    "LARGE_EFFECT",
    "MEDIUM_EFFECT",
    "MIN_EXPECTED_COUNT",
    "MIN_GROUP_SIZE",
    "MIN_SHARE",
    "SCORING_RATE",
    "SELECTION",
    "SMALL_EFFECT",
    "SMALL_SAMPLE_SIZE",
    "UNKNOWN_LABELS",
    "Z_TEST",
    "EffectSize",
    "EffectSizeTable",
    "FairnessError",
    "GroupImpact",
    "ImpactTable",
    "TwoByTwoTests",
    "band_at_or_above",
    "cohens_d_table",
    "compare_proportions",
    "group_label",
    "intersect",
    "magnitude",
    "scoring_rate_table",
    "selection_table",
    "to_csv_rows",
]
