"""Build an employee's coaching plan (and readiness read) as report content, from their study result.

The same content as a hire's onboarding plan (``candidate_reports``): scores against the
profile's targets, strengths, gaps ranked by importance x size with the importance in words,
and the modules that close them; worded for someone already doing the job. It never holds a
probability, percentile or band: the employee is not being hired.
"""

from datetime import date

from hiring.candidates.data_rights import Explanation
from hiring.reports.candidate_reports import NO_MODEL, _bar, _gaps, _strengths
from hiring.reports.content import (
    PAGE_SIZES,
    FeedbackData,
    FeedbackPoint,
    FitSummary,
    MethodNote,
    ReportData,
    plan_from_gaps,
)  # fmt: skip
from hiring.reports.errors import ReportError
from hiring.roles.services import role_questionnaire
from hiring.team.coaching import Assessed

COACHING = "coaching"
READINESS = "readiness"


def coaching_content(
    found: Assessed, *, variant: str = COACHING, page_size: str = "A4", today: date | None = None
) -> ReportData:
    """Return the report content of one employee's result against ``found``'s profile."""
    if page_size not in PAGE_SIZES:
        raise ReportError(f"Unknown page size {page_size!r}: choose A4 or Letter.")
    detail, role = found.detail, found.detail.role
    gaps = _gaps(detail)
    q = role_questionnaire(role)
    profile = detail.profile
    return ReportData(
        candidate_name=found.employee["name"],
        candidate_ref=f"Employee {found.employee['employee_id']}"
        + (" (synthetic)" if found.employee["synthetic"] else ""),
        role_title=role["title"] if variant == COACHING else f"{profile.title} (next role)",
        generated_on=today or date.today(),
        model_version=NO_MODEL,
        fit=FitSummary(None, None, "", "", None),
        scales=tuple(_bar(row) for row in detail.scales),
        competencies=tuple(_bar(row) for row in detail.competencies),
        strengths=_strengths(detail),
        gaps=gaps,
        plan=plan_from_gaps(gaps),
        method=MethodNote(
            questionnaire=f"{q.title} questionnaire ({q.id}, version {q.version}), "
            f"study {found.study['id']}, round {found.study['round']}",
            incumbent_n=0,
            auc=None,
            auc_ci=None,
            ece=None,
            brier_skill=None,
            model_version=NO_MODEL,
            evidence_sufficient=False,
            calibrated=profile.source == "calibration",
        ),  # fmt: skip
        page_size=page_size,  # type: ignore[arg-type]
    )


def own_feedback_content(
    name: str, explanation: Explanation, today: date | None = None
) -> FeedbackData:
    """Turn an employee's own explanation into the feedback a candidate would get: words only."""
    return FeedbackData(
        candidate_name=name,
        role_title=explanation.role_title,
        generated_on=today or date.today(),
        strengths=tuple(
            FeedbackPoint(e.name, e.description, e.detail) for e in explanation.strengths
        ),
        to_develop=tuple(
            FeedbackPoint(e.name, e.description, e.detail) for e in explanation.to_develop
        ),
        measured=tuple(FeedbackPoint(e.name, e.description) for e in explanation.measured),
        relative_strengths=explanation.relative_strengths,
    )
