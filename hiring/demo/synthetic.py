"""Make synthetic incumbents and applicants whose true chance of high performance is known.

Everything here is for demos, tests and benchmarks, and is labelled as such: ids are
``SYN-0001``..., e-mail addresses end in ``@example.test`` and every sample carries
``synthetic=True``.

The generating model
--------------------
Latent traits :math:`z \\sim N(0, R)` for the eleven model features (five WETCO scales, six
SJT competencies), with moderate positive correlations (:data:`SCALE_CORRELATION`,
:data:`COMPETENCY_CORRELATION`, :data:`CROSS_CORRELATION`). Job performance is

.. math:: \\text{perf} = w^\\top z + \\sqrt{1 - \\rho^2}\\,\\varepsilon, \\qquad w^\\top R w = \\rho^2,

so ``perf`` has unit variance and the best possible composite correlates :math:`\\rho` (the
``validity``, .40 by default) with it. A high performer is someone with
``perf > Phi^-1(1 - base_rate)``, so the true probability given the traits is
:math:`\\Phi((w^\\top z - t) / \\sqrt{1 - \\rho^2})`. With the defaults the oracle AUC is about
.69, inside the .65-.75 range selection research reports for composite predictors.

Observed features are either an affine map of the latent traits into the score metric (1..5
for scales, 0..100 for competencies; the default) or scores of simulated item responses to a
questionnaire (Likert items via thresholds on loading x latent + noise, reverse keys
respected; attention checks mostly answered as expected; impression items driven by a
separate impression-management factor; SJT options chosen more effectively by people higher
on the competencies the item measures).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import norm

SCALE_IDS = ("warmth", "empathy", "teamwork", "conscientiousness", "optimism")
COMPETENCY_IDS = (
    "listening",
    "gathering_information",
    "communicating_clearly",
    "building_relationships",
    "defusing_conflict",
    "patience_caring",
)
FEATURE_IDS = SCALE_IDS + COMPETENCY_IDS

SCALE_CORRELATION = 0.30
COMPETENCY_CORRELATION = 0.40
CROSS_CORRELATION = 0.20

# Relative true weights: unequal on purpose (one is zero) so that a fitted model has
# something to learn beyond a unit-weighted sum.
TRUE_WEIGHTS = {
    "warmth": 0.15,
    "empathy": 0.30,
    "teamwork": 0.05,
    "conscientiousness": 0.35,
    "optimism": 0.20,
    "listening": 0.25,
    "gathering_information": 0.10,
    "communicating_clearly": 0.15,
    "building_relationships": 0.05,
    "defusing_conflict": 0.30,
    "patience_caring": 0.0,
}

SCALE_METRIC = (3.7, 0.55)  # mean, sd of a scale score on the 1..5 metric
COMPETENCY_METRIC = (62.0, 14.0)  # mean, sd of an SJT competency score on 0..100
KPI_METRIC = (80.0, 6.0)  # a CSAT-like KPI: 80 + 6 x perf, on 0..100

LIKERT_LOADING = 0.7
SJT_SENSITIVITY = (1.0, 0.9)  # choice sharpness = a + b x latent competency
ATTENTION_PASS_RATE = 0.95

FIRST_NAMES = (
    "Avery", "Blake", "Casey", "Devon", "Emery", "Finley", "Harper", "Jordan",
    "Kai", "Logan", "Morgan", "Noel", "Parker", "Quinn", "Riley", "Sage",
    "Taylor", "Rowan", "Skyler", "Jamie",
)  # fmt: skip
LAST_NAMES = (
    "Sample", "Testwell", "Demo", "Placeholder", "Fictional", "Mockford",
    "Dummyson", "Synthetica", "Madeup", "Pretendo",
)  # fmt: skip


@dataclass(frozen=True)
class SyntheticPerson:
    """A clearly fake identity for demos."""

    id: str
    name: str
    email: str
    synthetic: bool = True


@dataclass(frozen=True)
class SyntheticSample:
    """Synthetic people with their latent traits, observed features and the truth."""

    ids: tuple[str, ...]
    feature_ids: tuple[str, ...]
    latent: np.ndarray  # n x k standard-normal traits
    features: np.ndarray  # n x k in the score metric (NaN where a score is missing)
    performance: np.ndarray  # latent performance, unit variance
    kpi: np.ndarray  # CSAT-like KPI derived from performance
    high_performer: np.ndarray  # bool
    p_true: np.ndarray  # true P(high performer | latent traits)
    responses: np.ndarray | None = None  # n x len(q.item_ids) when item-level
    people: tuple[SyntheticPerson, ...] = ()
    synthetic: bool = field(default=True)

    @property
    def y(self) -> np.ndarray:
        """The high-performer outcome as 0/1 integers."""
        return self.high_performer.astype(int)


def trait_correlation(feature_ids: Sequence[str] = FEATURE_IDS) -> np.ndarray:
    """Return the latent correlation matrix used for ``feature_ids``."""
    k = len(feature_ids)
    r = np.empty((k, k))
    for i, a in enumerate(feature_ids):
        for j, b in enumerate(feature_ids):
            if i == j:
                r[i, j] = 1.0
            elif (a in COMPETENCY_IDS) and (b in COMPETENCY_IDS):
                r[i, j] = COMPETENCY_CORRELATION
            elif (a in COMPETENCY_IDS) or (b in COMPETENCY_IDS):
                r[i, j] = CROSS_CORRELATION
            else:
                r[i, j] = SCALE_CORRELATION
    return r


def true_weights(
    feature_ids: Sequence[str] = FEATURE_IDS,
    validity: float = 0.4,
    weights: dict[str, float] | None = None,
) -> np.ndarray:
    """Scale the relative weights so that the best composite has correlation ``validity``."""
    if not 0.0 < validity < 1.0:
        raise ValueError("validity must be between 0 and 1")
    raw = np.array([(weights or TRUE_WEIGHTS).get(f, 0.0) for f in feature_ids], dtype=float)
    variance = raw @ trait_correlation(feature_ids) @ raw
    if variance <= 0:
        raise ValueError("at least one weight must be non-zero")
    return raw * validity / np.sqrt(variance)


def synthetic_people(n: int, *, start: int = 1, prefix: str = "SYN") -> tuple[SyntheticPerson, ...]:
    """Return ``n`` fake identities (``SYN-0001``, ``avery.sample.0001@example.test``)."""
    people = []
    for number in range(start, start + n):
        first = FIRST_NAMES[(number - 1) % len(FIRST_NAMES)]
        last = LAST_NAMES[((number - 1) // len(FIRST_NAMES)) % len(LAST_NAMES)]
        people.append(
            SyntheticPerson(
                id=f"{prefix}-{number:04d}",
                name=f"{first} {last} (synthetic)",
                email=f"{first.lower()}.{last.lower()}.{number:04d}@example.test",
            )
        )
    return tuple(people)


def simulate_incumbents(
    n: int,
    *,
    feature_ids: Sequence[str] = FEATURE_IDS,
    validity: float = 0.4,
    base_rate: float = 0.3,
    weights: dict[str, float] | None = None,
    questionnaire: Any = None,
    shift: float = 0.0,
    random_state: int | np.random.Generator | None = 0,
    prefix: str = "SYN",
) -> SyntheticSample:
    """Simulate ``n`` incumbents with a known probability of being a high performer.

    With a ``questionnaire`` the features are the scores of simulated item responses (its
    ``feature_ids`` are used); otherwise they are the latent traits mapped into the score
    metric. ``shift`` (in SD units) makes people describe themselves more favourably on the
    self-report scales, as applicants tend to; it leaves performance untouched.
    """
    if n < 1:
        raise ValueError("n must be positive")
    if not 0.0 < base_rate < 1.0:
        raise ValueError("base_rate must be between 0 and 1")
    rng = np.random.default_rng(random_state)
    if questionnaire is not None:
        feature_ids = tuple(questionnaire.feature_ids)
    feature_ids = tuple(feature_ids)
    latent = rng.multivariate_normal(np.zeros(len(feature_ids)), trait_correlation(feature_ids), n)
    w = true_weights(feature_ids, validity, weights)
    signal = latent @ w
    noise_sd = np.sqrt(1.0 - validity**2)
    performance = signal + noise_sd * rng.standard_normal(n)
    cut = norm.ppf(1.0 - base_rate)
    responses = None
    if questionnaire is None:
        features = _features_from_latent(latent, feature_ids, shift)
    else:
        responses = simulate_responses(questionnaire, latent, shift=shift, random_state=rng)
        features = _features_from_responses(questionnaire, responses)
    people = synthetic_people(n, prefix=prefix)
    kpi_mean, kpi_sd = KPI_METRIC
    return SyntheticSample(
        ids=tuple(p.id for p in people),
        feature_ids=feature_ids,
        latent=latent,
        features=features,
        performance=performance,
        kpi=np.clip(np.round(kpi_mean + kpi_sd * performance, 1), 0.0, 100.0),
        high_performer=performance > cut,
        p_true=norm.sf((cut - signal) / noise_sd),
        responses=responses,
        people=people,
    )


def simulate_applicants(n: int, *, shift: float = 0.3, **kwargs: Any) -> SyntheticSample:
    """Simulate an applicant pool: incumbents' traits with a favourable self-description shift."""
    kwargs.setdefault("prefix", "SYN-APP")
    return simulate_incumbents(n, shift=shift, **kwargs)


