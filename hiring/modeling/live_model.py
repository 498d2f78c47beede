"""The model version a role scores with: loaded safely once, then used to explain each fit.

A model is used only while its ``model_versions`` row is ``active``, the role points at it,
it was calibrated on the role's questionnaire and its file still has the recorded SHA-256.
Loaded models are cached per (file, hash), so 50 submissions at once do not reload a file.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from hiring.assessment.profiles import FitResult, HiringProfile, candidate_fit
from hiring.errors import HiringError
from hiring.modeling.model import Calibration
from hiring.modeling.model_files import ModelFileError, load_model
from hiring.roles.profiles import role_profile
from hiring.roles.services import get_role, role_questionnaire
from hiring.store.paths import models_dir

CACHE_SIZE = 16
log = logging.getLogger(__name__)
_cache: dict[tuple[str, str], Calibration] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class ActiveModel:
    """A role's usable model version with the profile it explains fits against."""

    version_id: int
    label: str
    calibration: Calibration
    profile: HiringProfile
    norms: dict[str, Any]
    decimals: dict[str, int]

    def fit(self, scores: Any) -> FitResult:
        """Explain the fit of scored answers (a :class:`hiring.assessment.scoring.CandidateScores`)."""
        values = {**scores.scales, **scores.competencies}
        return candidate_fit(
            self.profile, values, self.calibration, norms=self.norms, decimals=self.decimals
        )


def load_calibration(instance_path: str | Path, row: dict) -> Calibration:
    """Return the calibration of a ``model_versions`` row, loading its file once."""
    name = row["file_name"] or ""
    if not name or Path(name).name != name:
        raise ModelFileError(f"Model version {row['id']} has no usable file name.")
    path = models_dir(instance_path).resolve() / name
    key = (str(path), row["sha256"])
    with _cache_lock:  # one thread loads; the others wait and reuse it
        if key not in _cache:
            estimator = load_model(path, row["sha256"])
            state = json.loads(row["metadata"])["calibration"]
            report = json.loads(row["report"])
            if len(_cache) >= CACHE_SIZE:
                _cache.pop(next(iter(_cache)))
            _cache[key] = Calibration.from_dict({**state, "report": report}, estimator)
        return _cache[key]


def load_active_model(db: Database, instance_path: str | Path, role: dict) -> ActiveModel | None:
    """Return the role's active model; None when it has none; raise when it cannot be used."""
    if not role.get("model_version_id"):
        return None
    rows = list(
        db["model_versions"].rows_where(
            "id = ? AND role_id = ? AND status = 'active'", [role["model_version_id"], role["id"]]
        )
    )
    if not rows:
        return None
    row, questionnaire = rows[0], role_questionnaire(role)
    if row["questionnaire_hash"] != questionnaire.content_hash:
        raise HiringError(
            f"Model {row['label']} was calibrated on another questionnaire than the role uses."
        )
    profile = role_profile(db, role)
    if profile is None:
        raise HiringError(f"The role's hiring profile {role['profile_id']!r} is not installed.")
    calibration = load_calibration(instance_path, row)
    return ActiveModel(
        row["id"], row["label"], calibration, profile, questionnaire.norms,
        questionnaire.score_decimals,
    )  # fmt: skip


def active_model(db: Database, instance_path: str | Path, role_id: int) -> ActiveModel | None:
    """Return the model a role's candidates are scored with, or None when none is usable.

    A model that cannot be used (file changed or missing, other questionnaire) is logged and
    skipped, so a candidate's submission still gets the profile-based fit.
    """
    role = get_role(db, role_id)
    try:
        return load_active_model(db, instance_path, role)
    except HiringError as error:
        log.warning("role %s: model not used: %s", role["slug"], error.message)
        return None
