"""Adverse-impact numbers checked by hand, against scipy, and against Fairlearn."""

import csv
import io
import math
import statistics

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, demographic_parity_ratio, selection_rate
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from hiring.errors import HiringError
from hiring.fairness import (
    EFFECT_SIZE_COLUMNS,
    EVERYONE_ELSE,
    FISHER,
    IMPACT_COLUMNS,
    MIN_GROUP_SIZE,
    MIN_SHARE,
    Z_TEST,
    FairnessError,
    band_at_or_above,
    cohens_d_table,
    compare_proportions,
    intersect,
    magnitude,
    scoring_rate_table,
    selection_table,
    to_csv_rows,
)


def people(*blocks):
    """Expand (group, n, selected) blocks into parallel group and outcome lists."""
    groups, selected = [], []
    for group, n, hits in blocks:
        groups += [group] * n
        selected += [True] * hits + [False] * (n - hits)
    return groups, selected


def hand_z_p(x1, n1, x2, n2):
    """Pooled two-proportion z-test p-value, written out independently of the module."""
    pooled = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return math.erfc(abs(z) / math.sqrt(2))


def hand_fisher_p(x1, n1, x2, n2):
    """Two-sided Fisher p: sum of hypergeometric tables no more likely than the observed one."""
    hits, total = x1 + x2, n1 + n2

    def prob(k):
        return math.comb(n1, k) * math.comb(n2, hits - k) / math.comb(total, hits)

    observed = prob(x1)
    ks = range(max(0, hits - n2), min(n1, hits) + 1)
    return sum(prob(k) for k in ks if prob(k) <= observed * (1 + 1e-7))


# --- hand-computed examples -------------------------------------------------------------


def test_textbook_four_fifths_example_48_of_80_vs_12_of_40():
    groups, selected = people(("Men", 80, 48), ("Women", 40, 12))
    table = selection_table(groups, selected)
    men, women = table.row("Men"), table.row("Women")
    assert table.reference_group == "Men"
    assert (men.rate, women.rate) == (0.6, 0.3)
    assert men.impact_ratio == 1.0 and not men.four_fifths_flag
    assert women.impact_ratio == pytest.approx(0.5)
    assert women.four_fifths_flag
    assert women.z_p == pytest.approx(hand_z_p(12, 40, 48, 80), rel=1e-9)
    assert women.fisher_p == pytest.approx(hand_fisher_p(12, 40, 48, 80), rel=1e-9)
    chi2 = stats.chi2_contingency([[12, 28], [48, 32]], correction=False)
    assert women.chi2_p == pytest.approx(chi2.pvalue, rel=1e-9)
    # Large groups with expected counts of 20: the z-test is the primary test.
    assert (women.primary_test, women.primary_p) == (Z_TEST, women.z_p)
    assert men.fisher_p is None and men.primary_test is None
    assert any("'Women': impact ratio 0.50" in note for note in table.notes)


def test_fisher_is_primary_for_small_groups_and_matches_enumeration():
    groups, selected = people(("A", 10, 1), ("B", 10, 7))
    row = selection_table(groups, selected).row("A")
    assert row.primary_test == FISHER
    assert row.primary_p == row.fisher_p
    assert row.fisher_p == pytest.approx(hand_fisher_p(1, 10, 7, 10), rel=1e-9)
    assert row.fisher_p == pytest.approx(stats.fisher_exact([[1, 9], [7, 3]]).pvalue, rel=1e-12)
    assert row.z_p == pytest.approx(hand_z_p(1, 10, 7, 10), rel=1e-9)


def test_small_expected_count_makes_fisher_primary_even_in_large_groups():
    result = compare_proportions(1, 200, 6, 200)  # expected selected 3.5 per group
    assert min(200, 200) >= 30 and result.min_expected == pytest.approx(3.5)
    assert result.primary_test == FISHER
    groups, selected = people(("A", 200, 1), ("B", 200, 6))
    table = selection_table(groups, selected)
    assert any("expected count in the 2x2 table is under 5" in note for note in table.notes)


def test_chi_square_equals_z_squared_on_two_by_two():
    result = compare_proportions(30, 90, 45, 95)
    assert result.chi2_statistic == pytest.approx(result.z_statistic**2, rel=1e-12)
    assert result.chi2_p == pytest.approx(result.z_p, rel=1e-9)
    assert result.z_statistic < 0  # the first group's rate is the lower one


