"""Render the reports of every assessed candidate of a role in parallel, one renderer per core.

The content of each report is built first, in this process (it needs the database); the
layout work, which is nearly all the time, runs in ``jobs`` time-limited renderer child
processes side by side (``RenderWorker``, started with 'spawn'), so the batch uses every
core. A candidate whose report fails is reported with the reason; the others still render.
"""

import json
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from hiring.errors import HiringError
from hiring.reports import report_html
from hiring.reports.cache import write_atomic
from hiring.reports.candidate_reports import CandidateReport, build_report
from hiring.reports.render import DEFAULT_TIMEOUT
from hiring.reports.worker import RenderWorker
from hiring.roles.pipeline import OPEN_STATUSES
from hiring.store.files import sweep_temporary
from hiring.workspace.candidate_view import candidate_detail


@dataclass
class BatchResult:
    """What a batch wrote, and which candidates failed and why."""

    written: list[tuple[int, Path]] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)


def assessed_candidates(db: Database, role_id: int) -> list[int]:
    """Return the ids of a role's candidates who have a scored result, oldest first."""
    rows = db.query(
        "SELECT c.id FROM candidates c JOIN results r ON r.candidate_id = c.id "
        "WHERE c.role_id = ? AND c.status NOT IN (SELECT value FROM json_each(?)) "
        "AND r.scores IS NOT NULL ORDER BY c.id",
        [role_id, json.dumps(OPEN_STATUSES)],
    )
    return [row["id"] for row in rows]


def build_reports(
    db: Database, candidate_ids: list[int], variant: str, page_size: str
) -> tuple[list[CandidateReport], list[tuple[int, str]]]:
    """Build each candidate's report content; return the reports and (id, reason) failures."""
    built, failed = [], []
    for candidate_id in candidate_ids:
        try:
            detail = candidate_detail(db, candidate_id)
            built.append(build_report(db, detail, variant, page_size=page_size))
        except HiringError as error:
            failed.append((candidate_id, error.message))
    return built, failed


class _Renderers:
    """One ``RenderWorker`` per thread of the pool, all stopped together at the end."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._all: list[RenderWorker] = []
        self._lock = threading.Lock()

    def mine(self) -> RenderWorker:
        worker = getattr(self._local, "worker", None)
        if worker is None:
            worker = self._local.worker = RenderWorker()
            with self._lock:
                self._all.append(worker)
        return worker

    def close(self) -> None:
        for worker in self._all:
            worker.close()

    def kill(self) -> None:
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            worker.kill()


def render_batch(
    reports: list[CandidateReport],
    out_dir: Path,
    *,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    on_done: Callable[[CandidateReport, str | None], None] | None = None,
) -> BatchResult:
    """Render ``reports`` into ``out_dir`` as ``{id}-{variant}.pdf`` with ``jobs`` renderers.

    ``jobs`` defaults to the number of CPU cores; ``on_done(report, error)`` is called in
    this thread after each report (``error`` is None on success), for a progress bar.
    """
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(reports) or 1))
    out_dir.mkdir(parents=True, exist_ok=True)
    sweep_temporary(out_dir.iterdir())  # half-written PDFs of a batch that was killed
    renderers, result = _Renderers(), BatchResult()

    def render_one(report: CandidateReport) -> Path:
        pdf = renderers.mine().render(
            report_html(report.data, report.variant), report.data.page_size, timeout
        )
        path = out_dir / f"{report.candidate_id}-{report.variant}.pdf"
        write_atomic(path, pdf)
        return path

    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="report")
    try:
        futures = {pool.submit(render_one, report): report for report in reports}
        for future in as_completed(futures):
            report, error = futures[future], future.exception()
            if error is None:
                result.written.append((report.candidate_id, future.result()))
            else:
                message = error.message if isinstance(error, HiringError) else repr(error)
                result.failed.append((report.candidate_id, message))
            if on_done is not None:
                on_done(report, None if error is None else str(error))
    except BaseException:  # Ctrl+C: drop the queue and stop the renderers now, not at the end
        pool.shutdown(wait=False, cancel_futures=True)
        renderers.kill()
        raise
    finally:
        pool.shutdown(wait=True)
        renderers.close()
    result.written.sort()
    result.failed.sort()
    return result
