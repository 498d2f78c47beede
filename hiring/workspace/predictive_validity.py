"""Does the fit predict how hires do? Gather a role's predictive validity, calibration and retention.

The statistics are :mod:`hiring.modeling.predictive`'s; this module reads the role's
applicants, hires and their outcomes, compares with the concurrent (incumbent) estimate of
the active model version, says each result in plain words, and builds the numbers of
``hiring validation summary``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
from sqlite_utils import Database

from hiring.modeling.hire_outcomes import LABELS, LOWER_IS_BETTER, OUTCOMES, YES_NO, latest_outcomes
from hiring.modeling.predictive import (
    SMALL_SAMPLE,
    PredictiveEstimate,
    Recalibration,
    predictive_validity,
    recalibration,
    wilson_interval,
)
from hiring.modeling.versions import ModelVersion, list_versions
from hiring.roles.services import get_role
from hiring.store.plurals import plural

BAND_ORDER = ("strong", "good", "moderate", "low", "knock-out", "not calibrated")
ASSUMPTIONS = (
    "The correction assumes hires were chosen top-down on the fit itself (direct range "
    "restriction), that fit and outcome are related in a straight line with even scatter, and "
    "that the role's assessed applicants are the pool the model will be used on; a reliability "
    "you give is assumed to hold among hires. Interval ends are corrected like the estimate."
)


@dataclass(frozen=True)
class OutcomeValidity:
    """One outcome's validity among hires, with its plain reading."""

    outcome: str
    label: str
    hires_measured: int
    estimate: PredictiveEstimate | None
    reading: str

    def to_dict(self) -> dict:
        """The numbers of ``hiring validation summary``'s ``predictive`` object."""
        if self.estimate is None:
            return {"n": self.hires_measured, "observed_r": None, "reading": self.reading}
        e = self.estimate
        out = {
            "n": e.n,
            "observed_r": e.observed_r,
            "observed_r_ci": list(e.observed_r_ci),
            "corrected_r": e.corrected_r,
            "corrected_r_ci": list(e.corrected_r_ci),
            "range_restriction_u": e.u,
            "criterion_reliability": e.ryy,
            "lower_is_better": self.outcome in LOWER_IS_BETTER,
            "small_sample": e.small_sample,
            "reading": self.reading,
        }
        if self.outcome in YES_NO:
            out.update(auc=e.auc, auc_ci=list(e.auc_ci) if e.auc_ci else None)
        return out


@dataclass(frozen=True)
class BandRetention:
    """The share of one fit band's hires still employed at a point in time."""

    band: str
    n: int
    retained: int
    ci: tuple[float, float]

    @property
    def share(self) -> float:
        return self.retained / self.n if self.n else float("nan")


@dataclass
class PredictiveView:
    """Everything the predictive-validity page and the summary show about one role."""

    role: dict
    applicants: int
    applicant_sd: float
    hires: int
    hires_with_outcomes: int
    outcomes: list[OutcomeValidity]
    concurrent: dict | None
    calibration: dict[str, Recalibration | None] = field(default_factory=dict)
    retention: dict[str, list[BandRetention]] = field(default_factory=dict)
    ryy: dict[str, float] = field(default_factory=dict)
    assumptions: str = ASSUMPTIONS
    small_sample: int = SMALL_SAMPLE


def hire_fits(db: Database, role_id: int) -> tuple[np.ndarray, dict[int, dict]]:
    """The fit of every assessed applicant of the role, and the hires' rows by id."""
    rows = list(
        db.query(
            "SELECT id, status, fit, band FROM candidates WHERE role_id = ? AND fit IS NOT NULL",
            [role_id],
        )
    )
    hires = {r["id"]: r for r in rows if r["status"] == "hired"}
    return np.array([r["fit"] for r in rows], dtype=float), hires


def _reading(label: str, outcome: str, e: PredictiveEstimate | None, measured: int) -> str:
    if e is None:
        return (
            f"Not estimated: {plural(measured, 'hire')} have a fit and a measured {label}; at least 4 "
            "with differing values are needed."
        )
    better = e.observed_r >= 0
    if outcome in YES_NO:
        relation = f"hires with a higher fit were {'more' if better else 'less'} often {label}"
    elif outcome in LOWER_IS_BETTER:
        relation = f"a higher fit went with {'shorter' if better else 'longer'} {label}"
    else:
        relation = f"a higher fit went with {'higher' if better else 'lower'} {label}"
    text = (
        f"Among {plural(e.n, 'hire')}, {relation}: r = {e.observed_r:.2f} "
        f"(95% CI {e.observed_r_ci[0]:.2f} to {e.observed_r_ci[1]:.2f}). Applicants' fit "
        f"varies {e.u:.1f} times as much as hires', so among all applicants the estimate is "
        f"{e.corrected_r:.2f} ({e.corrected_r_ci[0]:.2f} to {e.corrected_r_ci[1]:.2f})."
    )
    if e.corrected_r_ci[0] <= 0 <= e.corrected_r_ci[1]:
        text += " The interval includes zero: these hires do not show that the fit predicts it."
    if e.small_sample:
        text += f" Only {plural(e.n, 'hire')}: read it as provisional."
    return text


