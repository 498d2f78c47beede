r"""Fit the fit model on incumbents, validate it out-of-fold, and explain what drives it.

The default estimator is ``CalibratedClassifierCV(Pipeline(standardization, L2 logistic
regression), method="sigmoid")``, its L2 strength chosen by cross-validated log loss on the
rows it is fitted on (see :func:`choose_strength`). Isotonic calibration is accepted only from
:data:`ISOTONIC_MIN_N` incumbents, because it overfits small samples. Gradient boosting is an
option (``method="boosting"``) but never the default: at the 50-500 incumbents organisations
have it usually does worse than predicting the base rate.

Every number in the :class:`ValidationReport` comes from out-of-fold predictions of
repeated stratified K-fold cross-validation (each person's probability averaged over the
repeats); none is in-sample. When the out-of-fold Brier score does not beat the base rate
the report says the evidence is insufficient, and no probability should be shown. The
evidence is *weak* (:func:`weak_evidence`) when the AUC's 95% interval includes 0.5 or the
lower end of the Brier skill's interval is at or below zero: such a version is activated only
with a stated reason, and everything that shows its output says the evidence is weak.

Nothing is imputed. The model sees only complete rows: an incumbent with a missing score is
left out of the fit (the report's warnings say how many), and a candidate missing a score the
model needs gets no probability (:meth:`Calibration.missing`).

Features scored from shared items are collinear by construction (a situational-judgement
scenario counts toward two or three competencies), so ``composites`` lets such a group enter
the model as one feature, the mean of its members' scores; its importance and coefficient
belong to the group as a whole.

Each candidate's probability comes with an interval for their own estimate
(:meth:`Calibration.interval`), by the delta method from the fitted model's coefficient
covariance: the L2 penalty read as a normal prior gives the Laplace (posterior) covariance
:math:`(\tilde Z^\top W \tilde Z + P / C)^{-1}` of the standardized coefficients and
intercept (``P`` the identity without the intercept), so the decision value
:math:`f = \tilde z^\top \beta` at the candidate's scores has variance
:math:`\tilde z^\top \Sigma \tilde z`; the sigmoid calibration
:math:`p = \sigma(-(a f + b))` maps it to the logit scale, where the interval is
symmetric, and back. It needs no refitting at scoring time, it widens for unusual score
profiles and small samples, and it accounts for the shrinkage the model uses, which a
bootstrap of a penalized fit would not without refitting the strength every time. The
calibration's own two parameters are held fixed. Its coverage of the true probability is
checked against the synthetic generator in the tests: on average over training samples of
120 to 1,000 incumbents it is 94-97% for a nominal 95% (for one training sample it ranges
from about 75% to 100%, because any one fit errs in one direction for everybody).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from hiring.errors import HiringError
from hiring.modeling.utility import expected_outcomes
from hiring.modeling.validation import (
    auc_with_ci,
    brier_score,
    brier_skill_with_ci,
    calibration_slope,
    expected_calibration_error,
    roc_auc,
    validity_coefficient,
)
from hiring.store.plurals import plural

# SciPy and scikit-learn are imported where they are used: a process that only reads a
# model's report (the web app, the CLI) then starts without them.
if TYPE_CHECKING:
    from sklearn.calibration import CalibratedClassifierCV

MIN_INCUMBENTS = 30
MIN_SMALLER_CLASS = 10
WARN_BELOW = 100
ISOTONIC_MIN_N = 1000
METHODS = ("logistic", "boosting")
C_GRID = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
SHARED_IMPORTANCE_WARNING = (
    "Correlated attributes share importance: when two traits go together, permuting one "
    "leaves the other to carry the signal, so both can look less important than they are. "
    "Read importance as 'what this model leans on here', not as the traits' causal effect."
)


class InsufficientDataError(HiringError):
    """Too few incumbents, or too few in one class, to fit a model honestly."""


@dataclass(frozen=True)
class ValidationReport:
    """Out-of-fold validation of one calibration; JSON-able through :meth:`to_dict`."""

    n: int
    n_positive: int
    base_rate: float
    method: str
    calibration_method: str
    folds: int
    repeats: int
    auc: float
    auc_ci: tuple[float, float]
    brier: float
    brier_base: float
    brier_skill: float
    ece: float
    ece_bins: list[dict[str, Any]]
    calibration_slope: float
    calibration_intercept: float
    validity: float
    validity_ci: tuple[float, float]
    evidence_sufficient: bool
    expected_outcomes: list[dict[str, Any]]
    importance: list[dict[str, Any]]
    coefficients: dict[str, float]
    regularization_c: float | None = None  # the L2 strength chosen for the final model
    importance_note: str = SHARED_IMPORTANCE_WARNING
    warnings: list[str] = field(default_factory=list)
    composites: dict[str, list[str]] = field(default_factory=dict)  # model feature -> members
    left_out: int = 0  # incumbents left out of the fit for a missing score (none is imputed)
    brier_skill_ci: tuple[float, float] | None = None  # None: calibrated before it was kept

    def to_dict(self) -> dict[str, Any]:
        """Return plain JSON-able data (tuples become lists)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ValidationReport:
        """Rebuild a report saved with :meth:`to_dict`."""
        values = dict(data)
        values["auc_ci"] = tuple(values["auc_ci"])
        values["validity_ci"] = tuple(values["validity_ci"])
        if values.get("brier_skill_ci") is not None:
            values["brier_skill_ci"] = tuple(values["brier_skill_ci"])
        return cls(**values)

    @property
    def weak_evidence(self) -> list[str]:
        """The reasons the evidence is weak, in words (empty when it is not)."""
        return weak_evidence(self.to_dict())

    def input_importance(self) -> dict[str, tuple[float, float]]:
        """Each input feature's importance ``(mean, sd)``; a composite's is split equally.

        The members of a composite share one importance: the model cannot tell them apart,
        so each gets the same share of it (and is established exactly when it is).
        """
        out = {}
        for row in self.importance:
            members = self.composites.get(row["feature"]) or [row["feature"]]
            for member in members:
                out[member] = (row["mean"] / len(members), row["sd"] / len(members))
        return out


