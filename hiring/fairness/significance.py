"""Significance tests for one group against the reference group (a 2x2 table)."""

from dataclasses import dataclass

import numpy as np

# Fisher's exact test is the primary test when either group has fewer people than this, or
# when any expected cell count is under MIN_EXPECTED_COUNT (where chi-square/z are unreliable).
SMALL_SAMPLE_SIZE = 30
MIN_EXPECTED_COUNT = 5.0

FISHER = "Fisher's exact test"
Z_TEST = "two-proportion z-test"


@dataclass(frozen=True)
class TwoByTwoTests:
    """The three tests on one 2x2 table, and which one to read first."""

    fisher_p: float
    z_statistic: float
    z_p: float
    chi2_statistic: float
    chi2_p: float
    chi2_yates_statistic: float
    chi2_yates_p: float
    min_expected: float
    primary_test: str
    primary_p: float


def compare_proportions(selected_a: int, n_a: int, selected_b: int, n_b: int) -> TwoByTwoTests:
    r"""Test whether group a's selection rate differs from group b's (two-sided).

    Parameters
    ----------
    selected_a, n_a : int
        People selected, and people considered, in the group under study (n_a >= 1).
    selected_b, n_b : int
        The same for the reference group (n_b >= 1).

    Returns
    -------
    TwoByTwoTests
        Fisher's exact p; the pooled two-proportion z-test

        .. math:: z = \frac{p_a - p_b}{\sqrt{\hat p (1-\hat p)(1/n_a + 1/n_b)}},
                  \quad \hat p = \frac{x_a + x_b}{n_a + n_b},\quad p = 2\,(1-\Phi(|z|));

        Pearson's chi-square without continuity correction (for a 2x2 table
        :math:`\chi^2 = z^2`, so their p-values agree); and, beside it, Yates's
        continuity-corrected chi-square, which some audit practice prefers:

        .. math:: \chi^2_Y = \sum \frac{(\max(0, |O - E| - 1/2))^2}{E}

        (what ``scipy.stats.chi2_contingency(correction=True)`` computes; it is more
        conservative, so its p-value is never below the uncorrected one). When nobody or
        everybody was selected in both groups there is no difference to test: the
        statistics are 0 and every p-value is 1.
    """
    from scipy import stats  # imported on first use: the web app starts without SciPy

    table = np.array([[selected_a, n_a - selected_a], [selected_b, n_b - selected_b]])
    fisher_p = float(stats.fisher_exact(table, alternative="two-sided").pvalue)
    pooled = (selected_a + selected_b) / (n_a + n_b)
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    min_expected = float(expected.min())
    if pooled in (0.0, 1.0):
        z, z_p, chi2, chi2_p = 0.0, 1.0, 0.0, 1.0
        yates, yates_p = 0.0, 1.0
    else:
        se = np.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
        z = float((selected_a / n_a - selected_b / n_b) / se)
        z_p = float(2 * stats.norm.sf(abs(z)))
        result = stats.chi2_contingency(table, correction=False)
        chi2, chi2_p = float(result.statistic), float(result.pvalue)
        corrected = stats.chi2_contingency(table, correction=True)
        yates, yates_p = float(corrected.statistic), float(corrected.pvalue)
    if min(n_a, n_b) < SMALL_SAMPLE_SIZE or min_expected < MIN_EXPECTED_COUNT:
        primary_test, primary_p = FISHER, fisher_p
    else:
        primary_test, primary_p = Z_TEST, z_p
    return TwoByTwoTests(
        fisher_p=min(fisher_p, 1.0),
        z_statistic=z,
        z_p=min(z_p, 1.0),
        chi2_statistic=chi2,
        chi2_p=min(chi2_p, 1.0),
        chi2_yates_statistic=yates,
        chi2_yates_p=min(yates_p, 1.0),
        min_expected=min_expected,
        primary_test=primary_test,
        primary_p=min(primary_p, 1.0),
    )
