"""Read the CSV files and uploads we are given, in time linear in their size, under limits.

Every CSV we take in (incumbents, answers, invites, self-identification) goes through
:func:`parse_csv`. It reads a comma-, semicolon- or tab-separated file (the delimiter is the
one the header line uses most), refuses what would otherwise be misread (a quoted field
left open or running over several lines, a field over 128 KB, more than ``MAX_COLUMNS``
columns or ``MAX_ROWS`` rows) with one line naming the row, and hands every row back as
wide as the header, so the caller can name a row with more fields than the header.
"""

import csv
import io
from dataclasses import dataclass

from hiring.store.plurals import noun
from hiring.store.text_input import InputFileError

MAX_COLUMNS = 1_000
MAX_ROWS = 100_000
MAX_FIELD_CHARS = 131_072  # csv.field_size_limit()'s default, 128 K characters
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass(frozen=True)
class CsvRow:
    """One data row: its number as a spreadsheet shows it (the header is row 1), its cells."""

    number: int
    cells: tuple[str, ...]  # as wide as the header: padded with "" when the row is short
    fields: int  # fields the row really has (empty ones past the header's width not counted)

    @property
    def too_long(self) -> bool:
        """The row has values in columns the header does not name."""
        return self.fields > len(self.cells)

    @property
    def too_short(self) -> bool:
        """The row ends before the header's last column."""
        return self.fields < len(self.cells)


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read: its header (names stripped), its non-blank rows and its delimiter."""

    header: tuple[str, ...]
    rows: list[CsvRow]
    delimiter: str

    def describe_header(self, shown: int = 8) -> str:
        """Say how the header was read, for a message about a missing column."""
        names = ", ".join(repr(name) for name in self.header[:shown])
        more = f" and {len(self.header) - shown:,} more" if len(self.header) > shown else ""
        return f"read as {DELIMITERS[self.delimiter]}-separated, the header holds {names}{more}"


def _delimiter(text: str) -> str:
    """The delimiter the first line uses most (comma when there is none)."""
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])  # first of the tied ones: comma
    return best if counts[best] else ","


def _csv_error(source: str, number: int, first_line: int, error: csv.Error) -> InputFileError:
    """Turn the csv module's complaint about row ``number`` into a sentence for the user."""
    text = str(error)
    where = f"{source}: row {number}"
    if "field larger than field limit" in text:
        problem = (
            f"a field is longer than {MAX_FIELD_CHARS:,} characters (128 KB), the most we read"
        )
    elif "unexpected end of data" in text:
        problem = f"the quoted field opened on line {first_line} is never closed"
    elif "expected after" in text:
        problem = (
            'a quote inside a quoted field must be doubled (""), and nothing may follow a '
            "closing quote"
        )
    else:
        problem = f"cannot be read as CSV ({text})"
    return InputFileError(f"{where}: {problem}")


def _header(fields: list[str], source: str) -> tuple[str, ...]:
    header = [name.strip() for name in fields]
    while header and not header[-1]:
        header.pop()  # spreadsheets add empty columns after the last one used
    if not header:
        raise InputFileError(f"{source}: the first row (the header) is empty")
    if len(header) > MAX_COLUMNS:
        raise InputFileError(
            f"{source}: the header has {len(header):,} {noun(len(header), 'column')}; "
            f"at most {MAX_COLUMNS:,} are read"
        )
    return tuple(header)


def _row(number: int, fields: list[str], width: int) -> CsvRow:
    count = len(fields)
    while count > width and not fields[count - 1].strip():
        count -= 1  # empty cells past the last named column hold nothing
    cells = tuple(fields[:width]) + ("",) * (width - min(count, width))
    return CsvRow(number, cells, count)


def parse_csv(text: str, source: str, max_rows: int = MAX_ROWS) -> CsvTable:
    """Read CSV ``text`` (named ``source`` in messages); raise :class:`InputFileError`.

    Blank rows are skipped but keep their number. A field may not run over several lines:
    that is almost always a closing quote missing, which would swallow the rows after it.
    """
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise InputFileError(f"{source}: is empty (expected a header row)")
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[CsvRow] = []
    header: tuple[str, ...] = ()
    number, line = 0, 0  # the row being read, and the last line of the row before it
    try:
        for fields in reader:
            number += 1
            if reader.line_num - line > 1:
                raise InputFileError(
                    f"{source}: row {number}: a quoted field runs from line {line + 1} to line "
                    f"{reader.line_num}; a closing quote is probably missing (a field may not "
                    "run over several lines)"
                )
            line = reader.line_num
            if number == 1:
                header = _header(fields, source)
            elif any(field.strip() for field in fields):
                if len(rows) >= max_rows:
                    raise InputFileError(
                        f"{source}: has more than {max_rows:,} {noun(max_rows, 'row')}; "
                        "split it into smaller files"
                    )
                rows.append(_row(number, fields, len(header)))
    except csv.Error as error:
        raise _csv_error(source, number + 1, line + 1, error) from None
    return CsvTable(header, rows, delimiter)


def cell_number(text: str) -> float | None:
    """Read a plain decimal number (ASCII digits, optional sign and point), else None.

    ``float()`` would also take other scripts' digits, underscores, exponents, "nan" and
    "infinity"; a CSV cell gets none of those.
    """
    body = text.strip()
    unsigned = body[1:] if body[:1] in ("+", "-") else body
    whole, point, fraction = unsigned.partition(".")
    digits = whole + fraction
    if not (digits.isascii() and digits.isdigit()):
        return None
    return float(body)
