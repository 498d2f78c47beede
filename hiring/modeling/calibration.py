"""Use cases of calibration: import incumbents, calibrate a role, activate or suspend a version.

A role's incumbents are replaced as a whole by each import. Calibrating stores a model file
(skops, SHA-256 in the row), a ``model_versions`` row with its metadata and out-of-fold
report, and a profile version derived from the high performers, kept next to the shipped
YAML profile. Activating points the role at both; suspending stops the version for good.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from sqlite_utils import Database

from hiring.accounts import audit
from hiring.assessment.profiles import HiringProfile, derive_profile
from hiring.modeling.hire_outcomes import hire_matrix
from hiring.modeling.incumbents import Criterion, IncumbentData, parse_incumbents
from hiring.modeling.live_model import active_model as active_model
from hiring.modeling.model import ValidationReport, calibrate
from hiring.modeling.model_files import data_hash, model_metadata, save_model
from hiring.modeling.rescoring import RescoreResult as RescoreResult
from hiring.modeling.rescoring import rescore_role as rescore_role
from hiring.modeling.versions import CalibrationError as CalibrationError
from hiring.modeling.versions import ModelVersion as ModelVersion
from hiring.modeling.versions import WeakEvidenceError as WeakEvidenceError
from hiring.modeling.versions import activate_version as activate_version
from hiring.modeling.versions import derived_profile as derived_profile
from hiring.modeling.versions import get_version as get_version
from hiring.modeling.versions import list_versions as list_versions
from hiring.modeling.versions import scored_with as scored_with
from hiring.modeling.versions import suspend_version as suspend_version
from hiring.modeling.versions import weak_versions_in_use as weak_versions_in_use
from hiring.roles.profiles import shipped_profiles
from hiring.roles.services import get_role, role_questionnaire
from hiring.store.db import write_transaction
from hiring.store.files import locked_temporary, publish
from hiring.store.paths import models_dir
from hiring.store.plurals import plural


@dataclass(frozen=True)
class ImportResult:
    """What an incumbent import stored, and what it noticed on the way."""

    role_id: int
    import_id: int
    n: int
    n_positive: int
    replaced: int
    source: str
    criterion: str
    notices: tuple[str, ...]
    synthetic: bool


def _finite(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _incumbent_rows(
    role_id: int, import_id: int, data: IncumbentData, items: tuple[str, ...], synthetic: bool
) -> list[dict]:
    """One ``incumbents`` row per person: features (null when missing), answers, outcome."""
    now, rows = audit.now_iso(), []
    for i, person in enumerate(data.ids):
        answers = None
        if data.responses is not None:
            given = zip(items, data.responses[i], strict=True)
            answers = json.dumps({k: int(v) for k, v in given if np.isfinite(v)})
        features = dict(zip(data.feature_ids, map(_finite, data.features[i]), strict=True))
        rows.append(
            {
                "role_id": role_id, "employee_id": person, "batch": str(import_id),
                "features": json.dumps(features), "answers": answers,
                "outcome": int(data.outcome[i]), "kpi": None, "imported_at": now,
                "synthetic": int(synthetic),
            }
        )  # fmt: skip
    return rows


def import_incumbents(
    db: Database,
    role_id: int,
    text: str,
    criterion: Criterion,
    *,
    filename: str = "incumbents.csv",
    actor: str = "cli",
    synthetic: bool = False,
    study_id: int | None = None,
) -> ImportResult:
    """Check an incumbent CSV and replace the role's incumbents with it.

    Raises :class:`hiring.modeling.incumbents.IncumbentFileError` listing every problem; the stored
    incumbents are then left as they were. ``study_id`` marks a set built from an incumbent
    study's collected answers and KPIs (``hiring.team.calibration_set``).
    """
    role = get_role(db, role_id)
    questionnaire = role_questionnaire(role)
    data = parse_incumbents(text, questionnaire, criterion, filename)
    with write_transaction(db):
        replaced = db["incumbents"].count_where("role_id = ?", [role_id])
        import_id = (
            db["incumbent_imports"]
            .insert(
                {
                    "role_id": role_id,
                    "file_name": filename,
                    "source": data.source,
                    "criterion": json.dumps({**asdict(criterion), "text": criterion.describe()}),
                    "n": len(data.ids),
                    "n_positive": data.n_positive,
                    "notices": json.dumps(list(data.notices)),
                    "synthetic": int(synthetic),
                    "imported_at": audit.now_iso(),
                    "imported_by": actor,
                    "study_id": study_id,
                }
            )
            .last_pk
        )
        db.execute("DELETE FROM incumbents WHERE role_id = ?", [role_id])
        db["incumbents"].insert_all(
            _incumbent_rows(role_id, import_id, data, tuple(questionnaire.item_ids), synthetic)
        )
        audit.record(
            db, actor, "incumbents.import", "role", role_id, file=filename, rows=len(data.ids),
            high_performers=data.n_positive, criterion=criterion.describe(), replaced=replaced,
            synthetic=synthetic,
        )  # fmt: skip
    return ImportResult(
        role_id, import_id, len(data.ids), data.n_positive, replaced, data.source,
        criterion.describe(), data.notices, synthetic,
    )  # fmt: skip


def latest_import(db: Database, role_id: int) -> dict | None:
    """Return the role's latest incumbent import (criterion and notices decoded), or None."""
    rows = list(
        db["incumbent_imports"].rows_where("role_id = ?", [role_id], order_by="id desc", limit=1)
    )
    if not rows:
        return None
    row = rows[0]
    return {**row, "criterion": json.loads(row["criterion"]), "notices": json.loads(row["notices"])}


