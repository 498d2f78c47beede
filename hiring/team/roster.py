"""Read the employees file of an incumbent study (no database): every bad row and column named.

Columns ``employee_id,name,email,team[,manager]``, read by :func:`hiring.store.csv_input.parse_csv`
like every CSV we take in. Nothing is imported from a file with any problem: the caller gets
every problem at once, each naming its row (the header is row 1) and column.
"""

from dataclasses import dataclass

from hiring.candidates.invites import email_problem, name_problem
from hiring.errors import HiringError
from hiring.store.csv_input import parse_csv
from hiring.store.plurals import plural
from hiring.store.text_input import InputFileError

REQUIRED = ("employee_id", "name", "email", "team")
OPTIONAL = ("manager",)
MAX_ROWS = 5000
MAX_ID = 64
MAX_SHOWN = 20


class RosterError(HiringError):
    """An employees file has problems; ``problems`` names each row and column."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:MAX_SHOWN]
        more = len(problems) - len(shown)
        tail = [f"... and {more} more"] if more else []
        super().__init__("\n".join(shown + tail))
        self.problems = problems


@dataclass(frozen=True)
class EmployeeRow:
    """One employee to invite, as read from a form or a file line."""

    row: int
    employee_id: str
    name: str
    email: str
    team: str
    manager: str = ""  # the user name of their manager's staff account


def row_problems(row: EmployeeRow) -> list[str]:
    """Return what is wrong with one employee, each naming its column."""
    problems = []
    if not row.employee_id:
        problems.append("column employee_id: is empty")
    elif len(row.employee_id) > MAX_ID or any(ord(c) < 32 for c in row.employee_id):
        problems.append(f"column employee_id: must be plain text of at most {MAX_ID} characters")
    for column, problem in (("name", name_problem(row.name)), ("email", email_problem(row.email))):
        if problem:
            problems.append(f"column {column}: {problem}")
    if len(row.team) > 80 or any(ord(c) < 32 for c in row.team):
        problems.append("column team: must be plain text of at most 80 characters")
    return problems


def parse_roster(text: str, source: str = "The file") -> list[EmployeeRow]:
    """Read and check an employees file; raise :class:`RosterError` listing every problem."""
    rows, problems = read_roster(text, source)
    if problems:
        raise RosterError(problems)
    return rows


def read_roster(text: str, source: str = "The file") -> tuple[list[EmployeeRow], list[str]]:
    """Read an employees file: the rows, and every problem found (a bad header raises at once)."""
    try:
        table = parse_csv(text, source, max_rows=MAX_ROWS)
    except InputFileError as error:
        raise RosterError([error.message]) from None
    header = [h.lower() for h in table.header]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h not in REQUIRED + OPTIONAL]
    problems = []
    if missing:
        problems.append(
            f"{source}: header: missing column {', '.join(missing)} ({table.describe_header()})"
        )
    if unknown:
        problems.append(
            f"{source}: header: column {', '.join(map(repr, unknown))} is not one of {', '.join(REQUIRED + OPTIONAL)}"
        )
    if problems:
        raise RosterError(problems)
    rows, seen_ids, seen_emails = [], {}, {}
    for line in table.rows:
        where = f"{source}: row {line.number}"
        if line.too_long:
            problems.append(
                f"{where}: has {plural(line.fields, 'field')}, the header has {len(header)}"
            )
            continue
        cells = dict(zip(header, (" ".join(v.split()) for v in line.cells), strict=True))
        row = EmployeeRow(
            line.number, cells["employee_id"], cells["name"], cells["email"], cells["team"],
            cells.get("manager", ""),
        )  # fmt: skip
        problems.extend(f"{where}: {p}" for p in row_problems(row))
        for key, seen, column in (
            (row.employee_id, seen_ids, "employee_id"),
            (row.email.lower(), seen_emails, "email"),
        ):
            if key and key in seen:
                problems.append(f"{where}: column {column}: {key} is also on row {seen[key]}")
            seen.setdefault(key, line.number)
        rows.append(row)
    if not rows and not problems:
        problems.append(f"{source}: there are no employee rows")
    return rows, problems
