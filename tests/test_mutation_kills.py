"""Exact values for the statistics core, written to catch the mutants the suite let through.

`mutmut run` (README, "Mutation testing") changed the core one small step at a time; these
tests pin down what those changes showed to be unchecked: thresholds at their exact value,
the exact words of notes and errors, every quality index by name, per-row counts when some
answers are blank, and the reference group of an effect-size comparison.
"""

import math
from pathlib import Path

import numpy as np
import pytest

from hiring.assessment.quality import quality_indices
from hiring.assessment.questionnaires import load_questionnaire
from hiring.assessment.scoring import (
    CandidateScores,
    ResponseError,
    answers_to_row,
    candidate_scores,
    score_answers,
    score_matrix,
)
from hiring.fairness.effect_sizes import (
    EVERYONE_ELSE,
    EffectSize,
    _notes,
    cohens_d_table,
    magnitude,
)
from hiring.fairness.groups import (
    FairnessError,
    check_min_group_size,
    check_min_share,
    intersect,
    require_same_length,
)
from hiring.fairness.impact import (
    SCORING_RATE,
    band_at_or_above,
    scoring_rate_table,
    selection_table,
)
from hiring.fairness.significance import FISHER, Z_TEST, compare_proportions

ROOT = Path(__file__).resolve().parents[1]
WETCO = load_questionnaire(ROOT / "questionnaires" / "wetco-service-v1.yaml")


def _answers(value: int = 3) -> dict[str, int]:
    return {
        i: min(value, len(WETCO.sjt_by_id[i].options)) if i in WETCO.sjt_by_id else value
        for i in WETCO.item_ids
    }


# -- scoring ------------------------------------------------------------------------------


def test_every_quality_index_is_kept_under_its_own_name():
    answers = _answers()
    scores = score_answers(WETCO, answers)
    row = answers_to_row(WETCO, answers)[None, :]
    table = score_matrix(WETCO, row)
    indices = quality_indices(WETCO, row, table.scales, None)
    assert set(scores.quality) == {
        "longest_run", "attention_failed", "impression_share", "synonym_gap", "mahalanobis",
    }  # fmt: skip
    for name, value in scores.quality.items():
        if name == "mahalanobis":  # against the questionnaire's norm table, not checked here
            assert value is not None
            continue
        expected = float(getattr(indices, name)[0])
        assert value == (None if math.isnan(expected) else pytest.approx(expected)), name
    assert scores.quality["longest_run"] >= 2  # all-3 answers: a long run, really counted


def test_answers_to_row_lists_every_problem_and_keeps_going_after_each():
    first, second, third = WETCO.item_ids[:3]
    answers = {"nope-1": 1, first: None, "nope-2": 2, second: 9, third: 2}
    with pytest.raises(ResponseError) as caught:
        answers_to_row(WETCO, answers)
    top = len(WETCO.sjt_by_id[second].options) if second in WETCO.sjt_by_id else 5
    assert caught.value.problems == [
        f"nope-1: not an item of {WETCO.label}",
        f"nope-2: not an item of {WETCO.label}",
        f"{second}: 9 is outside 1..{top}",
    ]
    assert caught.value.message == "\n".join(caught.value.problems)
    row = answers_to_row(WETCO, {first: None, third: 2, second: 1})
    assert np.isnan(row[0]) and row[1] == 1 and row[2] == 2


def test_every_out_of_range_answer_is_named_not_only_the_first():
    likert = [i for i in WETCO.item_ids if i not in WETCO.sjt_by_id][:2]
    with pytest.raises(ResponseError) as caught:
        answers_to_row(WETCO, {likert[0]: 6, likert[1]: 0})
    assert caught.value.problems == [
        f"{likert[0]}: 6 is outside 1..5",
        f"{likert[1]}: 0 is outside 1..5",
    ]


TINY_TEXT = (ROOT / "tests" / "fixtures" / "tiny.yaml").read_text(encoding="utf-8")
# Pages that put the scenarios first (one run of columns with trait items after it), or
# between single trait items (every other column): the scores must not depend on the layout.
SCENARIOS_FIRST = """pages:
  - {id: p3, title: Page three, instructions: Choose one option., items: [s1]}
  - {id: p4, title: Page four, instructions: Choose one option., items: [s2]}
  - {id: p5, title: Page five, instructions: Choose one option., items: [s3]}
  - {id: p1, title: Page one, instructions: Answer each statement., items: [a1, b1, a2, chk, b2]}
  - {id: p2, title: Page two, instructions: Answer each statement., items: [a3, im1, b3, im2]}
"""
SCENARIOS_APART = """pages:
  - {id: p3, title: Page three, instructions: Choose one option., items: [s1]}
  - {id: p1, title: Page one, instructions: Answer each statement., items: [a1]}
  - {id: p4, title: Page four, instructions: Choose one option., items: [s2]}
  - {id: p2, title: Page two, instructions: Answer each statement., items: [b1]}
  - {id: p5, title: Page five, instructions: Choose one option., items: [s3]}
  - {id: p6, title: Page six, instructions: Answer each statement.,
     items: [a2, chk, b2, a3, im1, b3, im2]}
"""


