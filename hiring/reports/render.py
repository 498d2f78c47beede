"""Render a candidate report to HTML with Jinja and to PDF in a time-limited child process."""

import atexit
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from hiring.assessment.ranges import format_gap, format_score
from hiring.reports.charts import chart_legend, score_chart
from hiring.reports.content import FEEDBACK, PAGE_SIZES, FeedbackData, ReportData
from hiring.reports.errors import ReportError
from hiring.reports.worker import RenderWorker
from hiring.store.paths import data_dir
from hiring.store.plurals import noun, plural

TEMPLATES = {
    "fit": "reports/fit_report.html",
    "onboarding": "reports/onboarding_plan.html",
    FEEDBACK: "reports/candidate_feedback.html",
    "coaching": "reports/coaching_plan.html",
    "readiness": "reports/readiness.html",
}
DEFAULT_TIMEOUT = 30.0


def percent(value: float) -> str:
    """Format a probability in 0..1 as a whole percentage, '72%'."""
    return f"{value * 100:.0f}%"


def ordinal(value: float) -> str:
    """Format a percentile as an English ordinal, '68th'."""
    number = round(value)
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def number(value: float, decimals: int = 2) -> str:
    """Format a number with a fixed count of decimals."""
    return f"{value:.{decimals}f}"


def days(value: float) -> str:
    """Format a number of days without a needless decimal: 3.0 as '3', 2.5 as '2.5'."""
    return f"{value:.1f}".removesuffix(".0")


@cache
def environment() -> Environment:
    """Build the report templates' Jinja environment; autoescape escapes every user text."""
    env = Environment(
        loader=FileSystemLoader(data_dir("templates")),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        percent=percent, ordinal=ordinal, number=number, days=days, plural=plural, noun=noun,
        score=format_score, gap=format_gap,
    )  # fmt: skip
    env.globals.update(score_chart=score_chart, chart_legend=chart_legend)
    return env


def report_html(data: ReportData | FeedbackData, variant: str) -> str:
    """Return the HTML of the recruiter's ``"fit"`` report, the manager's ``"onboarding"`` plan,
    the candidate's own ``"feedback"`` report (``data`` a ``FeedbackData``), or an employee's
    ``"coaching"`` plan or ``"readiness"`` read for a next role."""
    if variant not in TEMPLATES or (variant == FEEDBACK) != isinstance(data, FeedbackData):
        raise ReportError(f"Unknown report type {variant!r}: choose 'fit' or 'onboarding'.")
    if data.page_size not in PAGE_SIZES:
        raise ReportError(f"Unknown page size {data.page_size!r}: choose A4 or Letter.")
    return environment().get_template(TEMPLATES[variant]).render(report=data, variant=variant)


@cache
def default_worker() -> RenderWorker:
    """Return this process's shared renderer, stopped when the process exits."""
    worker = RenderWorker()
    atexit.register(worker.close)
    return worker


def render_report(
    data: ReportData | FeedbackData, variant: str, *, timeout: float = DEFAULT_TIMEOUT
) -> bytes:
    """Return the PDF of one report variant, or raise ``ReportError`` if it takes over ``timeout`` s.

    Rendering runs in a child process so that a pathological input ends in a clean
    error rather than a hung web or CLI worker.
    """
    html = report_html(data, variant)
    return default_worker().render(html, data.page_size, timeout)
