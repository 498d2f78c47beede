"""Build a role's adverse-impact report from the database: decision points, scoring rates, overrides.

Self-identification is read here, aggregated into group tables by ``hiring.fairness`` and
never returned per person, so a recruiter can never see one candidate's answers through it.
"""

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from hiring.accounts.audit import now_iso, record
from hiring.candidates.data_rights import lower_first
from hiring.candidates.self_identification import SelfIdQuestions, default_self_id
from hiring.fairness import (
    EFFECT_SIZE_COLUMNS,
    IMPACT_COLUMNS,
    MIN_GROUP_SIZE,
    UNKNOWN_LABELS,
    EffectSizeTable,
    FairnessError,
    ImpactTable,
    band_at_or_above,
    intersect,
    scoring_rate_table,
    selection_table,
    to_csv_rows,
)
from hiring.fairness.incumbent_identity import incumbent_effect_sizes
from hiring.modeling.fitting import BAND_RANKS
from hiring.modeling.model import weak_evidence
from hiring.roles.pipeline import OPEN_STATUSES
from hiring.roles.services import get_role
from hiring.workspace.exports import safe_cell

# Statuses that mean a candidate got past the shortlist (a later rejection does not undo it).
SHORTLIST_OR_LATER = ("shortlisted", "interviewed", "offered", "hired")
BAND_ORDER = tuple(sorted(BAND_RANKS, key=BAND_RANKS.__getitem__))  # lowest first
DEFAULT_BAND_CUT = "good"
# Groups smaller than this are not shown (HIRING_FAIRNESS_MIN_CELL): one person's answers
# could be recognised in them.
MIN_CELL = 5
INTERSECTION = "intersection"  # sex x race/ethnicity, when both are asked
SCORING_POINT = "Scoring rate: fit strictly above the sample median"
INCUMBENT_POINT = "Incumbents before go-live: standardized mean differences"
CSV_COLUMNS = (
    "role",
    "generated_at",
    "decision_point",
    "characteristic",
    *IMPACT_COLUMNS,
    *(c for c in EFFECT_SIZE_COLUMNS if c not in IMPACT_COLUMNS),
)
DECISION_POINTS = {
    "shortlisted": "Completed the assessment → shortlisted (or further)",
    "hired": "Completed the assessment → hired",
    "band": "Fit band at or above the cut",
}


@dataclass(frozen=True)
class Overrides:
    """How often recruiters decided against the fit, with their direction."""

    total: int
    advanced: int  # moved forward despite a low fit
    rejected: int  # rejected despite a high fit
    by_status: dict[str, int]


@dataclass(frozen=True)
class FairnessReport:
    """Everything the Fairness page, its CSV and its PDF show for one role."""

    role: dict
    generated_at: str
    band_cut: str
    min_group_size: int
    completed: int
    synthetic: int
    selection: dict[tuple[str, str], ImpactTable]  # (decision point, characteristic)
    scoring: dict[str, ImpactTable]  # characteristic
    overrides: Overrides
    incumbents: dict[str, EffectSizeTable] = field(default_factory=dict)
    model_label: str = "none active"
    imported: int = 0  # past applicants from `hiring candidates import`, in every table
    # what each table is about, by key: every characteristic asked, then the intersection
    characteristics: dict[str, str] = field(default_factory=dict)
    min_cell: int = 0  # groups smaller than this are counted, never shown


@dataclass(frozen=True)
class Finding:
    """One group flagged by the four-fifths rule somewhere in the report."""

    table: str
    characteristic: str
    group: str
    rate: float
    impact_ratio: float
    primary_test: str | None
    primary_p: float | None


def findings(report: FairnessReport) -> list[Finding]:
    """List every four-fifths flag in the report, so that none is missed on a long page."""
    tables = [
        (DECISION_POINTS[point], name, table) for (point, name), table in report.selection.items()
    ]
    tables += [(SCORING_POINT, name, table) for name, table in report.scoring.items()]
    return [
        Finding(label, report.characteristics[name], row.group, row.rate, row.impact_ratio,
                row.primary_test, row.primary_p)
        for label, name, table in tables
        for row in table.rows
        if row.four_fifths_flag and row.impact_ratio is not None
    ]  # fmt: skip


