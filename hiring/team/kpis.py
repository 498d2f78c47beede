"""Read a study's KPI file (no database): job performance keyed by employee id.

Columns: ``employee_id`` and any of ``csat``, ``qa``, ``handle_time`` (lower is better),
``rating`` and ``tenure`` (months). The rules are the incumbent file's
(``hiring.modeling.incumbents``): every problem named with its line, employee id and column,
nothing imported until there are none; a blank cell is a missing value, never filled in;
demographic and identity columns are never imported, and each one present is named.
"""

from collections import Counter
from dataclasses import dataclass

from hiring.modeling.incumbents import (
    DEMOGRAPHIC_NAMES,
    ID_COLUMN,
    IDENTITY_NAMES,
    MAX_COLLECTED,
    IncumbentFileError,
    _normalise,
)
from hiring.store.csv_input import cell_number, parse_csv
from hiring.store.text_input import InputFileError

# column -> (what it is, in words; whether lower values are better)
KPI_COLUMNS: dict[str, tuple[str, bool]] = {
    "csat": ("customer satisfaction", False),
    "qa": ("quality score", False),
    "handle_time": ("average handle time", True),
    "rating": ("performance rating", False),
    "tenure": ("tenure in months", False),
}


class KpiFileError(IncumbentFileError):
    """A KPI file has problems; ``problems`` names each line and column."""


@dataclass(frozen=True)
class KpiRow:
    """One employee's KPIs as read: None where the cell was blank."""

    line: int
    employee_id: str
    values: dict[str, float | None]


@dataclass(frozen=True)
class KpiFile:
    """A checked KPI file: its rows, the KPI columns it has and notices about the others."""

    rows: tuple[KpiRow, ...]
    columns: tuple[str, ...]
    notices: tuple[str, ...]


def _header(header: list[str], filename: str) -> tuple[list[str], list[str], list[str]]:
    problems, notices = [], []
    for name in sorted(h for h, n in Counter(header).items() if n > 1):
        problems.append(f"{filename}: header: column {name!r} appears more than once")
    if ID_COLUMN not in header:
        problems.append(f"{filename}: header: the {ID_COLUMN} column is missing")
    columns = [h for h in header if h in KPI_COLUMNS]
    if not columns:
        problems.append(f"{filename}: header: no KPI column; give any of {', '.join(KPI_COLUMNS)}")
    for column in header:
        key = _normalise(column)
        if column == ID_COLUMN or column in KPI_COLUMNS:
            continue
        if key in DEMOGRAPHIC_NAMES:
            notices.append(
                f"Column {column!r} looks like a demographic attribute: it was not imported."
            )
        elif key in IDENTITY_NAMES:
            notices.append(
                f"Column {column!r} holds identity data that is not needed; it was not imported."
            )
        else:
            notices.append(f"Column {column!r} is not a KPI this study uses; it was not imported.")
    return columns, problems, notices


def _value(cell: str, column: str, where: str, problems: list[str]) -> float | None:
    text = cell.strip()
    if not text:
        return None
    value = cell_number(text)
    if value is None:
        problems.append(f"{where}: column {column}: {text!r} is not a number")
    elif value < 0:
        problems.append(f"{where}: column {column}: {text} is below 0")
    elif column == "handle_time" and value == 0:
        problems.append(f"{where}: column {column}: a handle time of 0 is not possible")
    return value


def parse_kpis(text: str, filename: str = "kpis.csv") -> KpiFile:
    """Parse and check a KPI file; raise :class:`KpiFileError` listing every problem."""
    try:
        table = parse_csv(text, filename)
    except InputFileError as error:
        raise KpiFileError([error.message]) from None
    header = [h.strip().lower() for h in table.header]
    columns, problems, notices = _header(header, filename)
    if problems:
        raise KpiFileError(problems)
    rows, seen = [], {}
    for row in table.rows:
        if len(problems) >= MAX_COLLECTED:
            problems.append(
                f"{filename}: reading stopped at line {row.number} after {MAX_COLLECTED:,} problems"
            )
            break
        if row.fields != len(header):
            problems.append(
                f"{filename}: line {row.number}: has {row.fields} fields, the header has {len(header)}"
            )
            continue
        cells = dict(zip(header, row.cells, strict=True))
        person = cells[ID_COLUMN].strip()
        where = f"{filename}: line {row.number} ({ID_COLUMN} {person or '?'})"
        if not person:
            problems.append(f"{where}: column {ID_COLUMN}: is empty")
        elif person in seen:
            problems.append(f"{where}: duplicate {ID_COLUMN} (also on line {seen[person]})")
        else:
            seen[person] = row.number
        values = {c: _value(cells[c], c, where, problems) for c in columns}
        rows.append(KpiRow(row.number, person, values))
    if not rows and not problems:
        problems.append(f"{filename}: there are no KPI rows")
    if problems:
        raise KpiFileError(problems)
    return KpiFile(tuple(rows), tuple(columns), tuple(notices))
