"""Erase a candidate completely (rows, cached reports, derived records) and purge expired ones.

What stays is the audit log's record that an erasure happened. Earlier audit rows about the
candidate keep their action, time and target id; their detail is replaced by the one
redaction value the append-only triggers accept. Deleted bytes do not linger: the erasure runs
with ``secure_delete`` on (freed space is zeroed), merges the search index so no token of the
name or e-mail remains, and checkpoints the write-ahead log into the database file.
"""

import json
import logging
import re
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.candidates.mentions import Mention, find_mentions, remove_mentions
from hiring.candidates.records import CandidateError
from hiring.roles.pipeline import FINAL_STATUSES, OPEN_STATUSES, STATUSES
from hiring.store import files as files_store
from hiring.store.db import write_transaction
from hiring.store.migrations import AUDIT_KEEP_DAYS, AUDIT_REDACTION
from hiring.store.plurals import plural

log = logging.getLogger("hiring")

REPORTS_DIR = "reports"
SEARCH_INDEX = "candidates_fts"
# How a report file's first path part names its candidate: "12", "12-fit-….pdf", "candidate-12".
OWNER_NAME = re.compile(r"(?:candidate[-_])?(\d+)(?:[-_.]|$)")
MAX_DEPTH = 4  # candidates -> answers is depth 1; deeper chains of records are unusual
PURGE_BATCH = 50  # candidates erased per write transaction by the retention purge
# Columns of candidate-owned rows that may name a file kept in the instance folder.
FILE_COLUMNS = ("path", "file", "file_name", "filename", "file_path")
# A reader in the middle of a query keeps the write-ahead log busy; it is over in moments.
CHECKPOINT_TRIES = 5
CHECKPOINT_PAUSE = 0.2  # seconds between tries
CHECKPOINT_WAIT_MS = 1000  # busy timeout of each try (TRUNCATE waits for readers that long)
WAL_BUSY = (
    "The database stayed busy, so its write-ahead log was not emptied: erased data may "
    "remain in the -wal file beside it until the next erasure or purge, or until the app stops."
)
# Statuses of candidates who submitted but have no final decision yet.
UNDECIDED_STATUSES = tuple(s for s in STATUSES if s not in OPEN_STATUSES + FINAL_STATUSES)
# Why a candidate is due for the retention purge; "{days}" is the retention period, in days.
PURGE_RULES = {
    "decided": "final decision more than {days} ago",
    "link_expired": "never finished; invite link expired more than {days} ago",
    "role_closed": "finished but undecided; role closed more than {days} ago",
}


def rule_text(rule: str, retention_days: int) -> str:
    """Say a purge rule in words, with its retention period: "... more than 30 days ago"."""
    return PURGE_RULES[rule].format(days=plural(retention_days, "day"))


class ErasureError(CandidateError):
    """A request to erase or purge that cannot be carried out as asked."""


@dataclass(frozen=True)
class Erasure:
    """What erasing one candidate removed (counts only: nothing personal)."""

    candidate_id: int
    role_id: int
    status: str
    decided_at: str | None
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    audit_rows_redacted: int = 0
    rule: str = ""  # the retention rule it fell under (a ``PURGE_RULES`` text), if purged
    wal_checkpointed: bool = True  # False: see ``WAL_BUSY``
    # Notes on other candidates that named the person: left as they are (listed), or with
    # the mentions replaced when the admin asked for it.
    mentions_left: tuple[Mention, ...] = ()
    mentions_redacted: int = 0

    def describe(self) -> str:
        """One line for the CLI and the admin page."""
        rows = sum(self.rows.values())
        line = (
            f"candidate {self.candidate_id} (role {self.role_id}, {self.status}"
            f"{', decided ' + self.decided_at[:10] if self.decided_at else ''}"
            f"{'; ' + self.rule if self.rule else ''}): "
            f"{plural(rows, 'row')}, {plural(self.files, 'report file')}, "
            f"{plural(self.audit_rows_redacted, 'audit detail')} redacted"
        )
        if self.mentions_redacted:
            line += f"; their name or e-mail removed from {notes(self.mentions_redacted)} on other candidates"
        if self.mentions_left:
            line += (
                f"; {notes(len(self.mentions_left))} on other candidates still "
                f"{'mentions' if len(self.mentions_left) == 1 else 'mention'} them: "
                + ", ".join(m.describe() for m in self.mentions_left)
            )
        return line


