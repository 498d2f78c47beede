"""Readiness for a next role: an employee's result read against another profile in ``profiles/``.

A next-role profile (such as ``team-lead``) uses the role's questionnaire; reading against it
gives strengths, gaps and the modules that would close them, exactly as for the role itself.
It is shown only to the employee, their manager and admins, one person at a time: there is
no list or ranking of a team's readiness anywhere.
"""

from sqlite_utils import Database

from hiring.roles.profiles import shipped_profiles
from hiring.roles.services import get_role
from hiring.team.coaching import Assessed, assessed
from hiring.workspace.candidate_view import NotFound


def next_role_profiles(db: Database, participant_id: int) -> dict[str, str]:
    """Map the ids of profiles an employee can be read against to their titles (not the role's own)."""
    rows = list(db["study_participants"].rows_where("id = ?", [participant_id]))
    if not rows:
        raise NotFound("No such participant.")
    role = get_role(db, rows[0]["role_id"])
    latest: dict[str, object] = {}
    for (pid, _version), profile in shipped_profiles().items():
        if pid != role["profile_id"] and profile.questionnaire == role["questionnaire_id"]:
            if pid not in latest or profile.version > latest[pid].version:  # type: ignore[attr-defined]
                latest[pid] = profile
    return {pid: p.title for pid, p in sorted(latest.items())}  # type: ignore[attr-defined]


def readiness(
    db: Database, participant_id: int, profile_id: str, manager_id: int | None = None
) -> Assessed:
    """Read a participant's result against a next-role profile; NotFound for another's or none."""
    if profile_id not in next_role_profiles(db, participant_id):
        raise NotFound(f"No next-role profile {profile_id!r}.")
    versions = [p for (pid, _), p in shipped_profiles().items() if pid == profile_id]
    return assessed(db, participant_id, manager_id, profile=max(versions, key=lambda p: p.version))
