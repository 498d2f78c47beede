"""Scale scores, SJT scores and the candidate score record, against hand-computed values."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hiring.assessment import scoring
from hiring.assessment.questionnaires import load_questionnaire
from hiring.assessment.scoring import CandidateScores, ResponseError, score_answers, score_matrix

FIXTURES = Path(__file__).parent / "fixtures"
TINY = load_questionnaire(FIXTURES / "tiny.yaml")
BIGFIVE = load_questionnaire(FIXTURES / "bigfive-25.yaml")
# a1 b1 a2 chk b2 a3 im1 b3 im2 s1 s2 s3
FULL = {"a1": 4, "b1": 1, "a2": 2, "chk": 4, "b2": 2, "a3": 5, "im1": 3, "b3": 5, "im2": 3}
FULL |= {"s1": 3, "s2": 1, "s3": 5}


def row(answers: dict) -> np.ndarray:
    return np.array([[answers.get(i, np.nan) for i in TINY.item_ids]], dtype=float)


def test_scale_scores_reverse_minus_keyed_items_by_hand():
    scores = score_answers(TINY, FULL)
    # alpha: a1 = 4, a2 = 2 reversed to 6 - 2 = 4, a3 = 5 -> 13 / 3
    assert scores.scales["alpha"] == pytest.approx(13 / 3)
    # beta: b1 = 1, b2 = 2, b3 = 5 reversed to 1 -> 4 / 3
    assert scores.scales["beta"] == pytest.approx(4 / 3)


def test_sjt_scores_rescale_each_scenarios_keys_to_0_100_by_hand():
    scores = score_answers(TINY, FULL)
    s1 = (3 - 1) / (4 - 1) * 100  # option 3 of keys 1..4
    s2 = (2 - 1) / (4 - 1) * 100  # option 1 has key 2; keys run 1..4
    s3 = (4 - 1) / (4 - 1) * 100  # option 5 has key 4
    assert scores.competencies["calm"] == pytest.approx((s1 + s2) / 2)
    assert scores.competencies["clear"] == pytest.approx((s2 + s3) / 2)
    assert scores.sjt_total == pytest.approx((s1 + s2 + s3) / 3)


def test_attention_and_impression_items_never_touch_trait_scores():
    other = FULL | {"chk": 1, "im1": 5, "im2": 1}
    assert score_answers(TINY, other).scales == score_answers(TINY, FULL).scales


def test_a_scale_with_too_few_answers_is_left_out_and_flagged_not_imputed():
    answers = {k: v for k, v in FULL.items() if k not in ("a1", "a3")}
    scores = score_answers(TINY, answers)
    assert scores.scales["alpha"] is None
    assert scores.scales["beta"] == pytest.approx(4 / 3)
    incomplete = [f for f in scores.flags if f.code == "incomplete"]
    assert len(incomplete) == 1
    assert "Alpha (1 of 3 answered, 2 needed)" in incomplete[0].detail


def test_a_scale_with_enough_answers_is_the_mean_of_those_answered():
    answers = {k: v for k, v in FULL.items() if k != "a3"}
    assert score_answers(TINY, answers).scales["alpha"] == pytest.approx((4 + 4) / 2)


def test_unanswered_scenarios_drop_out_of_competency_and_total():
    answers = {k: v for k, v in FULL.items() if k != "s2"}
    scores = score_answers(TINY, answers)
    assert scores.competencies == {"calm": pytest.approx(200 / 3), "clear": pytest.approx(100.0)}
    assert scores.sjt_total == pytest.approx((200 / 3 + 100) / 2)
    only_one = score_answers(TINY, {"s1": 4})
    assert only_one.sjt_total is None  # one of three scenarios is under half
    assert only_one.competencies == {"calm": 100.0, "clear": None}


def test_a_six_point_big_five_is_scored_by_the_same_code():
    answers = {item_id: 6 for item_id in BIGFIVE.item_ids}
    answers["o2"] = 2  # minus-keyed: 7 - 2 = 5
    scores = score_answers(BIGFIVE, answers)
    # openness: o1 6, o2 -> 5, o3 6, o4 6, o5 6 -> 7 - 6 = 1
    assert scores.scales["openness"] == pytest.approx((6 + 5 + 6 + 6 + 1) / 5)
    assert scores.scales["neuroticism"] == pytest.approx((6 + 1 + 6 + 1 + 6) / 5)
    assert scores.competencies == {} and scores.sjt_total is None


def test_score_answers_matches_the_matching_row_of_score_matrix():
    table = score_matrix(TINY, row(FULL))
    scores = score_answers(TINY, FULL)
    np.testing.assert_allclose(table.features[0], scores.features)
    assert table.scale_answered.tolist() == [[3, 3]]
    assert table.competency_answered.tolist() == [[2, 2]]


def test_features_follow_the_questionnaires_feature_order():
    scores = score_answers(TINY, FULL)
    assert list(scores.scales) + list(scores.competencies) == list(TINY.feature_ids)
    assert np.isnan(score_answers(TINY, {}).features).all()


def test_scores_survive_a_json_round_trip():
    scores = score_answers(TINY, {k: v for k, v in FULL.items() if k != "a1"} | {"chk": 1})
    again = CandidateScores.from_dict(json.loads(json.dumps(scores.to_dict())))
    assert again == scores
    assert (again.questionnaire, again.version, again.content_hash) == (
        "tiny",
        "1",
        TINY.content_hash,
    )


@pytest.mark.parametrize(
    ("answers", "fragment"),
    [
        ({"a1": 6}, "a1: 6 is outside 1..5"),
        ({"a1": 0}, "a1: 0 is outside 1..5"),
        ({"s2": 4}, "s2: 4 is outside 1..3"),
        ({"a1": 2.5}, "a1: 2.5 is outside 1..5"),
        ({"a1": True}, "a1: True is outside 1..5"),
        ({"zz": 1}, "zz: not an item of tiny v1"),
    ],
)
def test_bad_answers_are_refused_by_name(answers, fragment):
    with pytest.raises(ResponseError) as caught:
        score_answers(TINY, answers)
    assert fragment in caught.value.problems


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        ("a1", 6, "column a1: answers must be whole numbers 1..5"),
        ("b2", 0, "column b2: answers must be whole numbers 1..5"),
        ("s1", 5, "column s1: answers must be whole numbers 1..4"),
        ("s2", 1.5, "column s2: answers must be whole numbers 1..3"),
    ],
)
def test_score_matrix_refuses_impossible_answers(column, value, fragment):
    matrix = row(FULL).repeat(3, axis=0)
    matrix[1, TINY.item_ids.index(column)] = value
    with pytest.raises(ResponseError) as caught:
        score_matrix(TINY, matrix)
    assert caught.value.problems == [fragment]


def test_score_matrix_refuses_the_wrong_number_of_columns():
    with pytest.raises(ResponseError, match="responses must have 12 columns"):
        score_matrix(TINY, np.ones((2, 11)))


def test_an_empty_matrix_gives_an_empty_table():
    table = score_matrix(TINY, np.empty((0, len(TINY.item_ids))))
    assert len(table) == 0 and table.features.shape == (0, 4)


def _valid_rows(q, n_max=12):
    """Hypothesis matrices of valid answers (with blanks) for any questionnaire."""
    highest = [len(q.sjt_by_id[i].options) if i in q.sjt_by_id else q.response_scale.points
               for i in q.item_ids]  # fmt: skip
    cell = st.integers(0, 60)  # mapped onto 1..highest below; under 12 means blank
    return arrays(
        np.int64, st.tuples(st.integers(1, n_max), st.just(len(highest))), elements=cell
    ).map(lambda m: np.where(m < 12, np.nan, 1 + m % np.array(highest)))


@settings(max_examples=60, deadline=None)
@given(_valid_rows(TINY))
def test_scores_stay_within_their_bounds(matrix):
    table = score_matrix(TINY, matrix)
    scales, comps = table.scales[~np.isnan(table.scales)], table.competencies
    assert ((scales >= 1) & (scales <= 5)).all()
    comps = comps[~np.isnan(comps)]
    assert ((comps >= 0) & (comps <= 100)).all()
    total = table.sjt_total[~np.isnan(table.sjt_total)]
    assert ((total >= 0) & (total <= 100)).all()


@settings(max_examples=60, deadline=None)
@given(_valid_rows(BIGFIVE))
def test_mirroring_every_answer_mirrors_every_scale_score(matrix):
    """Answering points + 1 - x everywhere turns each scale score s into points + 1 - s."""
    points = BIGFIVE.response_scale.points
    straight = score_matrix(BIGFIVE, matrix).scales
    mirrored = score_matrix(BIGFIVE, points + 1 - matrix).scales
    np.testing.assert_array_equal(np.isnan(straight), np.isnan(mirrored))
    scored = ~np.isnan(straight)
    np.testing.assert_allclose((straight + mirrored)[scored], points + 1)


@settings(max_examples=40, deadline=None)
@given(_valid_rows(TINY, n_max=30))
def test_scoring_many_rows_at_once_equals_scoring_each_row(matrix):
    together = score_matrix(TINY, matrix).features
    one_by_one = np.vstack(
        [score_matrix(TINY, matrix[k : k + 1]).features for k in range(len(matrix))]
    )
    np.testing.assert_allclose(together, one_by_one, equal_nan=True)


def test_blocks_of_rows_give_the_same_scores_as_one_block(monkeypatch):
    rng = np.random.default_rng(3)
    highest = np.array([5] * 9 + [4, 3, 5])
    matrix = (1 + rng.integers(0, 60, (50, 12)) % highest).astype(float)
    matrix[rng.random(matrix.shape) < 0.2] = np.nan
    whole = score_matrix(TINY, matrix)
    monkeypatch.setattr(scoring, "CHUNK_ROWS", 7)
    blocks = score_matrix(TINY, matrix)
    np.testing.assert_array_equal(whole.features, blocks.features)
    np.testing.assert_array_equal(whole.scale_answered, blocks.scale_answered)


def test_keyed_items_and_scenario_scores_for_reliability():
    keyed = scoring.keyed_trait_items(TINY, row(FULL))
    assert scoring.trait_item_ids(TINY) == ("a1", "b1", "a2", "b2", "a3", "b3")
    assert keyed.tolist() == [[4, 1, 4, 2, 5, 1]]
    sjt = scoring.sjt_item_scores(TINY, row(FULL))
    np.testing.assert_allclose(sjt, [[200 / 3, 100 / 3, 100]])
    assert math.isnan(scoring.sjt_item_scores(TINY, row({}))[0, 0])


def test_bulk_candidate_scores_equal_one_at_a_time():
    from benchmarks.simulate_norms import simulate_responses
    from hiring.assessment.norms import NormGroup

    matrix = simulate_responses(TINY, 40, seed=6, careless_share=0.3)
    table, group = score_matrix(TINY, matrix), NormGroup.from_table(TINY)
    bulk = scoring.all_candidate_scores(TINY, table, matrix, group)
    single = [scoring.candidate_scores(TINY, table, matrix, k, (), group) for k in range(40)]
    assert bulk == single
    assert any(s.flags for s in bulk)


def naive_scores(q, answers: np.ndarray) -> list[float]:
    """Score one row with plain Python loops, straight from the documented rules."""
    points, out = q.response_scale.points, []
    for scale in q.scales:
        values = [
            (points + 1 - answers[k]) if q.likert_by_id[i].keyed < 0 else answers[k]
            for k, i in enumerate(q.item_ids)
            if i in q.likert_by_id
            and q.likert_by_id[i].scale == scale.id
            and answers[k] == answers[k]
        ]
        out.append(sum(values) / len(values) if len(values) >= scale.min_answered else math.nan)
    for comp in q.competencies:
        values = []
        for k, i in enumerate(q.item_ids):
            item = q.sjt_by_id.get(i)
            if item and comp.id in item.competencies and answers[k] == answers[k]:
                keys = [o.effectiveness for o in item.options]
                chosen = keys[int(answers[k]) - 1]
                values.append((chosen - min(keys)) / (max(keys) - min(keys)) * 100)
        out.append(sum(values) / len(values) if len(values) >= comp.min_answered else math.nan)
    return out


@settings(max_examples=60, deadline=None)
@given(_valid_rows(TINY, n_max=20))
def test_vectorised_scores_equal_a_naive_loop_over_the_rules(matrix):
    expected = np.array([naive_scores(TINY, r) for r in matrix])
    np.testing.assert_allclose(score_matrix(TINY, matrix).features, expected, equal_nan=True)


WETCO = load_questionnaire(Path(__file__).parents[1] / "questionnaires" / "wetco-service-v1.yaml")


def plain_scores(q, responses: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, scale counts and competency counts with plain numpy, one score at a time."""
    points, features, scale_n, comp_n = q.response_scale.points, [], [], []
    for scale in q.scales:
        items = q.scale_items(scale.id)
        x = responses[:, [q.item_ids.index(i.id) for i in items]]
        x = np.where([i.keyed < 0 for i in items], points + 1 - x, x)
        n = (~np.isnan(x)).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            features.append(np.where(n >= scale.min_answered, np.nansum(x, axis=1) / n, np.nan))
        scale_n.append(n)
    scenario_scores = {}
    for item in q.sjt_items:
        keys = np.array([o.effectiveness for o in item.options], dtype=float)
        rescaled = (keys - keys.min()) / (keys.max() - keys.min()) * 100
        answer = responses[:, q.item_ids.index(item.id)]
        chosen = np.nan_to_num(answer, nan=1).astype(int) - 1
        scenario_scores[item.id] = np.where(np.isnan(answer), np.nan, rescaled[chosen])
    groups = [(c.min_answered, q.competency_items(c.id)) for c in q.competencies]
    groups.append((math.ceil(len(q.sjt_items) / 2), q.sjt_items))  # the SJT total
    for minimum, items in groups:
        x = np.column_stack([scenario_scores[i.id] for i in items])
        n = (~np.isnan(x)).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            features.append(np.where(n >= minimum, np.nansum(x, axis=1) / n, np.nan))
        comp_n.append(n)
    return np.column_stack(features), np.column_stack(scale_n), np.column_stack(comp_n[:-1])