def notes(count: int) -> str:
    """Say '1 note' or '3 notes'."""
    return f"{count} {'note' if count == 1 else 'notes'}"


def candidate_tables(db: Database) -> list[tuple[str, str]]:
    """Return (table, column) for every table holding rows that belong to a candidate.

    Found from the schema, so tables added by later migrations are covered: any foreign key
    to ``candidates`` and any ``candidate_id`` column (the audit log and the search index's
    own tables excepted; they are handled apart).
    """
    found = []
    for table in db.tables:
        name = table.name
        if name in ("candidates", "audit_log") or name.startswith(SEARCH_INDEX):
            continue
        if db[name].virtual_table_using:
            continue
        columns = [fk.column for fk in table.foreign_keys if fk.other_table == "candidates"]
        if not columns and "candidate_id" in table.columns_dict:
            columns = ["candidate_id"]
        found += [(name, column) for column in columns]
    return found


def _owned_file(parts: tuple[str, ...], candidate_id: int) -> bool:
    """Tell whether a path under reports/ is the candidate's by its name.

    Matches a folder named by the id (``reports/12/...``) and files named ``12.pdf``,
    ``12-fit.pdf``, ``12_fit.pdf`` or ``candidate-12...``, but not ``120-fit.pdf``.
    """
    ident = str(candidate_id)
    for part in parts:
        stem = part.split(".")[0]
        for prefix in (ident, f"candidate-{ident}", f"candidate_{ident}"):
            if stem == prefix or stem.startswith((prefix + "-", prefix + "_")):
                return True
    return False


def _owner_id(parts: tuple[str, ...]) -> int | None:
    """Return the candidate id a path under reports/ is named for (see :func:`_owned_file`)."""
    match = OWNER_NAME.match(parts[0]) if parts else None
    return int(match.group(1)) if match else None


def sweep_report_files(db: Database, instance: str | Path) -> int:
    """Remove report files whose candidate is gone and abandoned temporary ones; count them.

    A report rendered while its candidate was being erased, or a file a killed process
    left, would otherwise keep the person's name on disk for good. Files are listed before
    the candidates are read, so a candidate added in between is never mistaken for gone.
    """
    folder = Path(instance) / REPORTS_DIR
    if not folder.is_dir():
        return 0
    found = [p for p in folder.rglob("*") if p.is_file()]
    removed = files_store.sweep_temporary(found)
    owners = {
        p: _owner_id(p.relative_to(folder).parts) for p in found if not files_store.is_temporary(p)
    }
    wanted = sorted({o for o in owners.values() if o is not None})
    present = {
        row["id"]
        for row in db.query(
            "SELECT id FROM candidates WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(wanted)],
        )
    }
    for path, owner in owners.items():
        if owner is not None and owner not in present:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _report_files(
    db: Database, instance: Path, candidate_id: int, owned: list[tuple[str, str]]
) -> list[Path]:
    """Find the candidate's cached report files: named in their rows, or by their file name."""
    root = instance.resolve()
    paths: set[Path] = set()
    for table, column in owned:
        names = [c for c in db[table].columns_dict if c in FILE_COLUMNS]
        if not names:
            continue
        select = ", ".join(f"[{n}]" for n in names)
        for row in db[table].rows_where(f"[{column}] = ?", [candidate_id], select=select):
            for value in filter(None, (row[n] for n in names)):
                paths |= {
                    (root / REPORTS_DIR / str(value)).resolve(),
                    (root / str(value)).resolve(),
                }
    folder = root / REPORTS_DIR
    if folder.is_dir():
        paths |= {
            p.resolve()
            for p in folder.rglob("*")
            if _owned_file(p.relative_to(folder).parts, candidate_id)
        }
    return sorted(p for p in paths if p.is_relative_to(root) and p.is_file())