def incumbent_matrix(
    db: Database, role_id: int, feature_ids: tuple[str, ...]
) -> tuple[list[str], np.ndarray, np.ndarray, int]:
    """Return the role's incumbents as (ids, features n x k with NaN, outcome 0/1, synthetic)."""
    rows = list(db["incumbents"].rows_where("role_id = ?", [role_id], order_by="id"))
    x = np.full((len(rows), len(feature_ids)), np.nan)
    for i, row in enumerate(rows):
        values = json.loads(row["features"])
        x[i] = [np.nan if values.get(f) is None else values[f] for f in feature_ids]
    y = np.array([row["outcome"] for row in rows], dtype=int)
    return [r["employee_id"] for r in rows], x, y, sum(r["synthetic"] for r in rows)


def default_profile(role: dict) -> HiringProfile | None:
    """Return the newest shipped (YAML) version of the role's hiring profile, if installed."""
    versions = [p for (pid, _), p in shipped_profiles().items() if pid == role["profile_id"]]
    return max(versions, key=lambda p: p.version) if versions else None


def calibrate_role(
    db: Database,
    instance_path: str | Path,
    role_id: int,
    *,
    method: str = "logistic",
    actor: str = "cli",
    repeats: int | None = None,
    random_state: int = 0,
    hires: Criterion | None = None,
) -> ModelVersion:
    """Fit and validate a model on the role's incumbents and store it as a new version.

    With ``hires``, the role's hires whose outcome ``hires.column`` is measured join the
    incumbents, counted a success by that criterion (``hire_outcomes.hire_matrix``).

    Raises :class:`hiring.modeling.model.InsufficientDataError` (a :class:`HiringError`) for samples
    too small to fit honestly. The new version is not active until :func:`activate_version`.
    """
    role = get_role(db, role_id)
    questionnaire, base = role_questionnaire(role), default_profile(role)
    if base is None:
        raise CalibrationError(f"The hiring profile {role['profile_id']!r} is not installed.")
    feature_ids = tuple(questionnaire.feature_ids)
    ids, x, y, synthetic = incumbent_matrix(db, role_id, feature_ids)
    if not ids:
        raise CalibrationError(
            f"Role {role['slug']} has no incumbents yet; import them first "
            "(hiring incumbents import FILE.csv --role ...)."
        )
    added = 0
    if hires is not None:
        hire_ids, hire_x, hire_y = hire_matrix(db, role_id, feature_ids, hires)
        if not hire_ids:
            raise CalibrationError(
                f"No hire of role {role['slug']} has {hires.column} measured; import outcomes first."
            )
        ids, x, y, added = (
            ids + hire_ids,
            np.vstack([x, hire_x]),
            np.concatenate([y, hire_y]),
            len(hire_ids),
        )
    result = calibrate(
        x, y, feature_ids, method=method, repeats=repeats, random_state=random_state,
        composites=questionnaire.shared_scenario_groups,
    )  # fmt: skip
    importance = result.report.input_importance()
    derived = derive_profile(
        base, x, y, feature_ids,
        importance=importance if result.report.evidence_sufficient else None,
    )  # fmt: skip
    name = f"role-{role_id}-{secrets.token_hex(8)}.skops"
    path = models_dir(instance_path) / name
    # The file keeps a locked temporary name until its row is committed: a kill before the
    # commit leaves only a temporary file the sweep removes, a kill after it one the sweep
    # renames (hiring.modeling.model_storage); the final name always has its row.
    with locked_temporary(path) as (_handle, temporary):
        sha = save_model(result.estimator, temporary)
        metadata = model_metadata(
            result, questionnaire=questionnaire, data_sha256=data_hash(x, y, ids), model_sha256=sha
        )
        metadata.update(_provenance(db, role_id, synthetic))
        if hires is not None:
            metadata["hires"] = {"n": added, "criterion": hires.describe()}
        metadata["calibration"] = {k: v for k, v in result.to_dict().items() if k != "report"}
        with write_transaction(db):
            version_id = _store_version(db, role, _version_row(name, metadata, result), actor)
            _store_profile(db, derived, version_id)
        publish(temporary, path)
    return get_version(db, version_id)


