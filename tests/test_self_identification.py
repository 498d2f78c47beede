"""Self-identification questions per deployment: the file, the candidate's form, every analysis."""

import csv
import io
import re
from io import BytesIO

import pytest
from candidate_records import insert_candidate
from candidate_support import Walker, answers_for, invite, make_role, questionnaire_of
from pypdf import PdfReader

from hiring import create_app
from hiring.accounts import users as accounts
from hiring.candidates import journey
from hiring.candidates.records import CandidateError
from hiring.candidates.self_identification import (
    DEFAULT_FILE,
    SelfIdFileError,
    default_self_id,
    load_self_id,
)
from hiring.fairness import monitoring
from hiring.fairness.incumbent_identity import import_identity, parse_identity_csv
from hiring.store.db import close_all, get_db
from tests.conftest import AuthActions

# A deployment outside the US: UK-style ethnic groups, no age question, its own wording.
UK = """\
prefer_not_to_say: I would rather not say
characteristics:
  sex:
    name: Sex
    question: What is your sex?
    choices: [Female, Male]
  race_ethnicity:
    name: Ethnic group
    question: What is your ethnic group?
    choices:
      - Asian or Asian British
      - Black, Black British, Caribbean or African
      - Mixed or multiple ethnic groups
      - White
      - Other ethnic group
  disability:
    name: Disability
    question: Are your day-to-day activities limited by a health problem or disability?
    choices: ["Yes, a lot", "Yes, a little", "No"]
"""


@pytest.fixture
def uk_file(tmp_path):
    path = tmp_path / "self-id-uk.yaml"
    path.write_text(UK, encoding="utf-8")
    return path


@pytest.fixture
def uk_app(tmp_path, uk_file, monkeypatch):
    """An app whose deployment asks the UK questions, set through HIRING_SELF_ID_FILE."""
    monkeypatch.setenv("HIRING_SELF_ID_FILE", str(uk_file))
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "uk"),
            "DATABASE": str(tmp_path / "uk" / "uk.sqlite3"),
            "SECRET_KEY": "uk-test-key",
        }
    )
    yield app
    close_all()


def test_the_shipped_default_is_the_us_eeo_list():
    questions = default_self_id()
    assert questions.source == str(DEFAULT_FILE)
    assert questions.ids == ("sex", "race_ethnicity", "age_band", "disability")
    assert "Hispanic or Latino" in questions.choices("race_ethnicity")
    assert "Native Hawaiian or Pacific Islander" in questions.choices("race_ethnicity")
    assert questions.choices("disability") == ("Yes", "No", "Prefer not to say")
    assert questions.choices("age_band")[-1] == questions.prefer_not == "Prefer not to say"


def test_a_deployment_file_is_read_in_the_stored_order(uk_file):
    questions = load_self_id(uk_file)
    assert questions.ids == ("sex", "race_ethnicity", "disability")
    assert questions.question("race_ethnicity").name == "Ethnic group"
    assert questions.choices("sex") == ("Female", "Male", "I would rather not say")


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("- a list", ["must be a mapping"]),
        ("characteristics: {religion: {}}", ["prefer_not_to_say: must be a text", "characteristics.religion: is not one of sex, race_ethnicity, age_band, disability"]),
        (
            "prefer_not_to_say: Skip\ncharacteristics:\n  disability: {name: D, question: Q, choices: [Yes, No]}",
            ["choices[0]: must be a text of 1 to 80 characters (put yes and no in quotes)"],
        ),
        (
            "prefer_not_to_say: Skip\ncharacteristics:\n  sex: {name: S, question: Q, choices: [A, a, Skip]}",
            ["choices[1]: 'a' is listed twice", "choices[2]: 'Skip' is added to every question"],
        ),
        (
            "prefer_not_to_say: Skip\ncharacteristics:\n  sex: {question: Q, choices: []}",
            ["characteristics.sex.name: must be a text", "characteristics.sex.choices: must be a list"],
        ),
        ("prefer_not_to_say: [unclosed", ["is not valid YAML"]),
    ],
)  # fmt: skip
def test_a_broken_file_is_refused_with_every_problem_named(tmp_path, text, problems):
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SelfIdFileError) as error:
        load_self_id(path)
    assert error.value.message.startswith("broken.yaml: ")
    for problem in problems:
        assert problem in error.value.message


def test_a_broken_or_missing_file_stops_the_cli_in_one_line(run, tmp_path, monkeypatch):
    path = tmp_path / "broken.yaml"
    path.write_text("characteristics: {religion: {}}", encoding="utf-8")
    monkeypatch.setenv("HIRING_SELF_ID_FILE", str(path))
    result = run("users", "list")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "religion: is not one of" in result.output
    monkeypatch.setenv("HIRING_SELF_ID_FILE", str(tmp_path / "nowhere.yaml"))
    result = run("users", "list")
    assert result.exit_code == 2 and "cannot be read" in result.output


def test_the_candidate_is_asked_the_deployments_questions(uk_app):
    db = get_db(uk_app.config["DATABASE"])
    role = make_role(db)
    made = invite(db, role)
    q = questionnaire_of(db, made.candidate_id)
    walker = Walker(uk_app.test_client(), made.token)
    walker.open()
    walker.consent()
    walker.answer_pages(q, answers_for(q))
    html = walker.get("/assessment/about-you").get_data(as_text=True)
    assert html.count("<fieldset") == 3
    assert "What is your ethnic group?" in html and "Asian or Asian British" in html
    assert "Hispanic" not in html and "Age" not in html and "Prefer not to say" not in html
    assert html.count('value="I would rather not say"') == 3
    refused = walker.finish({"race_ethnicity": "Hispanic or Latino"})
    assert refused.status_code == 200 and db["self_identification"].count == 0
    walker.finish({"race_ethnicity": "Asian or Asian British", "disability": "Yes, a little"})
    row = db["self_identification"].get(made.candidate_id)
    assert (row["sex"], row["race_ethnicity"], row["disability"], row["age_band"]) == (
        "I would rather not say",
        "Asian or Asian British",
        "Yes, a little",
        None,  # not asked here
    )


