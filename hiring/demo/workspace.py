"""Demo step: give demo roles their manager and make a few recruiter decisions (all synthetic)."""

from hiring.accounts import users as accounts
from hiring.demo.context import DemoContext
from hiring.roles import services as roles
from hiring.workspace import cohorts, decisions
from hiring.workspace.ranking import ListFilters, ranked_page

HIRE, SHORTLIST = 3, 3  # per role: the top three by fit are hired, the next three shortlisted


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
        top = ranked_page(
            db, role["id"], ListFilters(status="completed"), size=HIRE + SHORTLIST + 1
        )
        for index, row in enumerate(top.rows):
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
        if top.rows:
            decisions.add_note(
                db, top.rows[0]["id"], "Synthetic demo note: strong phone manner in the interview.",
                user_id=recruiter.id, actor="demo",
            )  # fmt: skip
    if hired:
        ctx.lines.append(
            f"Workspace: {hired} synthetic hires with onboarding plans for the demo manager."
        )
