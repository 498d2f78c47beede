"""Report batches started from the web: every assessed candidate's PDF of a role, in one zip.

A batch gets a row in ``report_batches`` and a task on the queue (:mod:`hiring.reports.tasks`).
The worker that picks it up claims the row (host and process id), renders the reports into a
folder of its own beside the zips, counting them in the row as it goes, then writes the zip
under a temporary name, renames it into place and only then records the batch as done, with
one ``report_batch_members`` row per candidate in it. A batch whose worker is gone (killed, or
the machine restarted) reads as failed; its half-rendered folder and any zip no finished batch
names are removed, so no partial zip is ever offered. Erasing a candidate deletes the zips
they are in (erasure follows ``report_batch_members``).
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import socket
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.errors import HiringError
from hiring.reports.batch import assessed_candidates, build_reports, render_batch
from hiring.store.db import write_transaction
from hiring.store.files import write_atomic
from hiring.store.instance import private_folder
from hiring.store.plurals import plural
from hiring.store.processes import claim_is_live

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
BATCH_FOLDER = Path("reports") / "batches"
MAX_RUNTIME = timedelta(hours=6)  # no batch takes this long; an older unfinished row is stale
INTERRUPTED = (
    "Interrupted: the worker stopped before the batch finished, so no zip was kept. Start it again."
)
UNEXPECTED = "The batch stopped on an unexpected error (see the worker's log); no zip was kept."
log = logging.getLogger(__name__)


class BatchBusyError(HiringError):
    """A batch of the same role is still queued or running."""


@dataclass(frozen=True)
class ReportBatch:
    """One batch of a role's reports, and how far it got."""

    id: int
    role_id: int
    variant: str
    page_size: str
    status: str
    total: int
    done: int
    failed: int
    message: str
    file_name: str
    requested_by: str
    started_at: str
    finished_at: str | None

    @property
    def pending(self) -> bool:
        """Tell whether it is still waiting for a worker or being rendered."""
        return self.status in (QUEUED, RUNNING)

    def describe(self) -> str:
        """Say in words where the batch stands."""
        if self.status == QUEUED:
            return "Queued: waiting for a worker of the task queue."
        if self.status == RUNNING:
            return f"Running: {self.done} of {plural(self.total, 'report')} made so far."
        if self.status == DONE:
            return self.message
        return f"Failed: {self.message}"


def _batch(row: dict[str, Any]) -> ReportBatch:
    return ReportBatch(
        row["id"], row["role_id"], row["variant"], row["page_size"], row["status"],
        row["total"] or 0, row["done"] or 0, row["failed"] or 0, row["message"] or "",
        row["file_name"] or "", row["requested_by"], row["started_at"], row["finished_at"],
    )  # fmt: skip


def _is_live(row: dict[str, Any]) -> bool:
    if datetime.now(UTC) - datetime.fromisoformat(row["started_at"]) > MAX_RUNTIME:
        return False
    return claim_is_live(row["host"], row["pid"])


def _finish(db: Database, batch_id: int, status: str, message: str, **extra: Any) -> None:
    """Record the outcome unless one was recorded already."""
    with write_transaction(db):
        row = db["report_batches"].get(batch_id)
        if row["status"] not in (QUEUED, RUNNING):
            return
        db["report_batches"].update(
            batch_id,
            {"status": status, "message": message, "finished_at": audit.now_iso(), **extra},
        )


def _settled(db: Database, row: dict[str, Any]) -> ReportBatch:
    """Return the batch, first marking it failed when its worker is gone."""
    if row["status"] in (QUEUED, RUNNING) and not _is_live(row):
        _finish(db, row["id"], FAILED, INTERRUPTED)
        row = db["report_batches"].get(row["id"])
    return _batch(row)


def get_batch(db: Database, role_id: int, batch_id: int) -> ReportBatch | None:
    """Return one of the role's batches, or None when the role has no batch with that id."""
    rows = list(db["report_batches"].rows_where("id = ? AND role_id = ?", [batch_id, role_id]))
    return _settled(db, rows[0]) if rows else None


def role_batches(db: Database, role_id: int, limit: int = 10) -> list[ReportBatch]:
    """Return the role's latest batches, newest first."""
    rows = db["report_batches"].rows_where(
        "role_id = ?", [role_id], order_by="id DESC", limit=limit
    )
    return [_settled(db, row) for row in rows]


def create_batch(
    db: Database, role_id: int, variant: str, page_size: str, actor: str
) -> ReportBatch:
    """Record a batch waiting for a worker; refuse a role with nobody assessed or a batch running."""
    with write_transaction(db):
        if any(batch.pending for batch in role_batches(db, role_id, limit=3)):
            raise BatchBusyError("A batch of this role's reports is still on its way; wait for it.")
        total = len(assessed_candidates(db, role_id))
        if not total:
            raise HiringError(
                "This role has no assessed candidates yet, so there is no report to make."
            )
        batch_id = db["report_batches"].insert(
            {"role_id": role_id, "variant": variant, "page_size": page_size, "status": QUEUED,
             "total": total, "done": 0, "failed": 0, "requested_by": actor,
             "started_at": audit.now_iso()}
        ).last_pk  # fmt: skip
        audit.record(
            db, actor, "report.batch_start", "role", role_id, batch=batch_id, variant=variant
        )
    return _batch(db["report_batches"].get(batch_id))