def test_ratio_of_exactly_four_fifths_is_not_flagged_despite_float_rounding():
    assert (2 / 6) / (5 / 12) < 0.8  # naive floating point would flag this group
    groups, selected = people(("A", 6, 2), ("B", 12, 5))
    row = selection_table(groups, selected).row("A")
    assert row.impact_ratio == pytest.approx(0.8)
    assert not row.four_fifths_flag
    groups, selected = people(("A", 60, 19), ("B", 120, 50))  # ratio 0.76
    assert selection_table(groups, selected).row("A").four_fifths_flag


def test_reference_ties_go_to_the_first_group_by_name():
    groups, selected = people(("b", 10, 5), ("a", 20, 10), ("c", 10, 1))
    table = selection_table(groups, selected)
    assert table.reference_group == "a"
    assert table.row("b").impact_ratio == 1.0
    assert table.row("b").fisher_p == pytest.approx(1.0)


# --- unknowns, small groups, intersections ----------------------------------------------


def test_unknown_answers_are_counted_but_never_compared():
    groups, selected = people(("F", 20, 10), ("M", 20, 12))
    groups += [None, "Prefer not to say", " prefer not to say ", "", float("nan"), "Unknown"]
    selected += [True, True, False, True, False, False]
    table = selection_table(groups, selected)
    assert [r.group for r in table.rows] == ["F", "M"]
    assert (table.total, table.unknown_count, table.unknown_selected) == (46, 6, 3)
    assert table.notes[0].startswith("6 of 46 people")
    assert table.row("F").share == pytest.approx(20 / 46)
    export = to_csv_rows(table)
    assert export[-1]["group"].startswith("(unknown")
    assert (export[-1]["n"], export[-1]["selected"], export[-1]["impact_ratio"]) == (6, 3, None)


def test_groups_under_minimum_size_are_shown_with_reason_and_kept_out_of_ratios():
    groups, selected = people(("A", 30, 15), ("B", 30, 9), ("C", MIN_GROUP_SIZE - 1, 4))
    table = selection_table(groups, selected)
    small = table.row("C")
    assert (small.n, small.selected, small.rate) == (4, 4, 1.0)
    assert small.impact_ratio is None and small.fisher_p is None and not small.four_fifths_flag
    assert small.excluded_reason == f"fewer than {MIN_GROUP_SIZE} people"
    # C has the highest rate but is excluded, so A is the reference.
    assert table.reference_group == "A"
    assert any("'C' (4 people" in n and "left out of impact ratios" in n for n in table.notes)


def test_small_share_groups_are_flagged_in_selection_and_excluded_in_nyc_table():
    groups = ["A"] * 150 + ["B"] * 100 + ["C"] * 5  # C is 5/255 < 2%
    scores = list(np.linspace(0, 1, 150)) + list(np.linspace(0, 1, 100)) + [0.9] * 5
    selected = [s > 0.5 for s in scores]
    sel = selection_table(groups, selected)
    assert sel.row("C").small_share_flag and sel.row("C").excluded_reason is None
    assert sel.row("C").impact_ratio is not None
    nyc = scoring_rate_table(groups, scores)
    row = nyc.row("C")
    assert row.small_share_flag and row.impact_ratio is None
    assert row.excluded_reason == f"under {MIN_SHARE:.0%} of the sample"
    assert (row.n, row.rate) == (5, 1.0)
    assert any("'C' (5 people, 2.0% of the sample, rate 100.0%)" in n for n in nyc.notes)


def test_intersections_are_unknown_when_either_part_is_unknown():
    sex = ["Female", "Male", "Prefer not to say", "Female", None]
    race = ["Black", "White", "Asian", "", "Asian"]
    assert intersect(sex, race) == ["Female / Black", "Male / White", None, None, None]
    with pytest.raises(FairnessError):
        intersect(["Female"], [])


def test_intersection_table_compares_sex_by_race_cells():
    sex = ["F"] * 20 + ["M"] * 20 + ["F"] * 3
    race = (["X"] * 10 + ["Y"] * 10) * 2 + ["declined"] * 3
    selected = [i % 2 == 0 for i in range(20)] + [i % 4 == 0 for i in range(20)] + [True] * 3
    table = selection_table(intersect(sex, race), selected)
    assert [r.group for r in table.rows] == ["F / X", "F / Y", "M / X", "M / Y"]
    assert table.unknown_count == 3
    assert table.row("M / X").rate == pytest.approx(0.3)