def _personal_patterns(candidate: dict) -> list[tuple[str, re.Pattern[str]]]:
    """Return (needle, pattern) for the values that identify the person in audit text.

    The whole name, each part of it (a search for a first name names the person too), the
    e-mail and the link's hash, both raw and as escaped inside JSON; parts match as whole
    words only, so "Lee" does not redact a role in "Leeds".
    """
    name, email = candidate["name"] or "", candidate["email"] or ""
    values = {name, email, candidate.get("token_hash") or "", *re.findall(r"\w{2,}", name)}
    values |= {json.dumps(v)[1:-1] for v in values}
    return [
        (v, re.compile(rf"(?<!\w){re.escape(v)}(?!\w)", re.IGNORECASE))
        for v in sorted(values)
        if len(v) >= 2
    ]


def _redact_audit(db: Database, candidate: dict) -> int:
    """Replace the detail of audit rows about the candidate, or naming them, by the redaction."""
    ids = {
        row["id"]
        for row in db.query(
            "SELECT id FROM audit_log WHERE target_type = 'candidate' AND target_id = ? "
            "AND detail IS NOT NULL AND detail NOT IN ('{}', ?)",
            [str(candidate["id"]), AUDIT_REDACTION],
        )
    }
    for needle, pattern in _personal_patterns(candidate):
        rows = db.query(
            "SELECT id, detail FROM audit_log WHERE instr(lower(detail), lower(?)) > 0 "
            "AND detail IS NOT ?",
            [needle, AUDIT_REDACTION],
        )
        ids |= {row["id"] for row in rows if pattern.search(row["detail"])}
    for audit_id in sorted(ids):
        db.execute("UPDATE audit_log SET detail = ? WHERE id = ?", [AUDIT_REDACTION, audit_id])
    return len(ids)


def _children(db: Database, parent: str) -> list[tuple[str, str, str]]:
    """Return (table, column, parent column) for every foreign key pointing at ``parent``."""
    return [
        (table.name, fk.column, fk.other_column)
        for table in db.tables
        if not table.name.startswith(SEARCH_INDEX) and table.name != "audit_log"
        for fk in table.foreign_keys
        if fk.other_table == parent
    ]


def _delete_where(
    db: Database, table: str, where: str, params: list, counts: dict[str, int], depth: int = 0
) -> None:
    """Delete rows of ``table`` matching ``where``, after the rows that point at them."""
    if depth > MAX_DEPTH:
        raise ErasureError(
            f"Records point at each other too deeply under {table}; nothing was erased."
        )
    # table, column and where come from the schema and this module, never from a request
    for child, column, parent_column in _children(db, table):
        inner = f"[{column}] IN (SELECT [{parent_column}] FROM [{table}] WHERE {where})"  # noqa: S608
        _delete_where(db, child, inner, params, counts, depth + 1)
    cursor = db.execute(f"DELETE FROM [{table}] WHERE {where}", params)  # noqa: S608
    if cursor.rowcount > 0:
        counts[table] = counts.get(table, 0) + cursor.rowcount


def _delete_rows(db: Database, candidate_id: int, owned: list[tuple[str, str]]) -> dict[str, int]:
    """Delete everything that is the candidate's, however deep, then the candidate."""
    counts: dict[str, int] = {}
    linked = {(child, column) for child, column, _ in _children(db, "candidates")}
    for table, column in owned:
        if (table, column) not in linked:  # a candidate_id column without a foreign key
            _delete_where(db, table, f"[{column}] = ?", [candidate_id], counts, 1)
    _delete_where(db, "candidates", "id = ?", [candidate_id], counts)
    return counts


