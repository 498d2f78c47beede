"""The fairness report built from the database: decision points, scoring rates, overrides."""

import json
import random

import numpy as np
import pandas as pd
import pytest
from candidate_records import insert_candidate, make_role
from fairlearn.metrics import MetricFrame, selection_rate

from hiring.fairness import FairnessError, monitoring
from hiring.fairness.incumbent_identity import import_identity, parse_identity_csv

SEXES = ["Woman", "Man", "Non-binary", "Prefer not to say", None]
RACES = ["Asian", "Black or African American", "White", "Hispanic or Latino", "Prefer not to say"]
BANDS = ["strong", "good", "moderate", "low", "knock-out", "not calibrated"]


@pytest.fixture
def role(db):
    return make_role(db)


def _random_pool(db, role_id, n=240, seed=3):
    """Insert n assessed candidates with random groups, outcomes, bands and fits."""
    rng = random.Random(seed)
    people = []
    for _ in range(n):
        sex = rng.choices(SEXES, weights=[40, 40, 3, 8, 9])[0]
        race = rng.choice(RACES) if sex is not None else None
        stage = rng.choices(["completed", "shortlisted", "interviewed", "hired", "rejected"])[0]
        history = {
            "completed": (),
            "shortlisted": ("shortlisted",),
            "interviewed": ("shortlisted", "interviewed"),
            "hired": ("shortlisted", "interviewed", "offered", "hired"),
            "rejected": rng.choice([("rejected",), ("shortlisted", "rejected")]),
        }[stage]
        band = rng.choice(BANDS)
        fit = None if band == "not calibrated" else round(rng.random(), 2)
        insert_candidate(
            db, role_id, status=stage, sex=sex, race=race, band=band, fit=fit, history=history
        )
        people.append({"sex": sex, "race": race, "history": history, "band": band, "fit": fit})
    return people


def _known(label):
    return label not in (None, "Prefer not to say")


def _expected_rates(groups, outcome, min_size=5):
    """Rates and impact ratios computed independently with Fairlearn's selection_rate."""
    keep = [i for i, g in enumerate(groups) if _known(g)]
    frame = MetricFrame(
        metrics=selection_rate,
        y_true=np.array([int(outcome[i]) for i in keep]),
        y_pred=np.array([int(outcome[i]) for i in keep]),
        sensitive_features=pd.Series([groups[i] for i in keep], name="group"),
    )
    rates = frame.by_group.to_dict()
    sizes = pd.Series([groups[i] for i in keep]).value_counts().to_dict()
    best = max(rate for group, rate in rates.items() if sizes[group] >= min_size)
    ratios = {g: rates[g] / best for g in rates if sizes[g] >= min_size}
    return rates, ratios, sizes


@pytest.mark.parametrize(
    ("point", "passed"),
    [
        ("shortlisted", lambda p: "shortlisted" in p["history"]),
        ("hired", lambda p: "hired" in p["history"]),
        ("band", lambda p: p["band"] in ("strong", "good")),
    ],
)
def test_selection_tables_match_fairlearn_at_every_decision_point(db, role, point, passed):
    people = _random_pool(db, role["id"])
    # every group shown (min_cell=1), so that each row can be checked; suppression apart
    report = monitoring.role_report(db, role["id"], band_cut="good", min_cell=1)
    outcome = [passed(p) for p in people]
    sexes = [p["sex"] for p in people]
    intersections = [
        f"{p['sex']} / {p['race']}" if _known(p["sex"]) and _known(p["race"]) else None
        for p in people
    ]
    for name, groups in (("sex", sexes), ("intersection", intersections)):
        table = report.selection[(point, name)]
        rates, ratios, sizes = _expected_rates(groups, outcome)
        assert {row.group: row.n for row in table.rows} == sizes
        assert table.unknown_count == sum(1 for g in groups if not _known(g))
        for row in table.rows:
            assert row.rate == pytest.approx(rates[row.group])
            if row.group in ratios:
                assert row.impact_ratio == pytest.approx(ratios[row.group])
            else:
                assert row.impact_ratio is None and row.excluded_reason


def test_shortlisted_counts_later_statuses_and_later_rejections(db, role):
    rid = role["id"]
    insert_candidate(db, rid, status="completed", sex="Woman")
    insert_candidate(db, rid, status="shortlisted", sex="Woman", history=("shortlisted",))
    insert_candidate(db, rid, status="hired", sex="Woman")  # status alone is enough
    insert_candidate(db, rid, status="rejected", sex="Woman", history=("shortlisted", "rejected"))
    insert_candidate(db, rid, status="rejected", sex="Woman", history=("rejected",))
    insert_candidate(db, rid, status="started", sex="Woman")  # not assessed: not counted
    insert_candidate(db, rid, status="invited", sex="Woman")
    report = monitoring.role_report(db, rid)
    row = report.selection[("shortlisted", "sex")].row("Woman")
    assert (row.n, row.selected) == (5, 3)
    assert report.selection[("hired", "sex")].row("Woman").selected == 1
    assert report.completed == 5