@dataclass(frozen=True)
class SelectionSample:
    """An applicant pool selected top-down on its fit, with outcomes only for those hired.

    ``fit`` and ``performance`` are bivariate normal in the pool with correlation
    ``true_validity``; ``performance`` is NaN for everyone not hired, as it is in real data.
    ``retained`` (0/1, NaN when not hired) is ``performance`` above the cut that keeps
    ``retention_rate`` of the whole pool.
    """

    fit: np.ndarray
    hired: np.ndarray  # bool
    performance: np.ndarray
    retained: np.ndarray
    true_validity: float
    synthetic: bool = True


def simulate_selection(
    n_applicants: int,
    *,
    selection_ratio: float = 0.2,
    validity: float = 0.4,
    retention_rate: float = 0.7,
    random_state: int | np.random.Generator | None = 0,
) -> SelectionSample:
    """Simulate a pool, hire the best ``selection_ratio`` of it on the fit, observe only them.

    This is direct range restriction on the fit, the case Thorndike's Case II corrects.
    """
    if not 0 < selection_ratio <= 1 or not -1 < validity < 1:
        raise ValueError("selection_ratio must be in (0, 1] and validity in (-1, 1)")
    rng = np.random.default_rng(random_state)
    fit = rng.standard_normal(n_applicants)
    performance = validity * fit + np.sqrt(1 - validity**2) * rng.standard_normal(n_applicants)
    hires = max(1, round(selection_ratio * n_applicants))
    hired = np.zeros(n_applicants, dtype=bool)
    hired[np.argsort(-fit, kind="stable")[:hires]] = True
    retained = (performance > norm.ppf(1 - retention_rate)).astype(float)
    return SelectionSample(
        fit=fit,
        hired=hired,
        performance=np.where(hired, performance, np.nan),
        retained=np.where(hired, retained, np.nan),
        true_validity=validity,
    )


