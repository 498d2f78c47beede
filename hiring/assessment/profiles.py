"""Hiring profiles: load and check them, derive targets from incumbents, explain a candidate's fit.

Fit bands
---------
With a calibrated probability ``p`` of high performance and the incumbents' base rate ``b``
the band is set by the lift ``p / b``:

=============  ===================
band           lift ``p / b``
=============  ===================
``strong``     >= 1.5
``good``       >= 1.1 and < 1.5
``moderate``   >= 0.75 and < 1.1
``low``        < 0.75
=============  ===================

Without a probability (no calibration yet, one whose evidence is insufficient, or a candidate
missing a score the model needs: nothing is ever imputed) the band comes from the profile
match ``m``: the weighted share of features at or above their target's
low end (a missing score counts as not met): ``strong`` m >= .85, ``good`` >= .65,
``moderate`` >= .45, else ``low``. Any knock-out (a score below the feature's ``minimum``)
makes the band ``knock-out`` whatever the rest says.

Weights and importance in words
-------------------------------
A shipped profile's weights are set by its authors (about 1 each). A profile derived from a
calibration gets its weights on the same footing (:func:`footing_weights`): each feature's
share of the model's permutation importance, times the base profile's total weight, so the
two sum alike; a feature whose importance the data cannot establish (its mean across folds
is within one SD of zero) gets weight 0. Either way a weight reads as **high** (at least
1.25 x the profile's average weight), **medium** (0.75-1.25 x), **low** (below) or
**not established** (0), and an onboarding gap's priority combines that with the gap's size
(:func:`priority_level`): a clear gap is :data:`CLEAR_GAP` SD or more.

Gaps are signed distances to the target range in standard deviations: negative below the low
end, positive above the high end, zero inside. The SD is the incumbents' (from the
calibration), else the questionnaire norms', else the target range width / 1.35. Every
judgment against a target or a minimum is made on the scores as they are shown (see
:mod:`hiring.assessment.ranges`), so a score shown inside its shown range is never below it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from hiring.assessment.ranges import BELOW, judge
from hiring.errors import HiringError
from hiring.store.text_input import InputFileError
from hiring.store.yaml_input import load_yaml_file

PHASES = (30, 60, 90)
LIFT_BANDS = ((1.5, "strong"), (1.1, "good"), (0.75, "moderate"))
MATCH_BANDS = ((0.85, "strong"), (0.65, "good"), (0.45, "moderate"))
KNOCKOUT_BAND = "knock-out"
HIGH, MEDIUM, LOW, NOT_ESTABLISHED = "high", "medium", "low", "not established"
IMPORTANCE_CUTS = ((1.25, HIGH), (0.75, MEDIUM))  # x the profile's average weight
CLEAR_GAP = 0.5  # SD below the target: a clear gap rather than a slight one
DEFAULT_DECIMALS = 1  # judging precision of a feature ``candidate_fit`` is given none for
IQR_TO_SD = 1.35  # the interquartile range of a normal distribution in SD units


class ProfileError(HiringError):
    """A profile file is broken; ``problems`` lists each as ``FILE: field.path: problem``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class DevelopmentModule:
    """The onboarding module that closes a gap on one feature."""

    id: str
    name: str
    covers: str
    days: float
    delivered_by: str
    phase: int


@dataclass(frozen=True)
class FeatureTarget:
    """What a profile wants on one feature, and what to do when a hire falls short."""

    feature_id: str
    weight: float
    low: float
    high: float
    minimum: float | None
    strength_on_the_job: str
    interview_probes: tuple[str, ...]
    coaching_questions: tuple[str, ...]
    module: DevelopmentModule
    median: float | None = None
    # Written to the candidate for their own feedback report; empty when the file has none.
    feedback_strength: str = ""
    feedback_to_develop: str = ""


