"""Render a role's fairness report as a PDF bias-audit summary with the shared report renderer.

The HTML comes from the report templates' Jinja environment (autoescaped) and is turned into
PDF by the same time-limited child process and locked-down URL fetcher as candidate reports,
so the summary can load nothing but bundled assets and ``data:`` URLs.
"""

from datetime import date

from hiring.fairness import FOUR_FIFTHS, MIN_SHARE, SMALL_SAMPLE_SIZE
from hiring.fairness.chart import impact_chart_data_uri
from hiring.fairness.monitoring import (
    DECISION_POINTS,
    INCUMBENT_POINT,
    SCORING_POINT,
    FairnessReport,
    findings,
)
from hiring.reports.content import PAGE_SIZES
from hiring.reports.errors import ReportError
from hiring.reports.render import DEFAULT_TIMEOUT, default_worker, environment
from hiring.roles.profiles import feature_names

TEMPLATE = "reports/bias_audit.html"


def bias_audit_html(report: FairnessReport, *, page_size: str = "A4") -> str:
    """Return the summary's HTML."""
    if page_size not in PAGE_SIZES:
        raise ReportError(f"Unknown page size {page_size!r}: choose A4 or Letter.")
    return (
        environment()
        .get_template(TEMPLATE)
        .render(
            report=report,
            findings=findings(report),
            generated_on=date.fromisoformat(report.generated_at[:10]),
            characteristics=report.characteristics,
            decision_points=DECISION_POINTS,
            scoring_point=SCORING_POINT,
            incumbent_point=INCUMBENT_POINT,
            chart=impact_chart_data_uri,
            four_fifths=float(FOUR_FIFTHS),
            min_share=MIN_SHARE,
            small_sample=SMALL_SAMPLE_SIZE,
            feature_names=feature_names(report.role),
        )
    )


def bias_audit_pdf(
    report: FairnessReport, *, page_size: str = "A4", timeout: float = DEFAULT_TIMEOUT
) -> bytes:
    """Return the PDF bias-audit summary; raises ``ReportError`` if rendering fails or overruns."""
    html = bias_audit_html(report, page_size=page_size)
    return default_worker().render(html, page_size, timeout)
