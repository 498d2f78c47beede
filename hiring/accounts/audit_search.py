"""Browse the audit log: filter by actor, action, target and dates, newest first, page by page."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlite_utils import Database

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilters:
    """What to look for; empty fields match everything."""

    actor: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    date_from: date | None = None
    date_to: date | None = None  # inclusive

    def clauses(self) -> tuple[list[str], list[object]]:
        """Return SQL conditions and their parameters (values never enter the SQL text)."""
        where: list[str] = []
        params: list[object] = []
        for column, value in (
            ("actor", self.actor),
            ("action", self.action),
            ("target_type", self.target_type),
            ("target_id", self.target_id),
        ):
            if value.strip():
                where.append(f"lower({column}) = lower(?)")
                params.append(value.strip())
        if self.date_from:
            where.append("at >= ?")
            params.append(self.date_from.isoformat())
        if self.date_to:
            where.append("at < ?")
            params.append((self.date_to + timedelta(days=1)).isoformat())
        return where, params


@dataclass(frozen=True)
class AuditPage:
    """One page of events, newest first; ``older`` is the cursor for the next page."""

    rows: list[dict]
    older: int | None


def search(
    db: Database, filters: AuditFilters, *, before: int | None = None, size: int = PAGE_SIZE
) -> AuditPage:
    """Return up to ``size`` events matching ``filters`` with an id below ``before``."""
    where, params = filters.clauses()
    if before is not None:
        where.append("id < ?")
        params.append(before)
    rows = list(
        db["audit_log"].rows_where(
            " AND ".join(where) or None, params, order_by="id DESC", limit=size + 1
        )
    )
    older = rows[size - 1]["id"] if len(rows) > size else None
    return AuditPage(rows=rows[:size], older=older)


def actions(db: Database) -> list[str]:
    """Return every action that occurs in the log, for the filter's choices."""
    return [row["action"] for row in db.query("SELECT DISTINCT action FROM audit_log ORDER BY 1")]
