"""Assemble what staff see about a candidate: scores against targets, fit evidence, compare.

Everything shown comes from the stored result (``results.scores`` and ``results.fit``) and
the role's hiring profile; when no fit was stored (not calibrated), gaps are worked out from
the profile alone so that the page still shows where the candidate stands.
"""

import json
import math
from dataclasses import dataclass, field, replace
from functools import cached_property

from sqlite_utils import Database

from hiring.assessment.profiles import FeatureTarget, HiringProfile, candidate_fit
from hiring.assessment.ranges import BELOW, WITHIN, RangeJudgment, judge, score_decimals
from hiring.errors import HiringError
from hiring.modeling.model import weak_evidence
from hiring.roles.profiles import feature_names, role_profile
from hiring.roles.services import role_questionnaire

MAX_COMPARE = 4
PROBE_GAPS = 3  # interview questions are suggested for this many largest gaps


class NotFound(HiringError):
    """The record does not exist, or is not this user's to see (the face answers 404)."""


@dataclass(frozen=True)
class FeatureRow:
    """One scale or competency: the score, its target range and how far off it is."""

    feature_id: str
    name: str
    kind: str  # "scale" or "competency"
    score: float | None
    low: float
    high: float
    minimum: float | None
    lo: float
    hi: float
    gap: float | None  # signed, in SD units; 0 inside the target range
    weight: float

    @property
    def decimals(self) -> int:
        """The decimals this score and its target are shown, and judged, with."""
        return score_decimals(self.lo, self.hi)

    @cached_property  # the page asks several times per row
    def judgment(self) -> RangeJudgment | None:
        """Where the shown score stands against the shown target (None when not scored)."""
        if self.score is None:
            return None
        return judge(self.score, self.low, self.high, decimals=self.decimals, minimum=self.minimum)

    @property
    def position(self) -> str:
        """Say where the score stands: below, within or above target, or missing."""
        judged = self.judgment
        return "not scored" if judged is None else f"{judged.position} target"


@dataclass
class CandidateDetail:
    """A candidate as the recruiter's page shows them."""

    candidate: dict
    role: dict
    profile: HiringProfile | None
    scales: list[FeatureRow] = field(default_factory=list)
    competencies: list[FeatureRow] = field(default_factory=list)
    fit: dict | None = None
    scores: dict | None = None
    factors: list[tuple[str, float]] = field(default_factory=list)
    strengths: list[FeatureTarget] = field(default_factory=list)
    probes: list[tuple[FeatureRow, tuple[str, ...]]] = field(default_factory=list)
    flags: list[dict] = field(default_factory=list)
    model_label: str = ""
    names: dict[str, str] = field(default_factory=dict)
    model_report: dict = field(default_factory=dict)  # the scoring model's validation report
    adaptive: dict | None = None  # θ, SE and statements asked per scale (adaptive form only)

    @property
    def rows(self) -> list[FeatureRow]:
        """Scales then competencies."""
        return self.scales + self.competencies

    @property
    def weak_evidence(self) -> list[str]:
        """Why the model that scored this candidate rests on weak evidence (empty if it does not)."""
        if not self.model_report or not self.model_report.get("evidence_sufficient"):
            return []  # no model, or one whose probabilities are not shown at all
        return weak_evidence(self.model_report)

    @property
    def onboarding_gaps(self) -> list[dict]:
        """The stored onboarding gaps whose shown score is still below its shown target."""
        short = {row.feature_id for row in self.rows if row.position == f"{BELOW} target"}
        known = {row.feature_id for row in self.rows}
        return [
            gap
            for gap in (self.fit or {}).get("onboarding_gaps") or []
            if gap["feature_id"] in short or gap["feature_id"] not in known
        ]


def _number(value: object) -> float | None:
    if value is None or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) else float(value)


def _rows(role: dict, profile: HiringProfile, scores: dict, gaps: dict) -> tuple[list, list]:
    q = role_questionnaire(role)
    points = float(q.response_scale.points)
    out: tuple[list, list] = ([], [])
    for kind, items, values, span in (
        ("scale", q.scales, scores.get("scales", {}), (1.0, points)),
        ("competency", q.competencies, scores.get("competencies", {}), (0.0, 100.0)),
    ):
        for item in items:
            if item.id not in profile.feature_ids:
                continue
            t = profile.target(item.id)
            row = FeatureRow(
                item.id, item.name, kind, _number(values.get(item.id)), t.low, t.high,
                t.minimum, span[0], span[1], _number(gaps.get(item.id)), t.weight,
            )  # fmt: skip
            if row.judgment is not None and row.judgment.position == WITHIN:
                row = replace(row, gap=0.0)  # a fit stored before gaps followed shown values
            out[kind == "competency"].append(row)
    return out


