"""Hires' outcomes: `hiring outcomes import`, `hiring validation summary`, and erasure."""

import json

import numpy as np
import pytest
from candidate_records import insert_candidate, make_role
from scipy.special import expit

from hiring import create_app
from hiring.demo.synthetic import simulate_selection
from hiring.store.db import close_all, get_db

HEADER = "candidate_id,measured_on,csat,handle_time,retained_90,gender\n"


@pytest.fixture
def pool(run, tmp_path):
    """A role whose 300 assessed applicants were hired top-down on the fit (60 hires)."""
    assert run("init").exit_code == 0
    app = create_app({"INSTANCE_PATH": str(tmp_path / "inst")})
    db = get_db(app.config["DATABASE"])
    role = make_role(db, "Phone agent")
    sample = simulate_selection(300, selection_ratio=0.2, validity=0.5, random_state=4)
    fit = expit(sample.fit)
    hires = {}
    for k in range(300):
        status = "hired" if sample.hired[k] else "rejected"
        band = "strong" if sample.fit[k] > 1.2 else "good"
        cid = insert_candidate(db, role["id"], status=status, band=band, fit=float(fit[k]))
        if sample.hired[k]:
            hires[cid] = k
    close_all()
    lines = [
        f"{cid},2026-03-01,{80 + 6 * sample.performance[k]:.2f},"
        f"{300 - 20 * sample.performance[k]:.1f},{'yes' if sample.retained[k] else 'no'},x"
        for cid, k in hires.items()
    ]
    path = tmp_path / "outcomes.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n")
    return {
        "slug": role["slug"], "path": path, "hires": hires, "sample": sample, "fit": fit,
        "database": app.config["DATABASE"],
    }  # fmt: skip


def _summary(run, slug, *extra):
    result = run("validation", "summary", "--role", slug, "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_imported_outcomes_give_observed_and_corrected_validity_per_outcome(run, pool):
    result = run("outcomes", "import", "--role", pool["slug"], str(pool["path"]))
    assert result.exit_code == 0, result.output
    assert "Imported 60 outcome rows for 60 hires" in result.output
    assert "Column 'gender' is a demographic attribute; it was not imported." in result.output
    summary = _summary(run, pool["slug"])
    assert {"measurement", "fairness", "utility"} <= set(summary)
    csat = summary["predictive"]["csat"]
    ids = list(pool["hires"])
    fit = np.array([pool["fit"][pool["hires"][i]] for i in ids])
    perf = np.array([round(80 + 6 * pool["sample"].performance[pool["hires"][i]], 2) for i in ids])
    assert csat["n"] == 60
    assert csat["observed_r"] == pytest.approx(np.corrcoef(fit, perf)[0, 1], abs=1e-9)
    assert csat["observed_r_ci"][0] < csat["observed_r"] < csat["observed_r_ci"][1]
    assert csat["corrected_r"] > csat["observed_r"]  # hiring the top restricted the range
    assert csat["range_restriction_u"] == pytest.approx(
        np.std(pool["fit"], ddof=1) / np.std(fit, ddof=1)
    )
    handle = summary["predictive"]["handle_time"]
    assert handle["lower_is_better"] and handle["observed_r"] == pytest.approx(
        csat["observed_r"], abs=0.01
    )  # reversed, so shorter calls count as better
    retained = summary["predictive"]["retained_90"]
    assert 0 < retained["auc_ci"][0] < retained["auc"] < retained["auc_ci"][1] < 1
    assert "auc" not in csat
    assert summary["calibration"]["retained_90"]["n"] == 60
    bands = {row["band"]: row for row in summary["retention"]["retained_90"]}
    assert sum(row["n"] for row in bands.values()) == 60
    assert all(row["ci"][0] <= row["share"] <= row["ci"][1] for row in bands.values())


def test_criterion_reliability_raises_the_corrected_value_only(run, pool):
    assert run("outcomes", "import", "--role", pool["slug"], str(pool["path"])).exit_code == 0
    plain = _summary(run, pool["slug"])["predictive"]["csat"]
    reliable = _summary(run, pool["slug"], "--ryy", "csat=0.7")["predictive"]["csat"]
    assert reliable["observed_r"] == plain["observed_r"]
    assert reliable["corrected_r"] > plain["corrected_r"]
    assert reliable["criterion_reliability"] == 0.7
    bad = run("validation", "summary", "--role", pool["slug"], "--ryy", "csat=1.4")
    assert bad.exit_code == 2 and "--ryy 'csat=1.4'" in bad.output


def test_differential_prediction_on_hires_finds_a_planted_intercept_gap(run, pool, tmp_path):
    """Women's CSAT is 5 points higher at every fit: the Cleary model sees an intercept gap."""
    db = get_db(pool["database"])
    women = set(list(pool["hires"])[::2])
    for cid in pool["hires"]:
        db["self_identification"].insert(
            {"candidate_id": cid, "sex": "Woman" if cid in women else "Man", "recorded_at": "x"}
        )
    close_all()
    perf = pool["sample"].performance
    lines = [
        f"{cid},2026-03-01,{70 + 2 * perf[k] + (5 if cid in women else 0):.2f}"
        for cid, k in pool["hires"].items()
    ]
    path = tmp_path / "gap.csv"
    path.write_text("candidate_id,measured_on,csat\n" + "\n".join(lines) + "\n")
    imported = run("outcomes", "import", "--role", pool["slug"], str(path))
    assert imported.exit_code == 0, imported.output
    summary = _summary(run, pool["slug"])
    hires = summary["fairness"]["differential_prediction_hires"]
    assert hires["design"] == "predictive"
    csat = hires["outcomes"]["csat"]
    assert csat["n"] == 60 and csat["n_identified"] == 60
    sex = next(c for c in csat["characteristics"] if c["characteristic"] == "sex")
    woman = next(r for r in sex["results"] if r["group"] == "Woman")
    low, high = woman["intercept_difference_ci"]
    assert low < 5 < high and low > 0  # the planted gap, found and bracketed
    assert woman["slope_difference_ci"][0] < 0 < woman["slope_difference_ci"][1]
    assert "higher than everyone else's" in woman["reading"]
    assert summary["utility"] is None  # no salary given
    assert summary["measurement"]["respondents"] == 0  # these applicants have no stored answers
    plain = run("validation", "summary", "--role", pool["slug"])
    assert "Differential prediction on hires' customer satisfaction (CSAT):" in plain.output
    bad = run("validation", "summary", "--role", pool["slug"], "--sdy", "20000")
    assert bad.exit_code == 2 and "--sdy needs --salary" in bad.output


def test_a_bad_file_names_every_problem_and_imports_nothing(run, pool, tmp_path):
    hired = list(pool["hires"])
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + f"{hired[0]},2026-03-01,85,290,yes,x\n"
        + f"{hired[1]},01/03/2026,85,290,yes,x\n"
        + f"{hired[2]},2026-03-01,185,290,maybe,x\n"
        + "999999,2026-03-01,85,290,yes,x\n"
        + f"{hired[0]},2026-03-01,86,291,no,x\n"
    )
    result = run("outcomes", "import", "--role", pool["slug"], str(path))
    assert result.exit_code == 2
    assert "bad.csv: line 3: column measured_on: '01/03/2026' is not a date" in result.output
    assert "bad.csv: line 4: column csat: 185 is outside 0..100" in result.output
    assert "bad.csv: line 4: column retained_90: 'maybe' is not yes/no" in result.output
    assert "line 5: column candidate_id: 999999 is not a hire of this role" in result.output
    assert "line 6: the same hire and date as line 2" in result.output
    assert "5 problems in the file; nothing was imported." in result.output
    db = get_db(pool["database"])
    assert db["hire_outcomes"].count == 0
    close_all()