# --- NYC scoring rates ------------------------------------------------------------------


def test_scoring_rate_median_includes_unknowns_and_counts_strictly_above():
    groups = ["A"] * 6 + ["B"] * 6 + [None] * 6
    scores = [1, 2, 3, 4, 5, 6] + [3, 3, 3, 3, 9, 9] + [10, 10, 10, 10, 10, 10]
    table = scoring_rate_table(groups, scores)
    assert table.median == statistics.median(scores) == 5.5
    assert (table.row("A").selected, table.row("B").selected) == (1, 2)
    assert table.unknown_selected == 6
    assert table.row("A").impact_ratio == pytest.approx(0.5)
    # A score equal to the median is not above it.
    tie = scoring_rate_table(["A"] * 5 + ["B"] * 5, [1, 2, 3, 3, 3, 3, 3, 3, 4, 5])
    assert tie.median == 3 and tie.row("A").selected == 0 and tie.row("B").selected == 2


def test_missing_scores_are_left_out_and_reported():
    groups = ["A"] * 6 + ["B"] * 6
    scores = [1.0, 2, 3, 4, 5, None] + [2, 3, 4, 5, 6, float("nan")]
    table = scoring_rate_table(groups, scores)
    assert table.total == 10 and table.row("A").n == 5
    assert any("2 people without a score" in n for n in table.notes)
    blank = scoring_rate_table(["A", "B"], [None, float("nan")])
    assert blank.rows == () and blank.total == 0 and blank.median is None
    assert blank.notes[0] == "2 people without a score are left out of this table."


# --- independent implementation: Fairlearn ----------------------------------------------


@pytest.fixture
def random_selection():
    rng = np.random.default_rng(20240611)
    sizes = {"A": 300, "B": 180, "C": 90, "D": 40}
    rates = {"A": 0.5, "B": 0.42, "C": 0.3, "D": 0.55}
    groups = np.concatenate([[g] * n for g, n in sizes.items()])
    selected = np.concatenate([rng.random(n) < rates[g] for g, n in sizes.items()])
    order = rng.permutation(groups.size)
    return groups[order], selected[order]


def test_selection_rates_and_ratios_match_fairlearn(random_selection):
    groups, selected = random_selection
    table = selection_table(groups, selected)
    y = selected.astype(int)
    frame = MetricFrame(metrics=selection_rate, y_true=y, y_pred=y, sensitive_features=groups)
    by_group = frame.by_group
    assert [r.group for r in table.rows] == sorted(by_group.index)
    for row in table.rows:
        assert row.rate == pytest.approx(by_group[row.group], rel=1e-12)
        assert row.impact_ratio == pytest.approx(by_group[row.group] / by_group.max(), rel=1e-12)
    assert table.reference_group == by_group.idxmax()
    ratios = [r.impact_ratio for r in table.rows]
    parity = demographic_parity_ratio(y, y, sensitive_features=groups)
    assert min(ratios) == pytest.approx(parity, rel=1e-12)


def test_p_values_match_scipy_and_hand_formulas_on_random_data(random_selection):
    groups, selected = random_selection
    table = selection_table(groups, selected)
    ref = table.row(table.reference_group)
    for row in table.rows:
        if row.group == ref.group:
            continue
        cells = [[row.selected, row.n - row.selected], [ref.selected, ref.n - ref.selected]]
        assert row.fisher_p == pytest.approx(stats.fisher_exact(cells).pvalue, rel=1e-9)
        assert row.fisher_p == pytest.approx(
            hand_fisher_p(row.selected, row.n, ref.selected, ref.n), rel=1e-6
        )
        chi2 = stats.chi2_contingency(cells, correction=False)
        assert row.chi2_p == pytest.approx(chi2.pvalue, rel=1e-9)
        assert row.z_p == pytest.approx(hand_z_p(row.selected, row.n, ref.selected, ref.n))


