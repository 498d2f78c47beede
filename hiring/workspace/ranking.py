"""The ranked candidate list of a role: filters, sorts, keyset pages and cheap counts.

Every sort is an indexed, never-NULL expression (migration 0004) followed by the id as a
tie-break, so a page is found by seeking to ``(sort value, id)`` of the last row shown
rather than by skipping rows with OFFSET; not-yet-scored candidates sort last by fit.
Name and e-mail search goes through an FTS5 index (every word a prefix), which finds
surnames, which a prefix match on the whole name would not.

A search is read one of three ways (``search_plan``). When the other filters leave at most
``FEW_ROWS`` rows, one query reads the search's matches, looks each one up, and both sorts
and counts those that pass. Otherwise a first look reads up to ``NARROW_SEARCH + 1``
matches. A narrow search (no more matches than that) has them read, looked up and sorted,
and the first look has counted them. A broad one walks the sort index, keeping the rows in
its set of matches, and stops at the page's last row; it is counted from its matches up to
``COUNT_CAP``, often already by the first look. Walking the sort index for a few scattered
matches would read most of it, sorting a broad search's matches would sort most of the
role, and no count tests every row of a role against a search.

The role funnel counts everyone in every stage they reached: their status now, and, from
the status history, a later stage they had reached before moving back (shortlisted, then
rejected).
"""

import base64
import binascii
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlite_utils import Database

from hiring.errors import HiringError
from hiring.roles.pipeline import STATUSES

FLAG_FILTERS = ("flagged", "clean")
PAGE_SIZE = 50
COUNT_CAP = 1_000  # a date or search filter's count stops here and says "1,000+"
# Measured at 100,000 candidates (benchmarks/bench_ranked_list.py): reading a search's matches
# and sorting them costs what walking the sort index does near 2,000 matches; a search
# matching nothing takes 0.3 ms from its matches and 16 ms by the walk, one matching 8,700
# rows 11 ms and 3 ms.
NARROW_SEARCH = 2_000
# A search whose other filters leave at most this many rows is sorted and counted in one pass
# over its matches: counting until COUNT_CAP of them pass would read most of them anyway.
FEW_ROWS = 5_000


@dataclass(frozen=True)
class Sort:
    """One way to order the list: an indexed expression and its direction."""

    label: str
    expression: str
    descending: bool


SORTS: dict[str, Sort] = {
    # Calibrated fits are 0..1; without one, the profile band's rank (0..4) - 10 orders them
    # below every calibrated fit; not-yet-scored candidates (no band rank) come last.
    "fit": Sort(
        "Fit, highest first",
        "CASE WHEN fit IS NULL THEN coalesce(band_rank, -1) - 10 ELSE fit END",
        True,
    ),
    "percentile": Sort("Percentile, highest first", "coalesce(percentile, -1)", True),
    "newest": Sort("Date, newest first", "coalesce(submitted_at, invited_at)", True),
    "oldest": Sort("Date, oldest first", "coalesce(submitted_at, invited_at)", False),
    "name": Sort("Name, A to Z", "lower(name)", False),
}
LIST_COLUMNS = (
    "id, name, email, status, fit, band, band_rank, percentile, flag_count, top_strength, "
    "biggest_gap, submitted_at, invited_at, synthetic, form, source"
)


UNSEARCHABLE = (
    "A name or e-mail address is searched by its letters and digits; this search has none, "
    "so no candidate matches it."
)
MAX_TOKEN = 1_000  # a page token is a few hundred characters; refuse longer ones unread


class ListError(HiringError):
    """A filter or page token that does not make sense."""


@dataclass(frozen=True)
class ListFilters:
    """What the recruiter asked to see; empty strings mean "any"."""

    status: str = ""
    band: str = ""
    flags: str = ""
    date_from: date | None = None
    date_to: date | None = None
    search: str = ""
    sort: str = "fit"

    def __post_init__(self) -> None:
        if self.status and self.status not in STATUSES:
            raise ListError(f"Unknown status {self.status!r}.")
        if self.flags and self.flags not in FLAG_FILTERS:
            raise ListError(f"Unknown flag filter {self.flags!r}.")
        if self.sort not in SORTS:
            raise ListError(f"Unknown sort {self.sort!r}.")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ListError("The start date is after the end date.")


@dataclass
class ListPage:
    """One page of rows plus the tokens of its neighbours and the number of matches."""

    rows: list[dict]
    next_token: str | None
    prev_token: str | None
    total: int
    total_capped: bool
    counts: dict[str, int] = field(default_factory=dict)


