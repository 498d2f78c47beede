"""What an assessed employee and their manager get back: feedback, a coaching plan, the team view.

An employee's study result is read against the role's hiring profile exactly as a hire's is
for the onboarding plan (``hiring.workspace.candidate_view.fill_scores``): the same gaps, the
same modules, the same importance. A manager sees only employees whose manager they are; an
admin sees everyone. Every look is recorded in the audit log by the face that shows it.
"""

import json
from dataclasses import dataclass, field

from sqlite_utils import Database

from hiring.candidates.data_rights import Explanation, explain_result
from hiring.roles.profiles import feature_names, feedback_texts, role_profile
from hiring.roles.services import get_role
from hiring.workspace.candidate_view import CandidateDetail, NotFound, fill_scores
from hiring.workspace.cohorts import CohortModule, count_modules


@dataclass
class Assessed:
    """One employee's completed study result, read against a profile."""

    participant: dict
    employee: dict
    study: dict
    detail: CandidateDetail


def _participant(db: Database, participant_id: int) -> dict:
    rows = list(db["study_participants"].rows_where("id = ?", [participant_id]))
    if not rows:
        raise NotFound("No such participant.")
    return rows[0]


def visible(employee: dict, manager_id: int | None) -> bool:
    """Tell whether a viewer sees an employee: admins (None) everyone, a manager their own."""
    return manager_id is None or employee["manager_id"] == manager_id


def assessed(
    db: Database, participant_id: int, manager_id: int | None = None, profile=None
) -> Assessed:
    """Return a participant's result against the role's profile (or ``profile``).

    Raises :class:`NotFound` when there is no completed result, or when ``manager_id`` is
    given and the employee is not in that manager's team.
    """
    person = _participant(db, participant_id)
    employee = db["employees"].get(person["employee_pk"])
    result = list(db["study_results"].rows_where("participant_id = ?", [participant_id]))
    if not visible(employee, manager_id) or not result:
        raise NotFound("No such assessed employee.")
    role = get_role(db, person["role_id"])
    chosen = profile or role_profile(db, role)
    if chosen is None:
        raise NotFound("The role's hiring profile is not installed.")
    who = {"id": participant_id, "name": employee["name"], "synthetic": employee["synthetic"],
           "employee_id": employee["employee_id"], "status": "completed"}  # fmt: skip
    detail = CandidateDetail(who, role, chosen, names=feature_names(role))
    fill_scores(detail, json.loads(result[0]["scores"]), None)
    return Assessed(person, employee, db["studies"].get(person["study_id"]), detail)


def own_feedback(db: Database, participant_id: int) -> Explanation:
    """Explain an employee's own result in words: strengths and areas to develop, no figures."""
    found = assessed(db, participant_id)
    role = found.detail.role
    result = db["study_results"].get(participant_id)
    return explain_result(
        role, found.detail.profile, feedback_texts(db, role), found.detail.fit or {}, result,
        "sent: your answers are in the study", True,
    )  # fmt: skip


def team_members(db: Database, manager_id: int | None, study_id: int | None = None) -> list[dict]:
    """Return a manager's employees (everyone for an admin) with their latest study state."""
    return list(
        db.query(
            "SELECT e.*, p.id AS participant_id, p.status, p.study_id, s.round, "
            "r.title AS role_title FROM employees e "
            "JOIN study_participants p ON p.id = (SELECT max(p2.id) FROM study_participants p2 "
            "  WHERE p2.employee_pk = e.id AND (:s IS NULL OR p2.study_id = :s)) "
            "JOIN studies s ON s.id = p.study_id JOIN job_roles r ON r.id = p.role_id "
            "WHERE (:m IS NULL OR e.manager_id = :m) ORDER BY e.team, e.name",
            {"m": manager_id, "s": study_id},
        )
    )


@dataclass
class TeamView:
    """Strengths and gaps across a team, and the modules that would help most people."""

    members: list[dict]
    assessed: list[Assessed]
    strengths: dict[str, list[str]] = field(default_factory=dict)  # feature name -> people
    gaps: dict[str, list[str]] = field(default_factory=dict)
    modules: list[CohortModule] = field(default_factory=list)


def team_view(db: Database, manager_id: int | None, study_id: int | None = None) -> TeamView:
    """Gather the team's results: who is strong and who has a gap in each area, and the modules.

    Counts are of people, never a ranking of them.
    """
    members = team_members(db, manager_id, study_id)
    done = [
        assessed(db, m["participant_id"], manager_id) for m in members if m["status"] == "completed"
    ]
    view = TeamView(members, done)
    for found in done:
        d = found.detail
        for target in d.strengths:
            view.strengths.setdefault(d.names.get(target.feature_id, target.feature_id), []).append(
                d.candidate["name"]
            )
        for gap in d.onboarding_gaps:
            view.gaps.setdefault(d.names.get(gap["feature_id"], gap["feature_id"]), []).append(
                d.candidate["name"]
            )
    view.strengths = dict(sorted(view.strengths.items(), key=lambda kv: -len(kv[1])))
    view.gaps = dict(sorted(view.gaps.items(), key=lambda kv: -len(kv[1])))
    view.modules = count_modules([found.detail for found in done])
    return view