@dataclass(frozen=True)
class HiringProfile:
    """A versioned hiring profile: from a YAML file, or derived from incumbents."""

    id: str
    version: str
    title: str
    description: str
    questionnaire: str
    features: tuple[FeatureTarget, ...]
    source: str = "file"
    based_on: str | None = None
    path: str = ""

    @property
    def feature_ids(self) -> tuple[str, ...]:
        """The features this profile covers, in file order."""
        return tuple(f.feature_id for f in self.features)

    def target(self, feature_id: str) -> FeatureTarget:
        """Return the target for ``feature_id``."""
        for feature in self.features:
            if feature.feature_id == feature_id:
                return feature
        raise KeyError(feature_id)

    def to_dict(self) -> dict[str, Any]:
        """Return plain JSON-able data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HiringProfile:
        """Rebuild a profile (e.g. a stored derived version) from :meth:`to_dict` output."""
        features = []
        for f in data["features"]:
            values = dict(f)
            values["module"] = DevelopmentModule(**values["module"])
            values["interview_probes"] = tuple(values["interview_probes"])
            values["coaching_questions"] = tuple(values["coaching_questions"])
            features.append(FeatureTarget(**values))
        return cls(**{**data, "features": tuple(features)})


class _Checker:
    """Collect every problem in a profile file rather than stopping at the first."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[str] = []

    def add(self, where: str, problem: str) -> None:
        self.problems.append(f"{self.name}: {where}: {problem}")

    def text(self, data: Mapping[str, Any], key: str, where: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            self.add(f"{where}{key}", "must be a non-empty text")
            return ""
        return value.strip()

    def number(self, data: Mapping[str, Any], key: str, where: str, optional: bool = False) -> Any:
        value = data.get(key)
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(f"{where}{key}", "must be a number")
            return None
        return float(value)

    def texts(self, data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            self.add(f"{where}{key}", "must be a non-empty list of texts")
            return ()
        for i, entry in enumerate(value):
            if not isinstance(entry, str) or not entry.strip():
                self.add(f"{where}{key}[{i}]", "must be a non-empty text")
        return tuple(str(v).strip() for v in value)


def _module(check: _Checker, data: Any, where: str) -> DevelopmentModule | None:
    if not isinstance(data, dict):
        check.add(where.rstrip("."), "must be a mapping")
        return None
    phase = data.get("phase")
    if phase not in PHASES:
        check.add(f"{where}phase", "must be 30, 60 or 90 (days after the start)")
    days = check.number(data, "days", where)
    if days is not None and days <= 0:
        check.add(f"{where}days", "must be positive")
    text = {key: check.text(data, key, where) for key in ("id", "name", "covers", "delivered_by")}
    return DevelopmentModule(
        text["id"],
        text["name"],
        text["covers"],
        days or 0.0,
        text["delivered_by"],
        phase if phase in PHASES else 0,
    )


def _feature(
    check: _Checker, feature_id: str, data: Any, metric: tuple[float, float] | None
) -> FeatureTarget | None:
    where = f"features.{feature_id}."
    if not isinstance(data, dict):
        check.add(where.rstrip("."), "must be a mapping")
        return None
    weight = check.number(data, "weight", where)
    if weight is not None and weight < 0:
        check.add(f"{where}weight", "must not be negative")
    target = data.get("target")
    low = high = None
    if isinstance(target, dict):
        low = check.number(target, "low", f"{where}target.")
        high = check.number(target, "high", f"{where}target.")
    else:
        check.add(f"{where}target", "must be a mapping with low and high")
    minimum = check.number(data, "minimum", where, optional=True)
    if low is not None and high is not None and low > high:
        check.add(f"{where}target", f"low ({low:g}) is above high ({high:g})")
    if minimum is not None and low is not None and minimum > low:
        check.add(f"{where}minimum", f"({minimum:g}) is above the target's low end ({low:g})")
    if metric is not None:
        for name, value in (("target.low", low), ("target.high", high), ("minimum", minimum)):
            if value is not None and not metric[0] <= value <= metric[1]:
                check.add(f"{where}{name}", f"{value:g} is outside {metric[0]:g}..{metric[1]:g}")
    texts = (
        check.text(data, "strength_on_the_job", where),
        check.texts(data, "interview_probes", where),
        check.texts(data, "coaching_questions", where),
    )
    module = _module(check, data.get("module"), f"{where}module.")
    feedback = _feedback(check, data.get("feedback"), f"{where}feedback.")
    if None in (weight, low, high) or module is None:
        return None
    return FeatureTarget(feature_id, weight, low, high, minimum, *texts, module, None, *feedback)  # type: ignore[arg-type]


def _feedback(check: _Checker, data: Any, where: str) -> tuple[str, str]:
    """Read the optional texts written to the candidate: ``strength`` and ``to_develop``."""
    if data is None:
        return "", ""
    if not isinstance(data, dict):
        check.add(where.rstrip("."), "must be a mapping with strength and to_develop")
        return "", ""
    return check.text(data, "strength", where), check.text(data, "to_develop", where)


def _metrics(questionnaire: Any) -> dict[str, tuple[float, float]]:
    """Return the score range of each feature of ``questionnaire``."""
    points = float(questionnaire.response_scale.points)
    out = {s.id: (1.0, points) for s in questionnaire.scales}
    out.update({c.id: (0.0, 100.0) for c in questionnaire.competencies})
    return out


def load_profile(path: str | Path, questionnaire: Any = None) -> HiringProfile:
    """Load and check a profile YAML; raise :class:`ProfileError` listing every problem.

    With a ``questionnaire`` the profile must cover exactly its features, within their ranges.
    """
    path = Path(path)
    check = _Checker(path.name)
    try:
        data = load_yaml_file(path)
    except InputFileError as error:
        problem = error.message.removeprefix(f"{path.name}: ")
        raise ProfileError([f"{path.name}: cannot be read as YAML ({problem})"]) from None
    if not isinstance(data, dict):
        raise ProfileError([f"{path.name}: must be a mapping at the top level"])
    head = [check.text(data, key, "") for key in ("id", "version", "title", "description")]
    if isinstance(data.get("version"), int | float):
        check.problems.pop()  # a bare number is a fine version
        head[1] = str(data["version"])
    q_id = check.text(data, "questionnaire", "")
    features_data = data.get("features")
    if not isinstance(features_data, dict) or not features_data:
        check.add("features", "must be a mapping of feature id to target")
        features_data = {}
    metrics = _metrics(questionnaire) if questionnaire is not None else {}
    if questionnaire is not None:
        for missing in sorted(set(metrics) - set(features_data)):
            check.add(f"features.{missing}", "is missing")
        for unknown in sorted(set(features_data) - set(metrics)):
            check.add(f"features.{unknown}", f"is not a feature of {questionnaire.id}")
    targets = [
        _feature(check, str(fid), fdata, metrics.get(str(fid)))
        for fid, fdata in features_data.items()
    ]
    if check.problems:
        raise ProfileError(check.problems)
    return HiringProfile(
        id=head[0],
        version=head[1],
        title=head[2],
        description=head[3],
        questionnaire=q_id,
        features=tuple(t for t in targets if t is not None),
        path=str(path),
    )


def load_profiles(
    directory: str | Path | None = None, questionnaire: Any = None
) -> dict[tuple[str, str], HiringProfile]:
    """Load every ``*.yaml`` profile in ``directory`` (default: the shipped ``profiles/``)."""
    if directory is None:
        from hiring.store.paths import data_dir

        directory = data_dir("profiles")
    profiles, problems = {}, []
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            profile = load_profile(path, questionnaire)
        except ProfileError as error:
            problems.extend(error.problems)
            continue
        profiles[(profile.id, profile.version)] = profile
    if problems:
        raise ProfileError(problems)
    return profiles


def footing_weights(
    importance: Mapping[str, tuple[float, float]], total: float
) -> dict[str, float]:
    """Turn permutation importances ``{feature: (mean, sd across folds)}`` into weights.

    An established importance (mean above zero by more than one SD) gets its share of all
    established importance times ``total``; the rest get 0. With none established the
    result is empty: the data cannot rank the features at all.
    """
    established = {f: m for f, (m, sd) in importance.items() if m > 0 and m - sd > 0}
    whole = sum(established.values())
    if not whole:
        return {}
    return {f: round(total * established.get(f, 0.0) / whole, 4) for f in importance}


def importance_level(weight: float, average: float) -> str:
    """Say in words how much a weight counts, against the profile's average weight."""
    if not weight > 0 or not average > 0:
        return NOT_ESTABLISHED
    ratio = round(weight / average, 9)  # 0.825 / 1.1 is 0.75, not 0.7499999
    return next((name for cut, name in IMPORTANCE_CUTS if ratio >= cut), LOW)


def importance_levels(profile: HiringProfile) -> dict[str, str]:
    """Return each feature's importance in words (high, medium, low, not established)."""
    average = sum(t.weight for t in profile.features) / max(len(profile.features), 1)
    return {t.feature_id: importance_level(t.weight, average) for t in profile.features}


def priority_level(importance: str, gap_sd: float) -> str:
    """Say how pressing a gap is: an important area with a clear gap (>= CLEAR_GAP SD) first."""
    if importance == NOT_ESTABLISHED:
        return NOT_ESTABLISHED
    clear = abs(gap_sd) >= CLEAR_GAP
    if importance == HIGH:
        return HIGH if clear else MEDIUM
    if importance == MEDIUM:
        return MEDIUM if clear else LOW
    return LOW


def derive_profile(
    base: HiringProfile,
    features: np.ndarray,
    y: np.ndarray,
    feature_ids: Sequence[str],
    *,
    importance: Mapping[str, tuple[float, float]] | None = None,
    version: str | None = None,
) -> HiringProfile:
    """Return a new profile version with targets from the incumbents' high performers.

    Each target becomes the high performers' interquartile range, with their median kept.
    With ``importance`` (``{feature: (mean, sd)}`` permutation importances) the weights are
    put on the base profile's footing by :func:`footing_weights`; when none is established,
    or without it, the base weights stay. Texts, minimums and modules are kept from ``base``.
    """
    learned = footing_weights(importance or {}, sum(t.weight for t in base.features))
    x = np.asarray(features, dtype=float)
    top = x[np.asarray(y).astype(bool)]
    if top.shape[0] < 10:
        raise HiringError("At least 10 high performers are needed to derive profile targets.")
    column = {f: j for j, f in enumerate(feature_ids)}
    targets = []
    for target in base.features:
        values = top[:, column[target.feature_id]] if target.feature_id in column else []
        values = np.asarray(values)[np.isfinite(values)] if len(values) else np.array([])
        if values.size < 10:
            targets.append(target)
            continue
        low, median, high = (round(float(v), 2) for v in np.percentile(values, [25, 50, 75]))
        weight = learned.get(target.feature_id, target.weight if not learned else 0.0)
        targets.append(replace(target, low=low, high=high, median=median, weight=weight))
    return replace(
        base,
        version=version or f"{base.version}-calibrated",
        features=tuple(targets),
        source="calibration",
        based_on=f"{base.id}@{base.version}",
        path="",
    )


@dataclass(frozen=True)
class OnboardingGap:
    """A gap worth closing after hire, with the module that closes it."""

    feature_id: str
    gap: float
    priority: float
    module: DevelopmentModule


@dataclass(frozen=True)
class FitResult:
    """A candidate's fit to a profile (and to the calibrated model, when there is one)."""

    probability: float | None
    band: str
    band_basis: str  # "probability" or "profile"
    percentile: float | None
    gaps: dict[str, float]
    factors: list[tuple[str, float]]
    knockouts: list[str]
    strengths: list[str]
    onboarding_gaps: list[OnboardingGap]
    base_rate: float | None = None
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # scores the model needs but lacked
    interval: list[float] | None = None  # 95% interval of this person's own probability

    def to_dict(self) -> dict[str, Any]:
        """Return plain JSON-able data."""
        return asdict(self)


def missing_note(count: int) -> str:
    """Say why a candidate missing ``count`` of the model's scores has no probability."""
    scores = "a score" if count == 1 else f"{count} scores"
    return (
        f"No probability: {scores} the model needs could not be computed (too few answers), "
        "and nothing is filled in for a missing score. The band comes from the hiring profile."
    )


def _band(thresholds: Sequence[tuple[float, str]], value: float) -> str:
    return next((name for cut, name in thresholds if value >= cut), "low")


def _spread(profile: HiringProfile, calibration: Any, norms: Mapping[str, Any] | None) -> dict:
    """Return (centre, SD) per feature: incumbents', else norms', else from the target."""
    out = {}
    for t in profile.features:
        fid = t.feature_id
        if calibration is not None and fid in calibration.feature_sds:
            out[fid] = (calibration.feature_means[fid], calibration.feature_sds[fid])
        elif norms and fid in norms:
            out[fid] = (float(norms[fid][0]), float(norms[fid][1]))
        else:
            out[fid] = ((t.low + t.high) / 2, (t.high - t.low) / IQR_TO_SD)
        if not out[fid][1] > 0:
            out[fid] = (out[fid][0], 1.0)
    return out


def _factors(calibration: Any, row: Sequence[float]) -> list[tuple[str, float]]:
    """Return coefficient x standardized value per model feature, largest effect first."""
    explainer = calibration.explainer
    values = dict(zip(calibration.model_features, calibration.design(row)[0], strict=True))
    factors = [
        (fid, coef * (values[fid] - explainer["center"][fid]) / explainer["scale"][fid])
        for fid, coef in calibration.report.coefficients.items()
    ]
    return sorted(factors, key=lambda item: -abs(item[1]))


def candidate_fit(
    profile: HiringProfile,
    scores: Mapping[str, float | None],
    calibration: Any = None,
    *,
    norms: Mapping[str, tuple[float, float, int]] | None = None,
    decimals: Mapping[str, int] | None = None,
) -> FitResult:
    """Explain a candidate's fit: probability, band, percentile, gaps, factors and modules.

    ``scores`` maps feature id to score (None or NaN when missing); ``calibration`` is a
    :class:`hiring.modeling.model.Calibration` (or None before any calibration);
    ``decimals`` (the questionnaire's ``score_decimals``) is the precision each score is
    shown, and so judged, with.
    """
    spread = _spread(profile, calibration, norms)
    gaps, knockouts, met_weight, z, short = {}, [], 0.0, {}, set()
    for t in profile.features:
        value = scores.get(t.feature_id)
        if value is None or not np.isfinite(value):
            continue
        centre, sd = spread[t.feature_id]
        z[t.feature_id] = (value - centre) / sd
        places = (decimals or {}).get(t.feature_id, DEFAULT_DECIMALS)
        judged = judge(value, t.low, t.high, decimals=places, sd=sd, minimum=t.minimum)
        gaps[t.feature_id] = round(judged.gap, 4)
        if judged.position == BELOW:
            short.add(t.feature_id)
        else:
            met_weight += t.weight
        if judged.below_minimum:
            knockouts.append(t.feature_id)
    probability = percentile = base_rate = interval = None
    factors: list[tuple[str, float]] = []
    notes: list[str] = []
    sufficient = calibration is not None and calibration.report.evidence_sufficient
    missing = calibration.missing(scores) if sufficient else []
    if calibration is not None and not sufficient:
        notes.append("Insufficient evidence: the model does not beat the base rate yet.")
    elif missing:
        notes.append(missing_note(len(missing)))
    elif calibration is not None:
        row = [float(scores[f]) for f in calibration.feature_ids]  # type: ignore[arg-type]
        probability = float(calibration.predict(row)[0])
        base_rate = calibration.report.base_rate
        # against what the model predicts for people it has not seen: the final model's
        # in-sample predictions of the incumbents are more extreme than a candidate's can be
        predictions = np.asarray(calibration.oof_probability)
        below = np.sum(predictions < probability) + 0.5 * np.sum(predictions == probability)
        percentile = round(100 * float(below) / predictions.size, 1)
        factors = _factors(calibration, row)
        bounds = calibration.interval(row)
        interval = [round(bounds[0], 6), round(bounds[1], 6)] if bounds else None
    if knockouts:
        band, basis = KNOCKOUT_BAND, "minimum"
    elif probability is not None and base_rate:
        band, basis = _band(LIFT_BANDS, probability / base_rate), "probability"
    else:
        total = sum(t.weight for t in profile.features) or 1.0
        band, basis = _band(MATCH_BANDS, met_weight / total), "profile"
    return FitResult(
        probability=probability,
        band=band,
        band_basis=basis,
        percentile=percentile,
        gaps=gaps,
        factors=factors,
        knockouts=knockouts,
        strengths=_strengths(z, short),
        onboarding_gaps=_onboarding(profile, gaps),
        base_rate=base_rate,
        notes=notes,
        missing=missing,
        interval=interval,
    )


def _strengths(z: Mapping[str, float], short: set[str]) -> list[str]:
    """The three features furthest above the typical incumbent, among those on target."""
    eligible = [fid for fid in z if fid not in short]
    return sorted(eligible, key=lambda fid: -z[fid])[:3]


def _onboarding(profile: HiringProfile, gaps: Mapping[str, float]) -> list[OnboardingGap]:
    """Rank shortfalls by weight x gap size.

    A calibrated role's profile is the one derived with its model, whose weights are the
    model's importances on the profile's footing; so one rule ranks gaps with or without it.
    """
    weight = {t.feature_id: t.weight for t in profile.features}
    ranked = [
        OnboardingGap(fid, gap, round(weight[fid] * -gap, 6), profile.target(fid).module)
        for fid, gap in gaps.items()
        if gap < 0
    ]
    return sorted(ranked, key=lambda g: (-g.priority, g.gap))