def weak_evidence(report: Mapping[str, Any]) -> list[str]:
    """Say why a stored validation report's evidence is weak; an empty list when it is not.

    Weak: the out-of-fold AUC's 95% interval includes 0.5 (the model may rank no better than
    chance), or the lower end of the Brier skill's 95% interval is at or below zero (it may
    not beat telling everyone the base rate). A report kept before the Brier skill's interval
    was computed cannot show it is not weak, so it counts as weak.
    """
    reasons = []
    low, high = (report.get("auc_ci") or (float("nan"), float("nan")))[:2]
    if not (low is not None and np.isfinite(low) and low > 0.5):
        reasons.append(
            f"the 95% interval of its out-of-fold AUC ({_two(low)} to {_two(high)}) "
            "includes 0.5, so it may rank people no better than chance"
        )
    skill = report.get("brier_skill_ci")
    if skill is None:
        reasons.append(
            "the interval of its Brier skill was not computed when it was calibrated; "
            "recalibrate to have it"
        )
    elif not (skill[0] is not None and np.isfinite(skill[0]) and skill[0] > 0):
        reasons.append(
            f"the 95% interval of its Brier skill ({_signed(skill[0])} to "
            f"{_signed(skill[1])}) reaches zero, so it may not beat giving everyone the "
            "base rate"
        )
    return reasons


def _two(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, int | float) and np.isfinite(value) else "unknown"


def _signed(value: Any) -> str:
    return f"{value:+.3f}" if isinstance(value, int | float) and np.isfinite(value) else "unknown"


