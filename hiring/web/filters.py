"""Template filters that show scores and gaps by the same rule everywhere (see ``ranges``)."""

from flask import Flask

from hiring.assessment.ranges import format_gap, format_score


def init_app(app: Flask) -> None:
    """Register ``score`` (a score at its shown precision) and ``gap`` (SD units, never -0.0)."""
    app.add_template_filter(format_score, "score")
    app.add_template_filter(format_gap, "gap")
