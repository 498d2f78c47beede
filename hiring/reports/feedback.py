"""Build a candidate's own feedback report from their stored result: words for them, no figures.

It holds their strengths and areas to develop (each with something to try) as the results
page explains them, and what the assessment looked at. It never holds a probability,
percentile, band, weight, knock-out or decision, and it reads the same whatever the decision.
"""

from datetime import date

from sqlite_utils import Database

from hiring.candidates.data_rights import explain
from hiring.candidates.records import get_candidate, is_submitted
from hiring.reports.candidate_reports import CandidateReport, ReportUnavailable
from hiring.reports.content import FEEDBACK, PAGE_SIZES, FeedbackData, FeedbackPoint
from hiring.reports.errors import ReportError

NOT_YET = "Your feedback report is ready once you have sent your assessment."


def feedback_report(
    db: Database, candidate_id: int, *, page_size: str = "A4", today: date | None = None
) -> CandidateReport:
    """Build the feedback report of a candidate who has sent their assessment.

    Raises ``ReportUnavailable`` before the assessment is sent and scored, and
    ``ReportError`` for a page size that is not A4 or Letter.
    """
    if page_size not in PAGE_SIZES:
        raise ReportError(f"Unknown page size {page_size!r}: choose A4 or Letter.")
    candidate = get_candidate(db, candidate_id)
    rows = list(db["results"].rows_where("candidate_id = ?", [candidate_id]))
    if not is_submitted(candidate) or not rows or not rows[0]["scores"]:
        raise ReportUnavailable(NOT_YET)
    explanation = explain(db, candidate_id)
    data = FeedbackData(
        candidate_name=candidate["name"],
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
        page_size=page_size,  # type: ignore[arg-type]
    )
    # The decision is left out of the state on purpose: the report does not depend on it.
    state = {"scored_at": rows[0]["scored_at"], "input_hash": rows[0]["input_hash"]}
    return CandidateReport(candidate_id, FEEDBACK, data, state)
