"""Read a CSV of answers (one row per respondent) into a response matrix, naming every bad cell."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hiring.assessment.questionnaire import Questionnaire
from hiring.assessment.scoring import ResponseError
from hiring.store.plurals import plural

MAX_PROBLEMS = 50  # list this many problems, then say how many more there are


@dataclass(frozen=True, eq=False)
class ResponseSheet:
    """Respondent ids, their answers in ``q.item_ids`` order (NaN = blank) and extra columns."""

    ids: list[str]
    responses: np.ndarray
    extra: dict[str, list[str]] = field(default_factory=dict)


def _highest(q: Questionnaire, item_id: str) -> int:
    item = q.sjt_by_id.get(item_id)
    return len(item.options) if item is not None else q.response_scale.points


def _header_problems(name, header, q, id_column, extra) -> list[str]:
    problems = []
    if id_column not in header:
        problems.append(f"{name} row 1: no {id_column!r} column")
    allowed = {id_column, *q.item_ids, *extra}
    for column in header:
        if column not in allowed:
            problems.append(f"{name} row 1, column {column}: not an item of {q.label}")
    seen = set()
    for column in header:
        if column in seen:
            problems.append(f"{name} row 1, column {column}: appears twice")
        seen.add(column)
    missing = [i for i in q.item_ids if i not in header]
    if missing:
        problems.append(f"{name} row 1: missing item columns {', '.join(missing)}")
    return problems


def read_responses_csv(
    path: str | Path,
    q: Questionnaire,
    *,
    id_column: str = "id",
    extra_columns: Iterable[str] = (),
) -> ResponseSheet:
    """Parse answers from CSV; raise ResponseError listing every problem by row and column.

    Rows are numbered as in a spreadsheet (the header is row 1). A blank cell is an unanswered
    item. Likert answers must be whole numbers 1..points; a scenario answer is the 1-based
    number of the chosen option.
    """
    path = Path(path)
    extra = list(extra_columns)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ResponseError([f"{path.name}: cannot be read as UTF-8 CSV ({error})"]) from None
    if not rows:
        raise ResponseError([f"{path.name}: is empty (expected a header row)"])
    header = [h.strip() for h in rows[0]]
    problems = _header_problems(path.name, header, q, id_column, extra)
    if problems:
        raise ResponseError(problems)
    position = {column: k for k, column in enumerate(header)}
    ids: list[str] = []
    matrix = np.full((len(rows) - 1, len(q.item_ids)), np.nan)
    kept: dict[str, list[str]] = {column: [] for column in extra if column in position}
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        where = f"{path.name} row {number}"
        if len(row) != len(header):
            problems.append(
                f"{where}: has {plural(len(row), 'cell')}, the header has {len(header)}"
            )
            row = (row + [""] * len(header))[: len(header)]
        ident = row[position[id_column]].strip()
        if not ident:
            problems.append(f"{where}, column {id_column}: is empty")
        elif ident in seen:
            problems.append(
                f"{where}, column {id_column}: {ident!r} already used on row {seen[ident]}"
            )
        seen.setdefault(ident, number)
        ids.append(ident)
        for column in kept:
            kept[column].append(row[position[column]])
        for j, item_id in enumerate(q.item_ids):
            cell = row[position[item_id]].strip()
            if cell:
                value = _answer(cell, _highest(q, item_id))
                if isinstance(value, str):
                    problems.append(f"{where}, column {item_id}: {value}")
                else:
                    matrix[number - 2, j] = value
    if problems:
        more = len(problems) - MAX_PROBLEMS
        raise ResponseError(
            problems[:MAX_PROBLEMS] + ([f"... and {more} more"] if more > 0 else [])
        )
    return ResponseSheet(ids, matrix, kept)


def _answer(cell: str, highest: int) -> int | str:
    """The answer in a cell, or a description of what is wrong with it."""
    try:
        value = int(cell)
    except ValueError:
        return f"{cell!r} is not a whole number"
    if not 1 <= value <= highest:
        return f"{cell!r} is outside 1..{highest}"
    return value