@pytest.mark.parametrize("pages", [SCENARIOS_FIRST, SCENARIOS_APART], ids=["first", "apart"])
def test_scores_do_not_depend_on_where_the_scenarios_sit(tmp_path, pages):
    start, end = TINY_TEXT.index("pages:"), TINY_TEXT.index("norms_label:")
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY_TEXT[:start] + pages + TINY_TEXT[end:], encoding="utf-8")
    q = load_questionnaire(path)
    answers = {"a1": 5, "a2": 1, "a3": 4, "b1": 2, "b2": 3, "b3": 1, "chk": 4, "im1": 1,
               "im2": 5, "s1": 4, "s2": 1, "s3": 3}  # fmt: skip
    scores = score_answers(q, answers)
    # By hand: alpha (5 + (6 - 1) + 4) / 3; beta (2 + 3 + (6 - 1)) / 3; the scenarios score
    # (effectiveness - 1) / 3 * 100: s1 picks 4 -> 100, s2 picks 2 -> 33.3, s3 picks 2 -> 33.3.
    assert scores.scales == pytest.approx({"alpha": 14 / 3, "beta": 10 / 3})
    assert scores.competencies == pytest.approx({"calm": 200 / 3, "clear": 100 / 3})
    assert scores.sjt_total == pytest.approx(500 / 9)
    rows = np.array([answers_to_row(q, answers)])
    assert score_matrix(q, rows).sjt_total == pytest.approx([500 / 9])


def test_item_level_views_refuse_bad_answers_by_column():
    from hiring.assessment.scoring import keyed_trait_items, sjt_item_scores

    row = answers_to_row(WETCO, _answers())
    row[0] = 6
    for view in (keyed_trait_items, sjt_item_scores):
        with pytest.raises(ResponseError) as caught:
            view(WETCO, np.array([row]))
        assert caught.value.problems == [
            f"column {WETCO.item_ids[0]}: answers must be whole numbers 1..5"
        ]


def test_the_incomplete_flag_names_each_score_left_out_with_its_counts():
    scale = WETCO.scales[0]
    items = [i.id for i in WETCO.scale_items(scale.id)]
    answers = {i: v for i, v in _answers().items() if i not in items[1:]}  # one item of it left
    [flag] = [f for f in score_answers(WETCO, answers).flags if f.code == "incomplete"]
    assert flag.label == "Too few answers to score"
    assert flag.detail == (
        f"Not scored, too few answers: {scale.name} (1 of {len(items)} answered, "
        f"{scale.min_answered} needed)."
    )


def test_the_incomplete_flag_lists_two_scores_left_out_one_after_the_other():
    first, second = WETCO.scales[:2]
    gone = [i.id for s in (first, second) for i in WETCO.scale_items(s.id)]
    answers = {i: v for i, v in _answers().items() if i not in gone}
    [flag] = [f for f in score_answers(WETCO, answers).flags if f.code == "incomplete"]
    assert flag.detail == (
        f"Not scored, too few answers: {first.name} (0 of {len(WETCO.scale_items(first.id))} "
        f"answered, {first.min_answered} needed); {second.name} (0 of "
        f"{len(WETCO.scale_items(second.id))} answered, {second.min_answered} needed)."
    )


def test_a_bad_answer_in_an_early_block_of_a_large_import_is_still_refused():
    from hiring.assessment.scoring import CHUNK_ROWS

    rows = np.tile(answers_to_row(WETCO, _answers()), (CHUNK_ROWS + 5, 1))
    rows[3, 0] = 7  # in the first block of rows; the second block is clean
    with pytest.raises(ResponseError) as caught:
        score_matrix(WETCO, rows)
    assert caught.value.problems == [
        f"column {WETCO.item_ids[0]}: answers must be whole numbers 1..5"
    ]


def test_answered_counts_of_complete_rows_are_whole_item_counts():
    table = score_matrix(WETCO, np.array([answers_to_row(WETCO, _answers())] * 3))
    assert table.scale_answered.dtype.kind == "i"
    assert table.competency_answered.dtype.kind == "i"
    expected = [len(WETCO.scale_items(s.id)) for s in WETCO.scales]
    assert table.scale_answered.tolist() == [expected] * 3


def test_answered_counts_are_right_for_every_score_when_rows_have_blanks():
    rng = np.random.default_rng(2)
    rows = np.array([answers_to_row(WETCO, _answers(1 + k % 4)) for k in range(6)])
    rows[rng.random(rows.shape) < 0.3] = np.nan
    table = score_matrix(WETCO, rows)
    column = {i: j for j, i in enumerate(WETCO.item_ids)}
    for k, scale in enumerate(WETCO.scales):
        cols = [column[i.id] for i in WETCO.scale_items(scale.id)]
        assert table.scale_answered[:, k].tolist() == (~np.isnan(rows[:, cols])).sum(1).tolist()
    for k, comp in enumerate(WETCO.competencies):
        cols = [column[i.id] for i in WETCO.competency_items(comp.id)]
        assert table.competency_answered[:, k].tolist() == (
            (~np.isnan(rows[:, cols])).sum(1).tolist()
        )


def test_one_row_of_a_table_scores_as_that_row_alone():
    rows = np.array([answers_to_row(WETCO, _answers(v)) for v in (1, 4, 2, 5)])
    table = score_matrix(WETCO, rows)
    for k in range(len(rows)):
        alone = score_matrix(WETCO, rows[k : k + 1])
        got = candidate_scores(WETCO, table, rows, k)
        want = candidate_scores(WETCO, alone, rows[k : k + 1], 0)
        assert got.scales == pytest.approx(want.scales)
        assert got.competencies == pytest.approx(want.competencies)
        assert (got.flags, got.quality) == (want.flags, want.quality)