def test_yates_corrected_chi_square_matches_scipy_beside_the_uncorrected_one(random_selection):
    groups, selected = random_selection
    table = selection_table(groups, selected)
    ref = table.row(table.reference_group)
    compared = [row for row in table.rows if row.group != ref.group]
    assert compared
    for row in compared:
        cells = [[row.selected, row.n - row.selected], [ref.selected, ref.n - ref.selected]]
        corrected = stats.chi2_contingency(cells, correction=True)
        assert row.chi2_yates_p == pytest.approx(corrected.pvalue, rel=1e-9)
        assert row.chi2_yates_p >= row.chi2_p  # the correction is conservative


@pytest.mark.parametrize(
    ("cells", "statistic"),
    [
        # 12/40 against 48/80: E = 20, 20 in the first row and 40, 40 in the second, so
        # |O - E| = 8 in every cell and chi2 = 7.5^2 (2/20 + 2/40) = 8.4375, by hand
        ((12, 40, 48, 80), 8.4375),
        # 4/12 against 9/12: E = 6.5 and 5.5 per row, |O - E| = 2.5, less 1/2 is 2
        ((4, 12, 9, 12), 4 * (2 / 6.5 + 2 / 5.5)),
    ],
)
def test_yates_statistic_matches_a_hand_calculation(cells, statistic):
    result = compare_proportions(*cells)
    assert result.chi2_yates_statistic == pytest.approx(statistic, rel=1e-9)
    assert result.chi2_yates_p == pytest.approx(stats.chi2.sf(statistic, 1), rel=1e-9)


def test_scoring_rates_match_fairlearn_on_median_split():
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "group": rng.choice(["A", "B", "C", "unknown"], size=500, p=[0.4, 0.3, 0.2, 0.1]),
            "score": rng.normal(50, 10, size=500).round(1),
        }
    )
    table = scoring_rate_table(frame["group"].tolist(), frame["score"].tolist())
    above = (frame["score"] > frame["score"].median()).astype(int)
    known = frame["group"] != "unknown"
    expected = MetricFrame(
        metrics=selection_rate,
        y_true=above[known],
        y_pred=above[known],
        sensitive_features=frame.loc[known, "group"],
    ).by_group
    assert table.median == pytest.approx(frame["score"].median())
    assert table.unknown_count == int((~known).sum())
    for row in table.rows:
        assert row.rate == pytest.approx(expected[row.group], rel=1e-12)
        assert row.impact_ratio == pytest.approx(expected[row.group] / expected.max(), rel=1e-12)


# --- edge cases -------------------------------------------------------------------------


def test_empty_input_gives_an_empty_table_with_a_note():
    for table in (selection_table([], []), scoring_rate_table([], [])):
        assert table.rows == () and table.total == 0 and table.reference_group is None
        assert "no one" in table.notes[0]
        assert to_csv_rows(table) == []


def test_only_unknowns_gives_no_rows_but_states_the_count():
    table = selection_table([None, "prefer not to say"], [True, False])
    assert table.rows == () and table.unknown_count == 2
    assert any("No group is large enough" in n for n in table.notes)
    assert [row["group"] for row in to_csv_rows(table)] == ["(unknown / prefer not to say)"]


@pytest.mark.parametrize(
    ("blocks", "reference", "ratios", "note"),
    [
        ([("A", 10, 10), ("B", 8, 8)], "A", {"A": 1.0, "B": 1.0}, "highest rate"),
        ([("A", 10, 0), ("B", 8, 0)], None, {"A": None, "B": None}, "not defined"),
        ([("A", 10, 4)], "A", {"A": 1.0}, "nothing is tested"),
        ([("A", 10, 0), ("B", 8, 2)], "B", {"A": 0.0, "B": 1.0}, "below four-fifths"),
        ([("A", 3, 1), ("B", 2, 2)], None, {"A": None, "B": None}, "No group is large enough"),
    ],
    ids=["all-selected", "none-selected", "single-group", "zero-rate", "all-small"],
)
def test_edge_cases_give_defined_numbers_without_warnings(blocks, reference, ratios, note):
    groups, selected = people(*blocks)
    table = selection_table(groups, selected)
    assert table.reference_group == reference
    assert {r.group: r.impact_ratio for r in table.rows} == ratios
    assert any(note in n for n in table.notes)
    for row in table.rows:
        for p in (row.fisher_p, row.z_p, row.chi2_p, row.primary_p):
            assert p is None or 0.0 <= p <= 1.0


