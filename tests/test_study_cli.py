"""The `hiring study` commands, run as a user would on an instance of their own."""

import re

import pytest
from study_data import complete, kpi_csv, roster_csv

from hiring import create_app
from hiring.store.db import close_all, get_db


@pytest.fixture
def study(run):
    assert run("roles", "add", "Phone agent").exit_code == 0
    assert (
        run(
            "users", "add", "manager", "--role", "manager", "--password", "manager-pass-123"
        ).exit_code
        == 0
    )
    result = run("study", "open", "phone-agent")
    assert result.exit_code == 0, result.output
    assert "Study 1 is open for phone-agent (round 1)." in result.output
    return "1"


def _db(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path / "inst")})
    return app, get_db(app.config["DATABASE"])


def _invite(run, tmp_path, text: str):
    path = tmp_path / "staff.csv"
    path.write_text(text, encoding="utf-8")
    return run("study", "invite", "1", str(path))


def test_a_bad_employees_file_names_every_problem_invites_nobody_and_exits_2(run, study, tmp_path):
    text = roster_csv(3) + "E900,,bad-address,North,nobody\n"
    result = _invite(run, tmp_path, text)
    assert result.exit_code == 2
    assert "row 5: column name: the name is empty" in result.output
    assert "row 5: column email:" in result.output
    assert "row 5: column manager: 'nobody' is no active manager account" in result.output
    assert (
        result.output.strip().splitlines()[-1]
        == "Error: 3 problems in the file; nothing was imported."
    )
    assert "0 of 0 employees done" in run("study", "list").output


def test_invite_prints_a_personal_link_per_employee_and_remind_replaces_them(run, study, tmp_path):
    result = _invite(run, tmp_path, roster_csv(3))
    assert result.exit_code == 0, result.output
    links = re.findall(r"http://\S+/s/\S+", result.output)
    assert len(links) == 3 and len(set(links)) == 3
    assert "Invited 3 employees to study 1." in result.output
    again = _invite(run, tmp_path, roster_csv(1))
    assert again.exit_code == 2 and "E000 is already in this study" in again.output
    reminded = run("study", "remind", "1")
    new = re.findall(r"http://\S+/s/\S+", reminded.output)
    assert len(new) == 3 and not set(new) & set(links)
    assert "Reminded 3 employees." in reminded.output


def test_an_unknown_study_is_one_line_and_exit_2(run, study):
    result = run("study", "remind", "99")
    assert result.exit_code == 2
    assert result.output.strip() == "Error: No study with id 99."


def test_kpis_then_the_calibration_set_is_an_incumbents_import_marked_with_the_study(
    run, study, tmp_path
):
    _invite(run, tmp_path, roster_csv(12))
    app, db = _db(tmp_path)
    for k, pid in enumerate(range(1, 11)):  # ten send their answers, two do not
        complete(db, pid, level=2 + k % 3, seed=k)
    close_all()
    bad = tmp_path / "bad.csv"
    bad.write_text("employee_id,csat\nE000,80\nX999,70\n", encoding="utf-8")
    result = run("study", "kpis", "1", str(bad))
    assert result.exit_code == 2
    assert (
        "line 3 (employee_id X999): column employee_id: not an employee of study 1" in result.output
    )
    kpis = tmp_path / "kpis.csv"
    kpis.write_text(kpi_csv([f"E{i:03d}" for i in range(9)]), encoding="utf-8")  # E009 has none
    assert "Imported the KPIs of 9 employees (csat)" in run("study", "kpis", "1", str(kpis)).output
    result = run("study", "calibration-set", "1", "--kpi", "csat", "--share", "0.3")
    assert result.exit_code == 0, result.output
    assert (
        "Calibration set of study 1: 9 employees, 3 high performers (best 30% on csat)."
        in result.output
    )
    assert "1 employee who sent answers but have no csat value were left out" in result.output
    assert "Not enough to calibrate yet: Only 9 incumbents with an outcome" in result.output
    app, db = _db(tmp_path)
    row = next(db["incumbent_imports"].rows_where())
    assert (row["study_id"], row["n"], row["file_name"]) == (1, 9, "study 1, round 1")
    assert db["candidates"].count == 0  # employees never become candidates
    close_all()


def test_next_round_invites_those_who_finished_and_erase_and_purge_remove_employees(
    run, study, tmp_path
):
    _invite(run, tmp_path, roster_csv(3))
    app, db = _db(tmp_path)
    complete(db, 1)
    complete(db, 2)
    close_all()
    result = run("study", "next-round", "1")
    assert result.exit_code == 0, result.output
    assert "Study 2 is round 2; invited 2 employees." in result.output
    assert run("study", "erase", "E000", "--yes").output.startswith(
        "Erased employee E000: 2 study answer sets"
    )
    app, db = _db(tmp_path)
    assert not db["employees"].count_where("employee_id = 'E000'")
    assert not db["study_answers"].count_where("participant_id = 1")
    close_all()
    dry = run("study", "purge", "--dry-run", "--days", "1")
    assert "0 employees past 1 day of retention." in dry.output


def test_purge_erases_answers_past_retention_and_employees_left_in_no_study(run, study, tmp_path):
    _invite(run, tmp_path, roster_csv(2))
    app, db = _db(tmp_path)
    complete(db, 1)
    db["study_participants"].update(1, {"submitted_at": "2020-01-01T00:00:00+00:00"})
    db["incumbent_self_identification"].insert(
        {"role_id": 1, "employee_id": "E000", "sex": "Woman", "recorded_at": "2020-01-01"}
    )
    close_all()
    result = run("study", "purge", "--days", "30")
    assert result.exit_code == 0, result.output
    assert "Erased employee E000: 1 study answer set and the employee record" in result.output
    app, db = _db(tmp_path)
    assert [row["employee_id"] for row in db["employees"].rows] == ["E001"]  # link not yet expired
    assert db["study_results"].count == 0 and db["incumbent_self_identification"].count == 0
    assert db["audit_log"].count_where("action = 'employee.purge'") == 1
    close_all()
