"""The Brogden-Cronbach-Gleser utility in money, against a hand-computed example."""

import math

import pytest

from hiring.modeling.utility import brogden_cronbach_gleser, default_sdy


def test_a_hand_computed_example():
    # 10 hires a year from the top 20% (50 applicants at 50 each), staying 2 years,
    # validity .30, salary 40,000 so SDy = 16,000 by the 40% rule.
    # z_cut = 0.841621, phi(z_cut) = 0.279962, phi / SR = 1.399809
    # gain = 10 * 2 * .30 * 16,000 * 1.399809 - 50 * 50 = 134,381.7 - 2,500 = 131,881.7
    z = 0.8416212335729143
    ordinate = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    assert ordinate == pytest.approx(0.279962, abs=1e-6)
    result = brogden_cronbach_gleser(0.30, 0.20, 10, 2, default_sdy(40_000), 50)
    assert result.sdy == pytest.approx(16_000)
    assert result.applicants_per_year == pytest.approx(50)
    assert result.assessment_cost == pytest.approx(2_500)
    assert result.gain_total == pytest.approx(10 * 2 * 0.30 * 16_000 * ordinate / 0.2 - 2_500)
    assert result.gain_total == pytest.approx(131_881.7, abs=1)
    assert result.gain_per_hire == pytest.approx(13_188.17, abs=0.1)
    assert result.gain_per_year == pytest.approx(65_940.8, abs=1)


def test_hiring_everyone_gains_nothing_but_costs_the_assessment():
    result = brogden_cronbach_gleser(0.5, 1.0, 4, 3, 10_000, 25)
    assert result.gain_total == pytest.approx(-100)


def test_a_useless_fit_only_costs_money():
    result = brogden_cronbach_gleser(0.0, 0.1, 5, 1, 20_000, 30)
    assert result.gain_total == pytest.approx(-1_500) and result.gain_per_hire == -300


@pytest.mark.parametrize(
    "arguments",
    [(0.3, 0.0, 10, 2, 1.0, 1.0), (0.3, 0.5, 0, 2, 1.0, 1.0), (0.3, 0.5, 1, 0, 1.0, 1.0),
     (0.3, 0.5, 1, 1, -1.0, 1.0)],
)  # fmt: skip
def test_impossible_inputs_are_refused(arguments):
    with pytest.raises(ValueError):
        brogden_cronbach_gleser(*arguments)