def _erase_in_transaction(
    db: Database, instance: Path, candidate_id: int, actor: str, reason: str, redact: bool
) -> tuple[Erasure, list[Path]]:
    rows = list(db["candidates"].rows_where("id = ?", [candidate_id]))
    if not rows:
        raise ErasureError(f"No candidate with id {candidate_id}; nothing was erased.")
    candidate = rows[0]
    owned = candidate_tables(db)
    files = _report_files(db, instance, candidate_id, owned)
    counts = _delete_rows(db, candidate_id, owned)
    mentions = find_mentions(db, candidate)
    mentioned = remove_mentions(db, candidate, mentions) if redact else 0
    redacted = _redact_audit(db, candidate)
    erasure = Erasure(
        candidate_id=candidate_id,
        role_id=candidate["role_id"],
        status=candidate["status"],
        decided_at=candidate["decided_at"],
        rows=counts,
        files=len(files),
        audit_rows_redacted=redacted,
        mentions_left=() if redact else tuple(mentions),
        mentions_redacted=mentioned,
    )
    audit.record(
        db,
        actor,
        "candidate.erase",
        "candidate",
        candidate_id,
        reason=reason,
        rows=counts,
        files=len(files),
        audit_rows_redacted=redacted,
        notes_mentioning=[m.note_id for m in mentions],
        mentions_redacted=mentioned,
    )
    return erasure, files


def erase_candidates(
    db: Database,
    instance: str | Path,
    candidate_ids: list[int],
    *,
    actor: str,
    reason: str,
    redact_mentions: bool = False,
) -> list[Erasure]:
    """Erase several candidates in one transaction; see :func:`erase_candidate`."""
    instance = Path(instance)
    previous = db.execute("PRAGMA secure_delete").fetchone()[0]
    db.execute("PRAGMA secure_delete = ON")
    try:
        done, files = [], []
        with write_transaction(db):
            for candidate_id in candidate_ids:
                erasure, paths = _erase_in_transaction(
                    db, instance, candidate_id, actor, reason, redact_mentions
                )
                done.append(erasure)
                files += paths
            # the files go after the commit; recorded here, a kill in between cannot keep them
            files_store.record_deletions(db, instance, files)
            if SEARCH_INDEX in db.table_names():
                # merge the index so that deleted entries leave no token behind
                db.execute("INSERT INTO candidates_fts (candidates_fts) VALUES ('optimize')")
        files_store.finish_deletions(db, instance)
        if not checkpoint_wal(db):
            log.warning(WAL_BUSY)
            done = [replace(e, wal_checkpointed=False) for e in done]
    finally:
        db.execute(f"PRAGMA secure_delete = {int(previous)}")
    return done


def checkpoint_wal(db: Database) -> bool:
    """Copy the write-ahead log into the database file and empty it; tell whether that worked.

    ``wal_checkpoint(TRUNCATE)`` answers (busy, log frames, checkpointed frames); busy means
    a reader still needed the log. That passes quickly, so try a few times before giving up.
    """
    previous = db.execute("PRAGMA busy_timeout").fetchone()[0]
    db.execute(f"PRAGMA busy_timeout = {min(int(previous), CHECKPOINT_WAIT_MS)}")
    try:
        for attempt in range(CHECKPOINT_TRIES):
            busy, _frames, _copied = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return True
            if attempt + 1 < CHECKPOINT_TRIES:
                time.sleep(CHECKPOINT_PAUSE)
        return False
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(previous)}")


def erase_candidate(
    db: Database,
    instance: str | Path,
    candidate_id: int,
    *,
    actor: str,
    reason: str = "",
    redact_mentions: bool = False,
) -> Erasure:
    """Erase one candidate: every row that is theirs, their cached reports, their search entries.

    Notes on other candidates that name them are listed in the result (``mentions_left``),
    or, with ``redact_mentions``, have the name and e-mail replaced. Raises
    :class:`ErasureError` when there is no such candidate.
    """
    return erase_candidates(
        db, instance, [candidate_id], actor=actor, reason=reason, redact_mentions=redact_mentions
    )[0]


