"""The SJT's incremental validity over the traits: out-of-fold ΔR² and ΔAUC with intervals."""

import numpy as np
import pytest

from hiring.modeling.incremental import (
    cross_validated_predictions,
    incremental_validity,
    out_of_sample_r2,
)


def sample(n: int, seed: int, sjt_weight: float):
    rng = np.random.default_rng(seed)
    traits = rng.standard_normal((n, 3))
    sjt = rng.standard_normal((n, 2))
    signal = traits @ [0.4, 0.2, 0.0] + sjt_weight * sjt[:, 0]
    return traits, sjt, signal + rng.standard_normal(n)


def test_out_of_sample_r2_by_hand():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    predicted = np.array([1.5, 2.0, 2.5, 4.0])
    # SSE = .25 + 0 + .25 + 0 = .5; SST = 5
    assert out_of_sample_r2(y, predicted) == pytest.approx(0.9)


def test_predictions_never_use_the_person_they_are_for():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((60, 2))
    y = rng.standard_normal(60)
    y[0] = 1000.0  # an outlier pulls an in-sample fit, not its own out-of-fold prediction much
    predicted = cross_validated_predictions(x, y, binary=False)
    assert abs(predicted[0]) < 100


def test_a_useful_sjt_adds_r2_and_a_useless_one_does_not():
    traits, sjt, y = sample(600, 1, sjt_weight=0.5)
    useful = incremental_validity(traits, sjt, y, resamples=300)
    assert useful.measure == "R²" and useful.gain > 0.1 and useful.gain_ci[0] > 0
    traits, sjt, y = sample(600, 2, sjt_weight=0.0)
    useless = incremental_validity(traits, sjt, y, resamples=300)
    assert useless.gain_ci[0] < 0 < useless.gain_ci[1] or abs(useless.gain) < 0.01


def test_a_yes_no_outcome_gives_a_gain_in_auc():
    traits, sjt, y = sample(800, 3, sjt_weight=0.6)
    result = incremental_validity(traits, sjt, (y > 0).astype(float), resamples=300)
    assert result.measure == "AUC" and result.outcome_kind == "yes/no"
    assert result.gain_ci[0] > 0 and 0.5 < result.traits_only < result.with_sjt < 1


def test_missing_rows_are_left_out_and_too_few_give_nothing():
    traits, sjt, y = sample(100, 4, sjt_weight=0.5)
    traits[:10, 0] = np.nan
    assert incremental_validity(traits, sjt, y, resamples=50).n == 90
    assert incremental_validity(traits[:20], sjt[:20], y[:20]) is None
