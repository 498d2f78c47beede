"""Import hires' later job performance (KPIs, manager rating, retention) from a CSV file.

One row per hire and measurement date. A row names its hire by ``candidate_id`` or
``email`` (a hire of the role: status ``hired``); ``measured_on`` is the date (YYYY-MM-DD);
the outcome columns are :data:`NUMERIC` and :data:`YES_NO`, each optional, blank where not
measured (nothing is imputed). The error rules are the incumbent import's: every problem is
named by line and column, and nothing is stored until the file has none.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.modeling.hire_outcomes import NUMERIC, OUTCOMES, YES_NO
from hiring.modeling.incumbents import (
    DEMOGRAPHIC_NAMES,
    MAX_COLLECTED,
    NO,
    YES,
    IncumbentFileError,
    _normalise,
)
from hiring.roles.services import get_role
from hiring.store.csv_input import cell_number, parse_csv
from hiring.store.db import write_transaction
from hiring.store.text_input import InputFileError


class OutcomeFileError(IncumbentFileError):
    """An outcome file has problems; ``problems`` names each row and column."""


@dataclass(frozen=True)
class OutcomeImport:
    """What an import stored."""

    rows: int
    hires: int
    columns: tuple[str, ...]
    notices: tuple[str, ...]


def _hires(db: Database, role_id: int) -> tuple[dict[str, int], dict[str, int]]:
    """Return the role's hires by id (as text) and by lower-cased e-mail."""
    rows = list(db["candidates"].rows_where("role_id = ? AND status = 'hired'", [role_id]))
    return {str(r["id"]): r["id"] for r in rows}, {r["email"].lower(): r["id"] for r in rows}


def _header(header: list[str], filename: str) -> tuple[list[str], list[str]]:
    """Return (problems, notices) about the header's columns."""
    problems, notices = [], []
    for name in sorted(h for h, n in Counter(header).items() if n > 1):
        problems.append(f"{filename}: header: column {name!r} appears more than once")
    if "candidate_id" not in header and "email" not in header:
        problems.append(f"{filename}: header: name each hire by a candidate_id or email column")
    if "measured_on" not in header:
        problems.append(f"{filename}: header: the measured_on column is missing")
    if not set(OUTCOMES) & set(header):
        problems.append(f"{filename}: header: no outcome column ({', '.join(OUTCOMES)})")
    for column in header:
        if column in (*OUTCOMES, "candidate_id", "email", "measured_on"):
            continue
        kind = "a demographic attribute" if _normalise(column) in DEMOGRAPHIC_NAMES else "unknown"
        notices.append(f"Column {column!r} is {kind}; it was not imported.")
    return problems, notices


def _cell(column: str, text: str, where: str, problems: list[str]) -> float | int | None:
    """Parse one outcome cell; blank is None (not measured)."""
    value = text.strip()
    if not value:
        return None
    if column in YES_NO:
        if value.lower() in YES or value.lower() in NO:
            return int(value.lower() in YES)
        problems.append(f"{where}: column {column}: {value!r} is not yes/no (or 1/0)")
        return None
    number = cell_number(value)
    low, high = NUMERIC[column]
    if number is None or not math.isfinite(number):
        problems.append(f"{where}: column {column}: {value!r} is not a number")
        return None
    if not low <= number <= high:
        problems.append(f"{where}: column {column}: {value} is outside {low:g}..{high:g}")
    return number


def _hire(cells: dict[str, str], hires, where: str, problems: list[str]) -> int | None:
    """Find the row's hire by candidate_id, else by e-mail."""
    by_id, by_email = hires
    ident, email = cells.get("candidate_id", ""), cells.get("email", "").lower()
    if ident:
        if ident in by_id:
            return by_id[ident]
        problems.append(f"{where}: column candidate_id: {ident} is not a hire of this role")
    elif email:
        if email in by_email:
            return by_email[email]
        problems.append(f"{where}: column email: {email} is not a hire of this role")
    else:
        problems.append(f"{where}: give the hire's candidate_id or email")
    return None


def _date(text: str, where: str, problems: list[str]) -> str | None:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        problems.append(f"{where}: column measured_on: {text!r} is not a date (YYYY-MM-DD)")
        return None


def parse_outcomes(
    text: str, hires: tuple[dict[str, int], dict[str, int]], filename: str
) -> tuple[list[dict], list[str]]:
    """Check an outcome CSV; return its rows and notices or raise :class:`OutcomeFileError`."""
    try:
        table = parse_csv(text, filename)
    except InputFileError as error:
        raise OutcomeFileError([error.message]) from None
    header = list(table.header)
    problems, notices = _header(header, filename)
    if problems:
        raise OutcomeFileError(problems)
    columns = [c for c in header if c in OUTCOMES]
    rows, seen = [], {}
    for row in table.rows:
        if len(problems) >= MAX_COLLECTED:
            problems.append(f"{filename}: reading stopped at line {row.number}")
            break
        where = f"{filename}: line {row.number}"
        if row.fields != len(header):
            problems.append(f"{where}: has {row.fields} fields, the header has {len(header)}")
            continue
        cells = {c: v.strip() for c, v in zip(header, row.cells, strict=True)}
        candidate_id = _hire(cells, hires, where, problems)
        measured_on = _date(cells["measured_on"], where, problems)
        values = {c: _cell(c, cells[c], where, problems) for c in columns}
        key = (candidate_id, measured_on)
        if candidate_id is not None and measured_on and key in seen:
            problems.append(f"{where}: the same hire and date as line {seen[key]}")
        seen[key] = row.number
        rows.append({"candidate_id": candidate_id, "measured_on": measured_on, **values})
    if not rows and not problems:
        problems.append(f"{filename}: there are no outcome rows")
    if problems:
        raise OutcomeFileError(problems)
    return rows, notices


def import_outcomes(
    db: Database, role_id: int, text: str, *, filename: str = "outcomes.csv", actor: str = "cli"
) -> OutcomeImport:
    """Store a clean outcome file for the role's hires (a re-imported hire and date is replaced)."""
    role = get_role(db, role_id)
    rows, notices = parse_outcomes(text, _hires(db, role_id), filename)
    now = audit.now_iso()
    stamp = {"role_id": role_id, "file_name": filename, "imported_at": now, "imported_by": actor}
    with write_transaction(db):
        db["hire_outcomes"].upsert_all(
            [{**row, **stamp} for row in rows], pk=("candidate_id", "measured_on")
        )
        hires = len({row["candidate_id"] for row in rows})
        audit.record(
            db, actor, "outcomes.import", "role", role_id, rows=len(rows), hires=hires,
            file=filename, role=role["slug"],
        )  # fmt: skip
    columns = tuple(c for c in OUTCOMES if any(c in row for row in rows))
    return OutcomeImport(len(rows), hires, columns, tuple(notices))
