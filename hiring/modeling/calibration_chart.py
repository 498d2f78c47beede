"""Draw a calibration (reliability) plot as inline SVG: observed rate against predicted probability.

Each out-of-fold bin is a dot at (mean predicted, observed rate), its area growing with the
bin's count, over the dashed diagonal of perfect calibration; bars along the bottom show how
many incumbents each bin holds. Colours are presentation attributes and class names (the
Content Security Policy forbids ``style`` attributes); every text is escaped.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from hiring.store.plurals import plural

SIZE, LEFT, TOP, BOTTOM = 320, 52, 12, 86
WIDTH, HEIGHT = LEFT + SIZE + 16, TOP + SIZE + BOTTOM
HIST_H = 34
COLOURS = {"grid": "#e6eaee", "ideal": "#56626e", "dot": "#0b6e69", "bar": "#a7b1ba"}


def _x(p: float) -> float:
    return LEFT + p * SIZE


def _y(p: float) -> float:
    return TOP + (1 - p) * SIZE


def _axes() -> str:
    parts = []
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            f'<line class="grid" x1="{_x(0):.0f}" y1="{_y(tick):.0f}" x2="{_x(1):.0f}" '
            f'y2="{_y(tick):.0f}" stroke="{COLOURS["grid"]}"/>'
            f'<line class="grid" x1="{_x(tick):.0f}" y1="{_y(0):.0f}" x2="{_x(tick):.0f}" '
            f'y2="{_y(1):.0f}" stroke="{COLOURS["grid"]}"/>'
            f'<text class="tick" x="{LEFT - 6}" y="{_y(tick) + 4:.0f}" text-anchor="end" '
            f'font-size="11">{tick:.2f}</text>'
            f'<text class="tick" x="{_x(tick):.0f}" y="{_y(0) + 16:.0f}" text-anchor="middle" '
            f'font-size="11">{tick:.2f}</text>'
        )
    parts.append(
        f'<line class="ideal" x1="{_x(0):.0f}" y1="{_y(0):.0f}" x2="{_x(1):.0f}" y2="{_y(1):.0f}" '
        f'stroke="{COLOURS["ideal"]}" stroke-dasharray="5 4"><title>Perfect calibration</title></line>'
        f'<text class="axis-label" x="{_x(0.5):.0f}" y="{_y(0) + 32:.0f}" text-anchor="middle" '
        'font-size="12">Predicted probability (out-of-fold)</text>'
        f'<text class="axis-label" x="14" y="{_y(0.5):.0f}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 14 {_y(0.5):.0f})">Observed high-performer rate</text>'
    )
    return "".join(parts)


def _bins(bins: Sequence[Mapping[str, Any]]) -> str:
    total = sum(b["count"] for b in bins) or 1
    most = max((b["count"] for b in bins), default=0) or 1
    base = _y(0) + 36 + HIST_H
    parts = []
    for b in bins:
        height = HIST_H * b["count"] / most
        tip = f"{b['low']:.1f}–{b['high']:.1f}: {plural(b['count'], 'incumbent')}"
        parts.append(
            f'<rect class="bin-bar" x="{_x(b["low"]) + 1:.1f}" y="{base - height:.1f}" '
            f'width="{(b["high"] - b["low"]) * SIZE - 2:.1f}" height="{height:.1f}" '
            f'fill="{COLOURS["bar"]}"><title>{escape(tip)}</title></rect>'
        )
        if not b["count"] or b["mean_predicted"] is None or b["observed_rate"] is None:
            continue
        radius = 3 + 9 * (b["count"] / total) ** 0.5
        tip = f"{tip}; predicted {b['mean_predicted']:.2f}, observed {b['observed_rate']:.2f}"
        parts.append(
            f'<circle class="bin-dot" cx="{_x(b["mean_predicted"]):.1f}" '
            f'cy="{_y(b["observed_rate"]):.1f}" r="{radius:.1f}" fill="{COLOURS["dot"]}" '
            f'fill-opacity="0.8"><title>{escape(tip)}</title></circle>'
        )
    return "".join(parts)


def calibration_chart(bins: Sequence[Mapping[str, Any]], *, title: str) -> Markup:
    """Return the plot of ``ValidationReport.ece_bins`` as inline SVG."""
    return Markup(  # noqa: S704 (numbers are formatted, every text is escaped)
        f'<svg xmlns="http://www.w3.org/2000/svg" class="calibration-chart" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f"{_axes()}{_bins(bins)}</svg>"
    )


IMP_LABEL_W, IMP_BAR_W, IMP_ROW_H = 190, 300, 24


def importance_chart(
    rows: Sequence[Mapping[str, Any]], names: Mapping[str, str], *, title: str
) -> Markup:
    """Return permutation importance as horizontal bars with a whisker of one SD either side.

    The axis spans the largest |mean| + SD so that negative importances (noise) show left of
    zero; a whisker crossing zero is the visual cue that a trait's importance is uncertain.
    """
    reach = max((abs(r["mean"]) + abs(r["sd"] or 0.0) for r in rows), default=0.0) or 0.01
    zero = IMP_LABEL_W + IMP_BAR_W / 2
    scale = (IMP_BAR_W / 2) / reach
    height = TOP + IMP_ROW_H * len(rows) + 30
    width = IMP_LABEL_W + IMP_BAR_W + 20
    parts = [
        f'<line class="ideal" x1="{zero:.1f}" y1="{TOP}" x2="{zero:.1f}" '
        f'y2="{TOP + IMP_ROW_H * len(rows)}" stroke="{COLOURS["ideal"]}"/>'
    ]
    for i, row in enumerate(rows):
        y = TOP + i * IMP_ROW_H
        mean, sd = float(row["mean"]), float(row["sd"] or 0.0)
        left, right = sorted((zero, zero + mean * scale))
        name = escape(names.get(row["feature"], row["feature"]))
        tip = escape(f"{names.get(row['feature'], row['feature'])}: {mean:+.3f} ± {sd:.3f}")
        parts.append(
            f'<text class="tick" x="{IMP_LABEL_W - 8}" y="{y + 16}" text-anchor="end" '
            f'font-size="12">{name}</text>'
            f'<rect class="bin-bar" x="{left:.1f}" y="{y + 5}" width="{max(right - left, 1):.1f}" '
            f'height="{IMP_ROW_H - 10}" fill="{COLOURS["dot"]}"><title>{tip}</title></rect>'
            f'<line x1="{zero + (mean - sd) * scale:.1f}" y1="{y + 12}" '
            f'x2="{zero + (mean + sd) * scale:.1f}" y2="{y + 12}" stroke="{COLOURS["ideal"]}" '
            'stroke-width="1.5"/>'
        )
    axis_y = TOP + IMP_ROW_H * len(rows) + 18
    parts.append(
        f'<text class="tick" x="{zero - IMP_BAR_W / 2:.0f}" y="{axis_y}" font-size="11">'
        f"{-reach:+.3f}</text>"
        f'<text class="tick" x="{zero:.0f}" y="{axis_y}" text-anchor="middle" font-size="11">0</text>'
        f'<text class="tick" x="{zero + IMP_BAR_W / 2:.0f}" y="{axis_y}" text-anchor="end" '
        f'font-size="11">{reach:+.3f}</text>'
    )
    return Markup(  # noqa: S704 (numbers are formatted, every text is escaped)
        f'<svg xmlns="http://www.w3.org/2000/svg" class="importance-chart" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(parts)}</svg>'
    )
