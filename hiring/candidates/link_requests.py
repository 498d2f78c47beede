"""A submitted candidate asks for a fresh link to their own results, sent to the address on file.

The answer never says whether the address is known: the same page follows either way, and
the link goes only to the address already on file, never to one typed into the form.
Requests are limited per source address (the page says to wait) and per e-mail address
(further requests are dropped silently, so nobody can flood a candidate's inbox).
"""

import secrets
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from hiring.accounts import audit, throttle
from hiring.candidates.invites import Invite, hash_token
from hiring.candidates.records import CandidateError
from hiring.roles.pipeline import OPEN_STATUSES
from hiring.store.db import write_transaction

# One source address: 5 requests, then 1, 2, 4 ... minutes apart, up to an hour.
SOURCE_LIMIT = throttle.Limit(free=5, base=60, cap=60 * 60, forget=6 * 60 * 60)
# One e-mail address: 3 fresh links, then at most one every 10 minutes rising to a day.
EMAIL_LIMIT = throttle.Limit(free=3, base=10 * 60, cap=24 * 60 * 60, forget=24 * 60 * 60)


class TooManyRequests(CandidateError):
    """This source asked too often; the message says how long to wait."""


def request_fresh_links(
    db: Database, email: str, address: str, *, hours: int, now: datetime | None = None
) -> list[Invite]:
    """Make a fresh link for every submitted application under ``email``; return them to send.

    Each fresh link replaces the candidate's current one (which stops working) and works
    for ``hours``. Returns an empty list for an unknown address, and when this address had
    enough links for now.
    """
    now = now or datetime.now(UTC)
    email = email.strip().lower()
    wait = throttle.reserve(db, [(f"link:addr:{address}", SOURCE_LIMIT)], now.timestamp())
    if wait:
        raise TooManyRequests(
            f"Too many requests from here. Wait {throttle.wait_words(wait)} and try again."
        )
    if throttle.reserve(db, [(f"link:email:{email}", EMAIL_LIMIT)], now.timestamp()):
        audit.record(db, "candidate", "candidate.link_request_dropped", address=address)
        return []
    made: list[Invite] = []
    expires = (now + timedelta(hours=hours)).isoformat(timespec="seconds")
    with write_transaction(db):
        rows = db.query(
            "SELECT c.id, c.name, c.email, c.status, r.id AS role_id, r.slug, r.title "
            "FROM candidates c JOIN job_roles r ON r.id = c.role_id "
            "WHERE lower(c.email) = ? ORDER BY c.id",
            [email],
        )
        for row in [r for r in rows if r["status"] not in OPEN_STATUSES]:
            token = secrets.token_urlsafe(32)
            db["candidates"].update(
                row["id"],
                {"token_hash": hash_token(token), "token_expires_at": expires,
                 "link_refreshed_at": now.isoformat(timespec="seconds")},
            )  # fmt: skip
            audit.record(db, "candidate", "candidate.fresh_link", "candidate", row["id"])
            made.append(
                Invite(row["id"], row["name"], row["email"], row["role_id"], row["slug"],
                       row["title"], token, expires)
            )  # fmt: skip
        if not made:
            audit.record(db, "candidate", "candidate.link_request", address=address)
    return made