def test_stored_scores_without_flags_read_back_with_none():
    scores = score_answers(WETCO, _answers())
    data = scores.to_dict()
    data.pop("flags")
    assert CandidateScores.from_dict(data).flags == []


def test_a_questionnaire_without_norms_scores_without_an_outlier_reference():
    tiny = load_questionnaire(ROOT / "tests" / "fixtures" / "bigfive-25.yaml")
    assert not tiny.norms
    answers = {i: 3 for i in tiny.item_ids if i not in tiny.sjt_by_id}
    assert score_answers(tiny, answers).quality["mahalanobis"] is None


# -- fairness: groups ----------------------------------------------------------------------


def test_group_checks_say_exactly_what_is_wrong():
    with pytest.raises(FairnessError, match="^The minimum group size must be a whole number.$"):
        check_min_group_size(True)
    with pytest.raises(FairnessError, match="^The minimum group size must be at least 2.$"):
        check_min_group_size(1, smallest=2)
    check_min_share(0.0)  # no small-share rule at all
    for share in (1.0, -0.01):
        with pytest.raises(FairnessError) as caught:
            check_min_share(share)
        assert caught.value.message == (
            "The small-group share must be a fraction between 0 and 1, e.g. 0.02."
        )
    with pytest.raises(FairnessError) as caught:
        require_same_length(("sex", [1, 2]), ("race/ethnicity", [1]))
    assert caught.value.message == (
        "Each person needs one value in every column; got sex: 2, race/ethnicity: 1."
    )


def test_intersections_use_the_callers_unknown_labels():
    labels = intersect(["F", "M", "F"], ["A", "left blank", "B"], unknown_labels={"left blank"})
    assert labels == ["F / A", None, "F / B"]
    # on either side; and with the caller's list the default words are ordinary groups
    labels = intersect(["left blank", "declined"], ["A", "A"], unknown_labels={"left blank"})
    assert labels == [None, "declined / A"]
    with pytest.raises(FairnessError, match="sex: 2, race/ethnicity: 1"):
        intersect(["F", "M"], ["A"])


# -- fairness: impact tables ---------------------------------------------------------------


def test_a_group_at_exactly_the_small_share_is_kept_and_not_flagged():
    groups = ["A"] * 45 + ["B"] * 50 + ["C"] * 5  # C is exactly 5% of 100
    selected = [1, 0] * 50
    table = selection_table(groups, selected, min_share=0.05, exclude_small_share=True)
    c = table.row("C")
    assert c.excluded_reason is None and not c.small_share_flag
    smaller = selection_table(groups, selected, min_share=0.0501, exclude_small_share=True)
    assert smaller.row("C").excluded_reason == "under 5% of the sample"
    assert smaller.row("C").small_share_flag
    kept = selection_table(groups, selected, min_share=0.0501)  # flagged, not dropped
    assert kept.row("C").excluded_reason is None and kept.row("C").small_share_flag
    with pytest.raises(KeyError):
        table.row("D")


def test_the_scoring_rate_table_says_its_median_first():
    groups = ["A"] * 6 + ["B"] * 6
    scores = [1, 2, 3, 4, 5, 6, 2, 3, 4, 5, 6, 7] + []
    table = scoring_rate_table([*groups, "A"], [*scores, None], min_group_size=2)
    assert table.kind == SCORING_RATE and table.median == 4.0
    assert table.notes[0] == (
        "The median score of the whole sample (12 people with a score, unknown group included) "
        "is 4; a person counts as scoring above it only if their score is strictly higher."
    )
    assert table.notes[1] == "1 person without a score is left out of this table."
    empty = scoring_rate_table(["A", "B"], [None, None])
    assert empty.kind == SCORING_RATE and empty.rows == ()
    with pytest.raises(FairnessError) as caught:
        scoring_rate_table(["A"], [math.inf])
    assert caught.value.message == "Scores must be finite numbers (or blank when missing)."
    with pytest.raises(FairnessError, match="got groups: 2, scores: 1"):
        scoring_rate_table(["A", "B"], [1.0])


# -- fairness: significance ----------------------------------------------------------------


def test_when_everyone_or_no_one_is_selected_there_is_nothing_to_test():
    for selected in (0, 1):
        tests = compare_proportions(selected * 40, 40, selected * 40, 40)
        assert (tests.z_p, tests.chi2_p) == (1.0, 1.0)


@pytest.mark.parametrize(
    ("n", "expected"), [(29, FISHER), (30, Z_TEST)], ids=["29-fisher", "30-z-test"]
)
def test_the_primary_test_switches_at_thirty_per_group(n, expected):
    assert compare_proportions(n // 2, n, n // 2, n).primary_test == expected


def test_an_expected_count_of_exactly_five_is_enough_for_the_z_test():
    tests = compare_proportions(5, 50, 5, 50)  # expected selected per cell: 10 * 50 / 100 = 5
    assert tests.min_expected == 5.0 and tests.primary_test == Z_TEST
    assert compare_proportions(4, 50, 5, 50).primary_test == FISHER


def test_p_values_never_exceed_one():
    for a in range(0, 11):
        tests = compare_proportions(a, 10, 10 - a, 10)
        assert max(tests.fisher_p, tests.z_p, tests.chi2_p, tests.primary_p) <= 1.0


# -- fairness: effect sizes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "name"),
    [(0.2, "small"), (0.2 - 1e-9, "negligible"), (0.5, "medium"), (0.5 - 1e-9, "small"),
     (0.8, "large"), (0.8 - 1e-9, "medium"), (-0.8, "large")],
)  # fmt: skip
def test_cohens_benchmarks_start_at_their_exact_values(d, name):
    assert magnitude(d) == name


