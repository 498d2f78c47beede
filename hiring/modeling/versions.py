"""Model versions of a role: list them, activate one, suspend one for good.

A version is ``new`` when calibrated, ``active`` while its role uses it, ``retired`` when
another version replaced it and ``suspended`` when an admin stopped it (who, when, why);
a suspended version is never used again. A version whose evidence is weak
(:func:`hiring.modeling.model.weak_evidence`) is activated only with a stated reason, kept
on its row and in the audit log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.assessment.profiles import HiringProfile
from hiring.errors import HiringError
from hiring.modeling.live_model import load_calibration
from hiring.modeling.model import ValidationReport, weak_evidence
from hiring.roles.services import get_role, role_questionnaire
from hiring.store.db import write_transaction
from hiring.webhooks.events import announce

MAX_REASON = 500
STATUSES = ("new", "active", "retired", "suspended")
STATE_COLUMNS = (
    "activated_at", "suspended_at", "suspended_by", "suspend_reason", "override_reason",
    "override_by",
)  # fmt: skip


class CalibrationError(HiringError):
    """A calibration request that cannot be done as asked."""


class WeakEvidenceError(CalibrationError):
    """Activating a version whose evidence is weak needs a stated reason (an override)."""


@dataclass(frozen=True)
class ModelVersion:
    """One calibrated model version of a role, with its out-of-fold report."""

    id: int
    role_id: int
    label: str
    status: str
    created_at: str
    created_by: str
    report: ValidationReport
    metadata: dict[str, Any]
    profile_version_id: int | None
    activated_at: str | None = None
    suspended_at: str | None = None
    suspended_by: str | None = None
    suspend_reason: str | None = None
    override_reason: str | None = None  # why it was activated despite weak evidence
    override_by: str | None = None

    @property
    def weak_evidence(self) -> list[str]:
        """Why this version's evidence is weak, in words; empty when it is not."""
        return weak_evidence(self.report.to_dict())

    @classmethod
    def from_row(cls, row: dict, profile_version_id: int | None) -> ModelVersion:
        """Build from a ``model_versions`` row."""
        columns = ("id", "role_id", "label", "status", "created_at", *STATE_COLUMNS)
        return cls(
            **{k: row.get(k) for k in columns},
            created_by=row["created_by"] or "",
            report=ValidationReport.from_dict(json.loads(row["report"])),
            metadata=json.loads(row["metadata"]),
            profile_version_id=profile_version_id,
        )


def _profile_version_id(db: Database, version_id: int) -> int | None:
    rows = db.query(
        "SELECT id FROM profile_versions WHERE model_version_id = ? ORDER BY id DESC LIMIT 1",
        [version_id],
    )
    return next((row["id"] for row in rows), None)


def get_version(db: Database, version_id: int) -> ModelVersion:
    """Return one model version, or raise :class:`CalibrationError`."""
    rows = list(db["model_versions"].rows_where("id = ?", [version_id]))
    if not rows:
        raise CalibrationError(f"No model version {version_id}; see `hiring models list`.")
    return ModelVersion.from_row(rows[0], _profile_version_id(db, version_id))


def list_versions(db: Database, role_id: int) -> list[ModelVersion]:
    """Return a role's model versions, newest first."""
    rows = db.query("SELECT * FROM model_versions WHERE role_id = ? ORDER BY id DESC", [role_id])
    return [ModelVersion.from_row(row, _profile_version_id(db, row["id"])) for row in rows]


def weak_versions_in_use(db: Database, role_id: int) -> list[ModelVersion]:
    """Return the role's versions with weak evidence that are active or scored a result."""
    weak = [v for v in list_versions(db, role_id) if v.weak_evidence]
    return [
        v
        for v in weak
        if v.status == "active"
        or next(db.query("SELECT 1 FROM results WHERE model_version_id = ? LIMIT 1", [v.id]), None)
    ]


def derived_profile(db: Database, version: ModelVersion) -> HiringProfile | None:
    """Return the profile derived from the incumbents when ``version`` was calibrated."""
    if version.profile_version_id is None:
        return None
    row = db["profile_versions"].get(version.profile_version_id)
    return HiringProfile.from_dict(json.loads(row["body"]))


def scored_with(db: Database, version_id: int) -> int:
    """Count the stored results computed with a model version."""
    return db["results"].count_where("model_version_id = ?", [version_id])