@dataclass
class Calibration:
    """A fitted model with everything needed to explain a candidate's fit."""

    estimator: Any
    report: ValidationReport
    feature_ids: tuple[str, ...]
    feature_means: dict[str, float]
    feature_sds: dict[str, float]
    incumbent_predictions: list[float]
    oof_probability: list[float]
    explainer: dict[str, dict[str, float]] = field(default_factory=dict)
    composites: dict[str, list[str]] = field(default_factory=dict)  # model feature -> members
    # Laplace covariance of the standardized coefficients, intercept last (logistic only)
    coefficient_covariance: list[list[float]] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-able part (the estimator is saved separately with :func:`save_model`)."""
        out = {k: v for k, v in vars(self).items() if k not in ("estimator", "report")}
        out["report"] = self.report.to_dict()
        out["feature_ids"] = list(self.feature_ids)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], estimator: Any) -> Calibration:
        """Rebuild a calibration from :meth:`to_dict` output and its loaded estimator."""
        values = dict(data)
        values["report"] = ValidationReport.from_dict(values["report"])
        values["feature_ids"] = tuple(values["feature_ids"])
        return cls(estimator=estimator, **values)

    @property
    def model_features(self) -> tuple[str, ...]:
        """The features the estimator sees: inputs not in a composite, then each composite."""
        return model_features(self.feature_ids, self.composites)

    def design(self, features: np.ndarray | Sequence[float]) -> np.ndarray:
        """Turn rows of ``features`` (``feature_ids`` order) into the estimator's columns."""
        return design_matrix(features, self.feature_ids, self.composites)

    def missing(self, scores: Mapping[str, float | None]) -> list[str]:
        """Return the input features the model needs that ``scores`` lacks (None or NaN)."""
        return [
            f
            for f in self.feature_ids
            if (value := scores.get(f)) is None or not np.isfinite(float(value))
        ]

    def predict(self, features: np.ndarray) -> np.ndarray:
        """Return calibrated probabilities of high performance for rows of ``features``.

        A row with a missing score gets NaN: nothing is filled in for it.
        """
        x = self.design(features)
        out = np.full(x.shape[0], np.nan)
        complete = np.isfinite(x).all(axis=1)
        if complete.any():
            out[complete] = self.estimator.predict_proba(x[complete])[:, 1]
        return out

    def interval(
        self, features: Sequence[float], level: float = 0.95
    ) -> tuple[float, float] | None:
        """Return the interval of one candidate's own probability, or None when there is none.

        By the delta method from the coefficient covariance (see the module docstring);
        None for a model without one (boosting, isotonic calibration, older versions) or a
        row with a missing score.
        """
        if self.coefficient_covariance is None:
            return None
        from scipy.special import expit
        from scipy.stats import norm

        classifier = self.estimator.calibrated_classifiers_[0]
        calibrator = classifier.calibrators[0]
        if not hasattr(calibrator, "a_"):
            return None
        x = self.design(features)[0]
        if not np.isfinite(x).all():
            return None
        pipeline = classifier.estimator
        scale, model = pipeline.named_steps["scale"], pipeline.named_steps["model"]
        z = np.append((x - scale.mean_) / scale.scale_, 1.0)
        decision = float(z @ np.append(model.coef_[0], model.intercept_[0]))
        spread = abs(calibrator.a_) * np.sqrt(z @ np.asarray(self.coefficient_covariance) @ z)
        centre = -(calibrator.a_ * decision + calibrator.b_)
        half = norm.ppf(0.5 + level / 2) * spread
        return float(expit(centre - half)), float(expit(centre + half))


def coefficient_covariance(fitted: CalibratedClassifierCV, design: np.ndarray) -> np.ndarray:
    r"""Return the Laplace covariance of an L2 logistic fit's coefficients and intercept.

    The inverse Hessian of the penalized negative log-likelihood
    :math:`\sum_i \ell_i + \lVert w \rVert^2 / (2C)` at the fit, in the standardized
    columns with the (unpenalized) intercept last.
    """
    from scipy.special import expit

    pipeline = fitted.calibrated_classifiers_[0].estimator
    scale, model = pipeline.named_steps["scale"], pipeline.named_steps["model"]
    z = np.column_stack([(design - scale.mean_) / scale.scale_, np.ones(design.shape[0])])
    mu = expit(z @ np.append(model.coef_[0], model.intercept_[0]))
    penalty = np.eye(z.shape[1]) / model.C
    penalty[-1, -1] = 0.0
    return np.linalg.inv(z.T @ (z * (mu * (1 - mu))[:, None]) + penalty)


def model_features(
    feature_ids: Sequence[str], composites: Mapping[str, Sequence[str]] | None = None
) -> tuple[str, ...]:
    """Return the model's features: inputs outside every composite, then the composites."""
    grouped = {member for members in (composites or {}).values() for member in members}
    return tuple(f for f in feature_ids if f not in grouped) + tuple(composites or {})


