"""Every candidate across roles with the facts needed to pick one: id, name, role, status, band."""

from dataclasses import asdict, dataclass

from sqlite_utils import Database

from hiring.errors import HiringError
from hiring.roles.pipeline import STATUSES
from hiring.roles.services import get_role_by_slug


@dataclass(frozen=True)
class CandidateEntry:
    """One candidate as the roster lists them; ``band`` and ``submitted_at`` may be None."""

    id: int
    name: str
    email: str
    role: str
    role_title: str
    status: str
    band: str | None
    submitted_at: str | None
    synthetic: bool
    imported: bool = False  # a past applicant from `hiring candidates import`

    def to_dict(self) -> dict:
        """The entry as plain JSON values."""
        return asdict(self)


def list_candidates(
    db: Database, role_slug: str | None = None, status: str | None = None
) -> list[CandidateEntry]:
    """Return candidates, by role and then newest first, optionally of one role and status."""
    where, params = [], []
    if role_slug:
        where.append("c.role_id = ?")
        params.append(get_role_by_slug(db, role_slug)["id"])
    if status:
        if status not in STATUSES:
            raise HiringError(f"Unknown status {status!r}; choose one of: {', '.join(STATUSES)}.")
        where.append("c.status = ?")
        params.append(status)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    query = (
        "SELECT c.id, c.name, c.email, r.slug AS role, r.title AS role_title, c.status, c.band, "
        "c.submitted_at, c.synthetic, c.source = 'imported' AS imported FROM candidates c JOIN job_roles r ON r.id = c.role_id "
    )
    order = "ORDER BY r.slug, coalesce(c.submitted_at, c.invited_at) DESC, c.id DESC"
    rows = db.query(f"{query} {clause} {order}", params)  # noqa: S608 (fixed fragments; values are parameters)
    return [
        CandidateEntry(
            **{**row, "synthetic": bool(row["synthetic"]), "imported": bool(row["imported"])}
        )
        for row in rows
    ]