def _model_label(db: Database, role: dict) -> str:
    if not role.get("model_version_id"):
        return "none active"
    rows = list(db["model_versions"].rows_where("id = ?", [role["model_version_id"]]))
    if not rows:
        return "none active"
    weak = rows[0]["report"] and weak_evidence(json.loads(rows[0]["report"]))
    return f"{rows[0]['label']} ({rows[0]['status']}{'; weak evidence' if weak else ''})"


def _assessed(db: Database, role_id: int) -> list[dict[str, Any]]:
    """Return one row per candidate past the assessment, with outcome and groups."""
    sql = (
        "SELECT c.id, c.status, c.band, c.fit, c.synthetic, c.source, "
        "s.sex, s.race_ethnicity, s.age_band, s.disability, "
        "c.status IN (SELECT value FROM json_each(:later)) OR EXISTS (SELECT 1 "
        "  FROM status_history h WHERE h.candidate_id = c.id "
        "  AND h.to_status IN (SELECT value FROM json_each(:later))) AS shortlisted, "
        "c.status = 'hired' OR EXISTS (SELECT 1 FROM status_history h "
        "  WHERE h.candidate_id = c.id AND h.to_status = 'hired') AS hired "
        "FROM candidates c LEFT JOIN self_identification s ON s.candidate_id = c.id "
        "WHERE c.role_id = :role AND c.status NOT IN (SELECT value FROM json_each(:open)) "
        "ORDER BY c.id"
    )
    params = {
        "later": json.dumps(SHORTLIST_OR_LATER),
        "open": json.dumps(OPEN_STATUSES),
        "role": role_id,
    }
    return [dict(row) for row in db.query(sql, params)]


def characteristics(questions: SelfIdQuestions) -> dict[str, str]:
    """Name every table's characteristic: each one asked, then sex x race/ethnicity if both are."""
    names = {q.id: q.name for q in questions.questions}
    if "sex" in names and "race_ethnicity" in names:
        names[INTERSECTION] = f"{names['sex']} and {lower_first(names['race_ethnicity'])}"
    return names


def unknown_labels(questions: SelfIdQuestions) -> frozenset[str]:
    """The answers that mean "not disclosed": the usual ones and the deployment's own."""
    return UNKNOWN_LABELS | {questions.prefer_not}


def group_columns(
    rows: list[dict[str, Any]], questions: SelfIdQuestions
) -> dict[str, list[str | None]]:
    """Return each person's answer per characteristic asked, and the intersection."""
    columns: dict[str, list[str | None]] = {q: [row[q] for row in rows] for q in questions.ids}
    if INTERSECTION in characteristics(questions):
        columns[INTERSECTION] = intersect(
            columns["sex"], columns["race_ethnicity"], unknown_labels=unknown_labels(questions)
        )
    return columns


def decision_outcomes(rows: list[dict[str, Any]], band_cut: str) -> dict[str, list[bool]]:
    """Say for each candidate whether they passed each decision point."""
    bands = [row["band"] if row["band"] in BAND_RANKS else None for row in rows]
    return {
        "shortlisted": [bool(row["shortlisted"]) for row in rows],
        "hired": [bool(row["hired"]) for row in rows],
        "band": band_at_or_above(bands, band_cut, BAND_ORDER),
    }


def override_counts(db: Database, role_id: int) -> Overrides:
    """Count status changes recorded as overriding the fit, for one role."""
    rows = db.query(
        "SELECT h.to_status, count(*) AS n FROM status_history h "
        "JOIN candidates c ON c.id = h.candidate_id "
        "WHERE c.role_id = ? AND h.override = 1 GROUP BY h.to_status",
        [role_id],
    )
    by_status = {row["to_status"]: row["n"] for row in rows}
    advanced = sum(by_status.get(status, 0) for status in SHORTLIST_OR_LATER)
    rejected = by_status.get("rejected", 0)
    total = sum(by_status.values())
    return Overrides(total=total, advanced=advanced, rejected=rejected, by_status=by_status)