def test_identical_all_selected_groups_test_as_no_difference():
    result = compare_proportions(10, 10, 8, 8)
    assert (result.fisher_p, result.z_p, result.chi2_p) == (1.0, 1.0, 1.0)
    assert result.z_statistic == 0.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: selection_table(["A", "B"], [True]), "one value in every column"),
        (lambda: selection_table(["A"], ["yes"]), "yes/no"),
        (lambda: selection_table(["A"], [2]), "yes/no"),
        (lambda: selection_table([3], [True]), "must be text"),
        (lambda: selection_table(["A"], [True], min_group_size=0), "at least 1"),
        (lambda: selection_table(["A"], [True], min_group_size=2.5), "whole number"),
        (lambda: selection_table(["A"], [True], min_share=1.5), "fraction"),
        (lambda: scoring_rate_table(["A"], [float("inf")]), "finite"),
        (lambda: cohens_d_table(["A"], [[1.0]], ["x", "y"]), "one column per feature"),
        (lambda: cohens_d_table(["A"] * 5, np.ones((5, 1)), ["x"], reference="Z"), "reference"),
        (lambda: cohens_d_table(["A"], [[1.0]], ["x"], min_group_size=1), "at least 2"),
        (lambda: band_at_or_above(["high"], "top", ["low", "high"]), "not one of the bands"),
        (lambda: band_at_or_above(["odd"], "high", ["low", "high"]), "Unknown fit bands"),
    ],
)
def test_bad_input_raises_a_user_facing_error(call, message):
    with pytest.raises(HiringError, match=message) as caught:
        call()
    assert isinstance(caught.value, FairnessError) and message in caught.value.message


def test_numpy_booleans_and_zero_one_are_accepted():
    as_bool = selection_table(["A"] * 5, np.array([1, 0, 1, 1, 0], dtype=bool))
    as_int = selection_table(["A"] * 5, [1, 0, 1, 1, 0])
    assert as_bool.row("A").selected == as_int.row("A").selected == 3


def test_band_cut_marks_bands_at_or_above_and_never_missing_ones():
    order = ["low", "medium", "high"]
    bands = ["high", "low", None, "medium"]
    assert band_at_or_above(bands, "medium", order) == [True, False, False, True]


# --- property tests ---------------------------------------------------------------------

group_names = st.sampled_from(["A", "B", "C", "D", "prefer not to say", None])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(group_names, st.booleans()), max_size=120), st.integers(1, 8))
def test_ratios_are_fractions_and_reference_is_one(pairs, min_size):
    groups = [g for g, _ in pairs]
    table = selection_table(groups, [s for _, s in pairs], min_group_size=min_size)
    assert sum(r.n for r in table.rows) + table.unknown_count == table.total == len(pairs)
    for row in table.rows:
        if row.excluded_reason is not None:
            assert row.impact_ratio is None and row.primary_p is None
        if row.impact_ratio is not None:
            assert 0.0 <= row.impact_ratio <= 1.0
            assert row.four_fifths_flag == (row.impact_ratio < 0.8 - 1e-12)
        for p in (row.fisher_p, row.z_p, row.chi2_p):
            assert p is None or 0.0 <= p <= 1.0
    if table.reference_group is not None:
        reference = table.row(table.reference_group)
        assert reference.impact_ratio == 1.0 and reference.excluded_reason is None
        assert all(r.rate <= reference.rate for r in table.rows if r.excluded_reason is None)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(group_names, st.floats(0, 100, allow_nan=False) | st.none()), max_size=120)
)
def test_scoring_rates_never_exceed_one_half_overall(pairs):
    table = scoring_rate_table([g for g, _ in pairs], [s for _, s in pairs])
    above = sum(r.selected for r in table.rows) + table.unknown_selected
    assert above <= table.total / 2  # strictly above the median is at most half
    for row in table.rows:
        assert row.impact_ratio is None or 0.0 <= row.impact_ratio <= 1.0


# --- effect sizes -----------------------------------------------------------------------


def hand_cohens_d(a, b):
    pooled = math.sqrt(
        ((len(a) - 1) * statistics.variance(a) + (len(b) - 1) * statistics.variance(b))
        / (len(a) + len(b) - 2)
    )
    return (statistics.mean(a) - statistics.mean(b)) / pooled