def test_prefer_not_to_say_and_missing_self_id_are_unknown(db, role):
    rid = role["id"]
    for _ in range(6):
        insert_candidate(db, rid, sex="Man", race="White")
    insert_candidate(db, rid, sex="Prefer not to say", race="White")
    insert_candidate(db, rid, sex="Man", race="Prefer not to say")
    insert_candidate(db, rid)  # skipped the optional page: no row at all
    report = monitoring.role_report(db, rid)
    assert report.selection[("hired", "sex")].unknown_count == 2
    assert report.selection[("hired", "race_ethnicity")].unknown_count == 2
    assert report.selection[("hired", "intersection")].unknown_count == 3
    assert [r.group for r in report.selection[("hired", "intersection")].rows] == ["Man / White"]


def test_small_groups_are_shown_but_kept_out_of_ratios(db, role):
    rid = role["id"]
    for i in range(10):
        insert_candidate(db, rid, sex="Woman", history=("shortlisted",) if i < 8 else ())
        insert_candidate(db, rid, sex="Man", history=("shortlisted",) if i < 4 else ())
    for _ in range(3):
        insert_candidate(db, rid, sex="Non-binary", history=("shortlisted",))
    table = monitoring.role_report(db, rid, min_cell=1).selection[("shortlisted", "sex")]
    small = table.row("Non-binary")
    assert (small.n, small.rate, small.impact_ratio) == (3, 1.0, None)
    assert "fewer than 5" in small.excluded_reason
    assert table.reference_group == "Woman"
    assert table.row("Man").impact_ratio == pytest.approx(0.5)
    assert table.row("Man").four_fifths_flag
    assert any("Non-binary" in note and "left out" in note for note in table.notes)
    flagged = monitoring.findings(monitoring.role_report(db, rid, min_cell=1))
    assert [(f.table, f.characteristic, f.group) for f in flagged] == [
        (monitoring.DECISION_POINTS["shortlisted"], "Sex", "Man")
    ]
    assert flagged[0].impact_ratio == pytest.approx(0.5)


def test_scoring_rate_uses_the_median_fit_of_everyone_scored(db, role):
    people = _random_pool(db, role["id"], n=150, seed=11)
    report = monitoring.role_report(db, role["id"])
    scored = [p for p in people if p["fit"] is not None]
    median = float(np.median([p["fit"] for p in scored]))
    table = report.scoring["race_ethnicity"]
    assert table.median == pytest.approx(median)
    above = [p["fit"] > median for p in scored]
    rates, _ratios, sizes = _expected_rates([p["race"] for p in scored], above)
    for row in table.rows:
        assert row.rate == pytest.approx(rates[row.group])
        assert row.n == sizes[row.group]
    missing = len(people) - len(scored)
    assert any(f"{missing} people without a score" in note for note in table.notes)


def test_band_cut_must_be_a_band(db, role):
    with pytest.raises(FairnessError, match="not one of the bands"):
        monitoring.role_report(db, role["id"], band_cut="excellent")


def test_overrides_are_counted_by_direction(db, role):
    rid = role["id"]
    insert_candidate(db, rid, history=("shortlisted",), override_to=("shortlisted",))
    insert_candidate(db, rid, history=("rejected",), override_to=("rejected",))
    insert_candidate(db, rid, history=("rejected",), override_to=("rejected",))
    insert_candidate(db, rid, history=("shortlisted", "hired"))
    other = make_role(db, title="Team lead")
    insert_candidate(db, other["id"], history=("rejected",), override_to=("rejected",))
    overrides = monitoring.role_report(db, rid).overrides
    assert (overrides.total, overrides.advanced, overrides.rejected) == (3, 1, 2)
    assert overrides.by_status == {"shortlisted": 1, "rejected": 2}


def test_csv_rows_name_their_table_and_end_each_table_with_unknowns(db, role):
    _random_pool(db, role["id"], n=60)
    report = monitoring.role_report(db, role["id"])
    rows = monitoring.report_csv_rows(report)
    tables = {(r["decision_point"], r["characteristic"]) for r in rows}
    # sex, race/ethnicity, age band, disability and sex x race, at 3 decision points + scoring
    assert len(report.characteristics) == 5
    assert len(tables) == 3 * 5 + 5
    assert all(r["role"] == role["slug"] for r in rows)
    unknown_rows = [r for r in rows if r["group"].startswith("(unknown")]
    assert len(unknown_rows) == len(tables)


