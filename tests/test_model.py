"""Calibrating the fit model: sample-size rules, honest validation, safe model files."""

import json
import zipfile

import numpy as np
import pytest
import sklearn
from sklearn.metrics import roc_auc_score

from hiring.demo.synthetic import FEATURE_IDS, simulate_incumbents
from hiring.errors import HiringError
from hiring.modeling.model import (
    SHARED_IMPORTANCE_WARNING,
    Calibration,
    InsufficientDataError,
    ValidationReport,
    calibrate,
    held_out_importance,
)
from hiring.modeling.model_files import (
    ModelFileError,
    data_hash,
    load_model,
    model_metadata,
    save_model,
)


@pytest.fixture(scope="module")
def sample():
    return simulate_incumbents(300, random_state=21)


@pytest.fixture(scope="module")
def calibration(sample):
    return calibrate(sample.features, sample.y, FEATURE_IDS)


def _data(n, positives):
    rng = np.random.default_rng(0)
    y = np.zeros(n, dtype=int)
    y[:positives] = 1
    return rng.standard_normal((n, len(FEATURE_IDS))), y


@pytest.mark.parametrize(
    ("n", "positives", "message"),
    [(29, 12, "at least 30 are needed"), (60, 9, "smaller group"), (60, 51, "smaller group")],
)
def test_too_small_samples_are_refused_with_a_clear_message(n, positives, message):
    x, y = _data(n, positives)
    with pytest.raises(InsufficientDataError, match=message) as caught:
        calibrate(x, y, FEATURE_IDS)
    assert isinstance(caught.value, HiringError)


def test_isotonic_calibration_needs_a_thousand_incumbents(sample):
    with pytest.raises(InsufficientDataError, match="Isotonic"):
        calibrate(sample.features, sample.y, FEATURE_IDS, calibration="isotonic")


def test_small_samples_are_allowed_with_a_visible_warning():
    s = simulate_incumbents(80, random_state=22)
    result = calibrate(s.features, s.y, FEATURE_IDS)
    assert any("Only 80 incumbents" in w for w in result.report.warnings)


def test_metrics_are_out_of_fold_not_in_sample(sample, calibration):
    report = calibration.report
    assert report.auc == pytest.approx(roc_auc_score(sample.y, calibration.oof_probability))
    in_sample = roc_auc_score(sample.y, calibration.incumbent_predictions)
    assert report.auc < in_sample
    assert report.auc_ci[0] < report.auc < report.auc_ci[1]
    assert report.folds == 5 and report.repeats == 5


def test_report_has_every_metric_in_a_plausible_range(sample, calibration):
    report = calibration.report
    oracle = roc_auc_score(sample.y, sample.p_true)
    assert report.auc_ci[0] < oracle < report.auc_ci[1] + 0.05
    assert report.evidence_sufficient and report.brier_skill > 0
    assert report.brier == pytest.approx(
        np.mean((np.array(calibration.oof_probability) - sample.y) ** 2)
    )
    assert 0 <= report.ece < 0.1
    assert sum(b["count"] for b in report.ece_bins) == 300
    assert 0.3 < report.calibration_slope < 2.5
    assert report.validity_ci[0] < report.validity < report.validity_ci[1]
    assert [e["share"] for e in report.expected_outcomes] == [0.1, 0.2, 0.3, 0.5]
    assert report.importance_note == SHARED_IMPORTANCE_WARNING


def test_importance_and_coefficients_find_the_strongest_true_drivers():
    s = simulate_incumbents(2000, random_state=23)
    report = calibrate(s.features, s.y, FEATURE_IDS, repeats=1).report
    top = {row["feature"] for row in report.importance[:5]}
    assert {"conscientiousness", "empathy", "defusing_conflict"} & top
    assert all(row["sd"] >= 0 for row in report.importance)
    assert report.coefficients["conscientiousness"] > report.coefficients["patience_caring"]


def test_factors_reproduce_the_logistic_decision_function(sample, calibration):
    pipeline = calibration.estimator.calibrated_classifiers_[0].estimator
    row = sample.features[:1]
    z = (row[0] - pipeline.named_steps["scale"].mean_) / pipeline.named_steps["scale"].scale_
    coefs = np.array([calibration.report.coefficients[f] for f in FEATURE_IDS])
    intercept = pipeline.named_steps["model"].intercept_[0]
    assert pipeline.decision_function(row)[0] == pytest.approx(coefs @ z + intercept)


def test_noise_features_give_insufficient_evidence():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((200, len(FEATURE_IDS)))
    y = (rng.random(200) < 0.3).astype(int)
    report = calibrate(x, y, FEATURE_IDS).report
    assert report.brier_skill <= 0
    assert report.evidence_sufficient is False
    assert any("Insufficient evidence" in w for w in report.warnings)


def test_missing_scores_are_never_imputed_incomplete_incumbents_are_left_out(sample):
    x = sample.features.copy()
    x[::7, 2] = np.nan
    result = calibrate(x, sample.y, FEATURE_IDS, repeats=1)
    complete = ~np.isnan(x).any(axis=1)
    assert result.report.n == complete.sum() and result.report.left_out == 43
    assert any("43 of 300 incumbents were left out" in w for w in result.report.warnings)
    assert any("nothing is filled in" in w for w in result.report.warnings)
    assert len(result.oof_probability) == complete.sum()
    steps = result.estimator.calibrated_classifiers_[0].estimator.named_steps
    assert list(steps) == ["scale", "model"]  # no imputer anywhere in the pipeline
    row = sample.features[0].copy()
    assert np.isfinite(result.predict(row)).all()
    row[4] = np.nan
    assert np.isnan(result.predict(row)).all()
    scores = dict(zip(FEATURE_IDS, row, strict=True))
    assert result.missing(scores) == ["optimism"]
    assert result.missing({**scores, "optimism": 3.0, "warmth": None}) == ["warmth"]


