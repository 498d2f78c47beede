"""What a candidate may see about themselves: a plain-language explanation and a copy of their data.

Both start from one candidate id (the face passes the id of the signed-in link, never one
from the request). The explanation names what was measured and the main elements behind the
result in words: no probabilities, no coefficients, no percentile, no band.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from hiring.accounts.audit import now_iso
from hiring.assessment.ranges import WITHIN, judge
from hiring.candidates.records import get_candidate, is_submitted
from hiring.roles.profiles import role_profile
from hiring.roles.services import get_role, role_questionnaire

# Where a score sits against the range the role looks for, in words (gaps are in SD units).
CLEARLY = 0.5
STATUS_WORDS = {
    "invited": "invited: you have not started yet",
    "started": "started: your answers are saved but not sent",
    "completed": "sent: the hiring team has your assessment",
    "shortlisted": "shortlisted for the next step",
    "interviewed": "interviewed",
    "offered": "offered the job",
    "hired": "hired",
    "rejected": "not taken forward for this role",
}


@dataclass(frozen=True)
class Element:
    """One measured quality, and what the candidate's answers said about it in words."""

    name: str
    description: str
    level: str = ""  # "a strength for this role", "in the range the role looks for", ...
    detail: str = ""


@dataclass(frozen=True)
class Explanation:
    """Everything the "your results explained" page shows."""

    role_title: str
    status: str
    submitted: bool
    measured: list[Element] = field(default_factory=list)
    strengths: list[Element] = field(default_factory=list)
    to_develop: list[Element] = field(default_factory=list)


def _result(db: Database, candidate_id: int) -> dict | None:
    rows = list(db["results"].rows_where("candidate_id = ?", [candidate_id]))
    return rows[0] if rows else None


def _level(gap: float | None) -> str:
    if gap is None:
        return "not enough answers to say"
    if gap < -CLEARLY:
        return "below the range this role looks for"
    if gap < 0:
        return "a little below the range this role looks for"
    return "in or above the range this role looks for"


def _shown_gaps(fit: dict, result: dict | None, profile, questionnaire) -> dict[str, float]:
    """The stored gaps, with none where the shown score is within its shown target range."""
    gaps: dict[str, float] = dict(fit.get("gaps", {}))
    scores = json.loads(result["scores"]) if result and result["scores"] else {}
    values = {**scores.get("scales", {}), **scores.get("competencies", {})}
    for fid, value in values.items():
        if profile is None or fid not in profile.feature_ids or value is None:
            continue
        target = profile.target(fid)
        places = questionnaire.score_decimals.get(fid, 1)
        if judge(value, target.low, target.high, decimals=places).position == WITHIN:
            gaps[fid] = 0.0  # a fit stored before gaps followed the shown values
    return gaps


def explain(db: Database, candidate_id: int) -> Explanation:
    """Explain what was measured and, once submitted, the main elements behind the result."""
    candidate = get_candidate(db, candidate_id)
    role = get_role(db, candidate["role_id"])
    questionnaire = role_questionnaire(role)
    result = _result(db, candidate_id) if is_submitted(candidate) else None
    fit = json.loads(result["fit"]) if result and result["fit"] else {}
    profile = role_profile(db, role)
    gaps = _shown_gaps(fit, result, profile, questionnaire)
    described = {s.id: (s.name, s.description) for s in questionnaire.scales} | {
        c.id: (c.name, c.description) for c in questionnaire.competencies
    }
    measured = [
        Element(name, text, _level(gaps.get(fid)) if fit else "")
        for fid, (name, text) in described.items()
    ]
    strengths = []
    for fid in fit.get("strengths", [])[:3]:
        on_the_job = profile.target(fid).strength_on_the_job if profile else ""
        strengths.append(Element(described[fid][0], described[fid][1], detail=on_the_job))
    to_develop = [
        Element(described[g["feature_id"]][0], described[g["feature_id"]][1],
                detail=g["module"]["covers"])
        for g in fit.get("onboarding_gaps", [])
        if g["feature_id"] in described and gaps.get(g["feature_id"], -1.0) < 0
    ][:3]  # fmt: skip
    return Explanation(
        role_title=role["title"],
        status=STATUS_WORDS.get(candidate["status"], candidate["status"]),
        submitted=is_submitted(candidate),
        measured=measured,
        strengths=strengths,
        to_develop=to_develop,
    )


def _answers(db: Database, candidate_id: int, questionnaire) -> list[dict[str, Any]]:
    """Each answer with the question's text and the chosen option's words."""
    labels = questionnaire.response_scale.labels
    out = []
    for row in db["answers"].rows_where("candidate_id = ?", [candidate_id], order_by="item_id"):
        item_id, value = row["item_id"], row["value"]
        entry: dict[str, Any] = {
            "item_id": item_id,
            "answer": value,
            "answered_at": row["answered_at"],
        }
        if item_id in questionnaire.likert_by_id:
            entry["question"] = questionnaire.likert_by_id[item_id].text
            entry["answer_text"] = labels[value - 1] if 1 <= value <= len(labels) else ""
        elif item_id in questionnaire.sjt_by_id:
            item = questionnaire.sjt_by_id[item_id]
            entry["question"] = f"{item.scenario} {item.prompt}"
            options = item.options
            entry["answer_text"] = options[value - 1].text if 1 <= value <= len(options) else ""
        out.append(entry)
    order = {item_id: i for i, item_id in enumerate(questionnaire.item_ids)}
    return sorted(out, key=lambda e: order.get(e["item_id"], len(order)))


def data_export(db: Database, candidate_id: int, *, report_url: str | None = None) -> dict:
    """Return a copy of everything stored about the candidate, as JSON-able data.

    The status history carries the reason staff gave for each change (the decision form
    tells them candidates may see it), never who made it. ``report_url`` is where the
    candidate downloads their own PDF report; it is left out until there is a result.
    """
    candidate = get_candidate(db, candidate_id)
    role = get_role(db, candidate["role_id"])
    questionnaire = role_questionnaire(role)
    result = _result(db, candidate_id)
    scores = json.loads(result["scores"]) if result and result["scores"] else None
    fit = json.loads(result["fit"]) if result and result["fit"] else None
    self_id = list(db["self_identification"].rows_where("candidate_id = ?", [candidate_id]))
    history = db["status_history"].rows_where(
        "candidate_id = ?",
        [candidate_id],
        order_by="at, id",
        select="from_status, to_status, at, coalesce(reason, '') AS reason",
    )
    return {
        "exported_at": now_iso(),
        "about": "Your data held by this hiring assessment, exported at your request.",
        "you": {k: candidate[k] for k in ("name", "email", "invited_at", "consented_at", "submitted_at")},
        "role": {"title": role["title"], "location": role["location"]},
        "status": candidate["status"],
        "status_history": list(history),
        "questionnaire": {"id": questionnaire.id, "version": questionnaire.version, "title": questionnaire.title},
        "answers": _answers(db, candidate_id, questionnaire),
        "scores": scores,
        "fit": None
        if fit is None
        else {"band": fit.get("band"), "strengths": fit.get("strengths"), "areas_to_develop": [g["feature_id"] for g in fit.get("onboarding_gaps", [])]},
        "self_identification": {k: v for k, v in self_id[0].items() if k != "candidate_id"} if self_id else None,
        "report_pdf": report_url if result else None,
    }  # fmt: skip
