"""Candidate records: errors and look-ups shared by invites, journey and submission.

The candidate use cases live in three small modules that all build on this one:
``hiring.candidates.invites`` (invite, re-issue, open a link), ``hiring.candidates.journey`` (consent, save a page,
resume, self-identification) and ``hiring.candidates.submission`` (submit -> score -> store).
"""

from sqlite_utils import Database

from hiring.errors import HiringError
from hiring.roles.pipeline import OPEN_STATUSES

# How to ask for extra time or another format, unless HIRING_ACCOMMODATION_CONTACT says how:
# on the assessment's pages, and inside the invitation e-mail itself.
ACCOMMODATION_PAGE = "Reply to your invitation e-mail to ask for extra time or another format."
ACCOMMODATION_EMAIL = (
    "If you need extra time or the assessment in another format, reply to this e-mail and "
    "tell us what would help."
)


class CandidateError(HiringError):
    """A request about a candidate that cannot be done as asked."""


class LinkUnknown(CandidateError):
    """No candidate holds this link (or it was replaced by a newer one)."""


class LinkExpired(CandidateError):
    """The link is real but past its expiry date."""


class AlreadySubmitted(CandidateError):
    """The candidate has submitted; answers can no longer change."""


def get_candidate(db: Database, candidate_id: int) -> dict:
    """Return one ``candidates`` row."""
    rows = list(db["candidates"].rows_where("id = ?", [candidate_id]))
    if not rows:
        raise CandidateError(f"No candidate with id {candidate_id}.")
    return rows[0]


def is_submitted(candidate: dict) -> bool:
    """Tell whether the candidate's answers are final."""
    return candidate["status"] not in OPEN_STATUSES
