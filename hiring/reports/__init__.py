"""Candidate reports as PDF: the recruiter's fit report and the manager's onboarding plan."""

from hiring.reports.content import (
    FitSummary,
    Flag,
    Gap,
    MethodNote,
    Module,
    PlanItem,
    ReportData,
    ScoreBar,
    Strength,
    plan_from_gaps,
)
from hiring.reports.errors import ReportError
from hiring.reports.render import render_report, report_html

__all__ = [
    "FitSummary",
    "Flag",
    "Gap",
    "MethodNote",
    "Module",
    "PlanItem",
    "ReportData",
    "ReportError",
    "ScoreBar",
    "Strength",
    "plan_from_gaps",
    "render_report",
    "report_html",
]