def test_incumbent_effect_sizes_use_their_self_identification(db, role):
    rng = np.random.default_rng(5)
    features = ("warmth", "empathy")
    values = {"F": [], "M": []}
    csv_lines = ["employee_id,sex,race_ethnicity"]
    for i in range(24):
        sex = "F" if i % 2 else "M"
        row = {f: float(rng.normal(3.5 if sex == "F" else 3.2, 0.5)) for f in features}
        values[sex].append(row["warmth"])
        db["incumbents"].insert(
            {"role_id": role["id"], "employee_id": f"E{i}", "features": json.dumps(row)}
        )
        csv_lines.append(f"E{i},{sex},")
    rows = parse_identity_csv("\n".join(csv_lines))
    assert import_identity(db, role["id"], rows, actor="test") == 24
    table = monitoring.role_report(db, role["id"]).incumbents["sex"]
    f, m = np.array(values["F"]), np.array(values["M"])
    pooled = np.sqrt(((f.size - 1) * f.var(ddof=1) + (m.size - 1) * m.var(ddof=1)) / 22)
    d = next(r for r in table.rows if r.group == "F" and r.feature_id == "warmth")
    assert d.cohens_d == pytest.approx((f.mean() - m.mean()) / pooled)
    assert table.unknown_count == 0


def test_no_incumbent_table_without_their_self_identification(db, role):
    db["incumbents"].insert({"role_id": role["id"], "employee_id": "E1", "features": "{}"})
    assert monitoring.role_report(db, role["id"]).incumbents == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("employee_id,sex\nE1,F\n", "missing: race_ethnicity"),
        ("employee_id,sex,race_ethnicity\n,F,White\n", "Line 2: employee_id is empty"),
        (
            "employee_id,sex,race_ethnicity\nE1,F,\nE1,M,\n",
            "Line 3: employee_id 'E1' appears twice",
        ),
    ],
)
def test_identity_file_problems_are_explained(text, message):
    from hiring.fairness.incumbent_identity import IdentityFileError

    with pytest.raises(IdentityFileError, match=message):
        parse_identity_csv(text)


def test_demo_step_gives_only_synthetic_people_self_identification(db, role):
    from types import SimpleNamespace

    from hiring.demo.self_id import add_synthetic_self_identification

    fake = insert_candidate(db, role["id"])
    real = insert_candidate(db, role["id"])
    unfinished = insert_candidate(db, role["id"], status="started")
    db["candidates"].update(fake, {"synthetic": 1})
    db["candidates"].update(unfinished, {"synthetic": 1})
    db["incumbents"].insert({"role_id": role["id"], "employee_id": "S1", "synthetic": 1})
    db["incumbents"].insert({"role_id": role["id"], "employee_id": "R1", "synthetic": 0})
    ctx = SimpleNamespace(db=db, lines=[])
    add_synthetic_self_identification(ctx)
    assert [r["candidate_id"] for r in db["self_identification"].rows] == [fake]
    assert [r["employee_id"] for r in db["incumbent_self_identification"].rows] == ["S1"]
    assert "synthetic" in ctx.lines[0] and real != fake
    assert monitoring.role_report(db, role["id"]).synthetic == 1


def test_cli_imports_incumbent_self_id_and_exports_csv(tmp_path):
    from click.testing import CliRunner

    from hiring import create_app
    from hiring.cli import cli
    from hiring.store.db import close_all, get_db

    folder = tmp_path / "inst"
    app = create_app({"INSTANCE_PATH": str(folder)})
    db = get_db(app.config["DATABASE"])
    role = make_role(db)
    for _ in range(6):
        insert_candidate(db, role["id"], sex="=cmd|' /C calc'!A0", history=("shortlisted",))
    close_all()
    ids = tmp_path / "ids.csv"
    ids.write_text("employee_id,sex,race_ethnicity\nE1,F,White\nE2,M,\n")
    runner = CliRunner()
    imported = runner.invoke(
        cli, ["--instance", str(folder), "fairness", "import-self-id", role["slug"], str(ids)]
    )
    assert imported.exit_code == 0, imported.output
    assert "for 2 incumbents" in imported.output
    out = tmp_path / "out.csv"
    exported = runner.invoke(
        cli, ["--instance", str(folder), "fairness", "export", role["slug"], str(out)]
    )
    assert exported.exit_code == 0, exported.output
    text = out.read_text()
    assert "'=cmd|" in text and ",=cmd" not in text  # no spreadsheet formula
    bad = runner.invoke(cli, ["--instance", str(folder), "fairness", "export", "nope", str(out)])
    assert bad.exit_code == 2 and "No role named 'nope'" in bad.output
    close_all()
    db = get_db(app.config["DATABASE"])
    assert db["incumbent_self_identification"].count == 2
    close_all()
