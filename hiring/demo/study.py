"""Demo step: an incumbent study of the demo role, with KPIs, a manager's team and a re-assessment.

Synthetic employees answer through the real journey (consent, pages, send); the demo manager
leads the North and South teams; KPIs come from the simulation; ten employees take round 2
after coaching on the trait scales, so their change can be read against its error band.
"""

import numpy as np

from hiring.candidates import journey
from hiring.demo.synthetic import simulate_incumbents
from hiring.roles import services as roles
from hiring.store.plurals import plural
from hiring.team import answers, calibration_set, studies
from hiring.team.roster import EmployeeRow

EMPLOYEES, FINISHED, REASSESSED = 36, 32, 10
TEAMS = ("North", "South", "Night shift")


def _take(db, participant_id: int, questionnaire, responses: np.ndarray, rng) -> None:
    """Consent, answer every page with plausible times and send."""
    column = {item_id: j for j, item_id in enumerate(questionnaire.item_ids)}
    journey.give_consent(db, participant_id, journey.EMPLOYEES)
    for index, page in enumerate(questionnaire.pages):
        page_answers = {
            i: int(responses[column[i]]) for i in page.item_ids if np.isfinite(responses[column[i]])
        }
        seconds = float(len(page.item_ids) * rng.uniform(4.0, 9.0) + rng.uniform(3.0, 12.0))
        journey.save_page(
            db, participant_id, index, page_answers, seconds=seconds, who=journey.EMPLOYEES
        )
    answers.submit_answers(db, participant_id)


def _coached(questionnaire, responses: np.ndarray, rng) -> np.ndarray:
    """Round-2 answers after coaching: some trait statements answered one point more favourably."""
    out = responses.copy()
    top = questionnaire.response_scale.points
    for j, item_id in enumerate(questionnaire.item_ids):
        item = questionnaire.likert_by_id.get(item_id)
        if item is None or item.kind == "attention" or rng.random() > 0.5:
            continue
        step = 1 if item.keyed >= 0 else -1
        out[j] = min(top, max(1, out[j] + step))
    return out


def add_demo_study(ctx) -> None:
    """Run round 1 of a study on the demo role, import KPIs, then re-assess ten employees."""
    db, app = ctx.db, ctx.app
    role = next(r for r in roles.list_roles(db) if r["title"].endswith("(synthetic demo)"))
    q = roles.role_questionnaire(role)
    sample = simulate_incumbents(EMPLOYEES, questionnaire=q, random_state=17, prefix="EMP")
    study = studies.open_study(db, role["slug"], actor="demo", synthetic=True)
    rows = [
        EmployeeRow(n + 2, person.id, person.name, person.email.replace("@", ".emp@"),
                    TEAMS[n % len(TEAMS)], "manager" if n % len(TEAMS) < 2 else "")
        for n, person in enumerate(sample.people)
    ]  # fmt: skip
    made = studies.invite_employees(
        db, study["id"], rows, days=app.config["INVITE_DAYS"], actor="demo", synthetic=True
    )
    rng = np.random.default_rng(17)
    for n, invite in enumerate(made[:FINISHED]):
        _take(db, invite.participant_id, q, sample.responses[n], rng)
    kpis = "employee_id,csat,handle_time\n" + "".join(
        f"{person.id},{sample.kpi[n]:.1f},{300 - 20 * sample.performance[n]:.0f}\n"
        for n, person in enumerate(sample.people[:FINISHED])
    )
    calibration_set.import_kpis(db, study["id"], kpis, filename="demo-kpis.csv", actor="demo")
    ctx.lines.append(
        f"Incumbent study: {plural(EMPLOYEES, 'employee')} of the demo role invited, "
        f"{FINISHED} sent their answers, KPIs imported (Studies; the manager's Team page)."
    )
    for invite in made[FINISHED : FINISHED + 1]:
        ctx.lines.append(
            f"  {invite.link(ctx.base_url)}  {invite.name}: an employee who has not started"
        )
    round2, again = studies.next_round(
        db, study["id"], days=app.config["INVITE_DAYS"], actor="demo"
    )
    for n, invite in enumerate(again[:REASSESSED]):
        _take(db, invite.participant_id, q, _coached(q, sample.responses[n], rng), rng)
    done = again[0]
    ctx.lines.append(
        f"Re-assessment: round {round2['round']} with {plural(REASSESSED, 'employee')} done so far; "
        f"{done.name} sees change with its error band at {done.link(ctx.base_url)}"
    )
