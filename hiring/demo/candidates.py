"""Demo step: a synthetic demo role with invited, half-done and completed candidates.

Everything goes through the real use cases (invite, consent, save page, submit), so the
demo shows exactly what real candidates would leave behind.
"""

import numpy as np

from hiring.candidates import journey
from hiring.candidates.invites import InviteRow, invite_rows
from hiring.candidates.submission import submit_assessment
from hiring.demo.synthetic import simulate_applicants
from hiring.roles import services as roles

DEMO_ROLE = "Customer Service Representative (synthetic demo)"
INVITED, HALF_DONE, COMPLETED = 3, 3, 24


def _answer(db, candidate_id: int, questionnaire, responses: np.ndarray, pages: int, rng) -> None:
    """Save the first ``pages`` pages of simulated answers with plausible page times."""
    column = {item_id: j for j, item_id in enumerate(questionnaire.item_ids)}
    journey.give_consent(db, candidate_id)
    for index, page in enumerate(questionnaire.pages[:pages]):
        answers = {i: int(responses[column[i]]) for i in page.item_ids}
        seconds = float(len(page.item_ids) * rng.uniform(4.0, 9.0) + rng.uniform(3.0, 12.0))
        journey.save_page(db, candidate_id, index, answers, seconds=seconds)


def add_demo_candidates(ctx) -> None:
    """Open the demo role and invite synthetic candidates at every stage of the journey."""
    db, app = ctx.db, ctx.app
    role = roles.create_role(db, title=DEMO_ROLE, location="Remote", actor="demo")
    questionnaire = roles.role_questionnaire(role)
    total = INVITED + HALF_DONE + COMPLETED
    sample = simulate_applicants(total, questionnaire=questionnaire, random_state=11)
    rows = [
        InviteRow(n + 2, person.name, person.email, role["slug"])
        for n, person in enumerate(sample.people)
    ]
    batch = invite_rows(db, rows, days=app.config["INVITE_DAYS"], actor="demo", synthetic=True)
    rng = np.random.default_rng(11)
    half = len(questionnaire.pages) // 2
    base = ctx.base_url
    ctx.lines.append(f"Candidate side: role “{DEMO_ROLE}” with {total} synthetic candidates.")
    for n, invite in enumerate(batch.invited):
        if n < INVITED:
            stage = "invited, not started"
        elif n < INVITED + HALF_DONE:
            _answer(db, invite.candidate_id, questionnaire, sample.responses[n], half, rng)
            stage = f"half done ({half} of {len(questionnaire.pages)} pages)"
        else:
            _answer(db, invite.candidate_id, questionnaire, sample.responses[n], 99, rng)
            submit_assessment(db, invite.candidate_id, instance_path=app.instance_path)
            stage = "completed"
        if n < INVITED + HALF_DONE + 1:
            ctx.lines.append(f"  {invite.link(base)}  {invite.name}: {stage}")
    ctx.lines.append(f"  ... and {COMPLETED - 1} more completed candidates (see Roles).")