def _row(g: float | None, d: float | None = 0.1) -> EffectSize:
    return EffectSize("A", EVERYONE_ELSE, "warmth", 10, 10, cohens_d=d, hedges_g=g,
                      magnitude="medium")  # fmt: skip


def test_effect_size_notes_name_the_comparison_and_the_differences_to_review():
    assert _notes([], 0, 0, EVERYONE_ELSE, {}) == (
        "There is no one in this data yet, so there is nothing to compare.",
    )
    rows = [_row(0.5), _row(0.4999), _row(0.9, d=None)]
    notes = _notes(rows, 1, 1, EVERYONE_ELSE, {"warmth": "Warmth"})
    assert notes[0] == "1 of 1 person has an unknown group and is left out of every comparison."
    assert notes[1] == (
        "Each group is compared with everyone else whose group is known; a positive d means the "
        "group scores higher. Hedges' g applies the small-sample correction to d."
    )
    assert notes[2:] == (
        "'A' on Warmth: d = 0.10, g = 0.50 (medium); review this scale before the model version "
        "goes live.",
    )
    assert "is compared with 'B';" in _notes([], 3, 0, "B", {})[1]
    assert _notes([], 3, 2, "B", {})[0] == (
        "2 of 3 people have an unknown group and are left out of every comparison."
    )
    named = _notes([_row(0.5)], 3, 0, "B", {"warmth": "Warmth with customers"})
    assert named[2].startswith("'A' on Warmth with customers: d = 0.10, g = 0.50 (medium)")


def test_effect_sizes_against_a_reference_group_by_hand():
    groups = ["ref"] * 3 + ["x"] * 3 + ["y"] * 3 + ["unknown"]
    values = [[1.0], [2.0], [3.0], [3.0], [4.0], [5.0], [10.0], [11.0], [12.0], [50.0]]
    table = cohens_d_table(groups, values, ["warmth"], reference="ref", min_group_size=3)
    x = next(r for r in table.rows if r.group == "x")
    assert (x.mean_group, x.mean_comparison, x.pooled_sd) == (4.0, 2.0, 1.0)  # y is left out
    assert x.cohens_d == 2.0 and x.n_comparison == 3
    assert (table.total, table.unknown_count, table.feature_ids) == (10, 1, ("warmth",))
    assert table.notes[0].startswith("1 of 10 people has an unknown group")
    with pytest.raises(FairnessError, match="'ref' needs at least 4 people"):
        cohens_d_table(groups, values, ["warmth"], reference="ref", min_group_size=4)
    with pytest.raises(FairnessError) as caught:
        cohens_d_table(groups, [[math.inf]] * 10, ["warmth"], reference="ref", min_group_size=3)
    assert caught.value.message == "Feature values must be finite numbers (or blank when missing)."


# -- the fit model ---------------------------------------------------------------------------


def test_the_validation_report_matches_metrics_computed_here_from_its_predictions():
    from scipy import stats
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import brier_score_loss, roc_auc_score

    from hiring.demo.synthetic import FEATURE_IDS, simulate_incumbents
    from hiring.modeling.model import calibrate
    from hiring.modeling.utility import expected_outcomes

    sample = simulate_incumbents(160, validity=0.6, random_state=8)
    result = calibrate(sample.features, sample.y, FEATURE_IDS, repeats=1)
    report, oof, y = result.report, np.array(result.oof_probability), np.asarray(sample.y)
    assert (report.n, report.n_positive) == (160, int(y.sum()))
    assert report.base_rate == pytest.approx(y.mean())
    assert (report.method, report.calibration_method, report.repeats) == ("logistic", "sigmoid", 1)
    assert report.auc == pytest.approx(roc_auc_score(y, oof))
    assert report.brier == pytest.approx(brier_score_loss(y, oof))
    assert report.brier_base == pytest.approx(y.mean() * (1 - y.mean()))
    assert report.brier_skill == pytest.approx(1 - report.brier / report.brier_base)
    assert report.validity == pytest.approx(stats.pointbiserialr(y, oof).statistic)
    assert report.validity_ci[0] < report.validity < report.validity_ci[1]
    bins = np.clip(np.digitize(oof, np.linspace(0, 1, 11)[1:-1]), 0, 9)
    ece = sum(
        (bins == b).sum() / y.size * abs(oof[bins == b].mean() - y[bins == b].mean())
        for b in range(10) if (bins == b).any()
    )  # fmt: skip
    assert report.ece == pytest.approx(ece)
    assert sum(b["count"] for b in report.ece_bins) == 160
    logit = np.log(oof / (1 - oof))[:, None]
    refit = LogisticRegression(C=np.inf).fit(logit, y)
    assert report.calibration_slope == pytest.approx(refit.coef_[0][0], rel=1e-3)
    assert report.calibration_intercept == pytest.approx(refit.intercept_[0], abs=1e-3)
    assert report.expected_outcomes == [
        e.to_dict() for e in expected_outcomes(y, oof, report.validity)
    ]
    assert report.evidence_sufficient
    assert [row["mean"] for row in report.importance] == sorted(
        (row["mean"] for row in report.importance), reverse=True
    )
    assert all(row["sd"] > 0 for row in report.importance)
    assert result.feature_ids == tuple(FEATURE_IDS)
    assert result.feature_means == pytest.approx(
        dict(zip(FEATURE_IDS, sample.features.mean(0), strict=True))
    )
    sds = sample.features.std(0, ddof=1)
    assert result.feature_sds == pytest.approx(dict(zip(FEATURE_IDS, sds, strict=True)))
    assert isinstance(report.regularization_c, float) and report.regularization_c > 0
    assert set(report.coefficients) == set(FEATURE_IDS)
    assert result.explainer and "coefficients" not in result.explainer


