"""Percentile ranks, T-scores and stens against raw and tabled norm groups."""

import math
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest

from hiring.assessment.norms import NormGroup, empirical_percentiles, norm_scores, stens
from hiring.assessment.questionnaires import load_questionnaire

TINY = load_questionnaire(Path(__file__).parent / "fixtures" / "tiny.yaml")


def test_empirical_percentiles_are_mid_ranks_by_hand():
    sample = np.array([[1.0], [2.0], [2.0], [3.0]])
    got = empirical_percentiles(sample, np.array([[0.0], [1.0], [2.0], [3.0], [4.0]]))[:, 0]
    # below + half of the ties, over n = 4
    assert got.tolist() == [0.0, 12.5, 50.0, 87.5, 100.0]


def test_a_raw_norm_group_gives_empirical_percentiles_and_its_size():
    features = np.array([[1.0, 10.0], [2.0, np.nan], [3.0, 30.0], [4.0, 40.0]])
    group = NormGroup.from_scores(features, ("x", "y"), "Incumbents, contact centre")
    assert group.size == 4 and group.n.tolist() == [4, 3] and group.method == "empirical"
    assert group.mean == pytest.approx([2.5, 80 / 3])
    assert group.sd[0] == pytest.approx(math.sqrt(5 / 3))  # sample sd of 1..4
    scores = norm_scores(group, np.array([[3.0, 10.0]]))
    assert scores.percentile.tolist() == [[62.5, 100 / 6]]
    assert scores.label == "Incumbents, contact centre"


def test_a_norm_table_gives_normal_curve_percentiles():
    group = NormGroup.from_table(TINY)
    assert group.method == "normal" and group.size == 100 and group.cov is None
    scores = norm_scores(group, np.array([[4.0, 3.0, 30.0, np.nan]]))
    expected = [100 * NormalDist().cdf(1.0), 50.0, 100 * NormalDist().cdf(-1.0)]
    assert scores.percentile[0, :3] == pytest.approx(expected)
    assert math.isnan(scores.percentile[0, 3])
    assert scores.t_score[0, :3].tolist() == [60.0, 50.0, 40.0]
    assert scores.n.tolist() == [100, 100, 80, 80]


@pytest.mark.parametrize(
    ("z", "sten"),
    [(-3.0, 1), (-2.0, 2), (-1.6, 2), (-0.5, 5), (-0.01, 5), (0.0, 6), (0.49, 6), (1.0, 8),
     (1.99, 9), (2.0, 10), (4.0, 10)],
)  # fmt: skip
def test_stens_are_half_sd_bands_centred_on_the_mean(z, sten):
    assert stens(np.array([z]))[0] == sten


def test_missing_scores_stay_missing():
    group = NormGroup.from_table(TINY)
    scores = norm_scores(group, np.full(4, np.nan))
    assert np.isnan(scores.percentile).all() and np.isnan(scores.sten).all()


def test_reference_uses_the_covariance_of_a_raw_group_and_a_diagonal_for_a_table():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(200, 4))
    mean, cov, diagonal = NormGroup.from_scores(features, TINY.feature_ids, "x").reference(
        ("alpha", "beta")
    )
    np.testing.assert_allclose(cov, np.cov(features[:, :2], rowvar=False))
    assert not diagonal
    mean, cov, diagonal = NormGroup.from_table(TINY).reference(("alpha", "beta"))
    assert diagonal and cov.tolist() == [[1.0, 0.0], [0.0, 0.25]]
