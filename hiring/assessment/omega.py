"""McDonald's omega from a one-factor model, its bootstrap interval and the standard error of measurement.

One factor is fitted to the items' correlation matrix by iterated principal axis factoring,
which converges to the unweighted least squares (minres) solution that R's ``psych::fa`` gives
by default. With standardized loadings :math:`\\lambda_i` and uniquenesses
:math:`\\psi_i = 1 - \\lambda_i^2`,

.. math:: \\omega_t = \\frac{(\\sum \\lambda_i)^2}{(\\sum \\lambda_i)^2 + \\sum \\psi_i}

(McDonald, 1999, eq. 6.20b). It is the share of the variance of the unit-weighted sum of
standardized items that the common factor explains; unlike alpha it does not assume that
every item measures the factor equally well.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

OMEGA_BOOTSTRAP = 200  # resamples for the percentile interval of omega
CONFIDENCE = 0.95
MAX_ITERATIONS = 500
TOLERANCE = 1e-8


@dataclass(frozen=True)
class Omega:
    """Omega total with a bootstrap interval, and the SEM in the scale's score units."""

    omega: float
    ci_low: float
    ci_high: float
    sem: float  # SD of the scale score x sqrt(1 - omega)
    sem_ci_low: float  # from the interval's upper end (higher reliability, smaller error)
    sem_ci_high: float
    loadings: tuple[float, ...]


def one_factor_loadings(correlation: np.ndarray) -> np.ndarray:
    """Return the loadings of one factor fitted to ``correlation`` by iterated principal axes.

    Parameters
    ----------
    correlation : ndarray, shape (k, k)
        A correlation matrix, k >= 3 (with two items one factor is not identified).

    Returns
    -------
    ndarray, shape (k,)
        Loadings, signed so that their sum is positive; communalities are kept in [0, 1)
        (a Heywood case is clipped at .995).
    """
    r = np.asarray(correlation, dtype=float)
    k = r.shape[0]
    if k < 3:
        raise ValueError("one factor needs at least three items")
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse_diagonal = np.diag(np.linalg.pinv(r))
    communality = np.clip(1 - 1 / inverse_diagonal, 0.0, 0.995)  # squared multiple correlations
    loadings = np.zeros(k)
    for _ in range(MAX_ITERATIONS):
        reduced = r.copy()
        np.fill_diagonal(reduced, communality)
        values, vectors = np.linalg.eigh(reduced)
        loadings = vectors[:, -1] * np.sqrt(max(values[-1], 0.0))
        updated = np.clip(loadings**2, 0.0, 0.995)
        if np.max(np.abs(updated - communality)) < TOLERANCE:
            break
        communality = updated
    return loadings if loadings.sum() >= 0 else -loadings


def omega_total(loadings: np.ndarray) -> float:
    """Return omega total from standardized one-factor loadings."""
    loadings = np.asarray(loadings, dtype=float)
    common = loadings.sum() ** 2
    unique = (1 - loadings**2).sum()
    return float(common / (common + unique)) if common + unique > 0 else float("nan")


def sample_omega(items: np.ndarray) -> tuple[float, np.ndarray]:
    """Return omega and the loadings for complete-case item scores (n, k); NaN if undefined."""
    n, k = items.shape
    sd = items.std(axis=0, ddof=1) if n >= 2 else np.zeros(k)
    if k < 3 or n < k + 2 or np.any(sd == 0):
        return float("nan"), np.full(k, np.nan)
    loadings = one_factor_loadings(np.corrcoef(items, rowvar=False))
    return omega_total(loadings), loadings


def standard_error_of_measurement(sd: float, reliability: float) -> float:
    """Return SD * sqrt(1 - reliability): the typical distance of an observed from a true score."""
    if not (np.isfinite(sd) and np.isfinite(reliability)):
        return float("nan")
    return float(sd * np.sqrt(max(0.0, 1 - reliability)))


def omega_with_interval(
    items: np.ndarray,
    scale_score_sd: float,
    *,
    resamples: int = OMEGA_BOOTSTRAP,
    confidence: float = CONFIDENCE,
    random_state: int = 0,
) -> Omega | None:
    """Omega of complete-case item scores with a percentile bootstrap interval, and the SEM.

    ``scale_score_sd`` is the SD of the score as reported (for a scale, the mean of its
    items), so the SEM is in the units a user reads. Resamples whose omega is undefined
    (a constant item) are skipped; None when omega itself is undefined.
    """
    omega, loadings = sample_omega(items)
    if not np.isfinite(omega):
        return None
    rng = np.random.default_rng(random_state)
    n = items.shape[0]
    draws = [sample_omega(items[rng.integers(0, n, n)])[0] for _ in range(resamples)]
    finite = np.array([d for d in draws if np.isfinite(d)])
    tail = (1 - confidence) / 2
    low, high = np.quantile(finite, [tail, 1 - tail]) if finite.size else (np.nan, np.nan)
    sem = standard_error_of_measurement
    return Omega(
        omega, float(low), float(high), sem(scale_score_sd, omega),
        sem(scale_score_sd, float(high)), sem(scale_score_sd, float(low)),
        tuple(float(v) for v in loadings),
    )  # fmt: skip
