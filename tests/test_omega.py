"""McDonald's omega from a one-factor model, its bootstrap interval and the SEM."""

import numpy as np
import pytest

from hiring.assessment.omega import (
    omega_total,
    omega_with_interval,
    one_factor_loadings,
    sample_omega,
    standard_error_of_measurement,
)

LOADINGS = np.array([0.8, 0.7, 0.6, 0.5, 0.4])


def implied_correlation(loadings: np.ndarray) -> np.ndarray:
    r = np.outer(loadings, loadings)
    np.fill_diagonal(r, 1.0)
    return r


def congeneric_items(n: int, loadings: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    factor = rng.standard_normal((n, 1))
    return factor * loadings + rng.standard_normal((n, loadings.size)) * np.sqrt(1 - loadings**2)


def test_the_factor_analysis_recovers_known_loadings_from_their_correlation_matrix():
    assert one_factor_loadings(implied_correlation(LOADINGS)) == pytest.approx(LOADINGS, abs=1e-5)


def test_omega_of_a_known_loading_matrix_by_hand():
    # (.8+.7+.6+.5+.4)^2 = 9; uniquenesses 5 - (.64+.49+.36+.25+.16) = 3.1; 9 / 12.1
    assert omega_total(LOADINGS) == pytest.approx(9 / 12.1)
    assert sample_omega(congeneric_items(200_000, LOADINGS, 1))[0] == pytest.approx(
        9 / 12.1, abs=0.005
    )


def test_omega_equals_standardized_alpha_when_every_item_loads_the_same():
    loadings = np.full(6, 0.6)
    r = implied_correlation(loadings)
    mean_r = r[np.triu_indices(6, 1)].mean()
    alpha_standardized = 6 * mean_r / (1 + 5 * mean_r)
    assert omega_total(one_factor_loadings(r)) == pytest.approx(alpha_standardized, abs=1e-6)


def test_a_reverse_keyed_factor_is_signed_positive():
    assert one_factor_loadings(implied_correlation(-LOADINGS)) == pytest.approx(LOADINGS, abs=1e-5)


def test_the_sem_is_the_sd_times_the_root_of_unreliability():
    assert standard_error_of_measurement(0.6, 0.84) == pytest.approx(0.6 * 0.4)
    assert np.isnan(standard_error_of_measurement(float("nan"), 0.8))


def test_too_few_items_or_a_constant_item_give_no_omega():
    items = congeneric_items(50, LOADINGS[:2], 3)
    assert np.isnan(sample_omega(items)[0])
    constant = congeneric_items(50, LOADINGS, 3)
    constant[:, 0] = 1.0
    assert omega_with_interval(constant, 1.0) is None


@pytest.mark.slow
def test_the_bootstrap_interval_covers_the_true_omega_about_95_percent_of_the_time():
    truth = 9 / 12.1
    covered = []
    for seed in range(40):
        items = congeneric_items(150, LOADINGS, seed)
        result = omega_with_interval(items, 1.0, resamples=200, random_state=seed)
        covered.append(result.ci_low <= truth <= result.ci_high)
        assert result.sem_ci_low <= result.sem <= result.sem_ci_high
    assert 0.8 <= np.mean(covered) <= 1.0
