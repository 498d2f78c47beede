"""Announce events to webhook subscribers, from inside the transaction of the change itself."""

from sqlite_utils import Database

from hiring.webhooks import deliveries, tasks


def announce(db: Database, event: str, data: dict) -> None:
    """Write the event's deliveries and queue them (the worker waits for the commit)."""
    tasks.send(deliveries.emit(db, event, data))


def announce_candidate(db: Database, event: str, candidate_id: int, **extra: object) -> None:
    """Announce a candidate event: their id, role, status and where the API shows them."""
    row = db.execute(
        "SELECT c.status, r.slug FROM candidates c JOIN job_roles r ON r.id = c.role_id "
        "WHERE c.id = ?",
        [candidate_id],
    ).fetchone()
    if row is None:
        return
    data = {
        "candidate_id": candidate_id, "role": row[1], "status": row[0],
        "status_url": f"/api/v1/candidates/{candidate_id}", **extra,
    }  # fmt: skip
    if event == "candidate.completed":
        data["results_url"] = f"/api/v1/candidates/{candidate_id}/results"
    announce(db, event, data)
