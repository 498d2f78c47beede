"""`hiring candidates import`: past applicants scored like candidates here, labelled imported."""

import csv
import io
import json

import numpy as np
import pytest
from calibration_data import calibrated_role

from hiring import create_app
from hiring.assessment.scoring import score_answers
from hiring.demo.synthetic import simulate_applicants
from hiring.roles.services import role_questionnaire
from hiring.store.db import close_all, get_db


def _file(questionnaire, n=6, seed=3, rows=None) -> str:
    sample = simulate_applicants(n, questionnaire=questionnaire, random_state=seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    extra = ["name", "email", "assessed_on", "decision", "decided_on"]
    writer.writerow(["id", *questionnaire.item_ids, *extra])
    for k, person in enumerate(sample.people):
        decision = ("hired", "rejected", "")[k % 3]
        cells = rows[k] if rows and k in rows else {}
        base = {
            "name": person.name, "email": person.email, "assessed_on": "2025-01-10",
            "decision": decision, "decided_on": "2025-01-20" if decision else "",
        }  # fmt: skip
        base.update(cells)
        answers = ["" if np.isnan(v) else str(int(v)) for v in sample.responses[k]]
        writer.writerow([f"OLD-{k}", *answers, *(base[c] for c in extra)])
    return out.getvalue(), sample


@pytest.fixture
def instance(run, tmp_path):
    assert run("init").exit_code == 0
    app = create_app({"INSTANCE_PATH": str(tmp_path / "inst")})
    db = get_db(app.config["DATABASE"])
    role, version = calibrated_role(app, db)
    close_all()
    return {"app": app, "role": role, "version": version, "tmp": tmp_path}


def test_past_applicants_are_scored_by_the_same_engine_and_labelled_imported(run, instance):
    role = instance["role"]
    questionnaire = role_questionnaire(role)
    text, sample = _file(questionnaire)
    path = instance["tmp"] / "past.csv"
    path.write_text(text)
    result = run("candidates", "import", "--role", role["slug"], str(path))
    assert result.exit_code == 0, result.output
    assert (
        f"Imported 6 past applicants into {role['slug']} (2 hired, 2 rejected), scored with "
        f"model version {instance['version'].id}." in result.output
    )
    db = get_db(instance["app"].config["DATABASE"])
    rows = list(db["candidates"].rows_where("role_id = ?", [role["id"]], order_by="id"))
    assert [r["source"] for r in rows] == ["imported"] * 6
    assert [r["status"] for r in rows] == ["hired", "rejected", "completed"] * 2
    assert rows[0]["decided_at"].startswith("2025-01-20") and rows[2]["decided_at"] is None
    first = rows[0]
    answers = {
        a["item_id"]: a["value"]
        for a in db["answers"].rows_where("candidate_id = ?", [first["id"]])
    }
    expected = score_answers(questionnaire, answers).to_dict()
    stored = json.loads(db["results"].get(first["id"])["scores"])
    assert stored["scales"] == expected["scales"]
    assert (
        first["fit"] is not None
        and db["results"].get(first["id"])["model_version_id"] == instance["version"].id
    )
    close_all()
    listed = run("candidates", "list", "--role", role["slug"], "--json")
    assert all(entry["imported"] for entry in json.loads(listed.output))
    assert "(imported)" in run("candidates", "list", "--role", role["slug"]).output


def test_a_bad_file_names_every_problem_and_imports_nothing(run, instance):
    role = instance["role"]
    questionnaire = role_questionnaire(role)
    text, _ = _file(
        questionnaire,
        rows={
            0: {"decision": "promoted"},
            1: {"assessed_on": "last year"},
            2: {"decided_on": "2025-01-01"},
            3: {"email": "not-an-address"},
            4: {"decision": "hired", "decided_on": "2024-12-01"},
        },
    )
    path = instance["tmp"] / "bad.csv"
    path.write_text(text)
    result = run("candidates", "import", "--role", role["slug"], str(path))
    assert result.exit_code == 2
    out = result.output
    assert "bad.csv row 2, column decision: 'promoted' is not hired, rejected or blank" in out
    assert "bad.csv row 3, column assessed_on: 'last year' is not a date" in out
    assert "bad.csv row 4, column decided_on: a date without a decision" in out
    assert "bad.csv row 5: email 'not-an-address' is not a valid address" in out
    assert "bad.csv row 6, column decided_on: 2024-12-01 is before assessed_on" in out
    assert "problems in the file; nothing was imported." in out
    db = get_db(instance["app"].config["DATABASE"])
    assert db["candidates"].count_where("role_id = ?", [role["id"]]) == 0
    close_all()


def test_imported_candidates_are_labelled_in_the_list_page_export_and_fairness(
    app, db, client, auth
):
    role, _version = calibrated_role(app, db)
    text, _ = _file(role_questionnaire(role), n=3)
    from hiring.candidates.history_import import import_history

    import_history(db, app.config["INSTANCE_PATH"], role["id"], text, actor="test")
    auth.login("admin")
    listing = client.get(f"/roles/{role['id']}/candidates").get_data(as_text=True)
    assert listing.count('<span class="synthetic-badge">imported</span>') == 3
    first = db["candidates"].rows_where("role_id = ?", [role["id"]], order_by="id", limit=1)
    page = client.get(f"/candidates/{next(first)['id']}").get_data(as_text=True)
    assert '<span class="synthetic-badge">imported</span>' in page
    export = client.get(f"/roles/{role['id']}/candidates.csv").get_data(as_text=True).splitlines()
    assert export[0].endswith(",synthetic,source") and export[1].endswith(",imported")
    fairness = client.get(f"/admin/fairness/{role['id']}").get_data(as_text=True)
    assert "3 imported from past hiring" in fairness