def not_queued(db: Database, batch_id: int, reason: str) -> None:
    """Mark a batch failed because it could not be put on the queue."""
    _finish(db, batch_id, FAILED, f"It could not be queued ({reason}). Try again.")


def zip_path(instance: str | Path, batch: ReportBatch) -> Path:
    """Return where a finished batch's zip is."""
    return Path(instance) / BATCH_FOLDER / batch.file_name


def _claim(db: Database, batch_id: int) -> dict[str, Any] | None:
    with write_transaction(db):
        row = db["report_batches"].get(batch_id)
        if row["status"] != QUEUED or row["pid"] is not None:
            return None  # settled, or another worker has it: never run a batch twice
        db["report_batches"].update(
            batch_id, {"status": RUNNING, "pid": os.getpid(), "host": socket.gethostname()}
        )
    return row


def sweep_batch_files(db: Database, instance: str | Path) -> int:
    """Remove parts folders and zips that no live or finished batch owns; count them."""
    folder = Path(instance) / BATCH_FOLDER
    if not folder.is_dir():
        return 0
    keep = {
        row["file_name"]
        for row in db.query("SELECT file_name FROM report_batches WHERE status = 'done'")
    }
    live = {
        f"batch-{row['id']}.parts"
        for row in db.query("SELECT * FROM report_batches WHERE status IN ('queued', 'running')")
        if _is_live(row)
    }
    removed = 0
    for path in folder.iterdir():
        if path.name in keep or path.name in live:
            continue
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
        removed += 1
    return removed


def run_batch(db: Database, instance: str | Path, batch_id: int, jobs: int) -> ReportBatch:
    """Claim the batch, render its reports, zip them and record the outcome (a worker's part)."""
    row = _claim(db, batch_id)
    if row is None:
        return _batch(db["report_batches"].get(batch_id))
    parts = Path(instance) / BATCH_FOLDER / f"batch-{batch_id}.parts"
    for folder in (Path(instance) / "reports", Path(instance) / BATCH_FOLDER, parts):
        private_folder(folder)  # every candidate's report: owner-only, whatever the umask
    try:
        _render_and_zip(db, instance, _batch(row), parts, jobs)
    except HiringError as error:
        _finish(db, batch_id, FAILED, error.message)
    except Exception:
        log.exception("report batch %s failed", batch_id)
        _finish(db, batch_id, FAILED, UNEXPECTED)
    finally:
        shutil.rmtree(parts, ignore_errors=True)
    return _batch(db["report_batches"].get(batch_id))


def _render_and_zip(
    db: Database, instance: str | Path, batch: ReportBatch, parts: Path, jobs: int
) -> None:
    ids = assessed_candidates(db, batch.role_id)
    built, failed = build_reports(db, ids, batch.variant, batch.page_size)
    db["report_batches"].update(batch.id, {"total": len(ids), "failed": len(failed)})

    def count(_report: Any, error: str | None) -> None:
        column = "failed" if error else "done"
        db.execute(f"UPDATE report_batches SET {column} = {column} + 1 WHERE id = ?", [batch.id])  # noqa: S608

    result = render_batch(built, parts, jobs=jobs, on_done=count)
    if not result.written:
        raise HiringError(
            "No report could be made; " + "; ".join(r for _, r in result.failed + failed)[:300]
        )
    body = io.BytesIO()
    with zipfile.ZipFile(body, "w", zipfile.ZIP_DEFLATED) as archive:
        for candidate_id, path in result.written:
            archive.write(path, f"{candidate_id}-{batch.variant}.pdf")
    name = f"batch-{batch.id}-{batch.variant}.zip"
    final = Path(instance) / BATCH_FOLDER / name
    write_atomic(final, body.getvalue())  # renamed into place whole; the row says done after
    left_out = len(failed) + len(result.failed)
    message = f"Done: {plural(len(result.written), 'report')} in the zip" + (
        f"; {left_out} could not be made (see the worker's log)." if left_out else "."
    )
    try:
        _record_done(db, batch, name, [c for c, _ in result.written], message)
    except BaseException:
        final.unlink(missing_ok=True)  # never a zip that no finished batch names
        raise


def _record_done(
    db: Database, batch: ReportBatch, name: str, members: list[int], message: str
) -> None:
    """Record the batch done with its members, in one transaction; refuse if one was erased."""
    with write_transaction(db):
        present = {
            r["id"]
            for r in db.query("SELECT id FROM candidates WHERE role_id = ?", [batch.role_id])
        }
        if not set(members) <= present:
            raise HiringError(
                "A candidate was erased while the batch ran, so no zip was kept. Start it again."
            )
        db["report_batch_members"].insert_all(
            {"batch_id": batch.id, "candidate_id": c, "file_name": f"batches/{name}"}
            for c in members
        )
        for candidate_id in members:
            audit.record(db, batch.requested_by, "report.exported", "candidate", candidate_id,
                         variant=batch.variant, batch=batch.id)  # fmt: skip
        _finish(db, batch.id, DONE, message, file_name=name)
