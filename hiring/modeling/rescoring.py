"""Re-score a role's assessed candidates with its active model (or its profile when it has none).

Only the fit is recomputed, from the stored scores (answers are not re-scored): the results
row records the model version used and the ranked-list columns of ``candidates`` follow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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


def _scored(db: Database, role_id: int) -> list[dict]:
    return list(
        db.query(
            "SELECT r.candidate_id, r.scores, r.input_hash FROM results r "
            "JOIN candidates c ON c.id = r.candidate_id "
            "WHERE c.role_id = ? AND r.scores IS NOT NULL ORDER BY r.candidate_id",
            [role_id],
        )
    )


def rescore_role(
    db: Database, instance_path: str | Path, role_id: int, *, actor: str = "cli"
) -> RescoreResult:
    """Recompute every stored fit of a role with its active model version; return the count.

    Fits are computed before the write lock is taken; a candidate erased in between is
    skipped, and a model change in between refuses the whole re-score.
    """
    role = get_role(db, role_id)
    questionnaire = role_questionnaire(role)
    model = load_active_model(db, instance_path, role)
    work = []
    for row in _scored(db, role_id):
        scores = CandidateScores.from_dict(json.loads(row["scores"]))
        fit = model.fit(scores) if model else profile_fit(db, role, questionnaire, scores)
        work.append((row, scores, fit))
    version_id = model.version_id if model else None
    done = 0
    with write_transaction(db):
        if get_role(db, role_id)["model_version_id"] != role["model_version_id"]:
            raise HiringError("The role's model changed while re-scoring; run the re-score again.")
        now = audit.now_iso()
        for row, scores, fit in work:
            cid = row["candidate_id"]
            if not db["results"].count_where(
                "candidate_id = ? AND input_hash = ?", [cid, row["input_hash"]]
            ):
                continue
            fit_json = json.dumps(fit.to_dict(), sort_keys=True) if fit is not None else None
            db["results"].update(
                cid, {"fit": fit_json, "model_version_id": version_id, "scored_at": now}
            )
            db["candidates"].update(cid, list_columns(fit, scores))
            audit.record(
                db, actor, "candidate.rescored", "candidate", cid, model_version=version_id
            )
            done += 1
        audit.record(
            db, actor, "role.rescore", "role", role_id, candidates=done, model_version=version_id
        )
    return RescoreResult(role_id, done, version_id, model.label if model else "")
