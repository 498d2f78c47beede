"""A complete, made-up report for previews, tests and benchmarks; no real person or result."""

from dataclasses import replace
from datetime import date

from hiring.reports.content import (
    FitSummary,
    Flag,
    Gap,
    MethodNote,
    Module,
    ReportData,
    ScoreBar,
    Strength,
    plan_from_gaps,
)

SCALES = (
    ScoreBar("warmth", "Warmth", 4.3, 3.8, 4.8, None, 1, 5),
    ScoreBar("empathy", "Empathy", 3.1, 3.6, 4.6, 2.5, 1, 5),
    ScoreBar("teamwork", "Teamwork", 4.0, 3.5, 4.5, None, 1, 5),
    ScoreBar("conscientiousness", "Conscientiousness", 2.9, 3.7, 4.7, 2.6, 1, 5),
    ScoreBar("optimism", "Optimism", 3.8, 3.4, 4.4, None, 1, 5),
)
COMPETENCIES = (
    ScoreBar("listening", "Listening", 78, 65, 90, None, 0, 100),
    ScoreBar("gathering_information", "Gathering information", 54, 60, 85, None, 0, 100),
    ScoreBar("communicating_clearly", "Communicating clearly", 71, 60, 88, None, 0, 100),
    ScoreBar("building_relationships", "Building relationships", 82, 62, 90, None, 0, 100),
    ScoreBar("defusing_conflict", "Defusing conflict", 41, 58, 85, 30, 0, 100),
    ScoreBar("patience_caring", "Patience and caring", 69, 60, 88, None, 0, 100),
)
STRENGTHS = (
    Strength(
        "Building relationships",
        "82 of 100",
        "Uses the customer's name, remembers what they said last time and turns a routine call into a reason to come back.",
    ),
    Strength(
        "Warmth",
        "4.3 of 5",
        "Sounds friendly from the first sentence and keeps that tone when the queue is long.",
    ),
    Strength(
        "Listening",
        "78 of 100",
        "Lets customers finish, then plays back the problem in their own words before offering a fix.",
    ),
)
GAPS = (
    Gap(
        "Conscientiousness",
        1.35,
        0.31,
        0.42,
        Module(
            "follow-through",
            "Closing the loop",
            "Case notes, callbacks promised and kept, checklists for handovers.",
            3,
            "Team lead",
            30,
        ),
        ("Which promise to a customer was hardest to keep this week, and what got in the way?",),
        (
            "Tell me about a time you committed to getting back to someone. How did you make sure it happened?",
        ),
        "high",
        "high",
    ),
    Gap(
        "Defusing conflict",
        1.10,
        0.27,
        0.30,
        Module(
            "calm-under-fire",
            "Calm under fire",
            "Acknowledging anger, lowering the temperature, offering choices.",
            2,
            "Senior agent (buddy)",
            60,
        ),
        (
            "After your toughest call, what did you say first, and what would you say first next time?",
        ),
        (
            "Describe a customer who was angry with you personally. What did you do in the first minute?",
        ),
        "high",
        "high",
    ),
    Gap(
        "Empathy",
        0.80,
        0.22,
        0.18,
        Module(
            "reading-the-customer",
            "Reading the customer",
            "Noticing tone and unspoken needs; naming the feeling before the fix.",
            2,
            "Quality coach",
            30,
        ),
        ("When did you notice a customer was worried about more than the question they asked?",),
        (
            "Tell me about a time you realised someone was upset before they said so. What gave it away?",
        ),
        "medium",
        "low",
    ),
    Gap(
        "Gathering information",
        0.45,
        0.20,
        0.09,
        Module(
            "right-questions",
            "Asking the right questions",
            "Open and closed questions, confirming details, avoiding repeat contacts.",
            1,
            "Team lead",
            90,
        ),
        ("Which question saved you the most time this month?",),
        ("Walk me through how you would find out what a confused caller actually needs.",),
        "medium",
        "low",
    ),
)


def sample_report(**changes: object) -> ReportData:
    """Return the sample report, with any field replaced through ``changes``."""
    data = ReportData(
        candidate_name="Jordan Avery",
        candidate_ref="C-0147",
        role_title="Customer Service Representative",
        generated_on=date(2025, 3, 12),
        model_version="contact-center-rep/3 (logistic, 2025-02-28)",
        fit=FitSummary(
            probability=0.64,
            probability_interval=(0.52, 0.75),
            band="Likely fit",
            band_meaning="More likely than not to meet the performance bar that incumbents in this role meet, with clear areas to develop.",
            percentile=58.0,
            knockouts=(),
            flags=(
                Flag(
                    "Quick answering",
                    "Page 3 was answered in 41 seconds, faster than 95% of candidates.",
                ),
            ),
        ),
        scales=SCALES,
        competencies=COMPETENCIES,
        strengths=STRENGTHS,
        gaps=GAPS,
        plan=plan_from_gaps(GAPS),
        method=MethodNote(
            questionnaire="Frontline Fit WETCO service questionnaire, version 1",
            incumbent_n=212,
            auc=0.74,
            auc_ci=(0.67, 0.80),
            ece=0.041,
            brier_skill=0.14,
            model_version="contact-center-rep/3 (logistic, 2025-02-28)",
            evidence_sufficient=True,
        ),
        notes=(
            "Available for evening shifts from April.",
            "Prior experience: two years in retail returns.",
        ),
    )
    return replace(data, **changes)  # type: ignore[arg-type]
