"""Recruiters' decisions on a candidate: status changes with who, when and why, and notes.

The fit score informs these decisions; a person makes each one, and the history keeps
who made it, when, why, and whether it went against the fit score (an override). Moving a
candidate with a knock-out or a low fit forward (shortlist, interview, offer, hire) always goes
against the fit score: it needs a reason and is recorded, audited and counted as an override,
whoever makes it and however (web, command line or a script using this module).
"""

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.errors import HiringError
from hiring.roles.pipeline import FINAL_STATUSES
from hiring.store.db import write_transaction
from hiring.webhooks.events import announce_candidate

# Statuses a recruiter can set; "invited" and "started" belong to the candidate's journey.
DECISION_STATUSES = ("completed", "shortlisted", "interviewed", "offered", "hired", "rejected")
ADVANCING = ("shortlisted", "interviewed", "offered", "hired")
LOW_FIT_BANDS = {"knock-out": "a knock-out (a score below a minimum)", "low": "a low fit"}
MAX_REASON = 500
MAX_NOTE = 4000


class DecisionError(HiringError):
    """A status change or note that cannot be made as asked."""


class UnknownCandidate(DecisionError):
    """No candidate has this id."""


def _candidate(db: Database, candidate_id: int) -> dict:
    rows = list(db["candidates"].rows_where("id = ?", [candidate_id]))
    if not rows:
        raise UnknownCandidate("No such candidate.")
    return rows[0]


def next_status(current: str) -> str:
    """Suggest the next step of the pipeline (the form's default choice)."""
    pipeline = DECISION_STATUSES[:-1]  # "rejected" is never the suggestion
    if current in pipeline[:-1]:
        return pipeline[pipeline.index(current) + 1]
    return current if current in DECISION_STATUSES else DECISION_STATUSES[0]


def against_low_fit(candidate: dict, to_status: str) -> str | None:
    """Say what low fit a move forward goes against (e.g. "a low fit"), or None."""
    if to_status not in ADVANCING:
        return None
    return LOW_FIT_BANDS.get(candidate.get("band") or "")


def check_status_change(candidate: dict, to_status: str, reason: str, override: bool) -> str | None:
    """Return why a status change is not allowed, or None."""
    low = against_low_fit(candidate, to_status)
    if to_status not in DECISION_STATUSES:
        return f"Choose one of: {', '.join(DECISION_STATUSES)}."
    if candidate["status"] not in DECISION_STATUSES:
        return "The candidate has not completed the assessment yet."
    if to_status == candidate["status"]:
        return f"The candidate is already {to_status}."
    if to_status == "rejected" and not reason:
        return "Give a reason for the rejection."
    if low and not reason:
        return (
            f"The candidate has {low}: moving them to {to_status} goes against the fit score. "
            "Give the reason; it is recorded as an override."
        )
    if override and not reason:
        return "Say why this decision goes against the fit score."
    if len(reason) > MAX_REASON:
        return f"Keep the reason under {MAX_REASON} characters."
    return None


def change_status(
    db: Database,
    candidate_id: int,
    to_status: str,
    *,
    user_id: int | None,
    actor: str,
    reason: str = "",
    override: bool = False,
    api_key: str | None = None,
) -> dict:
    """Move a candidate to ``to_status`` and record the change; return the history row.

    A decision sent through the API has no user: ``api_key`` names the key that made it.
    """
    reason = " ".join(reason.split())
    with write_transaction(db):  # a refusal raises before any write, so nothing is lost
        candidate = _candidate(db, candidate_id)
        problem = check_status_change(candidate, to_status, reason, override)
        if problem:
            raise DecisionError(problem)
        low = against_low_fit(candidate, to_status)
        override = override or low is not None
        at = audit.now_iso()
        changes = {"status": to_status, "decided_at": at if to_status in FINAL_STATUSES else None}
        db["candidates"].update(candidate_id, changes)
        row = {
            "candidate_id": candidate_id,
            "from_status": candidate["status"],
            "to_status": to_status,
            "reason": reason,
            "override": int(override),
            "by_user": user_id,
            "at": at,
            **({"by_api_key": api_key} if api_key else {}),
        }
        row["id"] = db["status_history"].insert(row).last_pk
        audit.record(
            db,
            actor,
            "candidate.status",
            "candidate",
            candidate_id,
            from_status=candidate["status"],
            to_status=to_status,
            override=override,
            **({"reason": reason} if override else {}),
            **({"against": f"advanced despite {low}", "band": candidate["band"]} if low else {}),
        )
        announce_candidate(
            db, "candidate.decided", candidate_id, from_status=candidate["status"], decided_at=at
        )
    return row


def status_history(db: Database, candidate_id: int) -> list[dict]:
    """Return a candidate's status changes, oldest first, with the deciding user's name."""
    return list(
        db.query(
            "SELECT h.*, CASE WHEN h.by_api_key IS NOT NULL THEN 'API key ' || h.by_api_key "
            "WHEN h.by_user IS NULL THEN 'the candidate (on submitting)' "
            "ELSE coalesce(u.display_name, u.username, 'a removed account') END AS by_name "
            "FROM status_history h LEFT JOIN users u ON u.id = h.by_user "
            "WHERE h.candidate_id = ? ORDER BY h.at, h.id",
            [candidate_id],
        )
    )


def add_note(db: Database, candidate_id: int, body: str, *, user_id: int, actor: str) -> dict:
    """Attach a note to a candidate."""
    body = body.strip()
    if not body:
        raise DecisionError("A note cannot be empty.")
    if len(body) > MAX_NOTE:
        raise DecisionError(f"Keep a note under {MAX_NOTE} characters.")
    _candidate(db, candidate_id)
    with write_transaction(db):
        row = {"candidate_id": candidate_id, "author": user_id, "body": body}
        row["at"] = audit.now_iso()
        row["id"] = db["notes"].insert(row).last_pk
        audit.record(db, actor, "candidate.note", "candidate", candidate_id, note_id=row["id"])
    return row


def notes(db: Database, candidate_id: int) -> list[dict]:
    """Return a candidate's notes, newest first, with the author's name."""
    return list(
        db.query(
            "SELECT n.*, coalesce(u.display_name, u.username, 'unknown') AS author_name "
            "FROM notes n LEFT JOIN users u ON u.id = n.author "
            "WHERE n.candidate_id = ? ORDER BY n.at DESC, n.id DESC",
            [candidate_id],
        )
    )