def test_a_feature_table_of_the_wrong_shape_is_refused():
    from hiring.demo.synthetic import FEATURE_IDS
    from hiring.modeling.model import calibrate

    y = _alternating(60)
    for x in (np.zeros((60, len(FEATURE_IDS) - 1)), np.zeros((59, len(FEATURE_IDS)))):
        with pytest.raises(ValueError, match="^x must be n x len.feature_ids. and match y$"):
            calibrate(x, y, FEATURE_IDS)


def test_predictions_without_skill_say_so_in_the_report():
    from hiring.demo.synthetic import FEATURE_IDS
    from hiring.modeling.model import calibrate

    rng = np.random.default_rng(3)  # pure noise: out-of-fold skill -0.05 with this seed
    y = _alternating(120)
    result = calibrate(rng.standard_normal((120, len(FEATURE_IDS))), y, FEATURE_IDS, repeats=1)
    assert result.report.brier_skill <= 0 and not result.report.evidence_sufficient
    assert (
        "Insufficient evidence: out-of-fold predictions do not beat the base rate, "
        "so no probability is shown." in result.report.warnings
    )
    # No skill means the Brier skill's interval reaches zero, so the evidence is weak as well.
    assert result.report.warnings[-1].startswith("Weak evidence: ")
    assert "the 95% interval of its Brier skill (" in result.report.warnings[-1]
    assert result.report.warnings[-1].endswith(
        ". Activating this version needs a stated reason, and its output is marked as "
        "resting on weak evidence."
    )


