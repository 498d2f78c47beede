"""Erase employees' study data: one employee on request, or everything past its retention.

An employee's answers, page timings, scores, KPIs and study links go after
``HIRING_EMPLOYEE_RETENTION_DAYS`` from when they sent their answers (or, unfinished, from
when their last link expired); an employee then left in no study is deleted with their
self-identification and the incumbent rows a study's calibration set made of them. Each
erasure is one transaction and is recorded in the audit log without names.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.store.db import write_transaction
from hiring.store.plurals import plural
from hiring.workspace.candidate_view import NotFound


@dataclass(frozen=True)
class Erased:
    """What one erasure removed."""

    employee_id: str
    participations: int
    employee_deleted: bool

    def describe(self) -> str:
        """Say it in one line, without the person's name."""
        whole = (
            "and the employee record"
            if self.employee_deleted
            else "(the employee stays in a later study)"
        )
        return f"employee {self.employee_id}: {plural(self.participations, 'study answer set')} {whole}"


def _drop_participation(db: Database, participant: dict) -> None:
    for table in ("study_answers", "study_page_timings", "study_results"):
        db.execute(f"DELETE FROM {table} WHERE participant_id = ?", [participant["id"]])  # noqa: S608
    db.execute(
        "DELETE FROM employee_kpis WHERE study_id = ? AND employee_pk = ?",
        [participant["study_id"], participant["employee_pk"]],
    )
    db.execute("DELETE FROM study_participants WHERE id = ?", [participant["id"]])


def _drop_employee(db: Database, employee: dict) -> None:
    db.execute(
        "DELETE FROM incumbent_self_identification WHERE employee_id = ?", [employee["employee_id"]]
    )
    db.execute(
        "DELETE FROM incumbents WHERE employee_id = ? AND CAST(batch AS INTEGER) IN "
        "(SELECT id FROM incumbent_imports WHERE study_id IS NOT NULL)",
        [employee["employee_id"]],
    )
    db.execute("DELETE FROM employees WHERE id = ?", [employee["id"]])


def erase_employee(db: Database, employee_id: str, *, actor: str) -> Erased:
    """Erase every study record of one employee, in one transaction."""
    with write_transaction(db):
        rows = list(db["employees"].rows_where("employee_id = ?", [employee_id]))
        if not rows:
            raise NotFound(f"No employee {employee_id!r}; see the study page for employee ids.")
        employee = rows[0]
        mine = list(db["study_participants"].rows_where("employee_pk = ?", [employee["id"]]))
        for participant in mine:
            _drop_participation(db, participant)
        _drop_employee(db, employee)
        audit.record(
            db, actor, "employee.erase", "employee", employee["id"], participations=len(mine)
        )
    return Erased(employee_id, len(mine), True)


def due(db: Database, now: datetime, days: int) -> list[dict]:
    """Return the participations past retention: sent, or unfinished with an expired link."""
    cut = (now - timedelta(days=days)).isoformat(timespec="seconds")
    return list(
        db.query(
            "SELECT p.*, e.employee_id FROM study_participants p JOIN employees e ON e.id = p.employee_pk "
            "WHERE coalesce(p.submitted_at, p.token_expires_at) < ? ORDER BY p.id",
            [cut],
        )
    )


def purge(
    db: Database, now: datetime, days: int, *, actor: str = "purge", dry_run: bool = False
) -> list[Erased]:
    """Erase every participation past retention, and employees left in no study."""
    done: dict[str, list[int]] = {}
    for participant in due(db, now, days):
        done.setdefault(participant["employee_id"], []).append(participant["id"])
    if dry_run:
        return [Erased(e, len(ids), False) for e, ids in done.items()]
    out = []
    for employee_id, ids in done.items():
        with write_transaction(db):
            employee = next(db["employees"].rows_where("employee_id = ?", [employee_id]), None)
            if employee is None:
                continue
            for pid in ids:
                rows = list(db["study_participants"].rows_where("id = ?", [pid]))
                if rows:
                    _drop_participation(db, rows[0])
            left = db["study_participants"].count_where("employee_pk = ?", [employee["id"]])
            if not left:
                _drop_employee(db, employee)
            audit.record(db, actor, "employee.purge", "employee", employee["id"], participations=len(ids),
                         retention_days=days, employee_deleted=not left)  # fmt: skip
        out.append(Erased(employee_id, len(ids), not left))
    return out
