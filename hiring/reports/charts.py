"""Vector charts of scores against target ranges: one SVG laid beside rows of escaped labels.

Labels and values are HTML paragraphs rather than SVG text because WeasyPrint lays
out SVG text one letter at a time, which made a chart cost more than a page of
prose; the SVG carries the marks and the short tick numbers.
"""

import base64
from collections.abc import Sequence

from markupsafe import Markup, escape

from hiring.assessment.ranges import format_score
from hiring.reports.content import ScoreBar

# SVG user units are tenths of a millimetre, so the chart has the same physical size on
# A4 and Letter and lines up with text rows of a fixed height (see report.css).
BAR_MM = 80
ROW_MM = 5.0
AXIS_MM = 5.0
WIDTH = BAR_MM * 10
ROW_H = round(ROW_MM * 10)
AXIS_H = round(AXIS_MM * 10)
PAD = 30  # room for a marker at either end of the scale
LABEL_CHARS = 30
TICK_SIZE = 26  # tick numbers' font size in user units
# Advance widths in em of DejaVu Sans, the report's font: its figures are tabular, 1303/2048 em.
FIGURE_EM, MINUS_EM = 1303 / 2048, 739 / 2048
LINE, AXIS, ACCENT, BAND, SHORT, MINIMUM = (
    "#c9d2da",
    "#8795a1",
    "#0b6e69",
    "#cfe8e6",
    "#b45309",
    "#a1262b",
)


def _label(name: str) -> str:
    """Put a label on one short line, so that every row keeps its height and its tab stop."""
    name = " ".join(name.split())
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1].rstrip() + "…"


def _num(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def _x(value: float, low: float, high: float) -> float:
    """Map ``value`` on the scale ``low..high`` to an x position inside the padded plot."""
    share = min(max((value - low) / (high - low), 0.0), 1.0)
    return PAD + share * (WIDTH - 2 * PAD)


def _advance(char: str) -> float:
    """Return the width of one letter of a tick number, in user units."""
    return TICK_SIZE * (MINUS_EM if char == "-" else FIGURE_EM)


def _tick_numbers(xs: Sequence[int], ticks: Sequence[float], baseline: int) -> str:
    """Write every tick number, centred under its grid line, as one ``<text>`` of placed letters.

    WeasyPrint draws SVG text a letter at a time whatever the markup, and each
    ``<text>`` element costs more again than its letters (with ``text-anchor``
    also a group of its own), so one element carries all the numbers with an x
    position for every letter, centred here from the font's advance widths.
    """
    positions, letters = [], []
    for x, tick in zip(xs, ticks, strict=True):
        label = _num(tick, 0)
        left = x - sum(map(_advance, label)) / 2
        for char in label:
            positions.append(f"{left:.1f}")
            letters.append(char)
            left += _advance(char)
    return (
        f'<text x="{" ".join(positions)}" y="{baseline}" font-family="DejaVu Sans, sans-serif" '
        f'font-size="{TICK_SIZE}" fill="#56626e">{"".join(letters)}</text>'
    )


def _svg(bars: Sequence[ScoreBar], ticks: Sequence[float], title: str) -> str:
    """Draw grid, target bands, minimums, score markers and the axis in one small SVG.

    Marks of one kind share a group's style or a single path, which keeps the
    data: URL short and the drawing quick; tick numbers are its only (short) text.
    """
    lo, hi = bars[0].scale_min, bars[0].scale_max
    plot_h = ROW_H * len(bars)
    height = plot_h + AXIS_H
    xs = [round(_x(tick, lo, hi)) for tick in ticks]
    grid = "".join(f"M{x} 0V{plot_h + 10}" for x in xs)
    bands, minimums, dots = [], [], []
    for index, bar in enumerate(bars):
        top = index * ROW_H
        left, right = _x(bar.low, lo, hi), _x(bar.high, lo, hi)
        bands.append(
            f'<rect x="{left:.0f}" y="{top + 10}" width="{max(right - left, 4):.0f}" height="{ROW_H - 20}" rx="5"/>'
        )
        if bar.minimum is not None:
            minimums.append(f"M{_x(bar.minimum, lo, hi):.0f} {top + 5}V{top + ROW_H - 5}")
        if bar.score is not None:
            fill = SHORT if bar.below_target else ACCENT
            dots.append(
                f'<circle cx="{_x(bar.score, lo, hi):.0f}" cy="{top + ROW_H // 2}" r="15" fill="{fill}"/>'
            )
    parts = [
        f'<path d="{grid}" stroke="{LINE}" stroke-width="2"/>',
        f'<path d="M{PAD} {plot_h}H{WIDTH - PAD}" stroke="{AXIS}" stroke-width="3"/>',
        _tick_numbers(xs, ticks, plot_h + 40),
        f'<g fill="{BAND}">{"".join(bands)}</g>',
    ]
    if minimums:
        parts.append(
            f'<path d="{"".join(minimums)}" stroke="{MINIMUM}" stroke-width="5" stroke-dasharray="8 5"/>'
        )
    parts.append(f'<g stroke="#ffffff" stroke-width="3">{"".join(dots)}</g>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{BAR_MM}mm" height="{height / 10:g}mm" role="img" aria-label="{escape(title)}">'
        f"{''.join(parts)}</svg>"
    )


def _row(bar: ScoreBar) -> str:
    """Write one text row: the label, a tab to the value column, the value and target."""
    dec = bar.decimals
    value = format_score(bar.score, dec, missing="–")
    note = "not scored · " if bar.score is None else ""
    state = " short" if bar.below_target else ""
    return (
        f'<p class="chart-row{state}">{escape(_label(bar.name))}\t'
        f"<b>{value}</b> <span>{note}target {format_score(bar.low, dec)}–{format_score(bar.high, dec)}</span></p>"
    )


def chart_legend(with_minimum: bool = True) -> Markup:
    """Return the key to the charts' marks, drawn with coloured glyphs (cheap to lay out)."""
    items = [
        ("key-score", "●", "Candidate score"),
        ("key-short", "●", "Below target"),
        ("key-band", "■", "Target range (hiring profile)"),
    ]
    if with_minimum:
        items.append(("key-minimum", "┆", "Minimum (knock-out)"))
    keys = "".join(f'<span class="{css}">{mark}</span> {text} ' for css, mark, text in items)
    # Only constant strings go into this markup.
    return Markup(f'<p class="chart-legend">{keys.strip()}</p>')  # noqa: S704


def score_chart(
    bars: Sequence[ScoreBar], *, title: str, axis_label: str, ticks: Sequence[float]
) -> Markup:
    """Return a chart with one row per score and a labelled axis; ``chart_legend`` is its key.

    ``ticks`` are in the bars' scale units; all bars of one chart share a scale.
    Each text row has the SVG's row height and the stylesheet lays the SVG over
    the gap between label and value. Rows are plain paragraphs with a tab stop,
    not a table or positioned boxes: WeasyPrint lays those out several times
    slower, and paints positioned boxes out of reading order.
    """
    if not bars:
        return Markup("")
    rows = "".join(_row(bar) for bar in bars)
    # As an image the SVG is parsed by ElementTree, not by the slower HTML parser and cascade.
    source = (
        "data:image/svg+xml;base64," + base64.b64encode(_svg(bars, ticks, title).encode()).decode()
    )
    # Every text in ``rows`` and here is escaped; the rest are numbers, constants and base64.
    return Markup(  # noqa: S704
        f'<div class="chart">{rows}<p class="chart-axis">{escape(axis_label)}</p>'
        f'<img src="{source}" alt="{escape(title)}"></div>'
    )
