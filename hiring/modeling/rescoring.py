"""Re-score a role's assessed candidates with its active model (or its profile when it has none).

Only the fit is recomputed, from the stored scores (answers are not re-scored): the results
row records the model version used and the ranked-list columns of ``candidates`` follow.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.assessment.scoring import CandidateScores
from hiring.errors import HiringError
from hiring.modeling.fitting import list_columns, profile_fit
from hiring.modeling.live_model import load_active_model
from hiring.roles.services import get_role, role_questionnaire
from hiring.store.db import write_transaction


@dataclass(frozen=True)
class RescoreResult:
    """How many candidates were re-scored, and with which model version (None: profile only)."""

    role_id: int
    n: int
    version_id: int | None
    label: str


# A chunk's write transaction aims at this many seconds, so a candidate who submits meanwhile
# waits for the lock a fraction of a second at most (the busy timeout is far longer).
CHUNK_SECONDS = 0.15
FIRST_CHUNK, MIN_CHUNK, MAX_CHUNK = 100, 10, 5_000
RUNNING, DONE, FAILED = "running", "done", "failed"


def _precise_now() -> str:
    """The time to the microsecond, for a run's start and the fits it stores.

    Other writers keep whole seconds. In ISO text "12:00:07+00:00" sorts before
    "12:00:07.250000+00:00", so a fit stored in the second the run started counts as older
    (and is re-scored), while the run's own fits always sort after its start.
    """
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _pending(db: Database, role_id: int, run: dict, after: int, limit: int) -> list[dict]:
    """The next candidates of the run still scored before it started or by another model."""
    return list(
        db.query(
            "SELECT r.candidate_id, r.scores, r.input_hash FROM results r "
            "JOIN candidates c ON c.id = r.candidate_id "
            "WHERE c.role_id = ? AND r.scores IS NOT NULL AND r.candidate_id > ? "
            "AND (r.model_version_id IS NOT ? OR r.scored_at < ?) "
            "ORDER BY r.candidate_id LIMIT ?",
            [role_id, after, run["model_version_id"], run["started_at"], limit],
        )
    )


def open_run(db: Database, role_id: int, *, actor: str) -> dict:
    """Record a re-score of the role with its active model (or resume the unfinished one)."""
    return _open_run(db, role_id, get_role(db, role_id)["model_version_id"], actor)


def pending_count(db: Database, run: dict) -> int:
    """Count the candidates the run has still to re-score."""
    row = next(
        db.query(
            "SELECT count(*) AS n FROM results r JOIN candidates c ON c.id = r.candidate_id "
            "WHERE c.role_id = ? AND r.scores IS NOT NULL "
            "AND (r.model_version_id IS NOT ? OR r.scored_at < ?)",
            [run["role_id"], run["model_version_id"], run["started_at"]],
        )
    )
    return row["n"]


def _open_run(db: Database, role_id: int, version_id: int | None, actor: str) -> dict:
    """Resume the role's unfinished re-score with the same model, else start a new one."""
    with write_transaction(db):
        rows = list(
            db["rescore_runs"].rows_where(
                "role_id = ? AND status = ?", [role_id, RUNNING], order_by="id DESC", limit=1
            )
        )
        if rows and rows[0]["model_version_id"] == version_id:
            return rows[0]
        for row in rows:  # begun with a model the role no longer uses: it cannot be finished
            db["rescore_runs"].update(
                row["id"],
                {"status": FAILED, "finished_at": audit.now_iso(),
                 "message": "the role's model changed before it finished"},
            )  # fmt: skip
        run_id = (
            db["rescore_runs"]
            .insert(
                {
                    "role_id": role_id,
                    "model_version_id": version_id,
                    "status": RUNNING,
                    "done": 0,
                    "requested_by": actor,
                    "started_at": _precise_now(),
                }
            )  # fmt: skip
            .last_pk
        )
        return db["rescore_runs"].get(run_id)


