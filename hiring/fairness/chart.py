"""Draw an adverse-impact table as an SVG bar chart: vector, every label escaped, no inline styles.

Colours are SVG presentation attributes (allowed by the Content Security Policy, which
forbids ``style`` attributes) and class names the web stylesheet may override; the PDF
embeds the same SVG as an image, where the attributes alone apply.
"""

import base64

from markupsafe import Markup, escape

from hiring.fairness import FOUR_FIFTHS, ImpactTable

LABEL_W, BAR_W, VALUE_W = 230, 330, 150
ROW_H, TOP, AXIS_H = 30, 8, 34
WIDTH = LABEL_W + BAR_W + VALUE_W
LABEL_CHARS = 32
COLOURS = {
    "track": "#e6eaee",
    "bar-ok": "#0b6e69",
    "bar-flag": "#b45309",
    "bar-excluded": "#a7b1ba",
    "rule": "#a1262b",
    "text": "#1d2630",
    "muted": "#56626e",
}


def _label(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1].rstrip() + "…"


def _bar_class(row) -> str:
    if row.excluded_reason:
        return "bar-excluded"
    return "bar-flag" if row.four_fifths_flag else "bar-ok"


def _row(index: int, row) -> str:
    y = TOP + index * ROW_H
    mid = y + ROW_H / 2
    css = _bar_class(row)
    value = f"{row.rate:.0%} · n={row.n}" + (" · not compared" if row.excluded_reason else "")
    tooltip = f"{row.group}: {row.selected} of {row.n} ({row.rate:.1%})"
    if row.impact_ratio is not None:
        tooltip += f", impact ratio {row.impact_ratio:.2f}"
    return (
        f'<text class="chart-label" x="{LABEL_W - 8}" y="{mid + 5:.0f}" text-anchor="end" '
        f'font-size="14" fill="{COLOURS["text"]}">{escape(_label(row.group))}</text>'
        f'<rect class="track" x="{LABEL_W}" y="{y + 7}" width="{BAR_W}" height="{ROW_H - 14}" '
        f'fill="{COLOURS["track"]}"/>'
        f'<rect class="{css}" x="{LABEL_W}" y="{y + 7}" width="{row.rate * BAR_W:.1f}" '
        f'height="{ROW_H - 14}" fill="{COLOURS[css]}"><title>{escape(tooltip)}</title></rect>'
        f'<text class="chart-value" x="{LABEL_W + BAR_W + 8}" y="{mid + 5:.0f}" font-size="13" '
        f'fill="{COLOURS["muted"]}">{escape(value)}</text>'
    )


def _axis(plot_h: int) -> str:
    parts = []
    for tick in (0, 25, 50, 75, 100):
        x = LABEL_W + BAR_W * tick / 100
        parts.append(
            f'<line class="grid" x1="{x:.0f}" y1="{TOP}" x2="{x:.0f}" y2="{TOP + plot_h}" '
            f'stroke="{COLOURS["track"]}" stroke-width="1"/>'
            f'<text class="tick" x="{x:.0f}" y="{TOP + plot_h + 18}" text-anchor="middle" '
            f'font-size="12" fill="{COLOURS["muted"]}">{tick}%</text>'
        )
    return "".join(parts)


def _four_fifths(table: ImpactTable, plot_h: int) -> str:
    if table.reference_group is None:
        return ""
    rate = table.row(table.reference_group).rate * float(FOUR_FIFTHS)
    x = LABEL_W + rate * BAR_W
    return (
        f'<line class="four-fifths" x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" '
        f'y2="{TOP + plot_h + 4}" stroke="{COLOURS["rule"]}" stroke-width="2" '
        f'stroke-dasharray="6 4"><title>Four-fifths of the highest rate ({rate:.1%})</title></line>'
    )


def impact_chart_svg(table: ImpactTable, *, title: str) -> str:
    """Return the SVG source: one bar per group's rate, a dashed line at 4/5 of the highest."""
    plot_h = max(len(table.rows), 1) * ROW_H
    height = TOP + plot_h + AXIS_H
    body = _axis(plot_h) + "".join(_row(i, row) for i, row in enumerate(table.rows))
    body += _four_fifths(table, plot_h)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="impact-chart" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{body}</svg>'
    )


def impact_chart(table: ImpactTable, *, title: str) -> Markup:
    """Return the chart for an HTML page (inline SVG)."""
    return Markup(impact_chart_svg(table, title=title))  # noqa: S704 (every text is escaped)


def impact_chart_data_uri(table: ImpactTable, *, title: str) -> str:
    """Return the chart as a ``data:`` URL, the form the PDF renderer's fetcher accepts."""
    svg = impact_chart_svg(table, title=title).encode()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
