"""Demo step: past applicants of the demo role, a third of them hired, with later outcomes.

The history goes through the real imports (`hiring candidates import`, then `hiring outcomes
import`), so the predictive-validity page shows what an organisation's own history would.
Hires are the best on the active model's fit, as a top-down selection would pick them, and
their outcomes come from the synthetic performance, whose validity is known.
"""

import csv
import datetime as dt
import io

import numpy as np

from hiring.assessment.scoring import all_candidate_scores, score_matrix
from hiring.candidates.history_import import EXTRA, import_history
from hiring.demo.candidates import DEMO_ROLE
from hiring.demo.synthetic import simulate_applicants, synthetic_people
from hiring.modeling.live_model import active_model
from hiring.roles import services as roles
from hiring.store.plurals import plural
from hiring.workspace.outcomes import import_outcomes

PAST_APPLICANTS = 150
HIRED_SHARE = 1 / 3
VALIDITY = 0.5  # the same truth as the demo's incumbents


# numbered after the demo's other synthetic people, so no e-mail address is used twice
PEOPLE_START = 1001


def _applicant_csv(questionnaire, sample, hired: np.ndarray, today: dt.date) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", *questionnaire.item_ids, *EXTRA])
    assessed, decided = today - dt.timedelta(days=230), today - dt.timedelta(days=220)
    for k, person in enumerate(synthetic_people(len(hired), start=PEOPLE_START, prefix="SYN-PAST")):
        answers = ["" if np.isnan(v) else int(v) for v in sample.responses[k]]
        decision = "hired" if hired[k] else "rejected"
        extra = [person.name, person.email, assessed.isoformat(), decision, decided.isoformat()]
        writer.writerow([person.id, *answers, *extra])
    return out.getvalue()


def _outcome_csv(db, role_id: int, sample, hired: np.ndarray, today: dt.date) -> str:
    """KPIs and retention of the hires from their synthetic performance."""
    rng = np.random.default_rng(17)
    people = synthetic_people(len(hired), start=PEOPLE_START, prefix="SYN-PAST")
    emails = {p.email: k for k, p in enumerate(people)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "email",
            "measured_on",
            "csat",
            "qa",
            "handle_time",
            "rating",
            "retained_90",
            "retained_180",
        ]
    )
    for row in db["candidates"].rows_where(
        "role_id = ? AND status = 'hired' AND source = 'imported'", [role_id]
    ):
        perf = sample.performance[emails[row["email"]]]
        stay = perf + rng.standard_normal()
        writer.writerow([
            row["email"], (today - dt.timedelta(days=10)).isoformat(),
            f"{np.clip(80 + 6 * perf + 3 * rng.standard_normal(), 0, 100):.1f}",
            f"{np.clip(75 + 8 * perf + 5 * rng.standard_normal(), 0, 100):.1f}",
            f"{max(120.0, 360 - 30 * perf + 25 * rng.standard_normal()):.0f}",
            f"{np.clip(np.round(3 + 0.8 * perf + 0.7 * rng.standard_normal()), 1, 5):.0f}",
            "yes" if stay > -1.3 else "no", "yes" if stay > -0.6 else "no",
        ])  # fmt: skip
    return out.getvalue()


def add_demo_history(ctx) -> None:
    """Import synthetic past applicants of the demo role, and outcomes for those hired."""
    db, instance = ctx.db, ctx.app.instance_path
    role = next((r for r in roles.list_roles(db) if r["title"] == DEMO_ROLE), None)
    model = active_model(db, instance, role["id"]) if role else None
    if model is None:
        return
    questionnaire = roles.role_questionnaire(role)
    sample = simulate_applicants(
        PAST_APPLICANTS, questionnaire=questionnaire, validity=VALIDITY, random_state=23
    )  # fmt: skip
    table = score_matrix(questionnaire, sample.responses)
    fits = np.array(
        [
            model.fit(s).probability
            for s in all_candidate_scores(questionnaire, table, sample.responses)
        ]
    )
    hired = np.zeros(PAST_APPLICANTS, dtype=bool)
    hired[np.argsort(-fits, kind="stable")[: round(HIRED_SHARE * PAST_APPLICANTS)]] = True
    today = dt.date.today()
    text = _applicant_csv(questionnaire, sample, hired, today)
    result = import_history(
        db, instance, role["id"], text, filename="demo-past-applicants.csv", actor="demo",
        synthetic=True,
    )  # fmt: skip
    outcomes = import_outcomes(
        db, role["id"], _outcome_csv(db, role["id"], sample, hired, today),
        filename="demo-outcomes.csv", actor="demo",
    )  # fmt: skip
    ctx.lines.append(
        f"Predictive validity: {result.candidates} synthetic past applicants imported "
        f"({result.hired} hired on the fit), with outcomes for {plural(outcomes.hires, 'hire')}. "
        "See Validity, then Predictive validity."
    )