def test_cohens_d_and_hedges_g_match_hand_computation():
    a = [3.0, 3.5, 4.0, 4.5, 5.0, 4.2]
    b = [2.0, 3.0, 3.5, 2.5, 3.0]
    c = [4.0, 4.4, 3.9, 4.1, 4.6, 3.7, 4.3]
    groups = ["A"] * len(a) + ["B"] * len(b) + ["C"] * len(c) + [None] * 3
    X = np.array([a + b + c + [100.0, 100.0, 100.0]]).T
    table = cohens_d_table(groups, X, ["warmth"])
    assert table.comparison == EVERYONE_ELSE and table.unknown_count == 3
    row = next(r for r in table.rows if r.group == "A")
    d = hand_cohens_d(a, b + c)  # the unknowns' 100s are in neither side
    df = len(a) + len(b + c) - 2
    exact_j = special.gamma(df / 2) / (math.sqrt(df / 2) * special.gamma((df - 1) / 2))
    assert row.cohens_d == pytest.approx(d, rel=1e-12)
    assert row.hedges_g == pytest.approx(exact_j * d, rel=1e-10)
    assert row.hedges_g == pytest.approx((1 - 3 / (4 * df - 1)) * d, rel=1e-3)  # Hedges' approx
    assert (row.n_group, row.n_comparison) == (6, 12)


def test_cohens_d_against_a_reference_group_and_with_missing_values():
    groups = ["ref"] * 6 + ["x"] * 6
    X = np.array(
        [
            [10, 1],
            [12, 2],
            [11, 3],
            [9, 4],
            [13, 5],
            [11, np.nan],
            [8, 5],
            [9, 5],
            [10, 5],
            [7, 5],
            [11, 5],
            [np.nan, 5],
        ],
        dtype=float,
    )
    table = cohens_d_table(groups, X, ["f1", "f2"], reference="ref")
    assert [(r.group, r.feature_id) for r in table.rows] == [("x", "f1"), ("x", "f2")]
    f1, f2 = table.rows
    assert f1.comparison == "ref" and (f1.n_group, f1.n_comparison) == (5, 6)
    assert f1.cohens_d == pytest.approx(hand_cohens_d([8, 9, 10, 7, 11], [10, 12, 11, 9, 13, 11]))
    assert f1.cohens_d < 0 and f1.magnitude == magnitude(f1.cohens_d) == "large"
    assert f2.cohens_d == pytest.approx(hand_cohens_d([5] * 6, [1, 2, 3, 4, 5]))
    assert any("review this scale" in n for n in table.notes)


def test_effect_sizes_explain_small_groups_and_zero_spread():
    groups = ["A"] * 6 + ["B"] * 6 + ["C"] * 2
    table = cohens_d_table(groups, np.ones((14, 1)), ["x"])
    reasons = {r.group: r.excluded_reason for r in table.rows}
    assert reasons == {
        "A": "everyone has the same value",
        "B": "everyone has the same value",
        "C": f"fewer than {MIN_GROUP_SIZE} people with a value on each side",
    }
    assert all(r.cohens_d is None for r in table.rows)
    assert any("could not be computed for: A, B, C" in n for n in table.notes)


@pytest.mark.parametrize(
    ("d", "label"), [(0.1, "negligible"), (-0.3, "small"), (0.5, "medium"), (-1.2, "large")]
)
def test_magnitude_labels_follow_cohens_benchmarks(d, label):
    assert magnitude(d) == label


# --- exports ----------------------------------------------------------------------------


def test_csv_rows_have_fixed_columns_and_write_cleanly():
    groups, selected = people(("A", 20, 10), ("B", 20, 4))
    table = selection_table(groups + [None], selected + [True])
    rows = to_csv_rows(table)
    assert all(tuple(row) == IMPACT_COLUMNS for row in rows)
    assert rows[0]["reference_group"] == "A" and rows[0]["table"] == "selection"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=IMPACT_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    assert buffer.getvalue().count("\n") == 4
    effects = to_csv_rows(cohens_d_table(groups, np.arange(40.0).reshape(40, 1), ["x"]))
    assert all(tuple(row) == EFFECT_SIZE_COLUMNS for row in effects)