def test_answers_outside_the_deployments_questions_are_refused(uk_app):
    db = get_db(uk_app.config["DATABASE"])
    made = invite(db, make_role(db))
    journey.give_consent(db, made.candidate_id)
    questions = uk_app.config["SELF_ID"]
    with pytest.raises(CandidateError, match="age_band is not one of the questions"):
        journey.save_self_identification(db, made.candidate_id, {"age_band": "Under 25"}, questions)
    with pytest.raises(CandidateError, match="'Man' is not one of the choices for Sex"):
        journey.save_self_identification(db, made.candidate_id, {"sex": "Man"}, questions)


def _add_people(db, role_id, column, groups):
    """Insert assessed candidates with one characteristic set: (answer, count, shortlisted)."""
    for answer, count, passed in groups:
        for i in range(count):
            cid = insert_candidate(db, role_id, history=("shortlisted",) if i < passed else ())
            db["self_identification"].insert(
                {"candidate_id": cid, column: answer, "recorded_at": "2025-01-01T00:00:00+00:00"}
            )


def test_every_collected_characteristic_is_analysed_on_the_page_csv_and_audit(client, auth, db):
    role = make_role(db, title="Night desk")
    _add_people(db, role["id"], "age_band", [("Under 25", 10, 8), ("55 or over", 10, 3)])
    _add_people(db, role["id"], "disability", [("Yes", 10, 2), ("No", 10, 9)])
    report = monitoring.role_report(db, role["id"])
    age = report.selection[("shortlisted", "age_band")]
    assert (age.row("Under 25").rate, age.row("55 or over").rate) == (0.8, 0.3)
    assert age.row("55 or over").four_fifths_flag and age.unknown_count == 20
    disability = report.selection[("shortlisted", "disability")]
    assert disability.row("Yes").impact_ratio == pytest.approx(2 / 9)
    found = {(f.characteristic, f.group) for f in monitoring.findings(report)}
    assert {("Age band", "55 or over"), ("Disability", "Yes")} <= found

    auth.login("admin")
    page = client.get(f"/admin/fairness/{role['id']}").get_data(as_text=True)
    assert "<h3>Age band</h3>" in page and "<h3>Disability</h3>" in page
    assert "55 or over" in page and "Selected" in page
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"/admin/fairness/{role['id']}/fairness.csv").get_data(as_text=True)
            )
        )
    )
    yes = [r for r in rows if r["characteristic"] == "Disability" and r["group"] == "Yes"]
    assert yes and yes[0]["n"] == "10"
    pdf = client.get(f"/admin/fairness/{role['id']}/bias-audit.pdf")
    text = re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.data)).pages)
    )
    assert "Age band" in text and "Disability" in text and "55 or over" in text


def test_a_deployments_characteristics_and_its_prefer_not_answer_drive_the_analysis(uk_app):
    db = get_db(uk_app.config["DATABASE"])
    role = make_role(db)
    _add_people(
        db, role["id"], "race_ethnicity", [("White", 10, 5), ("I would rather not say", 6, 6)]
    )
    _add_people(db, role["id"], "age_band", [("Under 25", 10, 5)])  # stored, no longer asked
    client = uk_app.test_client()
    accounts.add_user(db, "admin", "admin-pass-123", "admin", "Admin")
    AuthActions(client).login("admin")
    report = monitoring.role_report(db, role["id"], questions=uk_app.config["SELF_ID"])
    assert list(report.characteristics.values()) == [
        "Sex", "Ethnic group", "Disability", "Sex and ethnic group",
    ]  # fmt: skip
    ethnic = report.selection[("shortlisted", "race_ethnicity")]
    assert [r.group for r in ethnic.rows] == ["White"] and ethnic.unknown_count == 16
    page = client.get(f"/admin/fairness/{role['id']}").get_data(as_text=True)
    assert "<h3>Ethnic group</h3>" in page and "<h3>Age band</h3>" not in page


def test_incumbents_age_band_and_disability_are_imported_and_compared(db):
    import json

    role = make_role(db)
    lines = ["employee_id,sex,race_ethnicity,age_band,disability"]
    for i in range(24):
        features = {"warmth": 3 + (i % 2) * 0.8 + (i % 5) / 10, "empathy": 3.5 + (i % 3) / 10}
        db["incumbents"].insert(
            {"role_id": role["id"], "employee_id": f"E{i}", "features": json.dumps(features)}
        )
        lines.append(
            f"E{i},,,{'55 or over' if i % 2 else 'Under 25'},{'Yes' if i % 4 == 0 else 'No'}"
        )
    import_identity(db, role["id"], parse_identity_csv("\n".join(lines)), actor="test")
    tables = monitoring.role_report(db, role["id"]).incumbents
    assert set(tables) == {"age_band", "disability"}  # nobody disclosed sex or race
    older = next(
        r for r in tables["age_band"].rows if r.group == "55 or over" and r.feature_id == "warmth"
    )
    assert older.cohens_d is not None and older.cohens_d > 0.8
    assert any("on Warmth" in note for note in tables["age_band"].notes)  # a name, not an id
