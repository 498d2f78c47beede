"""Build a candidate's report content from their stored result, role profile and model version.

Every figure comes from what was stored when the candidate was scored (``results.scores`` and
``results.fit``), the role's hiring profile and the ``model_versions`` row of the model that
scored them; nothing is re-estimated here. Without a model (a profile-only fit) the report
says so and shows no probability; the probability's uncertainty is what the validation's
out-of-fold calibration curve says about incumbents given a similar probability.
"""

import json
from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from hiring.assessment.profiles import NOT_ESTABLISHED, importance_levels, priority_level
from hiring.assessment.ranges import format_score
from hiring.modeling.model import weak_evidence
from hiring.reports import (
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
from hiring.reports.content import PAGE_SIZES, VARIANTS, FeedbackData
from hiring.reports.errors import ReportError
from hiring.reports.wording import BAND_LABELS, band_meaning, finite, uncertainty
from hiring.roles.services import questionnaire_bank, role_questionnaire
from hiring.workspace.candidate_view import CandidateDetail, FeatureRow, NotFound, candidate_detail

NO_MODEL = "none (hiring profile only)"


class ReportUnavailable(NotFound):
    """The candidate has no scored result to report on yet (the face answers 404)."""


@dataclass(frozen=True)
class CandidateReport:
    """One variant's content and the stored state it was built from (for the cache key)."""

    candidate_id: int
    variant: str
    data: ReportData | FeedbackData
    state: dict = field(default_factory=dict)


def _stored(db: Database, candidate_id: int) -> tuple[dict, dict | None]:
    """Return the candidate's ``results`` row and the model version that scored it."""
    rows = list(db["results"].rows_where("candidate_id = ?", [candidate_id]))
    if not rows or not rows[0]["scores"]:
        raise ReportUnavailable("There is no report yet: the assessment has not been scored.")
    result = rows[0]
    if not result["model_version_id"]:
        return result, None
    models = list(db["model_versions"].rows_where("id = ?", [result["model_version_id"]]))
    return result, (models[0] if models else {"id": result["model_version_id"]})


def _model_report(model: dict | None) -> dict:
    return json.loads(model["report"]) if model and model.get("report") else {}


def _bar(row: FeatureRow) -> ScoreBar:
    return ScoreBar(
        row.feature_id, row.name, row.score, row.low, row.high, row.minimum, row.lo, row.hi
    )


def _fit_summary(detail: CandidateDetail, model: dict | None, report: dict) -> FitSummary:
    fit = detail.fit or {}
    shown = model is not None and bool(report.get("evidence_sufficient"))
    probability = finite(fit.get("probability")) if shown else None
    interval, source, words = (
        uncertainty(probability, report, fit.get("interval"))
        if probability is not None
        else (None, "", "")
    )
    by_id = {row.feature_id: row for row in detail.rows}
    knockouts = []
    for fid in fit.get("knockouts") or []:
        row = by_id.get(fid)
        if row is None or row.score is None or row.minimum is None:
            knockouts.append(f"{detail.names.get(fid, fid)} is below the profile's minimum.")
            continue
        dec = row.decimals
        knockouts.append(
            f"{row.name}: {format_score(row.score, dec)} is below the minimum of "
            f"{format_score(row.minimum, dec)}."
        )
    return FitSummary(
        probability=probability,
        probability_interval=interval,
        band=BAND_LABELS.get(fit.get("band", ""), str(fit.get("band", "not scored"))),
        band_meaning=band_meaning(
            fit.get("band", ""), fit.get("band_basis", "profile"), fit.get("base_rate")
        ),
        percentile=finite(fit.get("percentile")) if probability is not None else None,
        knockouts=tuple(knockouts),
        flags=tuple(Flag(f.get("label", ""), f.get("detail", "")) for f in detail.flags),
        probability_note=words,
        interval_source=source,
        missing=tuple(detail.names.get(f, f) for f in fit.get("missing") or ()) if shown else (),
    )


def _strengths(detail: CandidateDetail) -> tuple[Strength, ...]:
    by_id = {row.feature_id: row for row in detail.rows}
    out = []
    for target in detail.strengths[:3]:
        row = by_id.get(target.feature_id)
        if row is None or row.score is None:
            continue
        score = f"{format_score(row.score, row.decimals)} of {row.hi:.0f}"
        out.append(Strength(row.name, score, target.strength_on_the_job))
    return tuple(out)


def _gaps(detail: CandidateDetail) -> tuple[Gap, ...]:
    """Turn the stored onboarding gaps (ranked by importance x gap size) into report gaps."""
    known = set(detail.profile.feature_ids) if detail.profile else set()
    levels = importance_levels(detail.profile) if detail.profile else {}
    gaps = []
    for stored in detail.onboarding_gaps:
        fid, size = stored["feature_id"], -float(stored["gap"])
        m = stored["module"]
        module = Module(m["id"], m["name"], m["covers"], float(m["days"]), m["delivered_by"], int(m["phase"]))  # fmt: skip
        target = detail.profile.target(fid) if fid in known and detail.profile else None
        level = levels.get(fid, NOT_ESTABLISHED)
        gaps.append(
            Gap(
                name=detail.names.get(fid, fid),
                gap_sd=size,
                importance=round(float(stored["priority"]) / size, 4) if size > 0 else 0.0,
                priority=float(stored["priority"]),
                module=module,
                coaching_questions=target.coaching_questions if target else (),
                interview_probes=target.interview_probes if target else (),
                importance_level=level,
                priority_level=priority_level(level, size),
            )
        )
    return tuple(sorted(gaps, key=lambda gap: -gap.priority))


def _questionnaire_name(result: dict, role: dict) -> str:
    key = (result["questionnaire_id"], result["questionnaire_version"])
    questionnaire = questionnaire_bank().get(key) or role_questionnaire(role)
    return (
        f"{questionnaire.title} questionnaire ({questionnaire.id}, version {questionnaire.version})"
    )


def _model_name(model: dict | None, report: dict) -> str:
    if model is None:
        return NO_MODEL
    if not model.get("label"):
        return f"version {model['id']} (its record is no longer available)"
    label, method, made = model["label"], report.get("method"), (model.get("created_at") or "")[:10]
    if method and method in label:  # version labels name their method: say it once
        name = f"{label} · calibrated {made}" if made else label
    else:
        details = ", ".join(part for part in (method, made) if part)
        name = f"{label} ({details})" if details else label
    if model.get("status") == "suspended":  # the stored fit came from a model now stopped
        since = (model.get("suspended_at") or "")[:10]
        name += f"; suspended {since}, re-score to replace this fit"
    return name


def _method(
    result: dict, role: dict, model: dict | None, report: dict, names: dict[str, str]
) -> MethodNote:
    ci = report.get("auc_ci")
    return MethodNote(
        questionnaire=_questionnaire_name(result, role),
        incumbent_n=int(report.get("n") or 0),
        auc=finite(report.get("auc")),
        auc_ci=(float(ci[0]), float(ci[1])) if ci and all(map(finite, ci)) else None,
        ece=finite(report.get("ece")),
        brier_skill=finite(report.get("brier_skill")),
        model_version=_model_name(model, report),
        evidence_sufficient=bool(report.get("evidence_sufficient")),
        calibrated=model is not None,
        weak_evidence=tuple(weak_evidence(report))
        if model is not None and report.get("evidence_sufficient")
        else (),
        shared=tuple(
            tuple(names.get(m, m) for m in members)
            for members in (report.get("composites") or {}).values()
        ),
    )


def _notes(db: Database, candidate_id: int) -> tuple[str, ...]:
    rows = db.query(
        "SELECT n.body, n.at, coalesce(u.display_name, u.username, 'unknown') AS author "
        "FROM notes n LEFT JOIN users u ON u.id = n.author WHERE n.candidate_id = ? "
        "ORDER BY n.at, n.id",
        [candidate_id],
    )
    return tuple(f"{row['at'][:10]}, {row['author']}: {row['body']}" for row in rows)


def build_report(
    db: Database,
    detail: CandidateDetail,
    variant: str,
    *,
    page_size: str = "A4",
    today: date | None = None,
) -> CandidateReport:
    """Build one report variant for the candidate in ``detail`` (from ``candidate_detail``).

    Recruiter notes go only into the ``"fit"`` variant, the only one that shows them.
    Raises :class:`ReportUnavailable` when nothing has been scored yet.
    """
    if variant not in VARIANTS:
        raise ReportError(f"Unknown report type {variant!r}: choose 'fit' or 'onboarding'.")
    if page_size not in PAGE_SIZES:
        raise ReportError(f"Unknown page size {page_size!r}: choose A4 or Letter.")
    candidate, role = detail.candidate, detail.role
    result, model = _stored(db, candidate["id"])
    if detail.fit is None:
        raise ReportUnavailable("There is no report yet: the role has no hiring profile.")
    report = _model_report(model)
    gaps = _gaps(detail)
    data = ReportData(
        candidate_name=candidate["name"],
        candidate_ref=f"C-{candidate['id']:04d}"
        + (" (synthetic)" if candidate.get("synthetic") else ""),
        role_title=role["title"] + (f", {role['location']}" if role.get("location") else ""),
        generated_on=today or date.today(),
        model_version=_model_name(model, report),
        fit=_fit_summary(detail, model, report),
        scales=tuple(_bar(row) for row in detail.scales),
        competencies=tuple(_bar(row) for row in detail.competencies),
        strengths=_strengths(detail),
        gaps=gaps,
        plan=plan_from_gaps(gaps),
        method=_method(result, role, model, report, detail.names),
        notes=_notes(db, candidate["id"]) if variant == "fit" else (),
        page_size=page_size,  # type: ignore[arg-type]
    )
    state = {
        "status": candidate["status"],
        "decided_at": candidate.get("decided_at"),
        "scored_at": result["scored_at"],
        "input_hash": result["input_hash"],
        "model_version_id": result["model_version_id"],
        "model_sha256": (model or {}).get("sha256"),
    }
    return CandidateReport(candidate["id"], variant, data, state)


def candidate_report(
    db: Database, candidate_id: int, variant: str, *, page_size: str = "A4"
) -> CandidateReport:
    """Build one report variant for a stored candidate; raises ``NotFound`` for an unknown id."""
    return build_report(db, candidate_detail(db, candidate_id), variant, page_size=page_size)
