"""Score the adaptive short form: θ per scale, the 1–5 scores from θ, and the person-fit check.

The adaptive form asks each candidate only some of a scale's statements (the item bank's
``next_items``), so a scale mean over the statements asked is not comparable between
candidates. The reported 1–5 score of a scale is instead ``expected_scale_score``: the mean
expected answer over ALL the scale's statements at the candidate's EAP θ. The scores keep
the shape of the full form's, so everything downstream reads them alike.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from hiring.assessment.cat import ItemBank, scale_estimates
from hiring.assessment.irt import GRMItem, category_probabilities, expected_scale_score
from hiring.assessment.norms import NormGroup
from hiring.assessment.quality import PageTiming, QualityFlag
from hiring.assessment.questionnaire import Questionnaire
from hiring.assessment.scoring import (
    CandidateScores,
    answers_to_row,
    candidate_scores,
    score_matrix,
)

# Flags whose index needs every statement in page order: the adaptive form skips them.
FULL_FORM_ONLY = ("straight_lining",)
LZ_LIMIT = -2.0  # flag a standardized person-fit lz below this (about the lowest 2.5%)
LZ_MIN_ITEMS = 6  # ... when at least this many bank statements were answered


@dataclass(frozen=True)
class ScaleEstimate:
    """One scale's EAP θ, its SE (posterior SD), and how many of its statements were asked."""

    theta: float
    se: float
    asked: int
    of: int


def keyed_categories(
    q: Questionnaire, bank: ItemBank, answers: Mapping[str, int | None]
) -> dict[str, int]:
    """Turn answers 1..points into the bank's keyed categories 0..points-1 (reversed if minus-keyed)."""
    points = q.response_scale.points
    categories = {}
    for item in bank.items:
        answer = answers.get(item.id)
        if answer is None:
            continue
        keyed = q.likert_by_id[item.id].keyed
        categories[item.id] = answer - 1 if keyed >= 0 else points - answer
    return categories


def person_fit_lz(
    items: Sequence[GRMItem], categories: Sequence[int], thetas: Sequence[float]
) -> float:
    """Return the standardized log-likelihood person-fit statistic lz (Drasgow et al., 1985).

    ``thetas`` is each item's scale θ. Large negative values mean a pattern of answers the
    model finds unlikely (random or careless answering); NaN when no item was answered.
    """
    if not items:
        return math.nan
    observed = expected = variance = 0.0
    for item, category, theta in zip(items, categories, thetas, strict=True):
        p = np.clip(category_probabilities(item, np.array([theta]))[0], 1e-12, 1.0)
        logs = np.log(p)
        observed += float(logs[category])
        mean = float(p @ logs)
        expected += mean
        variance += float(p @ logs**2) - mean**2
    return (observed - expected) / math.sqrt(variance) if variance > 0 else math.nan


def scale_thetas(
    q: Questionnaire, bank: ItemBank, categories: Mapping[str, int]
) -> dict[str, ScaleEstimate]:
    """Return θ, SE and the statements asked for every scale of the bank."""
    estimates = scale_estimates(bank, dict(categories))
    by_scale = bank.by_scale()
    return {
        s.id: ScaleEstimate(
            theta=float(estimates[s.id][0]),
            se=float(estimates[s.id][1]),
            asked=sum(1 for item in by_scale[s.id] if item.id in categories),
            of=len(by_scale[s.id]),
        )
        for s in q.scales
        if s.id in by_scale
    }


def score_adaptive(
    q: Questionnaire,
    bank: ItemBank,
    answers: Mapping[str, int | None],
    page_seconds: Sequence[PageTiming] = (),
    norm_group: NormGroup | None = None,
) -> tuple[CandidateScores, dict[str, ScaleEstimate], float]:
    """Score an adaptive form: the scores (full-form shape), θ per scale, and person-fit lz.

    Situational-judgement, attention and impression items are fixed and scored as in the
    full form; response-time, attention, impression, consistency and outlier flags are kept;
    the straight-lining flag is replaced by the person-fit flag.
    """
    row = answers_to_row(q, answers)[None, :]
    table = score_matrix(q, row)
    categories = keyed_categories(q, bank, answers)
    thetas = scale_thetas(q, bank, categories)
    by_scale = bank.by_scale()
    scales = np.array(
        [
            [
                expected_scale_score(list(by_scale[s.id]), thetas[s.id].theta)
                if s.id in thetas
                else math.nan
                for s in q.scales
            ]
        ]
    )
    table = dataclasses.replace(table, scales=scales)
    group = norm_group if norm_group is not None else (NormGroup.from_table(q) if q.norms else None)
    scores = candidate_scores(q, table, row, 0, page_seconds, group)
    scores.flags = [f for f in scores.flags if f.code not in FULL_FORM_ONLY]
    scores.quality["longest_run"] = None
    asked = [item for item in bank.items if item.id in categories]
    lz = person_fit_lz(
        asked, [categories[i.id] for i in asked], [thetas[i.scale].theta for i in asked]
    )
    if len(asked) >= LZ_MIN_ITEMS and lz < LZ_LIMIT:
        scores.flags.append(
            QualityFlag(
                "person_fit",
                "Unlikely pattern of answers",
                f"The answers fit the statements' calibrated pattern poorly (person-fit lz "
                f"{lz:.2f}, flagged below {LZ_LIMIT:g}); they may be random or careless.",
            )
        )
    return scores, thetas, lz