def role_report(
    db: Database,
    role_id: int,
    *,
    band_cut: str = DEFAULT_BAND_CUT,
    min_group_size: int = MIN_GROUP_SIZE,
    questions: SelfIdQuestions | None = None,
    min_cell: int = MIN_CELL,
) -> FairnessReport:
    """Compute every adverse-impact table for one role, for every characteristic asked.

    ``questions`` are the deployment's self-identification questions (default: the shipped
    US EEO list); groups of fewer than ``min_cell`` people are counted, never shown. Raises
    ``RoleError`` for an unknown role and ``FairnessError`` for a band cut that is not a band.
    """
    role = get_role(db, role_id)
    if band_cut not in BAND_RANKS:
        raise FairnessError(
            f"The cut {band_cut!r} is not one of the bands: {', '.join(BAND_ORDER)}."
        )
    questions = questions or default_self_id()
    unknown = unknown_labels(questions)
    rows = _assessed(db, role_id)
    groups = group_columns(rows, questions)
    outcomes = decision_outcomes(rows, band_cut)
    selection = {
        (point, name): selection_table(
            labels,
            outcomes[point],
            min_group_size=min_group_size,
            unknown_labels=unknown,
            suppress_below=min_cell,
        )  # fmt: skip
        for point in DECISION_POINTS
        for name, labels in groups.items()
    }
    fits = [row["fit"] for row in rows]
    scoring = {
        name: scoring_rate_table(
            labels,
            fits,
            min_group_size=min_group_size,
            unknown_labels=unknown,
            suppress_below=min_cell,
        )  # fmt: skip
        for name, labels in groups.items()
    }
    incumbents = incumbent_effect_sizes(
        db, role, questions, min_group_size=min_group_size, unknown_labels=unknown,
        suppress_below=min_cell,
    )  # fmt: skip
    return FairnessReport(
        role=role,
        generated_at=now_iso(),
        band_cut=band_cut,
        min_group_size=min_group_size,
        completed=len(rows),
        synthetic=sum(1 for row in rows if row["synthetic"]),
        imported=sum(1 for row in rows if row["source"] == "imported"),
        selection=selection,
        scoring=scoring,
        overrides=override_counts(db, role_id),
        incumbents=incumbents,
        model_label=_model_label(db, role),
        characteristics=characteristics(questions),
        min_cell=min_cell,
    )


def report_csv_rows(report: FairnessReport) -> list[dict[str, Any]]:
    """Flatten every table of a report into CSV rows, each saying which table it belongs to."""
    rows: list[dict[str, Any]] = []
    context = {"role": report.role["slug"], "generated_at": report.generated_at}
    tables: list[tuple[str, str, ImpactTable | EffectSizeTable]] = [
        (DECISION_POINTS[point] + (f" ({report.band_cut})" if point == "band" else ""), name, t)
        for (point, name), t in report.selection.items()
    ]
    tables += [(SCORING_POINT, name, t) for name, t in report.scoring.items()]
    tables += [(INCUMBENT_POINT, name, t) for name, t in report.incumbents.items()]
    for point, name, table in tables:
        where = {**context, "decision_point": point, "characteristic": report.characteristics[name]}
        rows += [{**where, **row} for row in to_csv_rows(table)]
    return rows


def csv_text(report: FairnessReport) -> str:
    """Return the report's CSV export; text cells cannot run as spreadsheet formulas."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in report_csv_rows(report):
        writer.writerow({k: safe_cell(v) if isinstance(v, str) else v for k, v in row.items()})
    return buffer.getvalue()


def record_export(db: Database, actor: str, report: FairnessReport, kind: str) -> None:
    """Note in the audit log that a fairness report left the system."""
    record(
        db,
        actor,
        "fairness.export",
        "role",
        report.role["id"],
        format=kind,
        band_cut=report.band_cut,
    )