def search_query(text: str) -> str:
    """Turn what a recruiter typed into an FTS5 query: every word, as a prefix, must match.

    Only runs of letters, digits and "_" are kept, each in double quotes, so quotes,
    operators, brackets and symbols never reach FTS5's query syntax. Empty when ``text``
    has no such run: then nobody matches (see ``UNSEARCHABLE``).
    """
    words = re.findall(r"\w+", text.lower())[:8]
    return " ".join(f'"{word}"*' for word in words)


@dataclass(frozen=True)
class Search:
    """How a search's page and count are read (see the module docstring)."""

    query: str
    from_matches: bool  # read the matches and sort them, rather than walk the sort index
    count: tuple[int, bool] | None = None  # the list's count, when the first look settled it
    count_on_page: bool = False  # few rows pass the other filters: the page query counts too


_MATCHES = "SELECT rowid FROM candidates_fts WHERE candidates_fts MATCH ?"
# CROSS JOIN makes SQLite read a search's matches first and look each candidate up by id
_MATCHED = "(SELECT rowid AS hit FROM candidates_fts WHERE candidates_fts MATCH ? LIMIT ?)"
_MATCHED_CANDIDATES = f"{_MATCHED} AS hits CROSS JOIN candidates ON id = hit"


def search_plan(db: Database, role_id: int, filters: ListFilters) -> Search | None:
    """Decide how to read a filter's search (None without one).

    When the other filters leave at most FEW_ROWS rows, the page query reads the matches
    and counts the ones that pass. Otherwise a first look reads up to NARROW_SEARCH + 1
    matches and checks them against the filters: fewer than that is a narrow search, counted
    exactly; more than COUNT_CAP of them passing settles the count at "COUNT_CAP+".
    """
    if not filters.search:
        return None
    query = search_query(filters.search)
    if not query:  # no letters or digits: no name or address can match (the page says so)
        return Search("", from_matches=True, count=(0, False))
    if _count_filtered(db, role_id, filters, FEW_ROWS + 1) <= FEW_ROWS:
        return Search(query, from_matches=True, count_on_page=True)
    clauses, params = _where(role_id, filters)
    sql = (
        f"SELECT count(*) AS seen, coalesce(sum({' AND '.join(clauses)}), 0) AS passed "  # noqa: S608 (fixed fragments; values are parameters)
        f"FROM {_MATCHED_CANDIDATES}"
    )
    look = next(iter(db.query(sql, [*params, query, NARROW_SEARCH + 1])))
    narrow = look["seen"] <= NARROW_SEARCH
    settled = narrow or look["passed"] > COUNT_CAP
    return Search(query, narrow, _capped(look["passed"]) if settled else None)


def _where(
    role_id: int, filters: ListFilters, in_matches: str | None = None
) -> tuple[list[str], list[object]]:
    """WHERE terms of every filter but the search, and membership of ``in_matches``'s set of
    matches if given (else a search is applied by reading its matches, see ``_source``)."""
    clauses, params = ["role_id = ?"], [role_id]
    if filters.status:
        clauses.append("status = ?")
        params.append(filters.status)
    if filters.band:
        clauses.append("band = ?")
        params.append(filters.band)
    if filters.flags:
        clauses.append("flag_count > 0" if filters.flags == "flagged" else "flag_count = 0")
    date_key = SORTS["newest"].expression
    if filters.date_from:
        clauses.append(f"{date_key} >= ?")
        params.append(filters.date_from.isoformat())
    if filters.date_to:
        clauses.append(f"{date_key} < ?")
        params.append((filters.date_to + timedelta(days=1)).isoformat())
    if in_matches is not None:
        clauses.append(f"id IN ({_MATCHES})")
        params.append(in_matches)
    return clauses, params


def _source(from_matches: str | None) -> tuple[str, list[object]]:
    """The FROM clause: the candidates, or a search's matches joined to them."""
    if from_matches is None:
        return "candidates", []
    return _MATCHED_CANDIDATES, [from_matches, -1]  # LIMIT -1: every match


