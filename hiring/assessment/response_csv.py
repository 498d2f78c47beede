"""Read a CSV of answers (one row per respondent) into a response matrix, naming every bad cell."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hiring.assessment.answers import answer_problem
from hiring.assessment.questionnaire import Questionnaire
from hiring.assessment.scoring import ResponseError
from hiring.store.csv_input import parse_csv
from hiring.store.plurals import plural
from hiring.store.text_input import InputFileError, read_text_file

MAX_PROBLEMS = 50  # list this many problems, then say how many more there are
MAX_COLLECTED = 1_000  # stop reading a file once it has given this many problems


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
    missing = [i for i in q.item_ids if i not in seen]
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
    item. Likert answers must be whole numbers 1..points, and a scenario answer the 1-based
    number of the chosen option, written in plain digits ("3", not " 3", "03" or "3.0"). The
    file is read by :func:`hiring.store.csv_input.parse_csv`, under its limits.
    """
    path = Path(path)
    try:
        text = read_text_file(path)
    except InputFileError as error:
        raise ResponseError([error.message]) from None
    return parse_responses(text, path.name, q, id_column=id_column, extra_columns=extra_columns)


def parse_responses(
    text: str,
    name: str,
    q: Questionnaire,
    *,
    id_column: str = "id",
    extra_columns: Iterable[str] = (),
) -> ResponseSheet:
    """Parse answers from CSV ``text`` (named ``name`` in problems); see :func:`read_responses_csv`."""
    extra = list(extra_columns)
    try:
        table = parse_csv(text, name)
    except InputFileError as error:
        raise ResponseError([error.message]) from None
    header = list(table.header)
    problems = _header_problems(name, header, q, id_column, extra)
    if problems:
        raise ResponseError(problems)
    position = {column: k for k, column in enumerate(header)}
    columns = [
        (j, item_id, position[item_id], _highest(q, item_id))
        for j, item_id in enumerate(q.item_ids)
    ]
    ids: list[str] = []
    matrix = np.full((len(table.rows), len(q.item_ids)), np.nan)
    kept: dict[str, list[str]] = {column: [] for column in extra if column in position}
    seen: dict[str, int] = {}
    for k, row in enumerate(table.rows):
        where = f"{name} row {row.number}"
        if row.fields != len(header):
            problems.append(
                f"{where}: has {plural(row.fields, 'cell')}, the header has {len(header)}"
            )
        ident = row.cells[position[id_column]].strip()
        if not ident:
            problems.append(f"{where}, column {id_column}: is empty")
        elif ident in seen:
            problems.append(
                f"{where}, column {id_column}: {ident!r} already used on row {seen[ident]}"
            )
        seen.setdefault(ident, row.number)
        ids.append(ident)
        for column in kept:
            kept[column].append(row.cells[position[column]])
        for j, item_id, at, highest in columns:
            cell = row.cells[at]
            if cell.strip():
                problem = answer_problem(cell, highest)
                if problem:
                    problems.append(f"{where}, column {item_id}: {problem}")
                else:
                    matrix[k, j] = int(cell)
        if len(problems) >= MAX_COLLECTED:
            stopped = f"; reading stopped at row {row.number}"
            break
    else:
        stopped = ""
    if problems:
        more = len(problems) - MAX_PROBLEMS
        raise ResponseError(
            problems[:MAX_PROBLEMS] + ([f"... and {more} more{stopped}"] if more > 0 else [])
        )
    return ResponseSheet(ids, matrix, kept)