def test_rows_are_matched_by_email_and_a_missing_column_is_named(run, pool, tmp_path):
    db = get_db(pool["database"])
    first = next(iter(pool["hires"]))
    email = db["candidates"].get(first)["email"]
    close_all()
    path = tmp_path / "by-email.csv"
    path.write_text(f"email,measured_on,rating\n{email.upper()},2026-04-01,4\n")
    result = run("outcomes", "import", "--role", pool["slug"], str(path))
    assert result.exit_code == 0, result.output
    path.write_text("email,rating\nx@example.org,4\n")
    result = run("outcomes", "import", "--role", pool["slug"], str(path))
    assert result.exit_code == 2
    assert "header: the measured_on column is missing" in result.output


def test_erasing_a_hire_erases_their_outcomes(run, pool):
    assert run("outcomes", "import", "--role", pool["slug"], str(pool["path"])).exit_code == 0
    first = next(iter(pool["hires"]))
    result = run("erase", str(first), "--yes")
    assert result.exit_code == 0, result.output
    db = get_db(pool["database"])
    assert db["hire_outcomes"].count == 59
    assert not list(db["hire_outcomes"].rows_where("candidate_id = ?", [first]))
    close_all()


def test_calibrate_including_hires_needs_a_known_outcome_and_a_threshold_for_a_kpi(run, pool):
    result = run("calibrate", "--role", pool["slug"], "--include-hires", "csat")
    assert result.exit_code == 2
    assert "Give the csat value that counts as success (a threshold)." in result.output
    result = run("calibrate", "--role", pool["slug"], "--include-hires", "tenure")
    assert result.exit_code == 2 and "Unknown outcome 'tenure'" in result.output


def test_purge_erases_a_hire_past_retention_with_their_outcomes(run, pool):
    assert run("outcomes", "import", "--role", pool["slug"], str(pool["path"])).exit_code == 0
    first = next(iter(pool["hires"]))
    db = get_db(pool["database"])
    db["candidates"].update(first, {"decided_at": "2020-01-01T00:00:00+00:00"})
    close_all()
    result = run("purge", "--days", "365")
    assert result.exit_code == 0, result.output
    db = get_db(pool["database"])
    assert not list(db["hire_outcomes"].rows_where("candidate_id = ?", [first]))
    assert db["hire_outcomes"].count == 59
    close_all()
