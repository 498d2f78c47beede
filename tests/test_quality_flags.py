"""Response-quality flags: each fires on its pattern, stays quiet otherwise, and never scores."""

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from benchmarks.simulate_norms import simulate_responses
from hiring.assessment import quality
from hiring.assessment.norms import NormGroup
from hiring.assessment.quality import (
    PageTiming,
    longest_runs,
    mahalanobis_sq,
    quality_flags,
    quality_indices,
)
from hiring.assessment.questionnaires import load_questionnaire
from hiring.assessment.scoring import score_answers, score_matrix

ROOT = Path(__file__).parents[1]
TINY = load_questionnaire(ROOT / "tests" / "fixtures" / "tiny.yaml")
WETCO = load_questionnaire(ROOT / "questionnaires" / "wetco-service-v1.yaml")
# a1 b1 a2 chk b2 a3 im1 b3 im2 s1 s2 s3: a varied, careful set of answers
CAREFUL = {"a1": 4, "b1": 3, "a2": 2, "chk": 4, "b2": 3, "a3": 4, "im1": 2, "b3": 2, "im2": 4}
CAREFUL |= {"s1": 4, "s2": 2, "s3": 5}


def codes(scores) -> list[str]:
    return [f.code for f in scores.flags]


def test_a_careful_respondent_raises_no_flag():
    assert codes(score_answers(TINY, CAREFUL, [PageTiming("p1", 30, 5)])) == []


def test_longest_run_counts_identical_neighbours_and_blanks_break_runs():
    answers = np.array([[1, 1, 2, 2, 2, np.nan, 2, 2], [3] * 8, [np.nan] * 8])
    assert longest_runs(answers).tolist() == [3, 8, 0]


def test_straight_lining_is_flagged_at_the_documented_run_length():
    likert = [i for i in WETCO.item_ids if i in WETCO.likert_by_id]
    answers = {i: 2 + (k % 3) for k, i in enumerate(likert)}  # 2 3 4 2 3 4 ...
    assert "straight_lining" not in codes(score_answers(WETCO, answers))
    limit = quality.LONGEST_RUN_LIMIT
    run = answers | {i: 4 for i in likert[5 : 5 + limit]}
    flag = next(f for f in score_answers(WETCO, run).flags if f.code == "straight_lining")
    assert f"given to {limit} statements in a row" in flag.detail
    shorter = answers | {i: 1 for i in likert[5 : 5 + limit - 1]}
    assert "straight_lining" not in codes(score_answers(WETCO, shorter))


def test_pages_answered_under_two_seconds_an_item_are_flagged():
    timings = [PageTiming("p1", 9.9, 5), PageTiming("p2", 8.0, 4), PageTiming("p3", 40, 1)]
    flag = next(f for f in score_answers(TINY, CAREFUL, timings).flags if f.code == "too_fast")
    assert "p1 (10 s for 5 items)" in flag.detail and "p2" not in flag.detail
    assert quality.too_fast_pages([PageTiming("p", 0, 0)]) == []


def test_a_failed_attention_check_is_flagged_and_an_unanswered_one_is_not():
    assert "attention" in codes(score_answers(TINY, CAREFUL | {"chk": 3}))
    assert "attention" not in codes(score_answers(TINY, CAREFUL | {"chk": None}))


def test_many_most_favourable_impression_answers_are_flagged():
    # im1 is plus-keyed (5 is most favourable), im2 minus-keyed (1 is most favourable)
    assert "impression" in codes(score_answers(TINY, CAREFUL | {"im1": 5, "im2": 1}))
    assert "impression" not in codes(score_answers(TINY, CAREFUL | {"im1": 5, "im2": 2}))
    assert "impression" not in codes(score_answers(TINY, CAREFUL | {"im1": 5, "im2": None}))


