"""Demo step: an item bank calibrated from synthetic answers, and the demo role on the adaptive form.

The bank is fitted by the real calibration use case from simulated applicants' answers; the
demo role then switches to the adaptive short form (its earlier candidates keep the full
form), and a few synthetic candidates take it through the real journey: consent, the
adaptive pages ``next_items`` chooses, the fixed pages, submission.
"""

import numpy as np

from hiring.candidates import journey
from hiring.candidates.invites import InviteRow, invite_rows
from hiring.candidates.submission import submit_assessment
from hiring.demo.candidates import DEMO_ROLE
from hiring.demo.synthetic import simulate_applicants, synthetic_people
from hiring.roles import services as roles
from hiring.store.plurals import plural

CALIBRATION_SAMPLE = 1000  # simulated applicants whose answers calibrate the item bank
ADAPTIVE_CANDIDATES = 6
FIRST_PERSON = 101  # names and addresses apart from the full-form candidates'


def demo_bank_fit(questionnaire, *, n: int = CALIBRATION_SAMPLE, random_state: int = 5):
    """Fit the graded response model to simulated applicants' answers to ``questionnaire``."""
    from hiring.assessment.item_banks import calibrate_questionnaire

    sample = simulate_applicants(n, questionnaire=questionnaire, random_state=random_state)
    return calibrate_questionnaire(questionnaire, sample.responses)


def calibrate_demo_bank(db, questionnaire, fit=None):
    """Store an item bank for ``questionnaire`` fitted to simulated applicants' answers."""
    from hiring.assessment.item_banks import save_item_bank

    return save_item_bank(db, questionnaire, fit or demo_bank_fit(questionnaire), by="demo")


def take_adaptive_form(db, candidate_id: int, questionnaire, responses: np.ndarray, rng) -> int:
    """Answer every page the candidate's form shows, from ``responses``; return pages answered."""
    column = {item_id: j for j, item_id in enumerate(questionnaire.item_ids)}
    journey.give_consent(db, candidate_id)
    pages = 0
    while True:
        candidate = db["candidates"].get(candidate_id)
        saved = journey.saved_answers(db, candidate_id)
        plan = journey.form_plan(db, candidate, questionnaire, saved)
        index = journey.resume_page(plan, saved)
        if index >= len(plan.pages):
            return pages
        page = plan.pages[index]
        answers = {i: int(responses[column[i]]) for i in page.item_ids}
        seconds = float(len(page.item_ids) * rng.uniform(4.0, 9.0) + rng.uniform(3.0, 12.0))
        journey.save_page(db, candidate_id, index, answers, seconds=seconds)
        pages += 1


def add_demo_adaptive(ctx) -> None:
    """Calibrate an item bank, put the demo role on the adaptive form, add candidates who take it."""
    db, app = ctx.db, ctx.app
    role = next((r for r in roles.list_roles(db) if r["title"] == DEMO_ROLE), None)
    if role is None:
        return
    questionnaire = roles.role_questionnaire(role)
    bank = calibrate_demo_bank(db, questionnaire)
    roles.set_role_form(db, role["id"], "adaptive", actor="demo")
    sample = simulate_applicants(ADAPTIVE_CANDIDATES, questionnaire=questionnaire, random_state=13)
    people = synthetic_people(ADAPTIVE_CANDIDATES, start=FIRST_PERSON, prefix="SYN-APP")
    rows = [
        InviteRow(n + 2, person.name, person.email, role["slug"]) for n, person in enumerate(people)
    ]
    batch = invite_rows(db, rows, days=app.config["INVITE_DAYS"], actor="demo", synthetic=True)
    rng = np.random.default_rng(13)
    for n, invite in enumerate(batch.invited):
        take_adaptive_form(db, invite.candidate_id, questionnaire, sample.responses[n], rng)
        submit_assessment(db, invite.candidate_id, instance_path=app.instance_path)
    ctx.lines.append(
        f"Adaptive short form: item bank v{bank.version} calibrated from "
        f"{plural(CALIBRATION_SAMPLE, 'synthetic applicant')}; role “{DEMO_ROLE}” now uses the "
        f"adaptive form, and {plural(ADAPTIVE_CANDIDATES, 'synthetic candidate')} took it "
        "(badge “adaptive form” in the ranked list)."
    )
