"""Only the documented answer values count: "3", never "٣", " 3", "3.0", "+3" or "03"."""

import csv
from pathlib import Path

import pytest

from hiring.assessment.answers import answer_problem, answer_value
from hiring.candidates import journey
from hiring.modeling.incumbents import Criterion, IncumbentFileError, parse_incumbents
from hiring.store.paths import data_dir
from tests.candidate_support import Walker, invite, make_role, questionnaire_of

TINY_FILE = Path(__file__).parent / "fixtures" / "tiny.yaml"
# Each of these is read as 3 by int(); none is an answer a form or a file may give.
NOT_ANSWERS = ["٣", "३", "３", " 3", "3 ", "\t3", "3.0", "+3", "03", "3\n", "𝟑", "³"]


@pytest.mark.parametrize("raw", NOT_ANSWERS)
def test_lookalikes_of_an_answer_are_not_answers(raw):
    assert answer_value(raw) is None
    assert answer_problem(raw, 5) is not None


@pytest.mark.parametrize(
    ("raw", "value"), [("1", 1), ("3", 3), ("11", 11), (4, 4), (True, None), ("", None)]
)
def test_plain_digits_and_stored_integers_are_answers(raw, value):
    assert answer_value(raw) == value


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("٣", "'٣' is not written as a plain whole number (write 3)"),
        ("+3", "'+3' is not written as a plain whole number (write 3)"),
        ("3.0", "'3.0' is not a whole number"),
        ("x", "'x' is not a whole number"),
        ("9", "'9' is outside 1..5"),
        ("-3", "'-3' is outside 1..5"),
        ("0", "'0' is outside 1..5"),
        ("4", None),
    ],
)
def test_each_problem_with_an_answer_is_said_plainly(raw, problem):
    assert answer_problem(raw, 5) == problem


@pytest.fixture
def started(client, db):
    made = invite(db, make_role(db))
    walker = Walker(client, made.token)
    walker.open()
    walker.consent()
    return walker, made, questionnaire_of(db, made.candidate_id)


@pytest.mark.parametrize("raw", NOT_ANSWERS)
def test_the_journey_refuses_lookalike_answers_and_saves_nothing(started, db, raw):
    walker, made, q = started
    items = q.pages[0].item_ids
    response = walker.post_page(1, dict.fromkeys(items, raw))
    assert response.status_code == 200  # the page again, not the next one
    assert "Choose one of the answers shown for statement 1." in response.get_data(as_text=True)
    assert journey.saved_answers(db, made.candidate_id) == {}
    walker.post_page(1, dict.fromkeys(items, raw), button="back")
    assert journey.saved_answers(db, made.candidate_id) == {}


def test_a_lookalike_never_replaces_a_saved_answer(started, db):
    walker, made, q = started
    items = q.pages[0].item_ids
    walker.post_page(1, dict.fromkeys(items, 2), button="back")
    assert set(journey.saved_answers(db, made.candidate_id).values()) == {2}
    walker.post_page(1, dict.fromkeys(items, "٤"))
    walker.post_page(1, dict.fromkeys(items, "+4"), button="back")
    assert set(journey.saved_answers(db, made.candidate_id).values()) == {2}


@pytest.mark.parametrize("raw", NOT_ANSWERS)
def test_autosave_keeps_only_documented_values(started, db, raw):
    walker, made, q = started
    first, second = q.pages[0].item_ids[:2]
    walker.get("/assessment/page/1")
    response = walker.client.post(
        "/assessment/page/1/autosave",
        data={"csrf_token": walker.csrf, f"a_{first}": raw, f"a_{second}": "4"},
    )
    assert response.status_code == 204
    assert journey.saved_answers(db, made.candidate_id) == {second: 4}


def test_a_bool_is_not_an_answer_to_the_journey(started, db):
    from hiring.candidates.records import CandidateError

    _walker, made, q = started
    with pytest.raises(CandidateError, match="out of range"):
        journey.save_page(db, made.candidate_id, 0, {q.pages[0].item_ids[0]: True})


@pytest.mark.parametrize("raw", [r for r in NOT_ANSWERS if "\n" not in r])  # one line a row
def test_response_csv_names_a_lookalike_cell(run, tmp_path, raw):
    path = tmp_path / "r.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["id", "a1", "a2", "a3", "b1", "b2", "b3", "chk", "im1", "im2", "s1", "s2", "s3"]
        )
        writer.writerow(["ann", "4", "2", raw, "3", "3", "3", "4", "3", "3", "2", "1", ""])
    for command in ("score", "reliability"):
        result = run("questionnaire", command, str(TINY_FILE), str(path))
        assert result.exit_code == 2
        lines = result.stderr.splitlines()
        assert lines[0].startswith(f"r.csv row 2, column a3: {raw!r} is not"), lines
        assert "Traceback" not in result.output


def test_response_csv_still_reads_plain_answers_and_blank_cells(run, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "id,a1,a2,a3,b1,b2,b3,chk,im1,im2,s1,s2,s3\nann,4,2,,3,3,3,4,3,3,2,1,\n", encoding="utf-8"
    )
    result = run("questionnaire", "score", str(TINY_FILE), str(path), "--json")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("raw", ["٣", "+3", "03", " 3", "3.0"])
def test_incumbent_item_answers_take_only_documented_values(raw):
    from hiring.assessment.questionnaires import load_questionnaire

    q = load_questionnaire(data_dir("questionnaires") / "wetco-service-v1.yaml")
    text = f"employee_id,warm_01,high_performer\nE1,{raw},yes\n"
    with pytest.raises(IncumbentFileError) as caught:
        parse_incumbents(text, q, Criterion("high_performer"), "staff.csv")
    assert any(
        p.startswith("staff.csv: line 2 (employee_id E1): column warm_01: ")
        for p in caught.value.problems
    )