def test_synonym_pairs_answered_far_apart_are_flagged():
    # pairs (a1, a3) and (b1, b2): gaps 3 and 2 -> mean 2.5 points of a 4-point range
    flagged = score_answers(TINY, CAREFUL | {"a1": 5, "a3": 2, "b1": 1, "b2": 3})
    flag = next(f for f in flagged.flags if f.code == "inconsistent")
    assert "2.5 points apart on average (flagged at 1.6)" in flag.detail
    assert "inconsistent" not in codes(score_answers(TINY, CAREFUL | {"a1": 5, "a3": 4}))


def test_an_outlying_profile_is_flagged_against_the_norm_table_with_a_diagonal():
    # alpha 5 -> z = 2, beta 1 -> z = -4 against the tiny norm table: D^2 = 20 > 9.21
    extreme = CAREFUL | {"a1": 5, "a2": 1, "a3": 5, "b1": 1, "b2": 1, "b3": 5}
    flag = next(f for f in score_answers(TINY, extreme).flags if f.code == "outlier")
    assert "Mahalanobis D² 20.0 on 2 scales, limit 9.2" in flag.detail
    assert "diagonal covariance" in flag.detail
    assert score_answers(TINY, extreme).quality["mahalanobis"] == pytest.approx(20.0)


def test_an_outlier_against_incumbents_uses_their_covariance():
    rng = np.random.default_rng(0)
    x = rng.normal(3, 0.5, 400)
    incumbents = np.column_stack([x, x + rng.normal(0, 0.1, 400), rng.normal(60, 10, (400, 2))])
    group = NormGroup.from_scores(incumbents, TINY.feature_ids, "incumbents")
    # high alpha with low beta is rare when the two move together
    odd = CAREFUL | {"a1": 4, "a2": 2, "a3": 4, "b1": 2, "b2": 2, "b3": 4}
    flag = next(f for f in score_answers(TINY, odd, norm_group=group).flags if f.code == "outlier")
    assert "the norm group's covariance" in flag.detail


def test_mahalanobis_uses_the_features_each_row_has():
    mean, cov = np.zeros(2), np.array([[1.0, 0.5], [0.5, 1.0]])
    d2, df = mahalanobis_sq(np.array([[1.0, 1.0], [2.0, np.nan], [np.nan, np.nan]]), mean, cov)
    # [1, 1] against unit variances with r = .5: 2 / 1.5
    assert d2[0] == pytest.approx(4 / 3) and d2[1] == pytest.approx(4.0)
    assert np.isnan(d2[2]) and df.tolist() == [2, 1, 0]


def test_flags_inform_but_never_change_scores():
    sloppy = CAREFUL | {"chk": 1, "im1": 5, "im2": 1}
    timings = [PageTiming("p1", 1, 5)]
    careless, careful = score_answers(TINY, sloppy, timings), score_answers(TINY, sloppy)
    assert len(careless.flags) > len(careful.flags)
    assert (careless.scales, careless.competencies) == (careful.scales, careful.competencies)


def test_simulated_careful_applicants_are_rarely_flagged_and_random_ones_often():
    group = NormGroup.from_table(WETCO)
    reference = group.reference(tuple(s.id for s in WETCO.scales))

    def rates(responses):
        table = score_matrix(WETCO, responses)
        indices = quality_indices(WETCO, responses, table.scales, reference)
        points = WETCO.response_scale.points
        counts = Counter(
            f.code for k in range(len(responses)) for f in quality_flags(indices, k, points)
        )
        return {code: count / len(responses) for code, count in counts.items()}

    careful = rates(simulate_responses(WETCO, 2000, seed=8))
    assert all(rate < 0.06 for rate in careful.values()), careful
    careless = rates(simulate_responses(WETCO, 500, seed=9, careless_share=1.0))
    assert careless["attention"] > 0.8 and careless["inconsistent"] > 0.3


def test_every_threshold_is_documented_with_its_value():
    docs = (ROOT / "docs" / "questionnaire-format.md").read_text(encoding="utf-8")
    constants = {
        name: value
        for name, value in vars(quality).items()
        if re.fullmatch(r"[A-Z_]+", name) and isinstance(value, int | float)
    }
    assert len(constants) >= 8
    for name, value in constants.items():
        assert f"`{name} = {value}`" in docs, name
