"""The stages a candidate passes through in a role: statuses, the funnel, who went further.

The role funnel counts everyone in every stage they reached: their status now, and, from
the status history, a later stage they had reached before moving back (shortlisted, then
rejected).
"""

from collections.abc import Callable
from functools import cached_property

from sqlite_utils import Database

STATUSES = (
    "invited",
    "started",
    "completed",
    "shortlisted",
    "interviewed",
    "offered",
    "hired",
    "rejected",
)
# Statuses in which the candidate may still answer; every later one means "submitted".
OPEN_STATUSES = ("invited", "started")
# Decisions after which a candidate leaves the pipeline.
FINAL_STATUSES = ("hired", "rejected")

FUNNEL = (
    ("invited", STATUSES),
    ("started", STATUSES[1:]),
    ("completed", STATUSES[2:]),
    ("shortlisted", ("shortlisted", "interviewed", "offered", "hired")),
    ("hired", ("hired",)),
)
# the furthest stage each status stands for (a rejected candidate had completed)
STAGE_OF = {status: max(k for k, (_, reached) in enumerate(FUNNEL) if status in reached)
            for status in STATUSES}  # fmt: skip
# Reading every status change costs this many times less per row than looking up each of a
# role's candidates' changes (measured at 100,000 candidates and 119,000 changes).
LOOKUP_COST = 3


def _stage_sql(column: str) -> str:
    """SQL for the stage number of a status column (literal statuses, no user input)."""
    cases = " ".join(f"WHEN '{status}' THEN {stage}" for status, stage in STAGE_OF.items())
    return f"CASE {column} {cases} END"


def _moved_back_sql() -> str:
    """SQL matching a status change to an earlier funnel stage (shortlisted -> rejected).

    Only recruiters' decisions move a candidate back, and a decision needs a completed
    assessment, so only changes out of the stages after "completed" can.
    """
    later = range(STAGE_OF["completed"] + 1, len(FUNNEL))
    terms = []
    for stage in later:
        higher = ", ".join(f"'{s}'" for s, k in STAGE_OF.items() if k == stage)
        lower = ", ".join(f"'{s}'" for s, k in STAGE_OF.items() if k < stage)
        terms.append(f"(h.from_status IN ({higher}) AND h.to_status IN ({lower}))")
    leaving = ", ".join(f"'{s}'" for s, k in STAGE_OF.items() if k in later)
    return f"h.from_status IN ({leaving}) AND ({' OR '.join(terms)})"  # the first test is quick


_MOVED_BACK = _moved_back_sql()
# statuses are constants and the role a parameter
_WENT_FURTHER = (
    "SELECT status, reached, count(*) AS n FROM ("  # noqa: S608
    f"SELECT c.status AS status, max({_stage_sql('h.from_status')}) AS reached FROM {{source}} "
    f"WHERE c.role_id = ? AND ({_MOVED_BACK}) GROUP BY c.id"
    f") WHERE reached > {_stage_sql('status')} GROUP BY status, reached"
)
_BY_CHANGE = "status_history AS h NOT INDEXED CROSS JOIN candidates AS c ON c.id = h.candidate_id"
_BY_CANDIDATE = "candidates AS c CROSS JOIN status_history AS h ON h.candidate_id = c.id"


def went_further(db: Database, role_id: int, candidates: int) -> dict[tuple[str, str], int]:
    """Candidates whose status history reached a later funnel stage than their status now.

    Keyed by (status now, furthest stage). Reaching a stage and leaving it leaves a change
    from that stage to an earlier one, so one grouped query over those changes finds them;
    it reads every status change, or, for a role with few candidates (``candidates``) next
    to the history, each of its candidates' changes.
    """
    # the largest id bounds the number of changes without counting them
    changes = next(iter(db.query("SELECT coalesce(max(id), 0) AS n FROM status_history")))["n"]
    source = _BY_CANDIDATE if candidates * LOOKUP_COST < changes else _BY_CHANGE
    sql = _WENT_FURTHER.format(source=source)
    return {
        (row["status"], FUNNEL[row["reached"]][0]): row["n"] for row in db.query(sql, [role_id])
    }


class StatusCounts(dict):
    """Candidates per status now, and (read when first asked for) who had gone further."""

    def __init__(self, counts: dict[str, int], further: Callable[[], dict] = dict) -> None:
        super().__init__(counts)
        self._further = further

    @cached_property
    def went_further(self) -> dict[tuple[str, str], int]:
        """Candidates by (status now, furthest stage reached), when that stage is later."""
        return self._further()


def funnel_stages(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Turn per-status counts into a funnel: how many reached each stage (or went past it).

    A candidate counts in every stage up to the furthest one reached: rejected candidates
    had completed, and counts from ``roles.funnel`` (a ``StatusCounts``) also know who was,
    say, shortlisted and then rejected, from their status history.
    """
    reached = {stage: sum(counts.get(s, 0) for s in statuses) for stage, statuses in FUNNEL}
    stages = list(reached)
    further = counts.went_further if isinstance(counts, StatusCounts) else {}
    for (status, furthest), n in further.items():
        for stage in stages[STAGE_OF[status] + 1 : stages.index(furthest) + 1]:
            reached[stage] += n
    return list(reached.items())
