"""Gather a role's Validity page: a model version's out-of-fold evidence, drift and profiles."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlite_utils import Database

from hiring.accounts import audit
from hiring.assessment.profiles import (
    FeatureTarget,
    HiringProfile,
    footing_weights,
    importance_level,
    importance_levels,
)
from hiring.modeling.calibration import default_profile, incumbent_matrix, latest_import
from hiring.modeling.drift import FeatureDrift, pool_drift
from hiring.modeling.model import WARN_BELOW
from hiring.modeling.utility import money_utility
from hiring.modeling.versions import (
    CalibrationError,
    ModelVersion,
    derived_profile,
    list_versions,
    scored_with,
)
from hiring.roles.profiles import feature_names
from hiring.roles.services import get_role, role_questionnaire
from hiring.store.db import write_transaction


@dataclass(frozen=True)
class ProfileRow:
    """One feature's target in the shipped profile and in the one derived from incumbents."""

    feature_id: str
    name: str
    default: FeatureTarget | None
    derived: FeatureTarget | None


@dataclass
class ValidityView:
    """Everything the Validity page shows about one role."""

    role: dict
    versions: list[ModelVersion]
    version: ModelVersion | None
    names: dict[str, str]
    incumbents: int = 0
    synthetic_incumbents: int = 0
    last_import: dict | None = None
    applicants: int = 0
    drift: list[FeatureDrift] = field(default_factory=list)
    default_profile: HiringProfile | None = None
    derived_profile: HiringProfile | None = None
    scored_with: int = 0
    warn_below: int = WARN_BELOW

    @property
    def active(self) -> ModelVersion | None:
        """The version the role uses now."""
        return next((v for v in self.versions if v.id == self.role["model_version_id"]), None)

    @property
    def profile_rows(self) -> list[ProfileRow]:
        """The shipped and the derived targets side by side, in questionnaire order."""
        rows = []
        for fid, name in self.names.items():
            default = _target(self.default_profile, fid)
            derived = _target(self.derived_profile, fid)
            if default is not None or derived is not None:  # not the model's scenario groups
                rows.append(ProfileRow(fid, name, default, derived))
        return rows

    @property
    def weight_levels(self) -> dict[str, dict[str, str]]:
        """Each profile's weights in words: ``{"default": {...}, "derived": {...}}``."""
        return {
            name: importance_levels(profile) if profile else {}
            for name, profile in (
                ("default", self.default_profile),
                ("derived", self.derived_profile),
            )
        }

    @property
    def importance_levels(self) -> dict[str, str]:
        """The chosen version's importances in words, on the profiles' footing."""
        if self.version is None:
            return {}
        rows = self.version.report.importance
        weights = footing_weights({r["feature"]: (r["mean"], r["sd"]) for r in rows}, len(rows))
        return {r["feature"]: importance_level(weights.get(r["feature"], 0.0), 1.0) for r in rows}

    @property
    def drift_warnings(self) -> list[str]:
        """The large shifts of the applicant pool, one sentence each."""
        return [d.warning for d in self.drift if d.warning]


def _target(profile: HiringProfile | None, feature_id: str) -> FeatureTarget | None:
    if profile is None or feature_id not in profile.feature_ids:
        return None
    return profile.target(feature_id)


def _pick(role: dict, versions: list[ModelVersion], version_id: int | None) -> ModelVersion | None:
    """The chosen version (it must be this role's), else the active one, else the newest."""
    if version_id is not None:
        chosen = next((v for v in versions if v.id == version_id), None)
        if chosen is None:
            raise CalibrationError(f"Role {role['slug']} has no model version {version_id}.")
        return chosen
    active = next((v for v in versions if v.id == role["model_version_id"]), None)
    return active or (versions[0] if versions else None)


def applicant_matrix(db: Database, role_id: int, feature_ids: tuple[str, ...]) -> np.ndarray:
    """Return the stored scores of the role's assessed candidates (n x k, NaN when missing)."""
    rows = db.query(
        "SELECT r.scores FROM results r JOIN candidates c ON c.id = r.candidate_id "
        "WHERE c.role_id = ? AND r.scores IS NOT NULL",
        [role_id],
    )
    values = []
    for row in rows:
        scores = json.loads(row["scores"])
        flat = {**scores.get("scales", {}), **scores.get("competencies", {})}
        values.append([np.nan if flat.get(f) is None else flat[f] for f in feature_ids])
    return np.array(values, dtype=float).reshape(len(values), len(feature_ids))


