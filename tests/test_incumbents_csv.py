"""Importing incumbent CSVs: every bad row and column named, demographics never used."""

import numpy as np
import pytest

from hiring.assessment.questionnaires import load_questionnaire
from hiring.assessment.scoring import score_matrix
from hiring.errors import HiringError
from hiring.modeling.incumbents import (
    Criterion,
    IncumbentFileError,
    parse_incumbents,
    read_incumbents,
)
from hiring.store.paths import data_dir


@pytest.fixture(scope="module")
def q():
    return load_questionnaire(data_dir("questionnaires") / "wetco-service-v1.yaml")


def _scores_csv(rows, extra_header=(), outcome="high_performer"):
    header = ["employee_id", *FEATURES, outcome, *extra_header]
    return "\n".join([",".join(header), *[",".join(map(str, r)) for r in rows]]) + "\n"


FEATURES = (
    "warmth,empathy,teamwork,conscientiousness,optimism,listening,gathering_information,"
    "communicating_clearly,building_relationships,defusing_conflict,patience_caring"
).split(",")
GOOD = [3.5, 4, 3, 4.25, 3.75, 60, 55, 70, 65, 50, 80]


def test_example_item_file_imports_and_scores_like_the_scoring_module(q):
    data = read_incumbents(
        data_dir("profiles") / "example-incumbents.csv", q, Criterion("high_performer")
    )
    assert data.source == "items" and len(data.ids) == 120
    assert data.ids[0] == "SYN-0001"
    np.testing.assert_allclose(data.features, score_matrix(q, data.responses).features)
    assert any("'csat' is not used" in n for n in data.notices)
    assert 10 <= data.n_positive <= 110


def test_example_score_file_matches_the_item_file(q):
    items = read_incumbents(
        data_dir("profiles") / "example-incumbents.csv", q, Criterion("high_performer")
    )
    scores = read_incumbents(
        data_dir("profiles") / "example-incumbent-scores.csv",
        q,
        Criterion("csat", "threshold", threshold=85),
    )
    assert scores.source == "scores"
    np.testing.assert_allclose(scores.features, items.features, atol=0.051)
    csat = np.array([80.1, 88.8])  # the first two rows of the file, checked by eye
    assert list(scores.outcome[:2]) == list((csat >= 85).astype(int))


def test_every_bad_row_and_column_is_named(q):
    header = "employee_id,warm_01,warm_99,sjt_01,high_performer,gender\n"
    text = header + "\n".join(
        [
            "E1,4,3,2,yes,f",
            "E2,7,3,5,no,m",  # Likert out of range, SJT option 5 of 4
            "E1,2.5,3,1,yes,f",  # duplicate id, not a whole number
            "E4,3,3,1,,m",  # missing outcome
            "E5,x,3,1,maybe,f",  # not a number, not yes/no
            "E6,3,3",  # wrong number of fields
        ]
    )
    with pytest.raises(IncumbentFileError) as caught:
        parse_incumbents(text, q, Criterion("high_performer"), "staff.csv")
    problems = caught.value.problems
    expected = [
        "staff.csv: header: column 'warm_99' is not an item of wetco-service v1",
        "staff.csv: line 3 (employee_id E2): column warm_01: 7 is outside 1..5",
        "staff.csv: line 3 (employee_id E2): column sjt_01: 5 is outside 1..4",
        "staff.csv: line 4 (employee_id E1): duplicate employee_id (also on line 2)",
        "staff.csv: line 4 (employee_id E1): column warm_01: '2.5' is not a whole number",
        "staff.csv: line 5 (employee_id E4): column high_performer: the outcome is missing",
        "staff.csv: line 6 (employee_id E5): column warm_01: 'x' is not a whole number",
        "staff.csv: line 6 (employee_id E5): column high_performer: 'maybe' is not yes/no (or 1/0)",
        "staff.csv: line 7: has 3 fields, the header has 6",
    ]
    assert sorted(problems) == sorted(expected)
    assert isinstance(caught.value, HiringError) and "warm_99" in caught.value.message


