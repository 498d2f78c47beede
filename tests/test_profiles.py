"""Hiring profiles: shipped files load, broken ones are named, fit is explained consistently."""

import copy
import json
import statistics
from pathlib import Path

import numpy as np
import pytest
import yaml

from hiring.assessment.profiles import (
    HiringProfile,
    ProfileError,
    candidate_fit,
    derive_profile,
    load_profile,
    load_profiles,
)
from hiring.assessment.questionnaires import load_bank
from hiring.demo.synthetic import FEATURE_IDS, simulate_incumbents
from hiring.modeling.model import calibrate
from hiring.store.paths import data_dir

SHIPPED = data_dir("profiles") / "contact-center-rep.yaml"


@pytest.fixture(scope="module")
def q():
    return load_bank()[("wetco-service", "1")]


@pytest.fixture(scope="module")
def profile(q):
    return load_profile(SHIPPED, q)


@pytest.fixture(scope="module")
def sample():
    return simulate_incumbents(300, random_state=31)


@pytest.fixture(scope="module")
def calibration(sample):
    return calibrate(sample.features, sample.y, FEATURE_IDS)


def test_every_shipped_profile_loads_against_its_questionnaire(q):
    profiles = load_profiles(questionnaire=q)
    assert ("contact-center-rep", "1") in profiles
    for p in profiles.values():
        assert p.questionnaire == q.id
        assert set(p.feature_ids) == set(q.feature_ids)


def test_shipped_profile_has_concrete_text_for_every_feature(profile):
    assert len(profile.features) == 11
    names = set()
    for t in profile.features:
        assert len(t.strength_on_the_job) > 60
        assert len(t.interview_probes) >= 2 and len(t.coaching_questions) >= 2
        assert t.module.phase in (30, 60, 90) and t.module.days > 0
        names.add(t.module.name)
    assert len(names) == 11  # one distinct module per feature


def _broken(tmp_path, edit):
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["features"]["warmth"].update(weight="high"),
            "features.warmth.weight: must be a number",
        ),
        (
            lambda d: d["features"]["empathy"]["target"].update(low=4.8, high=4.0),
            "features.empathy.target: low (4.8) is above high (4)",
        ),
        (
            lambda d: d["features"]["listening"]["module"].update(phase=45),
            "features.listening.module.phase: must be 30, 60 or 90",
        ),
        (
            lambda d: d["features"]["optimism"].pop("module"),
            "features.optimism.module: must be a mapping",
        ),
        (
            lambda d: d["features"]["teamwork"].update(interview_probes=[]),
            "features.teamwork.interview_probes: must be a non-empty list",
        ),
        (
            lambda d: d["features"].update(charisma=copy.deepcopy(d["features"]["warmth"])),
            "features.charisma: is not a feature of wetco-service",
        ),
        (lambda d: d["features"].pop("patience_caring"), "features.patience_caring: is missing"),
        (
            lambda d: d["features"]["listening"]["target"].update(high=120),
            "features.listening.target.high: 120 is outside 0..100",
        ),
        (
            lambda d: d["features"]["conscientiousness"].update(minimum=4.5),
            "features.conscientiousness.minimum: (4.5) is above",
        ),
        (lambda d: d.pop("title"), "title: must be a non-empty text"),
    ],
)
def test_broken_profile_names_file_and_field(tmp_path, q, edit, message):
    with pytest.raises(ProfileError) as caught:
        load_profile(_broken(tmp_path, edit), q)
    assert any(p.startswith("broken.yaml: ") and message in p for p in caught.value.problems), (
        caught.value.problems
    )


def test_not_yaml_is_a_profile_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("features: [unclosed", encoding="utf-8")
    with pytest.raises(ProfileError, match="bad.yaml: cannot be read as YAML"):
        load_profile(path)


def test_derived_profile_uses_high_performers_quartiles(profile, sample):
    derived = derive_profile(
        profile, sample.features, sample.y, FEATURE_IDS,
        importance={"warmth": (-0.01, 0.004), "empathy": (0.02, 0.005)},
    )  # fmt: skip
    assert derived.source == "calibration" and derived.based_on == "contact-center-rep@1"
    assert derived.version != profile.version
    top = sample.features[sample.y == 1, FEATURE_IDS.index("empathy")]
    q1, q2, q3 = statistics.quantiles(top, n=4, method="inclusive")
    target = derived.target("empathy")
    assert (target.low, target.median, target.high) == pytest.approx((q1, q2, q3), abs=0.006)
    assert target.module == profile.target("empathy").module
    assert target.interview_probes == profile.target("empathy").interview_probes
    assert derived.target("warmth").weight == 0.0
    total = sum(t.weight for t in profile.features)
    assert derived.target("empathy").weight == pytest.approx(total)  # all the importance
    assert HiringProfile.from_dict(json.loads(json.dumps(derived.to_dict()))) == derived


