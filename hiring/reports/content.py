"""What a candidate report says: plain frozen dataclasses, free of the database and of Flask."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from hiring.assessment.ranges import BELOW, judge, score_decimals

PageSize = Literal["A4", "Letter"]
Variant = Literal["fit", "onboarding"]
PAGE_SIZES: tuple[str, ...] = ("A4", "Letter")
VARIANTS: tuple[str, ...] = ("fit", "onboarding")  # the staff reports
FEEDBACK = "feedback"  # the candidate's own report
PLAN_PHASES: tuple[int, ...] = (30, 60, 90)


@dataclass(frozen=True)
class Flag:
    """A response-quality warning, such as fast answering or an inconsistent pattern."""

    label: str
    detail: str


@dataclass(frozen=True)
class FitSummary:
    """The headline result; ``probability`` is None when the evidence cannot support one."""

    probability: float | None
    probability_interval: tuple[float, float] | None
    band: str
    band_meaning: str
    percentile: float | None
    knockouts: tuple[str, ...] = ()
    flags: tuple[Flag, ...] = ()
    probability_note: str = ""  # in words: where the interval comes from and what it means
    interval_source: str = "person"  # "person": this candidate's own; else similar incumbents
    missing: tuple[str, ...] = ()  # names of the scores the model needed but could not have


@dataclass(frozen=True)
class ScoreBar:
    """One row of a trait chart: the candidate's score against the profile's target range."""

    feature_id: str
    name: str
    score: float | None
    low: float
    high: float
    minimum: float | None
    scale_min: float
    scale_max: float

    @property
    def decimals(self) -> int:
        """Show 1-5 scale scores with one decimal and 0-100 scores as whole numbers."""
        return score_decimals(self.scale_min, self.scale_max)

    @property
    def below_target(self) -> bool:
        """Tell whether the score, as shown, falls short of the target range as shown."""
        if self.score is None:
            return False
        return judge(self.score, self.low, self.high, decimals=self.decimals).position == BELOW


@dataclass(frozen=True)
class Strength:
    """One of the candidate's top three areas and what it looks like on the job."""

    name: str
    score_text: str
    on_the_job: str


@dataclass(frozen=True)
class Module:
    """A development module from the hiring profile that closes one kind of gap."""

    id: str
    name: str
    covers: str
    days: float
    delivered_by: str
    phase: int


@dataclass(frozen=True)
class Gap:
    """A shortfall against the target, ranked by ``priority`` = importance x size of the gap.

    The numbers are for the method section; people read ``importance_level`` and
    ``priority_level`` (high, medium, low, not established).
    """

    name: str
    gap_sd: float
    importance: float
    priority: float
    module: Module
    coaching_questions: tuple[str, ...] = ()
    interview_probes: tuple[str, ...] = ()
    importance_level: str = ""
    priority_level: str = ""


@dataclass(frozen=True)
class PlanItem:
    """A module scheduled in the onboarding plan and the gaps it addresses."""

    module: Module
    gap_names: tuple[str, ...]


@dataclass(frozen=True)
class MethodNote:
    """What was measured and how well the model held up, for the responsible-use section."""

    questionnaire: str
    incumbent_n: int
    auc: float | None
    auc_ci: tuple[float, float] | None
    ece: float | None
    brier_skill: float | None
    model_version: str
    evidence_sufficient: bool
    calibrated: bool = True  # False: no model was used, the band comes from the profile alone
    weak_evidence: tuple[str, ...] = ()  # why the model's evidence is weak (empty: it is not)
    shared: tuple[tuple[str, ...], ...] = ()  # names of areas the model weighs together


@dataclass(frozen=True)
class ReportData:
    """Everything both report variants show; built once, rendered as either variant."""

    candidate_name: str
    candidate_ref: str
    role_title: str
    generated_on: date
    model_version: str
    fit: FitSummary
    scales: tuple[ScoreBar, ...]
    competencies: tuple[ScoreBar, ...]
    strengths: tuple[Strength, ...]
    gaps: tuple[Gap, ...]
    plan: dict[int, tuple[PlanItem, ...]]
    method: MethodNote
    notes: tuple[str, ...] = ()
    page_size: PageSize = "A4"
    probe_count: int = 3

    @property
    def probe_gaps(self) -> tuple[Gap, ...]:
        """Return the largest gaps, the ones an interviewer should probe."""
        largest = sorted(self.gaps, key=lambda gap: gap.gap_sd, reverse=True)
        return tuple(gap for gap in largest[: self.probe_count] if gap.interview_probes)


def plan_from_gaps(gaps: Iterable[Gap]) -> dict[int, tuple[PlanItem, ...]]:
    """Group the gaps' modules into the 30/60/90-day plan, most important first.

    A module that closes several gaps appears once, listing every gap it addresses,
    at the position of its most important gap.
    """
    ranked = sorted(gaps, key=lambda gap: gap.priority, reverse=True)
    order: list[str] = []
    modules: dict[str, Module] = {}
    addressed: dict[str, list[str]] = {}
    for gap in ranked:
        if gap.module.phase not in PLAN_PHASES:
            raise ValueError(f"module {gap.module.id!r} has phase {gap.module.phase}, not 30/60/90")
        if gap.module.id not in modules:
            order.append(gap.module.id)
            modules[gap.module.id] = gap.module
            addressed[gap.module.id] = []
        addressed[gap.module.id].append(gap.name)
    plan: dict[int, tuple[PlanItem, ...]] = {}
    for phase in PLAN_PHASES:
        plan[phase] = tuple(
            PlanItem(modules[key], tuple(addressed[key]))
            for key in order
            if modules[key].phase == phase
        )
    return plan


@dataclass(frozen=True)
class FeedbackPoint:
    """One quality in a candidate's feedback: its name, what it is, and words written to them."""

    name: str
    about: str  # what the quality is, starting in lower case (it follows the name)
    text: str = ""  # a strength: what it says about them; an area: something they can try


@dataclass(frozen=True)
class FeedbackData:
    """The candidate's own feedback report: written to them, with no figure, band or decision."""

    candidate_name: str
    role_title: str
    generated_on: date
    strengths: tuple[FeedbackPoint, ...]
    to_develop: tuple[FeedbackPoint, ...]
    measured: tuple[FeedbackPoint, ...]
    relative_strengths: bool = False  # no quality reached the role's range: the highest ones
    page_size: PageSize = "A4"