def _next_size(size: int, seconds: float) -> int:
    """Grow or shrink the chunk toward ``CHUNK_SECONDS`` of writing."""
    if seconds <= 0:
        return min(size * 2, MAX_CHUNK)
    wanted = int(size * CHUNK_SECONDS / seconds)
    return max(MIN_CHUNK, min(MAX_CHUNK, wanted, size * 2))


def _write_chunk(db, role, run, work, actor) -> int:
    """Store one chunk's fits in one short transaction; return how many were stored."""
    version_id = run["model_version_id"]
    done = 0
    with write_transaction(db):
        if get_role(db, role["id"])["model_version_id"] != role["model_version_id"]:
            raise HiringError("The role's model changed while re-scoring; run the re-score again.")
        now = _precise_now()
        for row, scores, fit in work:
            cid = row["candidate_id"]
            if not db["results"].count_where(
                "candidate_id = ? AND input_hash = ?", [cid, row["input_hash"]]
            ):
                continue  # erased, or answers changed, since the chunk was read
            fit_json = json.dumps(fit.to_dict(), sort_keys=True) if fit is not None else None
            db["results"].update(
                cid, {"fit": fit_json, "model_version_id": version_id, "scored_at": now}
            )
            db["candidates"].update(cid, list_columns(fit, scores))
            audit.record(
                db, actor, "candidate.rescored", "candidate", cid, model_version=version_id
            )
            done += 1
        db["rescore_runs"].update(run["id"], {"done": run["done"] + done})
    run["done"] += done
    return done


def rescore_role(
    db: Database, instance_path: str | Path, role_id: int, *, actor: str = "cli"
) -> RescoreResult:
    """Recompute every stored fit of a role with its active model version; return the count.

    The work goes in chunks, each written in its own short transaction of about
    ``CHUNK_SECONDS``, so candidates who submit meanwhile are never locked out. A run that
    was killed midway is finished by the next re-score with the same model; until then it
    reads as unfinished (:func:`latest_run`), never as done. A model change in between
    stops the re-score.
    """
    role = get_role(db, role_id)
    questionnaire = role_questionnaire(role)
    model = load_active_model(db, instance_path, role)
    version_id = model.version_id if model else None
    run = _open_run(db, role_id, version_id, actor)
    before, after, size = run["done"], 0, FIRST_CHUNK
    while rows := _pending(db, role_id, run, after, size):
        work = []
        for row in rows:
            scores = CandidateScores.from_dict(json.loads(row["scores"]))
            fit = model.fit(scores) if model else profile_fit(db, role, questionnaire, scores)
            work.append((row, scores, fit))
        started = time.perf_counter()
        _write_chunk(db, role, run, work, actor)
        size = _next_size(len(rows), time.perf_counter() - started)
        after = rows[-1]["candidate_id"]
    label = model.label if model else "the hiring profile alone (no active model)"
    message = f"Re-scored {run['done']} candidate{'s' if run['done'] != 1 else ''} with {label}."
    with write_transaction(db):
        db["rescore_runs"].update(
            run["id"], {"status": DONE, "finished_at": audit.now_iso(), "message": message}
        )
        audit.record(
            db, actor, "role.rescore", "role", role_id, candidates=run["done"],
            resumed_from=before or None, model_version=version_id,
        )  # fmt: skip
    return RescoreResult(role_id, run["done"], version_id, model.label if model else "")


def fail_run(db: Database, role_id: int, reason: str) -> None:
    """Mark the role's unfinished re-score failed, saying why (what it stored stays stored)."""
    with write_transaction(db):
        for row in db["rescore_runs"].rows_where("role_id = ? AND status = ?", [role_id, RUNNING]):
            db["rescore_runs"].update(
                row["id"],
                {"status": FAILED, "finished_at": audit.now_iso(), "message": reason},
            )


def latest_run(db: Database, role_id: int) -> dict | None:
    """Return the role's newest re-score run (``status`` running means unfinished)."""
    rows = list(
        db["rescore_runs"].rows_where("role_id = ?", [role_id], order_by="id DESC", limit=1)
    )
    return rows[0] if rows else None