def test_fit_without_model_uses_profile_match_and_hand_computed_gaps(profile):
    scores = {t.feature_id: t.high for t in profile.features}
    scores["empathy"] = 3.0  # target low 3.7, width 1.3 -> SD 1.3 / 1.35
    scores["listening"] = None
    fit = candidate_fit(profile, scores)
    assert fit.probability is None and fit.percentile is None and fit.band_basis == "profile"
    assert fit.gaps["empathy"] == pytest.approx((3.0 - 3.7) / (1.3 / 1.35), abs=1e-4)
    assert fit.gaps["warmth"] == 0.0 and "listening" not in fit.gaps
    total = sum(t.weight for t in profile.features)
    met = total - profile.target("empathy").weight - profile.target("listening").weight
    expected_band = "strong" if met / total >= 0.85 else "good"
    assert fit.band == expected_band
    assert [g.feature_id for g in fit.onboarding_gaps] == ["empathy"]
    assert fit.onboarding_gaps[0].module.id == "empathy-on-the-line"
    assert fit.factors == []


def test_knockout_sets_the_band_and_is_listed(profile):
    scores = {t.feature_id: t.high for t in profile.features}
    scores["conscientiousness"] = 2.0  # minimum 2.4
    fit = candidate_fit(profile, scores)
    assert fit.knockouts == ["conscientiousness"] and fit.band == "knock-out"


def test_onboarding_gaps_ranked_by_weight_times_gap_without_a_model(profile):
    scores = {t.feature_id: t.high for t in profile.features}
    scores.update(warmth=3.0, conscientiousness=3.0, listening=50.0)
    fit = candidate_fit(
        profile,
        scores,
        norms={
            "warmth": (3.5, 0.6, 500),
            "conscientiousness": (3.5, 0.6, 500),
            "listening": (60, 15, 500),
        },
    )
    gaps = {g.feature_id: g for g in fit.onboarding_gaps}
    assert gaps["warmth"].gap == pytest.approx((3.0 - 3.6) / 0.6, abs=1e-4)
    expected = sorted(gaps, key=lambda f: -profile.target(f).weight * -gaps[f].gap)
    assert [g.feature_id for g in fit.onboarding_gaps] == expected


def test_fit_with_model_matches_the_calibration(profile, calibration, sample):
    row = sample.features[3]
    scores = dict(zip(FEATURE_IDS, row, strict=True))
    fit = candidate_fit(profile, scores, calibration)
    p = calibration.predict(row)[0]
    assert fit.probability == pytest.approx(p)
    preds = np.array(calibration.oof_probability)
    assert fit.percentile == pytest.approx(
        100 * ((preds < p).sum() + 0.5 * (preds == p).sum()) / 300, abs=0.05
    )
    lift = p / calibration.report.base_rate
    expected = (
        "strong"
        if lift >= 1.5
        else "good"
        if lift >= 1.1
        else "moderate"
        if lift >= 0.75
        else "low"
    )
    assert fit.band == expected and fit.band_basis == "probability"
    pipeline = calibration.estimator.calibrated_classifiers_[0].estimator
    intercept = pipeline.named_steps["model"].intercept_[0]
    total = sum(c for _, c in fit.factors)
    assert total + intercept == pytest.approx(pipeline.decision_function(row[None, :])[0])
    assert abs(fit.factors[0][1]) >= abs(fit.factors[-1][1])
    sds = calibration.feature_sds
    for fid, gap in fit.gaps.items():
        t = profile.target(fid)
        value, low, high = (float(f"{v:.1f}") for v in (scores[fid], t.low, t.high))  # as shown
        by_hand = (min(value - low, 0) + max(value - high, 0)) / sds[fid]
        assert gap == pytest.approx(by_hand, abs=1e-4)
    assert len(fit.strengths) <= 3
    json.dumps(fit.to_dict())


def test_strengths_are_the_highest_on_target_features(profile, calibration):
    scores = {f: calibration.feature_means[f] for f in FEATURE_IDS}
    for fid, bump in (("empathy", 2.0), ("listening", 1.5), ("optimism", 1.0), ("warmth", 0.5)):
        scores[fid] = calibration.feature_means[fid] + bump * calibration.feature_sds[fid]
    fit = candidate_fit(profile, scores, calibration)
    on_target = [
        f
        for f in ("empathy", "listening", "optimism", "warmth")
        if scores[f] >= profile.target(f).low
    ]
    assert fit.strengths == on_target[:3]


def test_insufficient_evidence_shows_no_probability(profile):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((200, len(FEATURE_IDS)))
    y = (rng.random(200) < 0.3).astype(int)
    noise = calibrate(x, y, FEATURE_IDS)
    assert not noise.report.evidence_sufficient
    fit = candidate_fit(profile, dict(zip(FEATURE_IDS, x[0], strict=True)), noise)
    assert fit.probability is None and fit.percentile is None and fit.factors == []
    assert fit.band_basis in ("profile", "minimum")
    assert any("Insufficient evidence" in n for n in fit.notes)


def test_load_profiles_reports_every_broken_file(tmp_path):
    (tmp_path / "a.yaml").write_text("id: a\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("- not a mapping\n", encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profiles(tmp_path)
    files = {p.split(":")[0] for p in caught.value.problems}
    assert files == {"a.yaml", "b.yaml"}
    assert Path(SHIPPED).exists()