def encode_token(sort: str, forward: bool, key: object, row_id: int) -> str:
    """Pack a page position into an opaque, URL-safe token."""
    raw = json.dumps([sort, "a" if forward else "b", key, row_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_token(token: str, sort: str) -> tuple[bool, object, int]:
    """Unpack a token made by :func:`encode_token` for the same sort."""
    try:
        if len(token) > MAX_TOKEN:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        token_sort, direction, key, row_id = json.loads(raw)
    except (ValueError, TypeError, RecursionError, binascii.Error):
        raise ListError("That page link is not valid; start again from the first page.") from None
    valid_key = isinstance(key, int | float | str) and not isinstance(key, bool)
    if token_sort != sort or direction not in ("a", "b") or not valid_key:
        raise ListError("That page link is not valid; start again from the first page.")
    if not isinstance(row_id, int) or isinstance(row_id, bool):
        raise ListError("That page link is not valid; start again from the first page.")
    return direction == "a", key, row_id


@dataclass(frozen=True)
class _PageQuery:
    """The parts of a page's SELECT: source and filters, keyset condition, direction."""

    source: str
    clauses: list[str]
    params: list[object]  # of ``source`` then ``clauses``
    keyset: str  # "1" on a first page
    keyset_params: list[object]
    direction: str
    forward: bool


def _page_query(
    role_id: int,
    filters: ListFilters,
    search: Search | None,
    after: tuple | None,
    from_matches: bool,
) -> _PageQuery:
    """A page's query reading a search's matches, or walking the sort index keeping them."""
    sort = SORTS[filters.sort]
    query = search.query if search is not None else None
    source, params = _source(query if from_matches else None)
    clauses, where_params = _where(role_id, filters, None if from_matches else query)
    forward = after[0] if after else True
    descending = sort.descending == forward  # going back walks the other way
    keyset, keyset_params = "1", []
    if after:  # written so that the first term is a range the sort index can seek to
        op, key = ("<" if descending else ">"), sort.expression
        keyset = f"{key} {op}= ? AND ({key} {op} ? OR id {op} ?)"
        keyset_params = [after[1], after[1], after[2]]
    direction = "DESC" if descending else "ASC"
    return _PageQuery(
        source, clauses, params + where_params, keyset, keyset_params, direction, forward
    )


def _select(
    db: Database,
    role_id: int,
    filters: ListFilters,
    size: int,
    after: tuple[bool, object, int] | None,
    search: Search | None = None,
) -> list[dict]:
    """Fetch up to ``size`` rows after (or, going back, before) a position."""
    if filters.search and search is None:
        search = search_plan(db, role_id, filters)
    if search is not None and not search.query:
        return []
    from_matches = search is not None and search.from_matches
    q = _page_query(role_id, filters, search, after, from_matches)
    key = SORTS[filters.sort].expression
    sql = (
        f"SELECT {LIST_COLUMNS}, {key} AS sort_key FROM {q.source} "  # noqa: S608 (fixed fragments; values are parameters)
        f"WHERE {' AND '.join([*q.clauses, q.keyset])} "
        f"ORDER BY {key} {q.direction}, id {q.direction} LIMIT ?"
    )
    rows = [dict(row) for row in db.query(sql, [*q.params, *q.keyset_params, size])]
    return rows if q.forward else rows[::-1]


def _select_counted(
    db: Database,
    role_id: int,
    filters: ListFilters,
    size: int,
    after: tuple[bool, object, int] | None,
    search: Search,
) -> tuple[list[dict], int]:
    """Like ``_select``, and count every row the filters match in the same query.

    For a search whose other filters leave few rows: its matches are read from the search
    index, looked up, kept if they pass, counted and sorted (the matches are read once, and
    the plan does not depend on which index SQLite would pick). Rows before the position
    sort after the wanted ones, so even an empty page gets its count.
    """
    q, key = _page_query(role_id, filters, search, after, True), SORTS[filters.sort].expression
    sql = (
        f"SELECT * FROM (SELECT {LIST_COLUMNS}, {key} AS sort_key, "  # noqa: S608 (fixed fragments; values are parameters)
        f"{q.keyset} AS wanted, count(*) OVER () AS matched "
        f"FROM {q.source} WHERE {' AND '.join(q.clauses)}) "
        f"ORDER BY wanted DESC, sort_key {q.direction}, id {q.direction} LIMIT ?"
    )
    rows = [dict(row) for row in db.query(sql, [*q.keyset_params, *q.params, size])]
    matched = rows[0]["matched"] if rows else 0
    page = []
    for row in rows:
        del row["matched"]
        if row.pop("wanted"):
            page.append(row)
    return (page if q.forward else page[::-1]), matched


def status_counts(db: Database, role_id: int) -> dict[str, int]:
    """Candidates per status in a role, read from the trigger-kept counts table."""
    counts = dict.fromkeys(STATUSES, 0)
    for row in db.query(
        "SELECT status, sum(n) AS n FROM candidate_counts WHERE role_id = ? GROUP BY status",
        [role_id],
    ):
        counts[row["status"]] = row["n"]
    return counts


def _count_filtered(db: Database, role_id: int, filters: ListFilters, cap: int) -> int:
    """Rows passing every filter but the search: from the counts table, or counted to ``cap``."""
    if not (filters.date_from or filters.date_to):
        clauses, params = ["role_id = ?"], [role_id]
        for column, value in (("status", filters.status), ("band", filters.band)):
            if value:
                clauses.append(f"{column} = ?")
                params.append(value)
        if filters.flags:
            clauses.append("flagged = ?")
            params.append(int(filters.flags == "flagged"))
        sql = f"SELECT coalesce(sum(n), 0) AS n FROM candidate_counts WHERE {' AND '.join(clauses)}"  # noqa: S608
        return next(iter(db.query(sql, params)))["n"]
    clauses, params = _where(role_id, filters)
    sql = (
        f"SELECT count(*) AS n FROM (SELECT 1 FROM candidates WHERE {' AND '.join(clauses)} "  # noqa: S608
        "LIMIT ?)"
    )
    return next(iter(db.query(sql, [*params, cap])))["n"]


def count_matches(
    db: Database, role_id: int, filters: ListFilters, search: Search | None = None
) -> tuple[int, bool]:
    """Count the rows a filter matches; say whether the count stopped at ``COUNT_CAP``.

    Status, band and flag filters are answered from the trigger-kept counts table; a date
    range or a search counts the matching rows, but never more than ``COUNT_CAP`` of them. A
    search's matches are read from the search index and looked up one by one until
    COUNT_CAP + 1 of them pass the other filters.
    """
    if not filters.search:
        plain = not (filters.date_from or filters.date_to)
        n = _count_filtered(db, role_id, filters, COUNT_CAP + 1)
        return (n, False) if plain else _capped(n)
    search = search or search_plan(db, role_id, filters)
    if search is not None and search.count is not None:
        return search.count
    clauses, params = _where(role_id, filters)
    query = search.query if search is not None else search_query(filters.search)
    sql = (
        f"SELECT count(*) AS n FROM (SELECT 1 FROM {_MATCHED_CANDIDATES} "  # noqa: S608
        f"WHERE {' AND '.join(clauses)} LIMIT ?)"
    )
    return _capped(next(iter(db.query(sql, [query, -1, *params, COUNT_CAP + 1])))["n"])


def _capped(n: int) -> tuple[int, bool]:
    """A count that stopped at COUNT_CAP + 1 as (at most COUNT_CAP, whether it stopped)."""
    return min(n, COUNT_CAP), n > COUNT_CAP


def ranked_page(
    db: Database,
    role_id: int,
    filters: ListFilters,
    token: str | None = None,
    size: int = PAGE_SIZE,
) -> ListPage:
    """Return one page of a role's candidates with links to the pages either side."""
    position = decode_token(token, filters.sort) if token else None
    search = search_plan(db, role_id, filters)
    count = search.count if search is not None else None
    if search is not None and search.count_on_page:
        rows, matched = _select_counted(db, role_id, filters, size + 1, position, search)
        count = _capped(matched)
    else:
        rows = _select(db, role_id, filters, size + 1, position, search)
    forward = position[0] if position else True
    more = len(rows) > size
    if more:  # the extra row only proves there is another page in this direction
        rows = rows[:size] if forward else rows[1:]
    has_next = more if forward else position is not None
    has_prev = (position is not None) if forward else more
    next_token = prev_token = None
    if rows and has_next:
        next_token = encode_token(filters.sort, True, rows[-1]["sort_key"], rows[-1]["id"])
    if rows and has_prev:
        prev_token = encode_token(filters.sort, False, rows[0]["sort_key"], rows[0]["id"])
    total, capped = count or count_matches(db, role_id, filters, search)
    return ListPage(rows, next_token, prev_token, total, capped, status_counts(db, role_id))


def all_rows(db: Database, role_id: int, filters: ListFilters, batch: int = 1000) -> Iterator[dict]:
    """Yield every matching row in list order, a keyset batch at a time (for exports)."""
    position, search = None, search_plan(db, role_id, filters)
    while True:
        rows = _select(db, role_id, filters, batch, position, search)
        yield from rows
        if len(rows) < batch:
            return
        position = (True, rows[-1]["sort_key"], rows[-1]["id"])
