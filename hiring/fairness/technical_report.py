"""A role's technical validation report: the evidence for its use, section by section.

The report follows the structure that the SIOP *Principles for the Validation and Use of
Personnel Selection Procedures* (5th edition, 2018) and Annex IV of the EU AI Act (technical
documentation of a high-risk system; employment is one, Annex III point 4) ask for. Every
section names where its numbers come from. It gathers what the product already keeps: the
questionnaire and the applicants' answers, the hiring profile, the model versions and their
out-of-fold reports, the drift checks and the adverse-impact tables. It lives in the fairness
area because it is the one area that may read all of them (see the layers in
``pyproject.toml``). The page and the PDF render the same :class:`TechnicalReport`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.assessment.reliability import ReliabilityReport
from hiring.candidates.self_identification import SelfIdQuestions
from hiring.fairness.monitoring import (
    DECISION_POINTS,
    MIN_CELL,
    FairnessReport,
    findings,
    role_report,
)
from hiring.fairness.validation import full_validation_summary
from hiring.modeling.calibration import latest_import
from hiring.modeling.hire_outcomes import LABELS
from hiring.modeling.measurement import role_reliability
from hiring.modeling.validity import (
    DriftCheck,
    ValidityView,
    latest_drift_check,
    validity_view,
)
from hiring.modeling.versions import ModelVersion
from hiring.reports.content import PAGE_SIZES
from hiring.reports.errors import ReportError
from hiring.reports.render import DEFAULT_TIMEOUT, default_worker, environment
from hiring.roles.services import get_role, role_questionnaire

TEMPLATE = "reports/technical_report.html"

# Where each section sits in the two frameworks, said once so the page and the PDF agree.
# SIOP: the Principles' headings; Annex IV: the points of the EU AI Act's Annex IV.
SECTIONS: dict[str, tuple[str, str, str]] = {
    "use": ("Intended use and limits", "Analysis of work; operational use", "1(a), 3"),
    "profile": ("Where the hiring profile's targets came from", "Analysis of work", "2(a), 2(b)"),
    "instrument": ("The instrument", "Evidence based on internal structure", "2(b), 2(d)"),
    "validity": ("Criterion-related validity", "Criterion-related evidence", "2(g), 4"),
    "calibration": ("Calibration", "Criterion-related evidence", "2(g), 4"),
    "fairness": ("Fairness", "Fairness and bias", "3 (groups), 2(g)"),
    "versions": ("Model versions and what changed", "Technical documentation", "6"),
    "monitoring": ("Monitoring", "Operational use: monitoring", "9"),
    "oversight": ("Instructions for use and human oversight", "Operational use", "2(e), 3"),
}


@dataclass(frozen=True)
class VersionChange:
    """One model version and how it differs from the one calibrated before it."""

    version: ModelVersion
    changes: tuple[str, ...]


@dataclass
class TechnicalReport:
    """Everything the technical validation report shows for one role."""

    role: dict
    generated_on: date
    questionnaire: object  # hiring.assessment.questionnaire.Questionnaire
    view: ValidityView
    reliability: ReliabilityReport | None
    applicants: int
    fairness: FairnessReport
    drift_check: DriftCheck | None
    history: list[VersionChange]
    incumbent_import: dict | None
    summary: dict  # hiring.fairness.validation.full_validation_summary: predictive, DIF, Cleary
    outcome_labels: dict[str, str] = field(default_factory=lambda: dict(LABELS))
    sections: dict[str, tuple[str, str, str]] = field(default_factory=lambda: dict(SECTIONS))

    @property
    def version(self) -> ModelVersion | None:
        """The version the role uses now (None when it uses the hiring profile alone)."""
        return self.view.active

    @property
    def decision_points(self) -> dict[str, str]:
        """The names of the fairness tables' decision points."""
        return DECISION_POINTS

    @property
    def findings(self) -> list:
        """Every group flagged by the four-fifths rule, at any decision point."""
        return findings(self.fairness)

    @property
    def band_tables(self) -> list[tuple[str, object]]:
        """The adverse-impact table at the band cut, per characteristic."""
        return [
            (label, self.fairness.selection[("band", name)])
            for name, label in self.fairness.characteristics.items()
            if ("band", name) in self.fairness.selection
        ]

    @property
    def item_counts(self) -> dict[str, int]:
        """Trait statements per scale and scenarios per competency."""
        q = self.questionnaire
        counts = {s.id: len(q.scale_items(s.id)) for s in q.scales}
        counts |= {c.id: len(q.competency_items(c.id)) for c in q.competencies}
        return counts