def test_a_composite_enters_the_model_as_the_mean_of_its_members(sample):
    groups = {"scenario_group": list(FEATURE_IDS[5:])}
    result = calibrate(sample.features, sample.y, FEATURE_IDS, repeats=1, composites=groups)
    assert result.model_features == (*FEATURE_IDS[:5], "scenario_group")
    assert set(result.report.coefficients) == set(result.model_features)
    assert {row["feature"] for row in result.report.importance} == set(result.model_features)
    assert result.report.composites == groups
    design = result.design(sample.features)
    np.testing.assert_allclose(design[:, 5], sample.features[:, 5:].mean(axis=1))
    np.testing.assert_allclose(design[:, :5], sample.features[:, :5])
    pipeline = result.estimator.calibrated_classifiers_[0].estimator
    np.testing.assert_allclose(
        result.predict(sample.features[:5]),
        result.estimator.predict_proba(design[:5])[:, 1],
    )
    assert pipeline.named_steps["scale"].mean_.shape == (6,)
    one_missing = sample.features[0].copy()
    one_missing[7] = np.nan  # a member missing makes the composite missing: no mean of five
    assert np.isnan(result.predict(one_missing)).all()


def test_report_and_calibration_round_trip_through_json(tmp_path, calibration, sample):
    text = json.dumps(calibration.to_dict())
    sha = save_model(calibration.estimator, tmp_path / "m.skops")
    again = Calibration.from_dict(json.loads(text), load_model(tmp_path / "m.skops", sha))
    assert again.report == calibration.report
    assert ValidationReport.from_dict(calibration.report.to_dict()) == calibration.report
    np.testing.assert_allclose(again.predict(sample.features), calibration.predict(sample.features))


@pytest.mark.slow
def test_gradient_boosting_is_an_option_not_the_default(sample):
    result = calibrate(sample.features, sample.y, FEATURE_IDS, method="boosting", repeats=1)
    assert result.report.method == "boosting" and result.report.coefficients == {}
    with pytest.raises(HiringError, match="Unknown model method"):
        calibrate(sample.features, sample.y, FEATURE_IDS, method="forest")


def test_saved_model_loads_with_its_hash(tmp_path, calibration):
    sha = save_model(calibration.estimator, tmp_path / "models" / "v1.skops")
    assert len(sha) == 64
    loaded = load_model(tmp_path / "models" / "v1.skops", sha)
    x = np.full((1, len(FEATURE_IDS)), 3.0)
    assert loaded.predict_proba(x)[0, 1] == pytest.approx(calibration.predict(x)[0])


def test_changed_model_file_is_refused(tmp_path, calibration):
    path = tmp_path / "m.skops"
    sha = save_model(calibration.estimator, path)
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(ModelFileError, match="has changed"):
        load_model(path, sha)
    with pytest.raises(ModelFileError, match="missing"):
        load_model(tmp_path / "nope.skops", sha)


def _rewrite_schema(path, edit):
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["schema.json"] = edit(members["schema.json"].decode()).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_model_from_another_sklearn_version_is_refused(tmp_path, calibration):
    path = tmp_path / "m.skops"
    save_model(calibration.estimator, path)
    version = json.dumps(json.dumps(sklearn.__version__))[1:-1]
    _rewrite_schema(path, lambda text: text.replace(version, '\\"0.0.1\\"'))
    import hashlib

    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(ModelFileError, match="scikit-learn 0.0.1"):
        load_model(path, sha)


def test_unexpected_types_are_refused(tmp_path):
    from fractions import Fraction

    import skops.io as sio

    from hiring.modeling.model_files import _sha256

    path = tmp_path / "odd.skops"
    sio.dump({"_sklearn_version": sklearn.__version__, "x": Fraction(1, 3)}, path)
    with pytest.raises(ModelFileError, match="unexpected types"):
        load_model(path, _sha256(path))


def test_metadata_records_what_when_and_which_data(calibration, sample):
    class Q:
        id, version, content_hash = "wetco-service", "1", "abc"

    digest = data_hash(sample.features, sample.y, sample.ids)
    meta = model_metadata(calibration, questionnaire=Q(), data_sha256=digest, model_sha256="f" * 64)
    json.dumps(meta)
    assert meta["n"] == 300 and meta["n_positive"] == int(sample.y.sum())
    assert meta["questionnaire"] == {"id": "wetco-service", "version": "1", "content_hash": "abc"}
    assert meta["libraries"]["scikit-learn"] == sklearn.__version__
    assert meta["metrics"]["auc"] == calibration.report.auc
    assert digest != data_hash(sample.features, 1 - sample.y, sample.ids)


def test_calibrated_probabilities_track_the_truth_at_large_n():
    s = simulate_incumbents(2000, random_state=24)
    result = calibrate(s.features, s.y, FEATURE_IDS, repeats=1)
    test = simulate_incumbents(4000, random_state=25)
    p = result.predict(test.features)
    assert np.corrcoef(p, test.p_true)[0, 1] > 0.85
    assert abs(p.mean() - test.p_true.mean()) < 0.03


def test_held_out_importance_agrees_with_sklearn_permutation_importance(sample, calibration):
    from sklearn.inspection import permutation_importance

    x, y = sample.features, sample.y
    ours = held_out_importance(calibration.estimator, x, y, n_repeats=30)
    reference = permutation_importance(
        calibration.estimator, x, y, scoring="roc_auc", n_repeats=30, random_state=0
    ).importances_mean
    np.testing.assert_allclose(ours, reference, atol=0.01)
    assert np.argmax(ours) == np.argmax(reference)
