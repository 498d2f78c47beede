"""Demo step: give demo roles their manager and make a few recruiter decisions (all synthetic)."""

import json

from hiring.accounts import users as accounts
from hiring.demo.context import DemoContext
from hiring.roles import services as roles
from hiring.workspace import cohorts, decisions
from hiring.workspace.ranking import ListFilters, ranked_page

HIRE, SHORTLIST = 3, 3  # per role: three hires, three more shortlisted
POOL = 4 * (HIRE + SHORTLIST)  # the best-ranked candidates the demo's decisions draw from


def _gap_count(db, candidate_id: int) -> int:
    rows = list(db["results"].rows_where("candidate_id = ?", [candidate_id], select="fit"))
    fit = json.loads(rows[0]["fit"]) if rows and rows[0]["fit"] else {}
    return len(fit.get("onboarding_gaps", []))


def _choose(db, pool: list[dict]) -> list[dict]:
    """Order the pool as the demo decides: hires, then the shortlist, then one rejection.

    The best-ranked candidate is hired, and the other hires are the best-ranked ones with
    something to learn (two gaps or more), so the manager's onboarding plans and cohort plan
    have content, as they would for most real hires.
    """
    if not pool:
        return []
    learners = [row for row in pool[1:] if _gap_count(db, row["id"]) >= 2]
    hires = [pool[0], *learners][:HIRE]
    hires += [row for row in pool if row not in hires][: HIRE - len(hires)]
    rest = [row for row in pool if row not in hires]
    return hires + rest[: SHORTLIST + 1]


def add_demo_decisions(ctx: DemoContext) -> None:
    """Assign the demo manager to every role and move the best candidates along the pipeline.

    Runs after the steps that add roles and candidates; with none, it does nothing.
    """
    db = ctx.db
    try:
        manager = accounts.find_user(db, "manager")
        recruiter = accounts.find_user(db, "recruiter")
    except accounts.AccountError:
        return
    hired = 0
    for role in roles.list_roles(db, include_closed=True):
        if not role.get("hiring_manager_id"):
            cohorts.assign_manager(db, role["id"], manager.id, actor="demo")
        pool = ranked_page(db, role["id"], ListFilters(status="completed"), size=POOL).rows
        chosen = _choose(db, pool)
        for index, row in enumerate(chosen):
            if index < HIRE:
                steps = [("shortlisted", ""), ("interviewed", ""), ("offered", ""), ("hired", "")]
            elif index < HIRE + SHORTLIST:
                steps = [("shortlisted", "")]
            else:
                steps = [
                    ("rejected", "Synthetic demo: preferred candidates free for evening shifts")
                ]
            for status, reason in steps:
                if not reason and decisions.against_low_fit(row, status):
                    reason = "Synthetic demo: strong interview despite a low fit score"
                decisions.change_status(
                    db, row["id"], status, user_id=recruiter.id, actor="demo", reason=reason,
                    override=bool(reason),
                )  # fmt: skip
            hired += index < HIRE
        if chosen:
            decisions.add_note(
                db, chosen[0]["id"], "Synthetic demo note: strong phone manner in the interview.",
                user_id=recruiter.id, actor="demo",
            )  # fmt: skip
    if hired:
        ctx.lines.append(
            f"Workspace: {hired} synthetic hires with onboarding plans for the demo manager."
        )