def design_matrix(
    features: np.ndarray | Sequence[float],
    feature_ids: Sequence[str],
    composites: Mapping[str, Sequence[str]] | None = None,
) -> np.ndarray:
    """Return the model's columns: single features as they are, each composite as its mean.

    A composite is missing (NaN) when any of its members is: its mean over fewer members
    would be a different measure.
    """
    x = np.atleast_2d(np.asarray(features, dtype=float))
    column = {f: j for j, f in enumerate(feature_ids)}
    if x.shape[1] != len(column):
        raise ValueError("features must have one column per feature id")
    composites = composites or {}
    grouped = {member for members in composites.values() for member in members}
    parts = [x[:, [column[f]]] for f in feature_ids if f not in grouped]
    for members in composites.values():
        parts.append(x[:, [column[m] for m in members]].mean(axis=1, keepdims=True))
    return np.hstack(parts) if parts else np.empty((x.shape[0], 0))


def _preprocess() -> list[tuple[str, Any]]:
    from sklearn.preprocessing import StandardScaler

    return [("scale", StandardScaler())]


def choose_strength(x: np.ndarray, y: np.ndarray, random_state: int = 0) -> float:
    """Pick the L2 strength ``C`` from :data:`C_GRID` by 3-fold cross-validated log loss.

    Small samples need strong shrinkage (at n = 300 the best ``C`` is typically .01-.03);
    choosing it from the data lets the model match a unit-weighted sum score there and
    still use differential weights when there are enough incumbents to estimate them.
    """
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import Pipeline

    search = LogisticRegressionCV(
        Cs=C_GRID,
        cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=random_state),
        scoring="neg_log_loss",
        l1_ratios=(0.0,),
        use_legacy_attributes=False,
        max_iter=1000,
    )
    return float(Pipeline([*_preprocess(), ("model", search)]).fit(x, y)[-1].C_)


def build_estimator(
    method: str = "logistic",
    calibration: str = "sigmoid",
    random_state: int = 0,
    strength: float = 1.0,
) -> CalibratedClassifierCV:
    """Return an unfitted, calibrated estimator for ``method`` (``strength`` is C)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import Pipeline

    if method == "logistic":
        model: Any = LogisticRegression(C=strength, max_iter=1000)
    elif method == "boosting":
        model = HistGradientBoostingClassifier(
            max_iter=100, learning_rate=0.05, max_depth=3, random_state=random_state
        )
    else:
        raise HiringError(f"Unknown model method {method!r}; choose one of {', '.join(METHODS)}.")
    pipeline = Pipeline([*_preprocess(), ("model", model)])
    inner = StratifiedKFold(n_splits=5, shuffle=True, random_state=random_state)
    return CalibratedClassifierCV(pipeline, method=calibration, cv=inner, ensemble=False)


def check_sample(y: np.ndarray, calibration: str = "sigmoid") -> list[str]:
    """Refuse samples too small to fit honestly; return warnings for small ones."""
    n, positives = int(y.size), int(y.sum())
    smaller = min(positives, n - positives)
    if n < MIN_INCUMBENTS:
        raise InsufficientDataError(
            f"Only {plural(n, 'incumbent')} with an outcome; at least {MIN_INCUMBENTS} are needed."
        )
    if smaller < MIN_SMALLER_CLASS:
        raise InsufficientDataError(
            f"Only {plural(smaller, 'incumbent')} in the smaller group "
            f"({plural(positives, 'high performer')}, {plural(n - positives, 'other')}); "
            f"at least {MIN_SMALLER_CLASS} are needed in each."
        )
    if calibration == "isotonic" and n < ISOTONIC_MIN_N:
        raise InsufficientDataError(
            f"Isotonic calibration needs at least {ISOTONIC_MIN_N} incumbents "
            f"(you have {n}); use sigmoid calibration."
        )
    if calibration not in ("sigmoid", "isotonic"):
        raise HiringError(f"Unknown calibration {calibration!r}; use 'sigmoid' or 'isotonic'.")
    if n < WARN_BELOW:
        return [
            f"Only {plural(n, 'incumbent')}: the estimates are uncertain and the intervals wide. "
            f"Treat the results as provisional and recalibrate with more people."
        ]
    return []


def _fit(
    x: np.ndarray, y: np.ndarray, method: str, calibration: str, random_state: int
) -> CalibratedClassifierCV:
    """Fit the calibrated estimator, choosing the logistic strength on these rows only."""
    strength = choose_strength(x, y, random_state) if method == "logistic" else 1.0
    return build_estimator(method, calibration, random_state, strength).fit(x, y)


def _cross_validate(
    x: np.ndarray, y: np.ndarray, method: str, calibration: str, repeats: int, random_state: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return averaged out-of-fold probabilities and per-fold permutation importances.

    Everything, including the choice of ``C``, is refitted on each training part, so the
    held-out fold never influences its own predictions (nested cross-validation).
    """
    from sklearn.model_selection import RepeatedStratifiedKFold

    splitter = RepeatedStratifiedKFold(n_splits=5, n_repeats=repeats, random_state=random_state)
    total, counts, importances = np.zeros(y.size), np.zeros(y.size), []
    for fold, (train, test) in enumerate(splitter.split(x, y)):
        fitted = _fit(x[train], y[train], method, calibration, random_state)
        total[test] += fitted.predict_proba(x[test])[:, 1]
        counts[test] += 1
        importances.append(held_out_importance(fitted, x[test], y[test], random_state=fold))
    return total / counts, np.array(importances)


