"""The calibration commands: incumbents import, calibrate, models list/activate/suspend, rescore."""

import json

import pytest
from calibration_data import scores_csv


@pytest.fixture
def role(run):
    assert run("roles", "add", "Phone agent").exit_code == 0
    return "phone-agent"


@pytest.fixture
def incumbents(tmp_path):
    path = tmp_path / "incumbents.csv"
    path.write_text(scores_csv(120, extra={"age": lambda i: 30 + i % 20}), encoding="utf-8")
    return path


def _imported(run, role, incumbents):
    result = run("incumbents", "import", str(incumbents), "--role", role, "--synthetic")
    assert result.exit_code == 0, result.output
    return result


def test_import_reports_counts_and_the_demographic_column_it_left_out(run, role, incumbents):
    result = _imported(run, role, incumbents)
    assert "Imported 120 incumbents of phone-agent" in result.output
    assert "Column 'age' looks like a demographic attribute" in result.output


def test_import_with_a_kpi_threshold(run, role, incumbents):
    result = run(
        "incumbents", "import", str(incumbents), "--role", role,
        "--outcome", "csat", "--rule", "threshold", "--threshold", "82",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "csat at least 82" in result.output


def test_a_bad_file_lists_every_problem_and_exits_2(run, role, tmp_path):
    lines = scores_csv(40).splitlines()
    lines[3] = lines[3].replace(",yes,", ",maybe,").replace(",no,", ",maybe,")
    lines[5] = "SYN-0099,1"
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines), encoding="utf-8")
    result = run("incumbents", "import", str(bad), "--role", role)
    assert result.exit_code == 2
    assert "line 4" in result.output and "column high_performer" in result.output
    assert "line 6: has 2 fields" in result.output
    assert "2 problems in the file; nothing was imported" in result.output
    assert "Traceback" not in result.output


def test_calibrate_prints_the_out_of_fold_metrics_and_does_not_activate(
    run, role, incumbents, tmp_path
):
    _imported(run, role, incumbents)
    result = run("calibrate", "--role", role, "--repeats", "1")
    assert result.exit_code == 0, result.output
    out = result.output
    for label in (
        "AUC",
        "95% CI",
        "Brier score",
        "skill",
        "ECE",
        "calibration slope",
        "validity r",
    ):
        assert label in out
    assert "none of these numbers is in-sample" in out
    here = tmp_path / "inst"
    assert f"Not active yet. Activate with: hiring --instance {here} models activate 1" in out
    assert "1  new" in run("models", "list", "--role", role).output


def test_version_lifecycle_from_the_command_line(run, role, incumbents):
    _imported(run, role, incumbents)
    result = run("calibrate", "--role", role, "--repeats", "1", "--json", "--activate")
    data = json.loads(result.output)
    assert data["status"] == "active" and data["report"]["n"] == 120
    assert "auc_ci" in data["report"] and "warnings" in data["report"]
    rescored = run("rescore", "--role", role)
    assert rescored.exit_code == 0 and "Re-scored 0 candidates" in rescored.output
    suspended = run("models", "suspend", str(data["id"]), "--reason", "Under review")
    assert suspended.exit_code == 0 and "is suspended" in suspended.output
    listing = run("models", "list", "--role", role).output
    assert "suspended" in listing and "(Under review)" in listing
    again = run("models", "activate", str(data["id"]))
    assert again.exit_code == 2 and "is suspended" in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["calibrate", "--role", "nope"], "No role named 'nope'"),
        (["calibrate", "--role", "phone-agent"], "has no incumbents yet"),
        (["models", "activate", "42"], "No model version 42"),
        (["models", "suspend", "42", "--reason", "x"], "No model version 42"),
        (["rescore", "--role", "nope"], "No role named 'nope'"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(run, role, args, message):
    result = run(*args)
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


def test_too_small_a_sample_is_refused_with_the_reason(run, role, tmp_path):
    small = tmp_path / "small.csv"
    small.write_text(scores_csv(25), encoding="utf-8")
    assert run("incumbents", "import", str(small), "--role", role).exit_code == 0
    result = run("calibrate", "--role", role)
    assert result.exit_code == 2
    assert "Only 25 incumbents with an outcome; at least 30 are needed." in result.output
