"""The ranked list's table rows, written in Python: the hottest loop of the app.

Fifty rows of about a dozen values each cost Jinja (one generator step, one ``escape`` and
one ``Markup`` per value) about 1 ms a page, a fifth of the whole request; written here,
with the bulk-action fields kept, the page's template time fell from 2.2 to 0.8 ms
(docs/scaling.md). Every value from the database goes through ``escape``, exactly as
autoescaping would; numbers are formatted, never taken as text.
``templates/recruiter/list.html`` holds the table around these rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from markupsafe import Markup, escape

DASH = '<span class="muted">—</span>'
INVITED = '<br><span class="muted">invited</span>'


def _name_cell(row: Mapping, url: str) -> str:
    badges = "".join(
        (
            ' <span class="synthetic-badge">synthetic</span>' if row["synthetic"] else "",
            ' <span class="synthetic-badge">imported</span>' if row["source"] == "imported" else "",
            ' <span class="form-badge">adaptive form</span>' if row["form"] == "adaptive" else "",
        )
    )
    return (
        f'<a href="{escape(url)}">{escape(row["name"])}</a>{badges}'
        f'<br><span class="muted">{escape(row["email"])}</span>'
    )


def _row(row: Mapping, names: Mapping, checked: set, candidate_url: str) -> str:
    rid = int(row["id"])
    fit, band, percentile = row["fit"], row["band"], row["percentile"]
    flags = row["flag_count"]
    top, gap = row["top_strength"], row["biggest_gap"]
    submitted = row["submitted_at"]
    day = escape((submitted or row["invited_at"] or "")[:10])
    return (
        "\n  <tr>\n"
        f'    <td><input type="checkbox" name="c" value="{rid}" id="c{rid}" '
        f'aria-label="Select {escape(row["name"])}"{" checked" if rid in checked else ""}></td>\n'
        f"    <td>{_name_cell(row, candidate_url.format(rid))}</td>\n"
        f'    <td class="num">{DASH if fit is None else f"{fit * 100:.0f}%"}</td>\n'
        "    <td>"
        + (
            f'<span class="band band-{escape(band.replace(" ", "-"))}">{escape(band)}</span>'
            if band
            else DASH
        )
        + "</td>\n"
        f'    <td class="num">{"—" if percentile is None else f"{percentile:.0f}"}</td>\n'
        f"    <td>{escape(names.get(top, top) or '—')}</td>\n"
        f"    <td>{escape(names.get(gap, gap) or '—')}</td>\n"
        "    <td>"
        + (
            f'<span class="flag">{flags} {"flag" if flags == 1 else "flags"}</span>'
            if flags
            else '<span class="muted">none</span>'
        )
        + "</td>\n"
        f"    <td>{escape(row['status'])}</td>\n"
        f"    <td>{day}{'' if submitted else INVITED}</td>\n"
        "  </tr>\n  "
    )


def ranked_rows(
    rows: Iterable[Mapping], names: Mapping, checked: set, candidate_url: str
) -> Markup:
    """The ``<tr>`` of every row: a checkbox, the linked name, fit, band and the rest."""
    return Markup(  # noqa: S704 - every value above is escaped or a formatted number
        "".join(_row(row, names, checked, candidate_url) for row in rows)
    )