def held_out_importance(
    fitted: Any, x: np.ndarray, y: np.ndarray, n_repeats: int = 5, random_state: int = 0
) -> np.ndarray:
    """Return each feature's mean drop in AUC when its column is shuffled in held-out data.

    Equivalent to ``sklearn.inspection.permutation_importance(scoring="roc_auc")`` but with
    a single ``predict_proba`` call over all shuffled copies, which is many times faster.
    """
    rng = np.random.default_rng(random_state)
    n, k = x.shape
    copies = np.repeat(x[None, :, :], k * n_repeats, axis=0)
    for j in range(k):
        for r in range(n_repeats):
            copies[j * n_repeats + r, :, j] = x[rng.permutation(n), j]
    p = fitted.predict_proba(np.vstack([x, copies.reshape(-1, k)]))[:, 1]
    baseline = roc_auc(y, p[:n])
    drops = [baseline - roc_auc(y, block) for block in p[n:].reshape(k * n_repeats, n)]
    return np.asarray(drops).reshape(k, n_repeats).mean(axis=1)


def _explainer(fitted: CalibratedClassifierCV, feature_ids: Sequence[str]) -> dict[str, Any]:
    """Return the scaler's centre and scale and the standardized coefficients."""
    pipeline = fitted.calibrated_classifiers_[0].estimator
    scale = pipeline.named_steps["scale"]
    out = {
        "center": dict(zip(feature_ids, map(float, scale.mean_), strict=True)),
        "scale": dict(zip(feature_ids, map(float, scale.scale_), strict=True)),
    }
    model = pipeline.named_steps["model"]
    if hasattr(model, "coef_"):
        out["coefficients"] = dict(zip(feature_ids, map(float, model.coef_[0]), strict=True))
    return out


def calibrate(
    x: np.ndarray,
    y: np.ndarray,
    feature_ids: Sequence[str],
    *,
    method: str = "logistic",
    calibration: str = "sigmoid",
    repeats: int | None = None,
    random_state: int = 0,
    composites: Mapping[str, Sequence[str]] | None = None,
) -> Calibration:
    """Validate out-of-fold, then fit the final model on all complete incumbents.

    ``x`` is n x len(feature_ids), NaN where a score is missing; ``y`` is 0/1. Rows missing a
    score the model needs are left out, never imputed. ``composites`` maps a new feature id to
    the input features it averages (see :func:`design_matrix`). Raises
    :class:`InsufficientDataError` for samples too small to fit honestly.
    """
    from threadpoolctl import threadpool_limits

    x = np.asarray(x, dtype=float)
    y = np.asarray(y).astype(int).ravel()
    if x.ndim != 2 or x.shape != (y.size, len(feature_ids)):
        raise ValueError("x must be n x len(feature_ids) and match y")
    groups = {k: list(v) for k, v in (composites or {}).items()}
    design = design_matrix(x, feature_ids, groups)
    complete = np.isfinite(design).all(axis=1)
    left_out = int((~complete).sum())
    design, y_fit = design[complete], y[complete]
    warnings = check_sample(y_fit, calibration)
    if left_out:
        warnings = [_left_out_warning(left_out, y.size), *warnings]
    build_estimator(method, calibration, random_state)  # refuse an unknown method early
    repeats = repeats or (5 if y_fit.size < 500 else 3)
    columns = model_features(feature_ids, groups)
    # Hundreds of tiny fits: BLAS threads only add contention, so use one.
    with threadpool_limits(limits=1):
        oof, importance = _cross_validate(design, y_fit, method, calibration, repeats, random_state)
        final = _fit(design, y_fit, method, calibration, random_state)
    explainer = _explainer(final, columns)
    report = _report(y_fit, oof, importance, columns, method, calibration, repeats, warnings)
    final_model = final.calibrated_classifiers_[0].estimator.named_steps["model"]
    report = replace(
        report,
        coefficients=explainer.get("coefficients", {}),
        regularization_c=float(final_model.C) if method == "logistic" else None,
        composites=groups,
        left_out=left_out,
    )
    return Calibration(
        estimator=final,
        report=report,
        feature_ids=tuple(feature_ids),
        feature_means=dict(zip(feature_ids, map(float, np.nanmean(x, axis=0)), strict=True)),
        feature_sds=dict(zip(feature_ids, map(float, np.nanstd(x, axis=0, ddof=1)), strict=True)),
        incumbent_predictions=[float(v) for v in final.predict_proba(design)[:, 1]],
        oof_probability=[float(v) for v in oof],
        explainer={k: v for k, v in explainer.items() if k != "coefficients"},
        composites=groups,
        coefficient_covariance=(
            coefficient_covariance(final, design).tolist() if method == "logistic" else None
        ),
    )