def _provenance(db: Database, role_id: int, synthetic: int) -> dict[str, Any]:
    """Where the training data came from: the import, its success criterion, synthetic rows."""
    source = latest_import(db, role_id)
    return {
        "criterion": source["criterion"]["text"] if source else "",
        "import_id": source["id"] if source else None,
        "incumbent_file": source["file_name"] if source else "",
        "synthetic_incumbents": synthetic,
    }


def _version_row(file_name: str, metadata: dict[str, Any], result: Any) -> dict[str, Any]:
    """The ``model_versions`` columns of a new calibration (label and role added on insert)."""
    questionnaire = metadata["questionnaire"]
    return {
        "status": "new",
        "created_at": metadata["created_at"],
        "file_name": file_name,
        "sha256": metadata["model_sha256"],
        "sklearn_version": metadata["libraries"]["scikit-learn"],
        "questionnaire_id": questionnaire["id"],
        "questionnaire_version": questionnaire["version"],
        "questionnaire_hash": questionnaire["content_hash"],
        "data_hash": metadata["data_sha256"],
        "metadata": json.dumps(metadata),
        "report": json.dumps(result.report.to_dict()),
    }


def _store_version(db: Database, role: dict, row: dict[str, Any], actor: str) -> int:
    """Insert a version numbered within its role; audit it; return its id."""
    report = ValidationReport.from_dict(json.loads(row["report"]))
    seq = db["model_versions"].count_where("role_id = ?", [role["id"]]) + 1
    label = f"v{seq} · {report.method} · {plural(report.n, 'incumbent')}"
    metadata = json.loads(row["metadata"])
    if metadata.get("hires"):  # the count above includes them
        label = f"v{seq} · {report.method} · {plural(report.n, 'person')}, {plural(metadata['hires']['n'], 'hire')} among them"
    if metadata["synthetic_incumbents"]:
        label += " (synthetic)"
    row = {**row, "role_id": role["id"], "label": label, "created_by": actor}
    version_id = db["model_versions"].insert(row).last_pk
    audit.record(
        db, actor, "model.calibrate", "model_version", version_id, role_id=role["id"],
        label=label, n=report.n, auc=round(report.auc, 4), brier_skill=round(report.brier_skill, 4),
        evidence_sufficient=report.evidence_sufficient, sha256=row["sha256"],
    )  # fmt: skip
    return version_id


def _store_profile(db: Database, derived: HiringProfile, version_id: int) -> None:
    profile = replace(derived, version=f"{derived.version}-model-{version_id}")
    db["profile_versions"].insert(
        {
            "profile_id": profile.id,
            "version": profile.version,
            "source": profile.source,
            "model_version_id": version_id,
            "body": json.dumps(profile.to_dict()),
            "created_at": audit.now_iso(),
        }
    )
