"""The ``hiring questionnaire`` commands: check, score and reliability."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from benchmarks.simulate_norms import simulate_responses
from hiring.assessment.questionnaires import load_questionnaire
from hiring.cli.questionnaire import questionnaire

FIXTURES = Path(__file__).parent / "fixtures"
TINY_FILE = FIXTURES / "tiny.yaml"
TINY = load_questionnaire(TINY_FILE)
WETCO_FILE = Path(__file__).parents[1] / "questionnaires" / "wetco-service-v1.yaml"


def run(*args):
    return CliRunner().invoke(questionnaire, [str(a) for a in args])


def write_csv(path: Path, rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def responses_csv(tmp_path: Path, q, n: int, seed: int = 0, name: str = "responses.csv") -> Path:
    matrix = simulate_responses(q, n, seed=seed)
    rows = [["id", *q.item_ids]] + [[f"c{k:03d}", *(int(v) for v in matrix[k])] for k in range(n)]
    return write_csv(tmp_path / name, rows)


def test_check_summarises_a_valid_file():
    result = run("check", WETCO_FILE)
    assert result.exit_code == 0, result.output
    assert "wetco-service-v1.yaml: wetco-service v1 is valid" in result.output
    assert "40 trait items in 5 scales, 13 scenarios for 6 competencies" in result.output
    assert "content hash: sha256:" in result.output


def test_check_lists_every_problem_on_stderr_and_exits_2(tmp_path):
    broken = tmp_path / "broken.yaml"
    text = TINY_FILE.read_text().replace("scale: beta, keyed: minus", "scale: bta, keyed: minus")
    broken.write_text(text.replace("effectiveness: 4}", "effectiveness: 7}", 1))
    result = run("check", broken)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert sorted(result.stderr.splitlines()) == [
        "broken.yaml: items.b3.scale: unknown scale 'bta'",
        "broken.yaml: sjt.s1.options.d.effectiveness: 7 is out of range (1..4)",
    ]
    assert "Traceback" not in result.output


def test_score_prints_one_row_per_respondent(tmp_path):
    rows = [["id", *TINY.item_ids], ["ann", 4, 1, 2, 4, 2, 5, 3, 5, 3, 3, 1, 5]]
    rows.append(["bob", 3, 3, 3, 1, 3, 3, 3, 3, 3, 1, 2, 1])
    result = run("score", TINY_FILE, write_csv(tmp_path / "r.csv", rows))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "alpha", "beta", "calm", "clear", "sjt_total", "flags"]
    assert lines[1].split() == ["ann", "4.33", "1.33", "50.0", "66.7", "66.7", "outlier"]
    assert lines[2].split()[-1] == "attention"
    assert lines[-1] == "2 respondents scored; 2 with quality flags for review."


def test_score_json_has_scores_flags_and_percentiles_against_the_norm_table(tmp_path):
    rows = [["id", *TINY.item_ids], ["ann", 4, 1, 2, 4, 2, 5, 3, 5, 3, 3, 1, ""]]
    result = run("score", TINY_FILE, write_csv(tmp_path / "r.csv", rows), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["norm_group"] == {"label": "A made-up norm table for tests.", "n": 100}
    (ann,) = data["respondents"]
    assert ann["id"] == "ann" and ann["scales"]["alpha"] == pytest.approx(13 / 3)
    assert ann["competencies"]["clear"] == pytest.approx(100 / 3)  # s3 blank
    assert ann["percentiles"]["alpha"] == pytest.approx(100 * 0.9088, abs=0.1)  # z = 4/3
    assert {f["code"] for f in ann["flags"]} == {"outlier"}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [["ann", 4, 1, 2, 4, 9, 5, 3, 5, 3, 3, 1, 5]],
            "r.csv row 2, column b2: '9' is outside 1..5",
        ),
        (
            [["ann", 4, 1, 2, 4, 2, 5, 3, 5, 3, 3, 4, 5]],
            "r.csv row 2, column s2: '4' is outside 1..3",
        ),
        (
            [["ann", 4, 1, 2, 4, "x", 5, 3, 5, 3, 3, 1, 5]],
            "r.csv row 2, column b2: 'x' is not a whole number",
        ),
        ([["ann", 4, 1]], "r.csv row 2: has 3 cells, the header has 13"),
        ([["", 4, 1, 2, 4, 2, 5, 3, 5, 3, 3, 1, 5]], "r.csv row 2, column id: is empty"),
        ([["a", *[3] * 12], ["a", *[3] * 12]], "r.csv row 3, column id: 'a' already used on row 2"),
    ],
)
def test_bad_csv_cells_are_named_by_row_and_column(tmp_path, rows, expected):
    path = write_csv(tmp_path / "r.csv", [["id", *TINY.item_ids], *rows])
    for command in ("score", "reliability"):
        result = run(command, TINY_FILE, path)
        assert result.exit_code == 2
        assert expected in result.stderr.splitlines()
        assert "Traceback" not in result.output


def test_bad_headers_are_reported_together(tmp_path):
    header = ["who", *TINY.item_ids[:-1], "extra"]
    result = run("score", TINY_FILE, write_csv(tmp_path / "r.csv", [header]))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "r.csv row 1: no 'id' column",
        "r.csv row 1, column who: not an item of tiny v1",
        "r.csv row 1, column extra: not an item of tiny v1",
        "r.csv row 1: missing item columns s3",
    ]
    other = run("score", TINY_FILE, write_csv(tmp_path / "r.csv", [header]), "--id-column", "who")
    assert "r.csv row 1: no 'id' column" not in other.stderr


def test_an_empty_or_unreadable_csv_is_one_clear_line(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert run("score", TINY_FILE, empty).stderr == "empty.csv: is empty (expected a header row)\n"
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00id")
    result = run("score", TINY_FILE, binary)
    assert result.exit_code == 2 and result.stderr.startswith("binary.csv: cannot be read")


def test_many_problems_are_capped_with_a_count(tmp_path):
    rows = [["id", *TINY.item_ids]] + [[f"r{k}", *[9] * 12] for k in range(10)]
    lines = run("score", TINY_FILE, write_csv(tmp_path / "r.csv", rows)).stderr.splitlines()
    assert len(lines) == 51 and lines[-1] == "... and 70 more"


def test_reliability_reports_alpha_intervals_split_half_and_warnings(tmp_path):
    q = load_questionnaire(WETCO_FILE)
    result = run("reliability", WETCO_FILE, responses_csv(tmp_path, q, 300))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "wetco-service v1: 300 respondents"
    warmth = next(line for line in lines if line.startswith("warmth"))
    n, k, alpha, low, _, high, omega, o_low, _, o_high, sem = warmth.split()[1:]
    assert (n, k) == ("300", "8") and float(low) < float(alpha) < float(high)
    assert float(o_low) < float(omega) < float(o_high) and 0 < float(sem) < 1
    assert any(line.startswith("omega: McDonald's omega total") for line in lines)
    assert any(line.startswith("SJT split-half (odd/even, n=300)") for line in lines)


def test_reliability_json_is_machine_readable(tmp_path):
    q = load_questionnaire(WETCO_FILE)
    result = run("reliability", WETCO_FILE, responses_csv(tmp_path, q, 120), "--json")
    data = json.loads(result.output)
    assert data["respondents"] == 120
    assert [s["id"] for s in data["scales"]] == [s.id for s in q.scales]
    assert data["sjt_split_half"]["n"] == 120
    warmth = data["scales"][0]
    assert warmth["omega_ci_low"] < warmth["omega"] < warmth["omega_ci_high"]
    assert warmth["sem_ci_low"] < warmth["sem"] < warmth["sem_ci_high"]


def test_scores_from_the_cli_match_the_library(tmp_path):
    from hiring.assessment.scoring import score_matrix

    q = load_questionnaire(WETCO_FILE)
    path = responses_csv(tmp_path, q, 5, seed=3)
    data = json.loads(run("score", WETCO_FILE, path, "--json").output)
    matrix = simulate_responses(q, 5, seed=3)
    expected = score_matrix(q, matrix).features
    got = np.array(
        [[*r["scales"].values(), *r["competencies"].values()] for r in data["respondents"]]
    )
    np.testing.assert_allclose(got, expected)


def test_the_group_is_part_of_the_hiring_command(tmp_path):
    from hiring.cli import cli

    result = CliRunner().invoke(cli, ["questionnaire", "check", str(WETCO_FILE)])
    assert result.exit_code == 0, result.output
    assert "wetco-service v1 is valid" in result.output