def _left_out_warning(left_out: int, n: int) -> str:
    return (
        f"{left_out} of {plural(n, 'incumbent')} {'was' if left_out == 1 else 'were'} "
        "left out of the model because a score it needs is "
        "missing; nothing is filled in for a missing score."
    )


def importance_summary(
    fold_importance: np.ndarray, feature_ids: Sequence[str]
) -> list[dict[str, Any]]:
    """Each feature's mean held-out importance over the folds and its sample SD (n - 1).

    ``fold_importance`` has one row per fold and one column per feature; the rows come out
    most important first.
    """
    rows: list[dict[str, Any]] = [
        {"feature": f, "mean": float(m), "sd": float(s)}
        for f, m, s in zip(
            feature_ids,
            fold_importance.mean(axis=0),
            fold_importance.std(axis=0, ddof=1),
            strict=True,
        )
    ]
    rows.sort(key=lambda row: -row["mean"])
    return rows


def _report(
    y: np.ndarray,
    oof: np.ndarray,
    fold_importance: np.ndarray,
    feature_ids: Sequence[str],
    method: str,
    calibration: str,
    repeats: int,
    warnings: list[str],
) -> ValidationReport:
    """Compute every metric from the out-of-fold probabilities."""
    auc, auc_low, auc_high = auc_with_ci(y, oof)
    skill, base, skill_low, skill_high = brier_skill_with_ci(y, oof)
    ece, bins = expected_calibration_error(y, oof)
    slope, intercept = calibration_slope(y, oof)
    r, r_low, r_high = validity_coefficient(oof, y)
    sufficient = bool(skill > 0)
    if not sufficient:
        warnings = [
            *warnings,
            "Insufficient evidence: out-of-fold predictions do not beat the base rate, "
            "so no probability is shown.",
        ]
    weak = weak_evidence({"auc_ci": (auc_low, auc_high), "brier_skill_ci": (skill_low, skill_high)})
    if weak:
        warnings = [
            *warnings,
            f"Weak evidence: {'; and '.join(weak)}. Activating this version needs a stated "
            "reason, and its output is marked as resting on weak evidence.",
        ]
    importance = importance_summary(fold_importance, feature_ids)
    return ValidationReport(
        n=int(y.size),
        n_positive=int(y.sum()),
        base_rate=float(y.mean()),
        method=method,
        calibration_method=calibration,
        folds=5,
        repeats=repeats,
        auc=auc,
        auc_ci=(auc_low, auc_high),
        brier=brier_score(y, oof),
        brier_base=base,
        brier_skill=skill,
        brier_skill_ci=(skill_low, skill_high),
        ece=ece,
        ece_bins=[asdict(b) for b in bins],
        calibration_slope=slope,
        calibration_intercept=intercept,
        validity=r,
        validity_ci=(r_low, r_high),
        evidence_sufficient=sufficient,
        expected_outcomes=[e.to_dict() for e in expected_outcomes(y, oof, r)],
        importance=importance,
        coefficients={},
        warnings=warnings,
    )