def _alternating(n: int, positives: int | None = None) -> np.ndarray:
    y = np.zeros(n, dtype=int)
    y[: n // 2 if positives is None else positives] = 1
    return y


def test_sample_checks_at_their_exact_limits_and_their_words():
    from hiring.errors import HiringError
    from hiring.modeling.model import (
        ISOTONIC_MIN_N,
        WARN_BELOW,
        InsufficientDataError,
        check_sample,
    )

    assert WARN_BELOW == 100 and ISOTONIC_MIN_N == 1000
    assert check_sample(_alternating(100)) == []
    assert check_sample(_alternating(99)) == [
        "Only 99 incumbents: the estimates are uncertain and the intervals wide. "
        "Treat the results as provisional and recalibrate with more people."
    ]
    assert check_sample(_alternating(1000), "isotonic") == []
    with pytest.raises(InsufficientDataError, match="needs at least 1000 incumbents .you have 999"):
        check_sample(_alternating(999), "isotonic")
    with pytest.raises(HiringError) as caught:
        check_sample(_alternating(100), "platt")
    assert caught.value.message == "Unknown calibration 'platt'; use 'sigmoid' or 'isotonic'."
    with pytest.raises(InsufficientDataError) as caught:
        check_sample(_alternating(40, 31))
    assert caught.value.message == (
        "Only 9 incumbents in the smaller group (31 high performers, 9 others); "
        "at least 10 are needed in each."
    )


@pytest.fixture(scope="module")
def small_calibration():
    """A quick calibration on 42 synthetic incumbents, the first two missing one score each."""
    from hiring.demo.synthetic import FEATURE_IDS, simulate_incumbents
    from hiring.modeling.model import calibrate

    sample = simulate_incumbents(42, validity=0.6, random_state=4)
    x = np.array(sample.features, dtype=float)
    x[0, 0] = x[1, 3] = np.nan
    y = np.asarray(sample.y)
    return calibrate(x, y, FEATURE_IDS, repeats=1), x, y


def test_incumbents_left_out_for_a_missing_score_are_counted_in_words(small_calibration):
    from hiring.demo.synthetic import FEATURE_IDS
    from hiring.modeling.model import calibrate

    result, x, y = small_calibration
    assert result.report.left_out == 2 and result.report.n == 40
    assert result.report.warnings[0] == (
        "2 of 42 incumbents were left out of the model because a score it needs is missing; "
        "nothing is filled in for a missing score."
    )
    x = x.copy()
    x[1, 3] = 0.0
    one = calibrate(x, y, FEATURE_IDS, repeats=1)
    assert one.report.warnings[0] == (
        "1 of 42 incumbents was left out of the model because a score it needs is missing; "
        "nothing is filled in for a missing score."
    )


def test_a_composites_importance_is_shared_equally_by_its_members(small_calibration):
    from dataclasses import replace

    report = replace(
        small_calibration[0].report,
        importance=[
            {"feature": "service", "mean": 0.06, "sd": 0.03},
            {"feature": "warmth", "mean": 0.05, "sd": 0.01},
        ],
        composites={"service": ["empathy", "listening", "patience"]},
    )
    shares = report.input_importance()
    assert set(shares) == {"empathy", "listening", "patience", "warmth"}
    for member in ("empathy", "listening", "patience"):
        assert shares[member] == pytest.approx((0.02, 0.01))
    assert shares["warmth"] == (0.05, 0.01)


def test_weak_evidence_words_show_each_bound_or_say_it_is_unknown():
    from hiring.modeling.model import weak_evidence

    assert weak_evidence({"auc_ci": (0.4567, 0.7), "brier_skill_ci": (-0.0123, 0.25)}) == [
        "the 95% interval of its out-of-fold AUC (0.46 to 0.70) includes 0.5, so it may rank "
        "people no better than chance",
        "the 95% interval of its Brier skill (-0.012 to +0.250) reaches zero, so it may not "
        "beat giving everyone the base rate",
    ]
    unknown = weak_evidence({"auc_ci": (None, math.nan), "brier_skill_ci": (None, math.inf)})
    assert unknown == [
        "the 95% interval of its out-of-fold AUC (unknown to unknown) includes 0.5, so it may "
        "rank people no better than chance",
        "the 95% interval of its Brier skill (unknown to unknown) reaches zero, so it may not "
        "beat giving everyone the base rate",
    ]
    assert weak_evidence({"brier_skill_ci": (0.01, 0.2)})[0].startswith(
        "the 95% interval of its out-of-fold AUC (unknown to unknown)"
    )
    assert weak_evidence({"auc_ci": (0.5000001, 0.7), "brier_skill_ci": (1e-9, 0.2)}) == []


# --- the fairness survivors of the full run of 6 December 2026 ---------------------------


def test_nothing_to_test_when_everyone_or_no_one_was_selected():
    for tests in (compare_proportions(0, 8, 0, 12), compare_proportions(8, 8, 12, 12)):
        assert (tests.z_statistic, tests.chi2_statistic, tests.chi2_yates_statistic) == (0, 0, 0)
        assert (tests.z_p, tests.chi2_p, tests.chi2_yates_p, tests.fisher_p) == (1, 1, 1, 1)


def test_unequal_columns_are_named_in_the_error():
    with pytest.raises(FairnessError) as raised:
        selection_table(["A", "B"], [True])
    assert str(raised.value).endswith("got groups: 2, selected: 1.")
    with pytest.raises(FairnessError) as raised:
        scoring_rate_table(["A", "B"], [1.0])
    assert str(raised.value).endswith("got groups: 2, scores: 1.")


def test_a_row_that_is_not_in_the_table_is_a_key_error_naming_the_group():
    table = selection_table(["A"] * 6 + ["B"] * 6, [True, False] * 6)
    with pytest.raises(KeyError) as raised:
        table.row("Z")
    assert raised.value.args == ("Z",)


def test_an_unknown_cut_lists_the_bands_in_order():
    with pytest.raises(FairnessError) as raised:
        band_at_or_above(["low"], "top", ["low", "good", "strong"])
    assert str(raised.value) == "The cut 'top' is not one of the bands: low, good, strong."
    with pytest.raises(FairnessError) as raised:
        band_at_or_above(["top", "low", "best"], "low", ["low", "good", "strong"])
    assert str(raised.value) == "Unknown fit bands: best, top."


def test_custom_unknown_labels_count_as_unknown_in_every_table():
    groups = ["A"] * 6 + ["B"] * 6 + ["skipped"] * 3
    picked = [True, False] * 6 + [True] * 3
    mine = ("skipped",)
    assert selection_table(groups, picked, unknown_labels=mine).unknown_count == 3
    assert selection_table(groups, picked).unknown_count == 0  # a group by default
    scored = scoring_rate_table(groups, list(range(15)), unknown_labels=mine)
    assert scored.unknown_count == 3 and {r.group for r in scored.rows} == {"A", "B"}
    matrix = np.arange(15, dtype=float).reshape(15, 1)
    d = cohens_d_table(groups, matrix, ["warmth"], unknown_labels=mine)
    assert d.unknown_count == 3 and {r.group for r in d.rows} == {"A", "B"}


def test_a_blank_feature_value_is_missing_in_effect_sizes():
    groups = ["A"] * 4 + ["B"] * 4
    table = cohens_d_table(
        groups, [[1.0], [2.0], [None], [3.0], [2.0], [3.0], [4.0], [3.0]], ["w"], min_group_size=2
    )
    a = next(r for r in table.rows if r.group == "A")
    assert (a.n_group, a.n_comparison) == (3, 4)
    assert a.cohens_d == pytest.approx(-1 / math.sqrt(0.8))  # means 2, 3; pooled var (2+2)/5


def test_a_large_effect_is_named_by_its_feature_id_when_no_name_is_given():
    groups = ["A"] * 6 + ["B"] * 6
    matrix = np.array([[1.0], [1.2], [0.9], [1.1], [1.0], [0.8]] + [[3.0], [3.1], [2.9]] * 2)
    notes = cohens_d_table(groups, matrix, ["warmth"]).notes
    assert any(n.startswith("'A' on warmth: d = ") for n in notes)
    named = cohens_d_table(groups, matrix, ["warmth"], feature_names={"warmth": "Warmth"}).notes
    assert any(n.startswith("'A' on Warmth: d = ") for n in named)


def test_small_groups_are_counted_and_said_exactly_in_effect_sizes():
    groups = ["A"] * 8 + ["B"] * 8 + ["C"] * 3 + ["D"] * 4 + [None] * 2
    matrix = np.linspace(1, 5, len(groups)).reshape(-1, 1)
    table = cohens_d_table(groups, matrix, ["warmth"], suppress_below=5)
    assert (table.suppressed_groups, table.suppressed_count, table.suppress_below) == (2, 7, 5)
    assert {r.group for r in table.rows} == {"A", "B"}
    assert (
        table.notes[0]
        == "2 of 25 people have an unknown group and are left out of every comparison."
    )
    assert table.notes[1] == (
        "7 people in 2 groups of fewer than 5 people are not shown by group, so that no one's "
        'answers can be recognised; they count in the total of 25 and in the "everyone else" '
        "each shown group is compared with."
    )
    assert table.notes[2].startswith("Each group is compared with everyone else whose group")
    a = next(r for r in table.rows if r.group == "A")
    assert (a.n_group, a.n_comparison) == (8, 15)  # B, C and D: everyone else who is known
    # a group of exactly the minimum is shown; the reference group is never hidden
    exact = cohens_d_table(["A"] * 5 + ["B"] * 5, np.ones((10, 1)), ["w"], suppress_below=5)
    assert {r.group for r in exact.rows} == {"A", "B"} and exact.suppressed_groups == 0
    small_reference = cohens_d_table(
        ["A"] * 8 + ["B"] * 3, np.ones((11, 1)), ["w"], reference="B", min_group_size=2,
        suppress_below=5,
    )  # fmt: skip
    assert [r.group for r in small_reference.rows] == ["A"]
    assert small_reference.suppressed_groups == 0 and small_reference.comparison == "B"


def test_no_respondents_score_to_empty_tables():
    table = score_matrix(WETCO, np.empty((0, len(WETCO.item_ids))))
    assert table.scales.shape == (0, len(table.scale_ids))
    assert table.competencies.shape == (0, len(table.competency_ids))
    assert table.sjt_total.shape == (0,) and table.scale_answered.shape == (0, len(table.scale_ids))


def test_an_out_of_range_answer_among_blanks_names_its_column():
    answers = np.ones((3, len(WETCO.item_ids)))
    answers[0, 2] = np.nan  # a blank sends the block down the column-by-column check
    answers[2, 7] = 0
    with pytest.raises(ResponseError, match=f"column {WETCO.item_ids[7]}:"):
        score_matrix(WETCO, answers)


def test_the_strength_is_the_grid_value_with_the_best_three_fold_log_loss():
    """An independent search: the same three shuffled folds, log loss, the grid of C_GRID.

    Three samples, because on one of them five unshuffled folds (or accuracy instead of log
    loss) happen to pick the same value; on the other two they do not.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import StandardScaler

    from hiring.modeling.model import C_GRID, choose_strength

    for seed in (11, 13, 15):
        rng = np.random.default_rng(seed)
        x = rng.normal(size=(160, 4))
        y = (x @ [0.8, 0.4, 0.0, -0.3] + rng.normal(scale=1.5, size=160) > 0).astype(int)
        folds = list(StratifiedKFold(n_splits=3, shuffle=True, random_state=5).split(x, y))

        def cv_loss(c: float, x=x, y=y, folds=folds) -> float:
            losses = []
            for train, test in folds:
                scale = StandardScaler().fit(x[train])
                model = LogisticRegression(C=c, max_iter=1000)
                model.fit(scale.transform(x[train]), y[train])
                losses.append(log_loss(y[test], model.predict_proba(scale.transform(x[test]))))
            return float(np.mean(losses))

        expected = min(C_GRID, key=cv_loss)
        assert choose_strength(x, y, random_state=5) == expected, seed
        assert choose_strength(x, y, random_state=5) == expected  # the same folds every time


def test_the_estimator_is_the_documented_design():
    """Logistic (C = 1 unless chosen) or shallow boosting, calibrated by sigmoid on five
    shuffled folds seeded by random_state."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    from hiring.modeling.model import build_estimator

    made = build_estimator()
    assert made.method == "sigmoid" and made.ensemble is False
    assert isinstance(made.cv, StratifiedKFold)
    assert (made.cv.n_splits, made.cv.shuffle, made.cv.random_state) == (5, True, 0)
    model = made.estimator.named_steps["model"]
    assert isinstance(model, LogisticRegression) and model.C == 1.0
    seeded = build_estimator("boosting", "isotonic", random_state=7, strength=0.3)
    assert seeded.method == "isotonic" and seeded.cv.random_state == 7
    assert seeded.estimator.named_steps["model"].random_state == 7
    logistic = build_estimator(strength=0.03).estimator.named_steps["model"]
    assert logistic.C == 0.03 and logistic.max_iter == 1000
    boosting = seeded.estimator.named_steps["model"]
    assert (boosting.max_iter, boosting.learning_rate, boosting.max_depth) == (100, 0.05, 3)


def test_the_same_data_and_seed_give_the_same_model_and_report():
    from hiring.demo.synthetic import FEATURE_IDS, simulate_incumbents
    from hiring.modeling.model import calibrate

    s = simulate_incumbents(90, random_state=12)
    one, two = (calibrate(s.features, s.y, FEATURE_IDS, repeats=1) for _ in range(2))
    assert one.oof_probability == two.oof_probability
    assert one.incumbent_predictions == two.incumbent_predictions
    assert one.report.to_dict() == two.report.to_dict()


def test_repeated_folds_average_each_persons_held_out_probabilities():
    """With two repeats each person is held out twice and their two probabilities averaged:
    the result is still a probability, centred on the base rate."""
    from hiring.demo.synthetic import FEATURE_IDS, simulate_incumbents
    from hiring.modeling.model import calibrate

    s = simulate_incumbents(90, random_state=12)
    twice = np.array(calibrate(s.features, s.y, FEATURE_IDS, repeats=2).oof_probability)
    assert np.all((twice > 0) & (twice < 1))
    assert twice.mean() == pytest.approx(s.y.mean(), abs=0.08)


def test_importance_is_the_fold_mean_with_the_sample_sd_most_important_first():
    from hiring.modeling.model import importance_summary

    folds = np.array([[0.01, 0.10], [0.03, 0.20], [0.05, 0.60]])
    rows = importance_summary(folds, ["warmth", "empathy"])
    assert [r["feature"] for r in rows] == ["empathy", "warmth"]
    assert rows[0]["mean"] == pytest.approx(0.3) and rows[1]["mean"] == pytest.approx(0.03)
    # sample SDs: sqrt(((-.2)^2 + (-.1)^2 + .3^2) / 2) and sqrt((.02^2 + 0 + .02^2) / 2)
    assert rows[0]["sd"] == pytest.approx(np.sqrt(0.14 / 2))
    assert rows[1]["sd"] == pytest.approx(0.02)


def test_out_of_fold_probabilities_come_from_models_that_never_saw_the_person():
    """Nested cross-validation written out: per fold, choose C and fit on the other four."""
    from sklearn.model_selection import RepeatedStratifiedKFold

    from hiring.demo.synthetic import FEATURE_IDS, simulate_incumbents
    from hiring.modeling.model import build_estimator, calibrate, choose_strength

    s = simulate_incumbents(80, random_state=21)
    expected = np.empty(s.y.size)
    folds = RepeatedStratifiedKFold(n_splits=5, n_repeats=1, random_state=0)
    for train, test in folds.split(s.features, s.y):
        strength = choose_strength(s.features[train], s.y[train], 0)
        model = build_estimator("logistic", "sigmoid", 0, strength)
        model.fit(s.features[train], s.y[train])
        expected[test] = model.predict_proba(s.features[test])[:, 1]
    got = calibrate(s.features, s.y, FEATURE_IDS, repeats=1).oof_probability
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("n", "repeats"), [(499, 5), (500, 3)])
def test_five_repeats_below_five_hundred_incumbents_three_from_there(n, repeats, monkeypatch):
    from hiring.demo.synthetic import FEATURE_IDS, simulate_incumbents
    from hiring.modeling import model

    seen = []

    class Counted(Exception):
        pass

    def counting(x, y, method, calibration, repeats, random_state):
        seen.append(repeats)
        raise Counted  # only the number of repeats is under test: stop before any fit

    monkeypatch.setattr(model, "_cross_validate", counting)
    s = simulate_incumbents(n, random_state=5)
    with pytest.raises(Counted):
        model.calibrate(s.features, s.y, FEATURE_IDS)
    assert seen == [repeats]


