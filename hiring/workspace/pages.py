"""Keyset pages of roles and candidates, oldest first, for clients that walk the whole list."""

from dataclasses import dataclass

from sqlite_utils import Database


@dataclass(frozen=True)
class Page:
    """Up to ``size`` rows; ``last_id`` is where the next page starts (None on the last)."""

    rows: list[dict]
    last_id: int | None


def _page(db: Database, table: str, where: list[str], params: list, after: int | None, size: int):
    if after is not None:
        where.append("id > ?")
        params.append(after)
    rows = list(
        db[table].rows_where(" AND ".join(where) or None, params, order_by="id", limit=size + 1)
    )
    return Page(rows[:size], rows[size - 1]["id"] if len(rows) > size else None)


def roles_page(db: Database, *, status: str = "", after: int | None = None, size: int = 50) -> Page:
    """Return a page of roles, optionally only open or only closed ones."""
    return _page(
        db, "job_roles", ["status = ?"] if status else [], [status] if status else [], after, size
    )


def candidates_page(
    db: Database,
    *,
    role_id: int | None = None,
    status: str = "",
    after: int | None = None,
    size: int = 50,
) -> Page:
    """Return a page of candidates, optionally of one role and one status."""
    where, params = [], []
    if role_id is not None:
        where.append("role_id = ?")
        params.append(role_id)
    if status:
        where.append("status = ?")
        params.append(status)
    return _page(db, "candidates", where, params, after, size)