def _override(version: ModelVersion, reason: str | None) -> str | None:
    """Return the override reason a weak version needs, or None for one that needs none."""
    weak = version.weak_evidence
    if not weak:
        return None
    reason = " ".join((reason or "").split())
    if not reason:
        raise WeakEvidenceError(
            f"Model {version.label} rests on weak evidence: {'; and '.join(weak)}. "
            "To activate it anyway, say why (an override, kept in the audit log)."
        )
    if len(reason) > MAX_REASON:
        raise WeakEvidenceError(f"The reason is at most {MAX_REASON} characters.")
    return reason


def activate_version(
    db: Database,
    instance_path: str | Path,
    version_id: int,
    *,
    actor: str = "cli",
    override_reason: str | None = None,
) -> ModelVersion:
    """Make a version the role's only active one, with its derived profile.

    The model file is loaded first, so a missing or altered file is refused here rather
    than silently skipped when candidates submit. A version with weak evidence needs
    ``override_reason`` (else :class:`WeakEvidenceError`); the reason is kept and audited.
    """
    version = get_version(db, version_id)
    _refuse_unusable(db, version)
    override = _override(version, override_reason)
    load_calibration(instance_path, db["model_versions"].get(version_id))
    with write_transaction(db):
        version = get_version(db, version_id)
        _refuse_unusable(db, version)
        replaced = [
            row["id"]
            for row in db["model_versions"].rows_where(
                "role_id = ? AND status = 'active' AND id != ?", [version.role_id, version_id]
            )
        ]
        for old in replaced:
            db["model_versions"].update(old, {"status": "retired"})
        db["model_versions"].update(
            version_id,
            {"status": "active", "activated_at": audit.now_iso(), "override_reason": override,
             "override_by": actor if override else None},
        )  # fmt: skip
        db["job_roles"].update(
            version.role_id,
            {"model_version_id": version_id, "profile_version_id": version.profile_version_id},
        )
        audit.record(
            db, actor, "model.activate", "model_version", version_id, role_id=version.role_id,
            label=version.label, replaced=replaced, override=override is not None,
            override_reason=override, weak_evidence=version.weak_evidence,
        )  # fmt: skip
        role = db["job_roles"].get(version.role_id)
        announce(db, "model.activated", {
            "role": role["slug"], "model_version_id": version_id, "label": version.label,
            "weak_evidence": bool(version.weak_evidence),
        })  # fmt: skip
    return get_version(db, version_id)


def _refuse_unusable(db: Database, version: ModelVersion) -> None:
    if version.status == "suspended":
        raise CalibrationError(
            f"Model {version.label} is suspended ({version.suspend_reason}) and stays so; "
            "calibrate a new version instead."
        )
    role = get_role(db, version.role_id)
    if version.metadata["questionnaire"]["content_hash"] != role_questionnaire(role).content_hash:
        raise CalibrationError(f"Model {version.label} was fitted on another questionnaire.")


def suspend_version(
    db: Database, version_id: int, reason: str, *, actor: str = "cli"
) -> ModelVersion:
    """Stop a version for good: no candidate is scored with it from now on.

    When the role was using it, the role goes back to its shipped profile until another
    version is activated. Stored results keep naming the version; re-score to replace them.
    """
    reason = " ".join((reason or "").split())
    if not reason:
        raise CalibrationError("Say why the model version is suspended.")
    if len(reason) > MAX_REASON:
        raise CalibrationError(f"The reason is at most {MAX_REASON} characters.")
    with write_transaction(db):
        version = get_version(db, version_id)
        if version.status == "suspended":
            raise CalibrationError(f"Model {version.label} is already suspended.")
        db["model_versions"].update(
            version_id,
            {"status": "suspended", "suspended_at": audit.now_iso(), "suspended_by": actor,
             "suspend_reason": reason},
        )  # fmt: skip
        role = get_role(db, version.role_id)
        if role["model_version_id"] == version_id:
            db["job_roles"].update(
                role["id"], {"model_version_id": None, "profile_version_id": None}
            )
        audit.record(
            db, actor, "model.suspend", "model_version", version_id, role_id=role["id"],
            label=version.label, reason=reason, was=version.status,
            scored=scored_with(db, version_id),
        )  # fmt: skip
    return get_version(db, version_id)