@pytest.mark.parametrize("blank_share", [0.0, 0.1])
def test_blocked_scoring_equals_a_plain_reference_on_random_data(blank_share):
    """Several blocks of the shipped questionnaire: the first complete, later ones with blanks."""
    rng = np.random.default_rng(11)
    highest = np.array(
        [len(WETCO.sjt_by_id[i].options) if i in WETCO.sjt_by_id else 5 for i in WETCO.item_ids]
    )
    n = 3 * scoring.CHUNK_ROWS + 17
    matrix = (1 + rng.integers(0, 60, (n, len(highest))) % highest).astype(float)
    blanks = rng.random(matrix.shape) < blank_share
    blanks[: scoring.CHUNK_ROWS] = False
    matrix[blanks] = np.nan
    table = score_matrix(WETCO, matrix)
    features, scale_n, comp_n = plain_scores(WETCO, matrix)
    np.testing.assert_allclose(
        np.column_stack([table.features, table.sjt_total]), features, rtol=1e-12, equal_nan=True
    )
    np.testing.assert_array_equal(table.scale_answered, scale_n)
    np.testing.assert_array_equal(table.competency_answered, comp_n)
    if blank_share:
        assert np.isnan(table.scales).any() and not np.isnan(table.scales).all()


def test_scoring_the_same_questionnaire_again_reuses_its_plan():
    assert scoring._plan(WETCO) is scoring._plan(WETCO)
    assert scoring._plan(TINY) is not scoring._plan(WETCO)
