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
from hiring.roles.profiles import feedback_texts, role_profile
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


# Said when a hiring profile has no text written to the candidate for a quality.
GENERAL_STRENGTH = (
    "Your answers point to this as one of your strengths. Keep using it: it is a quality the "
    "people you work with will notice."
)
GENERAL_TO_DEVELOP = (
    "Ask someone you work with how you come across on this, and choose one situation each "
    "week in which to practise it."
)
STRENGTHS_SHOWN = 3
AREAS_SHOWN = 3
RELATIVE_STRENGTHS_SHOWN = 2


@dataclass(frozen=True)
class Element:
    """One measured quality, and what the candidate's answers said about it in words."""

    name: str
    description: str  # starts in lower case: it follows the name and a colon
    level: str = ""  # "in or above the range this role looks for", ...
    detail: str = ""  # written to the candidate: what the strength says, or what to try


@dataclass(frozen=True)
class Explanation:
    """Everything the "your results explained" page and the feedback report show."""

    role_title: str
    status: str
    submitted: bool
    measured: list[Element] = field(default_factory=list)
    strengths: list[Element] = field(default_factory=list)
    to_develop: list[Element] = field(default_factory=list)
    # True when no quality reached the role's range, so the strengths shown are the
    # candidate's highest qualities compared with their others.
    relative_strengths: bool = False


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


def lower_first(text: str) -> str:
    """Start ``text`` in lower case for use mid-sentence, unless it starts with an acronym."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


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


def _relative_strengths(gaps: dict[str, float], skip: set[str], known: set[str]) -> list[str]:
    """Return the qualities furthest up compared with the others, when none is on target."""
    kept = {fid: gap for fid, gap in gaps.items() if fid in known - skip}
    return sorted(kept, key=lambda fid: -kept[fid])[:RELATIVE_STRENGTHS_SHOWN]


def explain(db: Database, candidate_id: int) -> Explanation:
    """Explain what was measured and, once submitted, the candidate's strengths and areas to develop.

    Strengths and areas come from the stored result; their texts are written to the candidate
    in the role's hiring profile. Nothing shown is a number, a band or a decision.
    """
    candidate = get_candidate(db, candidate_id)
    role = get_role(db, candidate["role_id"])
    result = _result(db, candidate_id) if is_submitted(candidate) else None
    fit = json.loads(result["fit"]) if result and result["fit"] else {}
    texts = feedback_texts(db, role) if fit else {}
    status = STATUS_WORDS.get(candidate["status"], candidate["status"])
    return explain_result(
        role, role_profile(db, role), texts, fit, result, status, is_submitted(candidate)
    )


def explain_result(
    role: dict, profile, texts: dict, fit: dict, result: dict | None, status: str, submitted: bool
) -> Explanation:
    """Explain a stored result (``scores`` JSON) and its fit against ``profile``, in words.

    Shared by a candidate's own page and an employee's own feedback in an incumbent study.
    """
    questionnaire = role_questionnaire(role)
    gaps = _shown_gaps(fit, result, profile, questionnaire)
    described = {s.id: (s.name, lower_first(s.description)) for s in questionnaire.scales} | {
        c.id: (c.name, lower_first(c.description)) for c in questionnaire.competencies
    }
    measured = [
        Element(name, text, _level(gaps.get(fid)) if fit else "")
        for fid, (name, text) in described.items()
    ]
    areas = [
        g["feature_id"]
        for g in fit.get("onboarding_gaps", [])
        if g["feature_id"] in described and gaps.get(g["feature_id"], -1.0) < 0
    ]
    areas = areas[:AREAS_SHOWN]
    strengths = [fid for fid in fit.get("strengths", []) if fid in described][:STRENGTHS_SHOWN]
    relative = bool(fit) and not strengths
    if relative:
        strengths = _relative_strengths(gaps, set(areas), set(described))
    return Explanation(
        role_title=role["title"],
        status=status,
        submitted=submitted,
        measured=measured,
        strengths=[
            Element(*described[fid], detail=texts.get(fid, ("", ""))[0] or GENERAL_STRENGTH)
            for fid in strengths
        ],
        to_develop=[
            Element(*described[fid], detail=texts.get(fid, ("", ""))[1] or GENERAL_TO_DEVELOP)
            for fid in areas
        ],
        relative_strengths=relative and bool(strengths),
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


def data_export(
    db: Database,
    candidate_id: int,
    *,
    report_url: str | None = None,
    include_self_identification: bool = True,
    fresh_link_page: str = "",
) -> dict:
    """Return a copy of everything stored about the candidate, as JSON-able data.

    The status history carries the reason staff gave for each change (the decision form
    tells them candidates may see it), never who made it. ``report_url`` is where the
    candidate downloads their own PDF report; it is left out until there is a result.
    Self-identification is left out unless ``include_self_identification`` (the web face
    includes it only for a session opened from a fresh, short-lived link), and a note says
    where to ask for one (``fresh_link_page``).
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
        "self_identification": {k: v for k, v in self_id[0].items() if k != "candidate_id"} if self_id and include_self_identification else None,
        "report_pdf": report_url if result else None,
    } | ({} if include_self_identification else {"self_identification_note": _left_out(fresh_link_page)})  # fmt: skip


def _left_out(fresh_link_page: str) -> str:
    """Say why the self-identification answers are not in this copy, and how to get them."""
    return (
        "Your answers about yourself (such as sex, race or ethnicity, age band and "
        "disability) are left out of this download, because the link you opened can be "
        "long-lived. To include them, ask for a fresh link, which is e-mailed to you and "
        "works for a short time" + (f": {fresh_link_page}" if fresh_link_page else ".")
    )
