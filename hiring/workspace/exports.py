"""CSV downloads that a spreadsheet cannot turn into formulas.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by Excel, LibreOffice and Google Sheets; such cells get a leading apostrophe, which
spreadsheets show as text (OWASP "CSV injection").
"""

import csv
import io
from collections.abc import Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_HEADER = (
    "id", "name", "email", "status", "fit", "band", "percentile", "quality_flags",
    "top_strength", "biggest_gap", "date", "synthetic", "form", "source",
)  # fmt: skip


def safe_cell(value: object) -> str:
    """Return ``value`` as text that no spreadsheet will evaluate."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """Yield CSV text one neutralised row at a time (for streaming downloads)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def list_rows(rows: Iterable[dict], names: dict[str, str]) -> Iterator[list[object]]:
    """Lay ranked-list rows out for export, header first; feature ids become names."""
    yield list(LIST_HEADER)
    for row in rows:
        yield [
            row["id"],
            row["name"],
            row["email"],
            row["status"],
            "" if row["fit"] is None else f"{row['fit']:.3f}",
            row["band"] or "",
            "" if row["percentile"] is None else f"{row['percentile']:.0f}",
            row["flag_count"] or 0,
            names.get(row["top_strength"] or "", row["top_strength"] or ""),
            names.get(row["biggest_gap"] or "", row["biggest_gap"] or ""),
            (row["submitted_at"] or row["invited_at"] or "")[:10],
            "yes" if row["synthetic"] else "no",
            row.get("form") or ("" if row["status"] == "invited" else "full"),
            row.get("source") or "assessed",
        ]
