"""Change between rounds and its error band, against values worked out by hand."""

import math

import pytest

from hiring.team.change import DOWN, STEADY, UP, Z, scale_change, se_difference


@pytest.mark.parametrize(
    ("sd", "r", "expected"),
    [
        (0.8, 0.84, 0.452548),  # 0.8 * sqrt(2 * 0.16) = 0.8 * 0.565685
        (20.0, 0.75, 14.142136),  # 20 * sqrt(0.5)
        (1.0, 0.5, 1.0),  # sqrt(2 * 0.5) = 1
        (0.79, 0.0, 1.117229),  # 0.79 * sqrt(2)
    ],
)
def test_standard_error_of_the_difference_matches_hand_computed_values(sd, r, expected):
    assert se_difference(sd, r) == pytest.approx(expected, abs=1e-6)


def test_a_change_inside_the_band_is_not_progress():
    change = scale_change("empathy", "Empathy", 3.0, 3.8, 0.8, 0.84)
    assert change.band == pytest.approx(Z * 0.452548, abs=1e-5)  # 0.886994
    assert change.difference == pytest.approx(0.8)
    assert change.verdict == STEADY


def test_a_change_beyond_the_band_is_a_clear_change_either_way():
    up = scale_change("empathy", "Empathy", 3.0, 4.0, 0.8, 0.84)
    assert up.verdict == UP
    assert up.rci == pytest.approx(1.0 / 0.452548, abs=1e-4)  # 2.2097
    assert scale_change("empathy", "Empathy", 4.0, 3.0, 0.8, 0.84).verdict == DOWN


def test_a_perfectly_reliable_scale_has_no_band_and_a_bad_input_is_refused():
    with pytest.raises(ValueError):
        se_difference(0.8, 1.0)
    with pytest.raises(ValueError):
        se_difference(0.0, 0.8)


@pytest.mark.parametrize(("sd", "r"), [(None, 0.8), (0.8, None), (0.8, math.nan), (0.0, 0.8)])
def test_without_an_sd_or_a_reliability_nothing_is_judged(sd, r):
    change = scale_change("warmth", "Warmth", 3.0, 4.5, sd, r)
    assert change.band is None and change.rci is None
    assert change.verdict.startswith("not judged")
