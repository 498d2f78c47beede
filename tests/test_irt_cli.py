"""`hiring irt calibrate` and `hiring irt banks`: the item bank of the adaptive form."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from hiring.assessment.questionnaires import load_questionnaire
from hiring.assessment.scoring import trait_item_ids
from hiring.demo.synthetic import simulate_responses

WETCO = Path(__file__).resolve().parents[1] / "questionnaires" / "wetco-service-v1.yaml"


def _responses(path: Path, n: int, seed: int = 0) -> Path:
    q = load_questionnaire(WETCO)
    rng = np.random.default_rng(seed)
    answers = simulate_responses(q, rng.standard_normal((n, len(q.feature_ids))), random_state=rng)
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", *q.item_ids])
        for k, row in enumerate(answers):
            writer.writerow([f"R{k}", *(int(v) for v in row)])
    return path


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return _responses(tmp_path_factory.mktemp("irt") / "responses.csv", 700)


@pytest.mark.slow
def test_calibrate_prints_items_with_ses_information_and_fit_as_json(run, sample):
    result = run("irt", "calibrate", str(WETCO), str(sample), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    q = load_questionnaire(WETCO)
    assert [i["id"] for i in data["items"]] == list(trait_item_ids(q))
    for item in data["items"]:
        assert item["scale"] == q.likert_by_id[item["id"]].scale
        assert item["a"] > 0 and 0 < item["a_se"] < 1
        assert item["b"] == sorted(item["b"]) and len(item["b_se"]) == 4
        assert 0 <= item["rmsd"] < 0.1
    assert set(data["test_information"]["scales"]) == {s.id for s in q.scales}
    assert len(data["test_information"]["theta"]) == 13
    assert data["respondents"] == {s.id: 700 for s in q.scales}
    assert data["saved_version"] is None


@pytest.mark.slow
def test_reverse_keyed_items_get_positive_discrimination(run, sample):
    data = json.loads(run("irt", "calibrate", str(WETCO), str(sample), "--json").output)
    q = load_questionnaire(WETCO)
    minus = [i for i in data["items"] if q.likert_by_id[i["id"]].keyed < 0]
    assert minus and all(i["a"] > 0.5 for i in minus)


@pytest.mark.slow
def test_too_few_respondents_are_warned_about_in_the_table(run, tmp_path):
    result = run("irt", "calibrate", str(WETCO), str(_responses(tmp_path / "few.csv", 80)))
    assert result.exit_code == 0, result.output
    assert "Warning: " in result.output and "only 80 answers (fewer than 500)" in result.output
    assert "test information at θ = 0" in result.output


@pytest.mark.slow
def test_saved_banks_are_versioned_listed_and_audited(run, sample, tmp_path):
    assert "No item banks" in run("irt", "banks", str(WETCO)).output
    first = run("irt", "calibrate", str(WETCO), str(sample), "--save")
    assert first.exit_code == 0 and "Saved as item bank version 1." in first.output
    second = json.loads(run("irt", "calibrate", str(WETCO), str(sample), "--json", "--save").output)
    assert second["saved_version"] == 2
    listing = run("irt", "banks", str(WETCO)).output.splitlines()
    assert listing[0].startswith("v2") and listing[1].startswith("v1")
    assert "40 items" in listing[0] and "this content" in listing[0]


def test_a_file_with_no_respondents_is_one_line_and_exit_2(run, tmp_path):
    q = load_questionnaire(WETCO)
    empty = tmp_path / "empty.csv"
    empty.write_text(",".join(["id", *q.item_ids]) + "\n")
    result = run("irt", "calibrate", str(WETCO), str(empty))
    assert result.exit_code == 2
    assert result.output.strip() == "Error: The responses file has no respondents to calibrate on."


def test_a_bad_answer_is_named_by_row_and_column(run, tmp_path):
    path = _responses(tmp_path / "bad.csv", 3)
    text = path.read_text().splitlines()
    cells = text[2].split(",")
    cells[1] = "9"
    path.write_text("\n".join([text[0], text[1], ",".join(cells), text[3]]) + "\n")
    result = run("irt", "calibrate", str(WETCO), str(path), "--save")
    assert result.exit_code == 2
    assert "bad.csv row 3, column" in result.output
    assert "No item banks" in run("irt", "banks", str(WETCO)).output
