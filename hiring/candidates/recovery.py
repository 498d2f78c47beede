"""Finish what a killed process left behind: file deletions, model renames, orphaned files.

Runs when the app starts (the server and every command) and as ``hiring sweep``. Every step
is safe while other processes work on the same instance: files being written are locked
and left alone, and a deletion already done is simply skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from hiring.candidates.erasure import sweep_report_files
from hiring.modeling.model_storage import sweep_model_files
from hiring.store.files import finish_deletions

log = logging.getLogger("hiring")


@dataclass(frozen=True)
class Recovery:
    """Counts of what one recovery pass did."""

    deletions_finished: int = 0
    report_files_removed: int = 0
    model_files_removed: int = 0
    model_renames_finished: int = 0

    def __add__(self, other: Recovery) -> Recovery:
        return Recovery(*(a + b for a, b in zip(self.counts(), other.counts(), strict=True)))

    def counts(self) -> tuple[int, int, int, int]:
        return (
            self.deletions_finished,
            self.report_files_removed,
            self.model_files_removed,
            self.model_renames_finished,
        )

    def describe(self) -> str:
        """Say what was done in one line."""
        return (
            f"finished {self.deletions_finished} interrupted file deletions, "
            f"removed {self.report_files_removed} orphaned report files and "
            f"{self.model_files_removed} orphaned model files, finished "
            f"{self.model_renames_finished} interrupted model file renames"
        )


def recover(db: Database, instance: str | Path) -> Recovery:
    """Run every recovery step on the instance and return what it did."""
    instance = Path(instance)
    previous = db.execute("PRAGMA secure_delete").fetchone()[0]
    db.execute("PRAGMA secure_delete = ON")  # the records name erased candidates' files
    try:
        finished = finish_deletions(db, instance)
    finally:
        db.execute(f"PRAGMA secure_delete = {int(previous)}")
    reports = sweep_report_files(db, instance)
    models = sweep_model_files(db, instance)
    done = Recovery(finished, reports, models.removed, models.completed)
    if any(done.counts()):
        log.warning("Recovered the instance after an interruption: %s.", done.describe())
    return done
