"""Test data for incumbent studies: employees invited, answering and sent, through the use cases."""

import random

from hiring.candidates import journey
from hiring.roles import services as roles
from hiring.team import answers, studies
from hiring.team.roster import EmployeeRow
from tests.workspace_data import answers_for


def roster_csv(n: int, manager: str = "manager", start: int = 0, teams=("North", "South")) -> str:
    """An employees file of ``n`` people split over ``teams``."""
    lines = ["employee_id,name,email,team,manager"]
    for i in range(start, start + n):
        lines.append(f"E{i:03d},Employee {i},e{i}@example.test,{teams[i % len(teams)]},{manager}")
    return "\n".join(lines) + "\n"


def invite(
    db, study_id: int, n: int, manager: str = "", start: int = 0
) -> list[studies.StudyInvite]:
    """Invite ``n`` employees of two teams to a study."""
    rows = [
        EmployeeRow(
            i + 1,
            f"E{i:03d}",
            f"Employee {i}",
            f"e{i}@example.test",
            ("North", "South")[i % 2],
            manager,
        )
        for i in range(start, start + n)
    ]
    return studies.invite_employees(db, study_id, rows, days=14, actor="test")


def complete(db, participant_id: int, level: int = 4, seed: int = 0) -> dict:
    """Consent, answer every page (60 s each) and send, as an employee would."""
    journey.give_consent(db, participant_id, journey.EMPLOYEES)
    person = db["study_participants"].get(participant_id)
    questionnaire = roles.role_questionnaire(roles.get_role(db, person["role_id"]))
    for index, page in enumerate(answers_for(questionnaire, level, random.Random(seed))):
        journey.save_page(db, participant_id, index, page, seconds=60.0, who=journey.EMPLOYEES)
    return answers.submit_answers(db, participant_id)


def kpi_csv(ids: list[str], column: str = "csat") -> str:
    """A KPI file with a spread of values for ``ids``."""
    return f"employee_id,{column}\n" + "".join(f"{e},{60 + 3 * k}\n" for k, e in enumerate(ids))