def mentions_of(db: Database, candidate_id: int) -> list[Mention]:
    """List the notes on other candidates that mention a candidate, before erasing them."""
    rows = list(db["candidates"].rows_where("id = ?", [candidate_id]))
    if not rows:
        raise ErasureError(f"No candidate with id {candidate_id}.")
    return find_mentions(db, rows[0])


def due_for_purge(db: Database, now: datetime, retention_days: int) -> list[dict]:
    """Return the candidates past the retention period, oldest first, each with its rule.

    Three rules (keys of :data:`PURGE_RULES`): a final decision (hired or rejected) more than
    ``retention_days`` ago; never finished, with the invite link expired more than that ago;
    finished but never decided, in a role closed more than that ago. Each row holds id,
    role_id, status, decided_at, rule and since (the time the period counts from).
    """
    if retention_days < 0:
        raise ErasureError("The retention period cannot be negative.")
    cutoff = (now - timedelta(days=retention_days)).isoformat(timespec="seconds")
    return list(
        db.query(
            "SELECT id, role_id, status, decided_at, 'decided' AS rule, decided_at AS since "
            "FROM candidates WHERE status IN (SELECT value FROM json_each(:final)) "
            "AND decided_at IS NOT NULL AND julianday(decided_at) < julianday(:cutoff) "
            "UNION ALL "
            "SELECT id, role_id, status, decided_at, 'link_expired', token_expires_at "
            "FROM candidates WHERE status IN (SELECT value FROM json_each(:open)) "
            "AND token_expires_at IS NOT NULL "
            "AND julianday(token_expires_at) < julianday(:cutoff) "
            "UNION ALL "
            "SELECT c.id, c.role_id, c.status, c.decided_at, 'role_closed', r.closed_at "
            "FROM candidates c JOIN job_roles r ON r.id = c.role_id "
            "WHERE c.status IN (SELECT value FROM json_each(:undecided)) "
            "AND r.status = 'closed' AND r.closed_at IS NOT NULL "
            "AND julianday(r.closed_at) < julianday(:cutoff) "
            "ORDER BY since, id",
            {
                "final": json.dumps(FINAL_STATUSES),
                "open": json.dumps(OPEN_STATUSES),
                "undecided": json.dumps(UNDECIDED_STATUSES),
                "cutoff": cutoff,
            },
        )
    )


def purge(db: Database, instance: str | Path, now: datetime, retention_days: int) -> list[Erasure]:
    """Erase every candidate :func:`due_for_purge` lists; each erasure names its rule."""
    due = due_for_purge(db, now, retention_days)
    done: list[Erasure] = []
    for rule in PURGE_RULES:
        text = rule_text(rule, retention_days)
        ids = [row["id"] for row in due if row["rule"] == rule]
        for start in range(0, len(ids), PURGE_BATCH):  # short transactions: the app keeps working
            batch = erase_candidates(
                db,
                instance,
                ids[start : start + PURGE_BATCH],
                actor="retention",
                reason=f"retention: {text}",
            )
            done += [replace(e, rule=text) for e in batch]
    if done:  # the last checkpoint empties the log of every earlier batch too
        done = [replace(e, wal_checkpointed=done[-1].wal_checkpointed) for e in done]
    return done


def purge_audit_log(db: Database, now: datetime, keep_days: int) -> int:
    """Delete audit rows older than ``keep_days`` (never fewer than six months); return how many."""
    if keep_days < AUDIT_KEEP_DAYS:
        raise ErasureError(f"Audit log rows are kept at least {AUDIT_KEEP_DAYS} days (six months).")
    cutoff = (now - timedelta(days=keep_days)).isoformat(timespec="seconds")
    with write_transaction(db):
        cursor = db.execute("DELETE FROM audit_log WHERE julianday(at) < julianday(?)", [cutoff])
        count = cursor.rowcount
        audit.record(
            db, "retention", "audit_log.purge", "audit_log", "", deleted=count, keep_days=keep_days
        )
    return count