def _result(db: Database, candidate_id: int) -> dict | None:
    rows = list(db["results"].rows_where("candidate_id = ?", [candidate_id]))
    return rows[0] if rows else None


def model_label(db: Database, model_version_id: int | None) -> str:
    """Name the model version that scored a result (empty when none did)."""
    if not model_version_id:
        return ""
    rows = list(db["model_versions"].rows_where("id = ?", [model_version_id]))
    if not rows:
        return ""
    row = rows[0]
    if row["status"] == "suspended":  # a stored fit from a stopped model must say so
        since = (row.get("suspended_at") or "")[:10]
        return f"{row['label']} (suspended {since}; re-score to replace this fit)"
    return row["label"]


def model_report(db: Database, model_version_id: int | None) -> dict:
    """Return the validation report of a model version (empty when there is none)."""
    if not model_version_id:
        return {}
    rows = list(db["model_versions"].rows_where("id = ?", [model_version_id], select="report"))
    return json.loads(rows[0]["report"]) if rows and rows[0]["report"] else {}


def role_model_label(db: Database, role: dict) -> str:
    """Name the model version a role uses now: the one pinned on it, else its active one."""
    if role.get("model_version_id"):
        return model_label(db, role["model_version_id"])
    rows = db.query(
        "SELECT label FROM model_versions WHERE role_id = ? AND status = 'active' "
        "ORDER BY id DESC LIMIT 1",
        [role["id"]],
    )
    return next((row["label"] for row in rows), "")


def candidate_detail(
    db: Database, candidate_id: int, role_id: int | None = None
) -> CandidateDetail:
    """Gather one candidate's evidence; ``role_id`` (when given) must be theirs."""
    rows = list(db["candidates"].rows_where("id = ?", [candidate_id]))
    if not rows or (role_id is not None and rows[0]["role_id"] != role_id):
        raise NotFound("No such candidate.")
    candidate = rows[0]
    role = db["job_roles"].get(candidate["role_id"])
    detail = CandidateDetail(candidate, role, role_profile(db, role), names=feature_names(role))
    result = _result(db, candidate_id)
    if result is None or not result["scores"] or detail.profile is None:
        return detail
    scores = json.loads(result["scores"])
    fit = json.loads(result["fit"]) if result["fit"] else None
    fill_scores(detail, scores, fit)
    detail.model_label = model_label(db, result["model_version_id"])
    detail.model_report = model_report(db, result["model_version_id"])
    if result.get("form") == "adaptive" and result.get("thetas"):
        detail.adaptive = json.loads(result["thetas"])
    return detail


def fill_scores(detail: CandidateDetail, scores: dict, fit: dict | None) -> CandidateDetail:
    """Put stored scores into ``detail``, with the stored fit or else the profile's alone.

    Also used for an employee's study result (``hiring.team``), read against the role's
    profile or against the profile of a next role.
    """
    role = detail.role
    if fit is None:  # not calibrated: the profile alone still gives gaps and strengths
        flat = {**scores.get("scales", {}), **scores.get("competencies", {})}
        flat = {k: _number(v) for k, v in flat.items()}
        q = role_questionnaire(role)
        fit = candidate_fit(
            detail.profile, flat, norms=q.norms, decimals=q.score_decimals
        ).to_dict()
        fit["stored"] = False
    detail.scores, detail.fit = scores, fit
    detail.scales, detail.competencies = _rows(role, detail.profile, scores, fit["gaps"])
    detail.factors = [(fid, float(value)) for fid, value in fit.get("factors") or []]
    known = set(detail.profile.feature_ids)
    detail.strengths = [detail.profile.target(f) for f in fit.get("strengths", []) if f in known]
    below = sorted((r for r in detail.rows if r.gap is not None and r.gap < 0), key=lambda r: r.gap)
    detail.probes = [
        (r, detail.profile.target(r.feature_id).interview_probes) for r in below[:PROBE_GAPS]
    ]
    detail.flags = list(scores.get("flags") or [])
    return detail


def compare(db: Database, role_id: int, candidate_ids: list[int]) -> list[CandidateDetail]:
    """Return 2 to 4 candidates of one role for a side-by-side view."""
    ids = list(dict.fromkeys(candidate_ids))
    if not 2 <= len(ids) <= MAX_COMPARE:
        raise HiringError(f"Choose between 2 and {MAX_COMPARE} candidates to compare.")
    return [candidate_detail(db, candidate_id, role_id) for candidate_id in ids]