def version_history(versions: list[ModelVersion]) -> list[VersionChange]:
    """Each version, newest first, with what changed from the one before it in words."""
    ordered = sorted(versions, key=lambda v: v.id)
    history = []
    for before, version in zip(
        [None, *ordered], ordered, strict=False
    ):  # each with its predecessor
        history.append(VersionChange(version, _changes(before, version)))
    return list(reversed(history))


def _changes(before: ModelVersion | None, version: ModelVersion) -> tuple[str, ...]:
    if before is None:
        return ("The role's first calibrated version.",)
    old, new = before.report, version.report
    changes = []
    if (old.method, old.calibration_method) != (new.method, new.calibration_method):
        changes.append(
            f"Method changed from {old.method} ({old.calibration_method} calibration) "
            f"to {new.method} ({new.calibration_method})."
        )
    if old.n != new.n:
        changes.append(f"Incumbents: {old.n} before, {new.n} now.")
    if before.metadata.get("data_sha256") != version.metadata.get("data_sha256"):
        changes.append("Trained on a different incumbent file.")
    old_q, new_q = before.metadata.get("questionnaire"), version.metadata.get("questionnaire")
    if old_q != new_q and new_q:
        changes.append(f"Questionnaire {new_q.get('id')} v{new_q.get('version')}.")
    if old.auc is not None and new.auc is not None:
        changes.append(f"Out-of-fold AUC {old.auc:.3f} before, {new.auc:.3f} now.")
    return tuple(changes)


def technical_report(
    db: Database,
    role_id: int,
    *,
    today: date | None = None,
    ryy: dict[str, float] | None = None,
    questions: SelfIdQuestions | None = None,
    min_cell: int = MIN_CELL,
) -> TechnicalReport:
    """Gather the report of one role (``RoleError`` for an unknown role).

    ``ryy`` gives outcomes' reliabilities, to correct the predictive validity for them too;
    ``questions`` and ``min_cell`` are the instance's self-identification settings.
    """
    role = get_role(db, role_id)
    questionnaire = role_questionnaire(role)
    view = validity_view(db, role_id)
    _role, reliability = role_reliability(db, role_id)
    return TechnicalReport(
        role=role,
        generated_on=today or date.fromisoformat(audit.now_iso()[:10]),
        questionnaire=questionnaire,
        view=view,
        reliability=reliability,
        applicants=reliability.respondents if reliability else 0,
        fairness=role_report(db, role_id, questions=questions, min_cell=min_cell),
        drift_check=latest_drift_check(db, role_id),
        history=version_history(view.versions),
        incumbent_import=latest_import(db, role_id),
        summary=full_validation_summary(
            db, role_id, ryy, reliability=reliability, questions=questions, min_cell=min_cell
        ),
    )


def technical_report_html(report: TechnicalReport, *, page_size: str = "A4") -> str:
    """Return the PDF's HTML."""
    if page_size not in PAGE_SIZES:
        raise ReportError(f"Unknown page size {page_size!r}: choose A4 or Letter.")
    return (
        environment()
        .get_template(TEMPLATE)
        .render(report=report, decision_points=DECISION_POINTS, page_size=page_size)
    )


def technical_report_pdf(
    report: TechnicalReport, *, page_size: str = "A4", timeout: float = DEFAULT_TIMEOUT
) -> bytes:
    """Return the PDF; raises ``ReportError`` if rendering fails or overruns."""
    html = technical_report_html(report, page_size=page_size)
    return default_worker().render(html, page_size, timeout)


def record_technical_export(db: Database, actor: str, report: TechnicalReport, kind: str) -> None:
    """Note in the audit log that a technical validation report left the system."""
    audit.record(db, actor, "validation.report", "role", report.role["id"], format=kind)


def report_filename(report: TechnicalReport) -> str:
    """The PDF's file name: the role's short name, the kind of report and the date."""
    return f"{report.role['slug']}-technical-report-{report.generated_on.isoformat()}.pdf"