def _features_from_latent(
    latent: np.ndarray, feature_ids: Sequence[str], shift: float
) -> np.ndarray:
    """Map latent traits into the score metric; self-report scales get the ``shift``."""
    features = np.empty_like(latent)
    for j, feature in enumerate(feature_ids):
        if feature in COMPETENCY_IDS:
            mean, sd = COMPETENCY_METRIC
            features[:, j] = np.clip(mean + sd * latent[:, j], 0.0, 100.0)
        else:
            mean, sd = SCALE_METRIC
            features[:, j] = np.clip(mean + sd * (latent[:, j] + shift), 1.0, 5.0)
    return features


def _features_from_responses(questionnaire: Any, responses: np.ndarray) -> np.ndarray:
    """Score simulated responses with the production scoring code."""
    from hiring.assessment.scoring import score_matrix

    return np.asarray(score_matrix(questionnaire, responses).features, dtype=float)


def simulate_responses(
    questionnaire: Any,
    latent: np.ndarray,
    *,
    shift: float = 0.0,
    impression_shift: float | None = None,
    random_state: int | np.random.Generator | None = 0,
) -> np.ndarray:
    """Simulate answers (n x ``len(q.item_ids)``, ints as floats) to a questionnaire.

    ``latent`` holds one column per ``questionnaire.feature_ids``. ``shift`` moves the trait
    items towards the favourable answer (applicants' self-presentation) and, unless
    ``impression_shift`` says otherwise, raises the impression-management factor by twice
    as much.
    """
    rng = np.random.default_rng(random_state)
    n = latent.shape[0]
    points = int(questionnaire.response_scale.points)
    column = {f: j for j, f in enumerate(questionnaire.feature_ids)}
    position = {item_id: j for j, item_id in enumerate(questionnaire.item_ids)}
    offset = 2 * shift if impression_shift is None else impression_shift
    impression = rng.standard_normal(size=(n,)) + offset
    out = np.full((n, len(position)), np.nan)
    trait_cuts = np.linspace(-2.0, 0.9, points - 1)  # favourable skew, mean near 3.7 of 5
    rare_cuts = np.linspace(-0.3, 2.2, points - 1)  # impression items: high answers are rare
    noise_sd = np.sqrt(1 - LIKERT_LOADING**2)
    for item in questionnaire.items:
        j = position[item.id]
        if item.kind == "attention":
            out[:, j] = _attention_answers(item.expected, points, n, rng)
            continue
        if item.kind == "trait":
            drive: np.ndarray = latent[:, column[item.scale]] + shift
            cuts = trait_cuts
        else:
            drive, cuts = impression, rare_cuts
        level = 1 + np.searchsorted(
            cuts, LIKERT_LOADING * drive + noise_sd * rng.standard_normal(n)
        )
        out[:, j] = level if item.keyed >= 0 else points + 1 - level
    a, b = SJT_SENSITIVITY
    for sjt in questionnaire.sjt_items:
        skill = latent[:, [column[c] for c in sjt.competencies]].mean(axis=1)
        out[:, position[sjt.id]] = _sjt_choices(sjt, a + b * skill, rng)
    return out


def _attention_answers(
    expected: Sequence[int], points: int, n: int, rng: np.random.Generator
) -> np.ndarray:
    """Most people answer an attention check as instructed; the rest answer at random."""
    correct = rng.choice(np.asarray(expected), size=n)
    random = rng.integers(1, points + 1, size=n)
    return np.where(rng.random(n) < ATTENTION_PASS_RATE, correct, random)


def _sjt_choices(sjt: Any, sharpness: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Choose options with probability rising with effectiveness x competency (softmax)."""
    effect = np.array([o.effectiveness for o in sjt.options], dtype=float)
    spread = effect.std() or 1.0
    utility = np.outer(sharpness, (effect - effect.mean()) / spread)
    prob = np.exp(utility - utility.max(axis=1, keepdims=True))
    prob /= prob.sum(axis=1, keepdims=True)
    draws = rng.random(len(sharpness))[:, None]
    return 1 + (draws > np.cumsum(prob, axis=1)).sum(axis=1).clip(max=len(effect) - 1)