def _concurrent(versions: list[ModelVersion], role: dict) -> dict | None:
    active = next((v for v in versions if v.id == role["model_version_id"]), None)
    if active is None:
        return None
    r = active.report
    return {
        "version": active.label,
        "criterion": active.metadata.get("criterion", ""),
        "n": r.n,
        "r": r.validity,
        "r_ci": list(r.validity_ci),
        "auc": r.auc,
        "auc_ci": list(r.auc_ci),
    }


def _retention(hires: dict[int, dict], outcomes: dict[int, dict]) -> dict[str, list[BandRetention]]:
    out: dict[str, list[BandRetention]] = {}
    for column in YES_NO:
        rows = []
        for band in BAND_ORDER:
            values = [
                outcomes[i][column]
                for i, h in hires.items()
                if h["band"] == band and i in outcomes and outcomes[i][column] is not None
            ]
            if values:
                kept = int(sum(values))
                rows.append(
                    BandRetention(band, len(values), kept, wilson_interval(kept, len(values)))
                )
        out[column] = rows
    return out


def predictive_view(
    db: Database, role_id: int, ryy: dict[str, float] | None = None
) -> PredictiveView:
    """Gather a role's predictive validity; ``ryy`` gives outcomes' reliabilities (optional)."""
    role = get_role(db, role_id)
    pool, hires = hire_fits(db, role_id)
    outcomes = latest_outcomes(db, role_id)
    ryy = dict(ryy or {})
    sd = float(pool.std(ddof=1)) if pool.size > 1 else math.nan
    measured = [i for i in hires if i in outcomes]
    fit = np.array([hires[i]["fit"] for i in measured], dtype=float)
    results, calibration = [], {}
    for column in OUTCOMES:
        values = np.array(
            [np.nan if outcomes[i][column] is None else outcomes[i][column] for i in measured],
            dtype=float,
        )
        signed = -values if column in LOWER_IS_BETTER else values
        count = int(np.isfinite(values).sum())
        estimate = (
            predictive_validity(fit, signed, sd, ryy.get(column), binary=column in YES_NO)
            if count and math.isfinite(sd)
            else None
        )
        if count:
            label = LABELS[column]
            results.append(
                OutcomeValidity(
                    column, label, count, estimate, _reading(label, column, estimate, count)
                )
            )
        if column in YES_NO and count:
            calibration[column] = recalibration(values, fit)
    return PredictiveView(
        role=role,
        applicants=int(pool.size),
        applicant_sd=sd,
        hires=len(hires),
        hires_with_outcomes=len(measured),
        outcomes=results,
        concurrent=_concurrent(list_versions(db, role_id), role),
        calibration=calibration,
        retention=_retention(hires, outcomes),
        ryy=ryy,
    )


def clean_json(value):
    """Make NaN JSON-safe (null), through lists and dicts."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: clean_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_json(v) for v in value]
    return value


def validation_summary(db: Database, role_id: int, ryy: dict[str, float] | None = None) -> dict:
    """Return the numbers of the role's validation, as ``hiring validation summary`` prints them.

    ``measurement``, ``fairness`` and ``utility`` are None here; the fairness area's
    :func:`hiring.fairness.validation.full_validation_summary` fills them.
    """
    view = predictive_view(db, role_id, ryy)
    return clean_json(
        {
            "role": view.role["slug"],
            "applicants": view.applicants,
            "hires": view.hires,
            "hires_with_outcomes": view.hires_with_outcomes,
            "predictive": {o.outcome: o.to_dict() for o in view.outcomes},
            "predictive_assumptions": view.assumptions,
            "concurrent": view.concurrent,
            "calibration": {k: asdict(v) if v else None for k, v in view.calibration.items()},
            "retention": {
                k: [{**asdict(b), "share": b.share} for b in rows]
                for k, rows in view.retention.items()
            },
            "measurement": None,
            "fairness": None,
            "utility": None,
        }
    )