def validity_view(db: Database, role_id: int, version_id: int | None = None) -> ValidityView:
    """Gather the page for a role and one of its versions (default: the active one)."""
    role = get_role(db, role_id)
    feature_ids = tuple(role_questionnaire(role).feature_ids)
    versions = list_versions(db, role_id)
    version = _pick(role, versions, version_id)
    view = ValidityView(role, versions, version, feature_names(role))
    ids, incumbents, _y, view.synthetic_incumbents = incumbent_matrix(db, role_id, feature_ids)
    view.incumbents, view.last_import = len(ids), latest_import(db, role_id)
    applicants = applicant_matrix(db, role_id, feature_ids)
    view.applicants = applicants.shape[0]
    if view.incumbents >= 2 and view.applicants >= 2:
        view.drift = pool_drift(incumbents, applicants, feature_ids)
    view.default_profile = default_profile(role)
    if version is not None:
        view.derived_profile = derived_profile(db, version)
        view.scored_with = scored_with(db, version.id)
    return view


@dataclass(frozen=True)
class DriftCheck:
    """The outcome of one scheduled applicant-drift check of a role."""

    role_id: int
    ran_at: str
    warnings: tuple[str, ...]

    @property
    def drifted(self) -> bool:
        return bool(self.warnings)


def check_drift(db: Database, role_id: int, *, actor: str = "scheduler") -> DriftCheck | None:
    """Compare a role's applicants with its incumbents and keep the outcome (and audit drift).

    Returns None when there is nothing to compare: no active model, or fewer than two
    incumbents or applicants.
    """
    role = get_role(db, role_id)
    if not role.get("model_version_id"):
        return None
    feature_ids = tuple(role_questionnaire(role).feature_ids)
    _ids, incumbents, _y, _synthetic = incumbent_matrix(db, role_id, feature_ids)
    applicants = applicant_matrix(db, role_id, feature_ids)
    if incumbents.shape[0] < 2 or applicants.shape[0] < 2:
        return None
    warnings = tuple(
        d.warning for d in pool_drift(incumbents, applicants, feature_ids) if d.warning
    )
    check = DriftCheck(role_id, audit.now_iso(), warnings)
    with write_transaction(db):
        db["scheduled_checks"].insert(
            {
                "kind": "drift",
                "role_id": role_id,
                "ran_at": check.ran_at,
                "outcome": "drift" if check.drifted else "ok",
                "body": json.dumps(list(warnings)),
            }
        )
        if check.drifted:
            audit.record(db, actor, "model.drift_alert", "role", role_id, warnings=len(warnings))
    return check


def latest_drift_check(db: Database, role_id: int) -> DriftCheck | None:
    """Return the newest scheduled drift check of the role, if one ever ran."""
    rows = list(
        db["scheduled_checks"].rows_where(
            "kind = 'drift' AND role_id = ?", [role_id], order_by="id DESC", limit=1
        )
    )
    if not rows:
        return None
    return DriftCheck(role_id, rows[0]["ran_at"], tuple(json.loads(rows[0]["body"])))


def utility_summary(
    db: Database,
    role_id: int,
    *,
    salary: float,
    sdy: float | None = None,
    cost_per_applicant: float = 0.0,
    hires_per_year: int,
    tenure_years: float,
    selection_ratio: float,
) -> dict[str, Any] | None:
    """The ``utility`` part of the validation summary, from the role's active model's validity.

    None when the role has no active model or its validity is unknown. ``validity`` in the
    result is the biserial one used (see :func:`hiring.modeling.utility.money_utility`), and
    ``sdy_rule`` says whether SDy was given or came from the 40% rule.
    """
    version = _pick(get_role(db, role_id), list_versions(db, role_id), None)
    if version is None or version.report.validity is None or version.status != "active":
        return None
    report = version.report
    if not (0 < report.base_rate < 1) or not np.isfinite(report.validity):
        return None
    result = money_utility(
        report.validity, report.base_rate, salary=salary, sdy=sdy,
        cost_per_applicant=cost_per_applicant, hires_per_year=hires_per_year,
        tenure_years=tenure_years, selection_ratio=selection_ratio,
    )  # fmt: skip
    rule = "given" if sdy is not None else "40% of the annual salary (Schmidt & Hunter)"
    return {**result.to_dict(), "model_version": version.label, "sdy_rule": rule}