def test_a_model_with_strong_evidence_gets_no_weak_evidence_warning():
    from hiring.demo.synthetic import FEATURE_IDS, simulate_incumbents
    from hiring.modeling.model import calibrate

    s = simulate_incumbents(300, random_state=41)
    report = calibrate(s.features, s.y, FEATURE_IDS, repeats=1).report
    assert report.auc_ci[0] > 0.5 and report.brier_skill_ci[0] > 0
    assert report.weak_evidence == []
    assert not any(w.startswith("Weak evidence") for w in report.warnings)


def test_the_calibration_slope_takes_probabilities_of_exactly_zero_and_one():
    from hiring.modeling.validation import EPS, calibration_slope

    y = np.array([0, 0, 1, 0, 1, 1, 0, 1, 1, 0])
    p = np.array([0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.35, 0.8, 1.0, 0.45])
    slope, intercept = calibration_slope(y, p)
    assert np.isfinite(slope) and np.isfinite(intercept)
    inside = calibration_slope(y, np.clip(p, EPS, 1 - EPS))
    assert (slope, intercept) == pytest.approx(inside)


def test_a_validity_coefficient_needs_four_people():
    from hiring.modeling.validation import validity_coefficient

    assert np.isnan(validity_coefficient([1.0, 2.0, 3.5], [0, 1, 1])).all()
    assert np.isfinite(validity_coefficient([1.0, 2.0, 3.5, 2.5], [0, 1, 1, 0])).all()


def test_the_design_turns_missing_scores_given_as_none_into_nan():
    from hiring.modeling.model import design_matrix

    out = design_matrix([[3, None, 4, 2]], ["a", "b", "c", "d"], {"cd": ["c", "d"]})
    assert out.dtype == float
    np.testing.assert_array_equal(out, [[3.0, np.nan, 3.0]])


def test_a_boosted_model_reports_no_coefficients_and_auc_needs_both_outcomes():
    from hiring.demo.synthetic import FEATURE_IDS, simulate_incumbents
    from hiring.modeling.model import calibrate
    from hiring.modeling.validation import auc_with_ci

    s = simulate_incumbents(120, random_state=9)
    report = calibrate(s.features, s.y, FEATURE_IDS, method="boosting", repeats=1).report
    assert report.coefficients == {} and report.regularization_c is None
    with pytest.raises(ValueError, match="^AUC needs both outcomes present$"):
        auc_with_ci([1, 1, 1], [0.2, 0.5, 0.9])