def test_demographic_and_identity_columns_are_never_features(q):
    rows = [[f"E{i}", *GOOD, "yes" if i % 2 else "no", "f", "30-39", "Ann"] for i in range(4)]
    data = parse_incumbents(
        _scores_csv(rows, ("Gender", "age band", "name")), q, Criterion("high_performer")
    )
    notices = " ".join(data.notices)
    assert "'Gender' looks like a demographic attribute" in notices
    assert "'age band' looks like a demographic attribute" in notices
    assert "'name' holds identity data" in notices
    assert data.features.shape == (4, 11)
    np.testing.assert_allclose(data.features[0], GOOD)


@pytest.mark.parametrize(
    ("criterion", "expected"),
    [
        (Criterion("csat", "threshold", threshold=80), [0, 1, 1, 0, 1]),
        (Criterion("csat", "threshold", threshold=80, higher_is_better=False), [1, 1, 0, 1, 0]),
        (Criterion("csat", "top_share", share=0.4), [0, 0, 1, 0, 1]),
        (Criterion("csat", "top_share", share=0.2), [0, 0, 1, 0, 1]),  # tie at the cut
        (Criterion("csat", "top_share", share=0.4, higher_is_better=False), [1, 0, 0, 1, 0]),
    ],
)
def test_kpi_rules_pick_the_right_high_performers(q, criterion, expected):
    csat = [70, 80, 91, 75.5, 91]
    rows = [[f"E{i}", *GOOD, value] for i, value in enumerate(csat)]
    data = parse_incumbents(_scores_csv(rows, outcome="csat"), q, criterion)
    assert list(data.outcome) == expected


def test_scores_out_of_range_and_missing_score_columns_are_named(q):
    rows = [["E1", 6, *GOOD[1:5], 101, *GOOD[6:], "yes"]]
    with pytest.raises(IncumbentFileError) as caught:
        parse_incumbents(_scores_csv(rows), q, Criterion("high_performer"), "s.csv")
    assert (
        "s.csv: line 2 (employee_id E1): column warmth: 6 is outside 1..5" in caught.value.problems
    )
    assert (
        "s.csv: line 2 (employee_id E1): column listening: 101 is outside 0..100"
        in caught.value.problems
    )
    text = "employee_id,warmth,high_performer\nE1,3,yes\n"
    with pytest.raises(IncumbentFileError, match="score column 'empathy' is missing"):
        parse_incumbents(text, q, Criterion("high_performer"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("employee_id,warm_01,warmth,high_performer\nE1,3,3,yes\n", "not both"),
        ("employee_id,high_performer\nE1,yes\n", "no item or score columns"),
        ("warm_01,high_performer\n3,yes\n", "employee_id column is missing"),
        ("employee_id,warm_01\nE1,3\n", "success column 'high_performer' is missing"),
        ("employee_id,warm_01,warm_01,high_performer\nE1,3,3,yes\n", "more than once"),
    ],
)
def test_broken_headers_are_explained(q, text, message):
    with pytest.raises(IncumbentFileError, match=message):
        parse_incumbents(text, q, Criterion("high_performer"))


@pytest.mark.parametrize(
    ("criterion", "message"),
    [
        (Criterion("csat", "median"), "Unknown success rule"),
        (Criterion("csat", "threshold"), "needs a threshold"),
        (Criterion("csat", "top_share", share=1.5), "between 0 and 1"),
    ],
)
def test_bad_criteria_are_refused(q, criterion, message):
    with pytest.raises(HiringError, match=message):
        parse_incumbents(_scores_csv([["E1", *GOOD, 1]], outcome="csat"), q, criterion)


def test_missing_item_columns_are_noticed_and_unscorable_features_refused(q):
    text = "employee_id,warm_01,high_performer\nE1,3,yes\n"
    with pytest.raises(IncumbentFileError, match="enough items to score"):
        parse_incumbents(text, q, Criterion("high_performer"))
