"""Flatten fairness tables into rows of plain values for CSV exports."""

from dataclasses import asdict, fields
from typing import Any

from hiring.fairness.effect_sizes import EffectSize, EffectSizeTable
from hiring.fairness.groups import GroupImpact
from hiring.fairness.impact import ImpactTable
from hiring.store.plurals import plural

UNKNOWN_ROW_LABEL = "(unknown / prefer not to say)"
SUPPRESSED_ROW_LABEL = "(smaller groups, not shown)"
IMPACT_COLUMNS = ("table", *(f.name for f in fields(GroupImpact)), "reference_group", "median")
EFFECT_SIZE_COLUMNS = tuple(f.name for f in fields(EffectSize))


def to_csv_rows(table: ImpactTable | EffectSizeTable) -> list[dict[str, Any]]:
    """Return one dict per row, keyed by IMPACT_COLUMNS or EFFECT_SIZE_COLUMNS in order.

    Impact tables end with a row for the unknown category and one for the groups too small
    to show, so an export states how many people were kept out of the comparisons; the table kind, the reference group and (for
    scoring-rate tables) the median repeat on every row so each line reads on its own.
    """
    if isinstance(table, EffectSizeTable):
        rows = [asdict(row) for row in table.rows]
        if table.suppressed_groups:
            rows.append(
                {column: None for column in EFFECT_SIZE_COLUMNS}
                | {
                    "group": SUPPRESSED_ROW_LABEL,
                    "n_group": table.suppressed_count,
                    "excluded_reason": _suppressed_reason(
                        table.suppressed_groups, table.suppress_below
                    ),
                }
            )
        return rows
    context = {
        "table": table.kind,
        "reference_group": table.reference_group,
        "median": table.median,
    }
    rows = [_ordered({**asdict(row), **context}) for row in table.rows]
    if table.unknown_count:
        unknown = {
            "group": UNKNOWN_ROW_LABEL,
            "n": table.unknown_count,
            "share": table.unknown_count / table.total,
            "selected": table.unknown_selected,
            "rate": table.unknown_selected / table.unknown_count,
            "four_fifths_flag": False,
            "small_share_flag": False,
            "excluded_reason": "group not disclosed; kept out of every comparison",
        }
        rows.append(_ordered({**unknown, **context}))
    if table.suppressed_groups:
        selected = table.suppressed_selected
        suppressed = {
            "group": SUPPRESSED_ROW_LABEL,
            "n": table.suppressed_count,
            "share": table.suppressed_count / table.total,
            "selected": selected,
            "rate": None if selected is None else selected / table.suppressed_count,
            "four_fifths_flag": False,
            "small_share_flag": False,
            "excluded_reason": _suppressed_reason(table.suppressed_groups, table.suppress_below),
        }
        rows.append(_ordered({**suppressed, **context}))
    return rows


def _suppressed_reason(groups: int, minimum: int) -> str:
    return (
        f"{plural(groups, 'group')} of fewer than {plural(minimum, 'person')}; "
        "not shown or compared"
    )


def _ordered(values: dict[str, Any]) -> dict[str, Any]:
    """Put the values in IMPACT_COLUMNS order, blank (None) where a value does not apply."""
    return {column: values.get(column) for column in IMPACT_COLUMNS}
