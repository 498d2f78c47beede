"""Hiring managers' side: their roles, their hires' onboarding plans, and cohort training needs.

A hire's plan lists the development modules that close their gaps, by 30/60/90-day phase;
a cohort view counts, for a set of hires, how many need each module so that training
sessions can be planned in phase order, the most-needed first.
"""

from dataclasses import dataclass, field

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.store.db import write_transaction
from hiring.workspace.candidate_view import CandidateDetail, NotFound, candidate_detail


class ManagerError(NotFound):
    """A manager asked for a hire or role that is not theirs (the face answers 404)."""


@dataclass(frozen=True)
class PlanStep:
    """One module in a hire's onboarding plan and the gap it closes."""

    feature_id: str
    feature_name: str
    gap: float
    module: dict


@dataclass
class CohortModule:
    """A development module and the hires of a cohort who need it."""

    module: dict
    hires: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many hires need the module."""
        return len(self.hires)


def assign_manager(db: Database, role_id: int, manager_id: int | None, *, actor: str) -> None:
    """Make ``manager_id`` (an active manager account, or None) the role's hiring manager."""
    with write_transaction(db):  # an error here rolls back nothing: no write came first
        if manager_id is not None and not db["users"].count_where(
            "id = ? and role = 'manager' and active = 1", [manager_id]
        ):
            raise ManagerError("Choose an active manager account.")
        db["job_roles"].update(role_id, {"hiring_manager_id": manager_id})
        audit.record(db, actor, "role.manager", "role", role_id, manager_id=manager_id)


def managers(db: Database) -> list[dict]:
    """Return active manager accounts, by name, for the role form."""
    return list(
        db["users"].rows_where(
            "role = 'manager' and active = 1",
            select="id, username, display_name",
            order_by="username",
        )
    )


def manager_roles(db: Database, manager_id: int | None) -> list[dict]:
    """Return the roles a manager is hiring manager of (every role when None, for admins)."""
    return list(
        db.query(
            "SELECT * FROM job_roles WHERE (:m IS NULL OR hiring_manager_id = :m) ORDER BY title",
            {"m": manager_id},
        )
    )


def hires(db: Database, manager_id: int | None, role_id: int | None = None) -> list[dict]:
    """Return the people hired into a manager's roles, most recent decision first.

    Past applicants imported with their old decisions (``source = 'imported'``) were hired
    before Frontline Fit and have no onboarding to plan, so they are not listed.
    """
    return list(
        db.query(
            "SELECT c.id, c.name, c.email, c.band, c.decided_at, c.synthetic, r.id AS role_id, "
            "r.title AS role_title, r.location AS role_location FROM candidates c "
            "JOIN job_roles r ON r.id = c.role_id WHERE c.status = 'hired' "
            "AND c.source IS NOT 'imported' "
            "AND (:m IS NULL OR r.hiring_manager_id = :m) AND (:r IS NULL OR r.id = :r) "
            "ORDER BY c.decided_at DESC, c.id DESC",
            {"m": manager_id, "r": role_id},
        )
    )


def hire_detail(db: Database, manager_id: int | None, candidate_id: int) -> CandidateDetail:
    """Return a hire's evidence if they were hired into one of the manager's roles."""
    detail = candidate_detail(db, candidate_id)
    owner = detail.role.get("hiring_manager_id")
    if (
        detail.candidate["status"] != "hired"
        or detail.candidate.get("source") == "imported"
        or (manager_id is not None and owner != manager_id)
    ):
        raise ManagerError("No such hire.")
    return detail


def onboarding_plan(detail: CandidateDetail) -> dict[int, list[PlanStep]]:
    """Group a hire's gap modules by 30/60/90-day phase, most pressing first."""
    plan: dict[int, list[PlanStep]] = {30: [], 60: [], 90: []}
    for gap in detail.onboarding_gaps:
        module = gap["module"]
        step = PlanStep(
            gap["feature_id"],
            detail.names.get(gap["feature_id"], gap["feature_id"]),
            gap["gap"],
            module,
        )
        plan.setdefault(int(module["phase"]), []).append(step)
    return plan


def cohort(db: Database, manager_id: int | None, candidate_ids: list[int]) -> list[CohortModule]:
    """Count how many of the chosen hires need each module; phase order, most-needed first."""
    ids = dict.fromkeys(candidate_ids)
    return count_modules([hire_detail(db, manager_id, candidate_id) for candidate_id in ids])


def count_modules(details: list[CandidateDetail]) -> list[CohortModule]:
    """Count how many of these people need each module; phase order, most-needed first.

    Used for a cohort of hires and for a manager's team in an incumbent study.
    """
    modules: dict[str, CohortModule] = {}
    for detail in details:
        for steps in onboarding_plan(detail).values():
            for step in steps:
                entry = modules.setdefault(step.module["id"], CohortModule(step.module))
                if detail.candidate["name"] not in entry.hires:
                    entry.hires.append(detail.candidate["name"])
    return sorted(
        modules.values(), key=lambda m: (int(m.module["phase"]), -m.count, m.module["name"])
    )


COHORT_CSV_HEADER = (
    "order", "phase_days", "module_id", "module", "covers", "days", "delivered_by",
    "hires_needing", "hires",
)  # fmt: skip


def cohort_rows(modules: list[CohortModule]) -> list[list[object]]:
    """Lay the cohort out as CSV rows (header first)."""
    rows: list[list[object]] = [list(COHORT_CSV_HEADER)]
    for order, entry in enumerate(modules, start=1):
        m = entry.module
        rows.append(
            [order, m["phase"], m["id"], m["name"], m["covers"], m["days"], m["delivered_by"],
             entry.count, "; ".join(entry.hires)]
        )  # fmt: skip
    return rows
