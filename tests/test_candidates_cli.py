"""`hiring candidates list`: every candidate's id with what a recruiter needs to pick one."""

import json

import pytest
from candidate_records import insert_candidate, make_role

from hiring import create_app
from hiring.store.db import close_all, get_db


@pytest.fixture
def people(run, tmp_path):
    """Two roles: one candidate hired, one invited in the first; one shortlisted in the other."""
    assert run("init").exit_code == 0
    app = create_app({"INSTANCE_PATH": str(tmp_path / "inst")})
    db = get_db(app.config["DATABASE"])
    desk, phone = make_role(db, "Help desk"), make_role(db, "Phone agent")
    ids = {
        "hired": insert_candidate(db, desk["id"], status="hired", band="strong", name="Ana Díaz"),
        "invited": insert_candidate(db, desk["id"], status="invited", name="Bo Chen"),
        "shortlisted": insert_candidate(
            db, phone["id"], status="shortlisted", band="moderate", name="Cy Okafor"
        ),
    }
    close_all()
    return {"ids": ids, "desk": desk["slug"], "phone": phone["slug"]}


def test_the_table_names_each_candidate_with_their_id(run, people):
    result = run("candidates", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["ID", "NAME", "EMAIL", "ROLE", "STATUS", "BAND", "SUBMITTED"]
    hired = next(line for line in lines if "Ana Díaz" in line)
    assert hired.split()[0] == str(people["ids"]["hired"])
    assert {people["desk"], "hired", "strong"} <= set(hired.split())
    invited = next(line for line in lines if "Bo Chen" in line)
    assert invited.split()[-2:] == ["-", "-"]  # no band, not submitted
    assert lines[-1] == "3 candidates"


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["--role", "help-desk-leeds"], {"Ana Díaz", "Bo Chen"}),
        (["--status", "shortlisted"], {"Cy Okafor"}),
        (["--role", "help-desk-leeds", "--status", "hired"], {"Ana Díaz"}),
        (["--role", "phone-agent-leeds", "--status", "hired"], set()),
    ],
)
def test_filters_by_role_and_status(run, people, args, names):
    result = run("candidates", "list", "--json", *args)
    assert result.exit_code == 0, result.output
    assert {entry["name"] for entry in json.loads(result.output)} == names


def test_json_has_ids_and_the_facts_shown(run, people):
    entries = json.loads(run("candidates", "list", "--json", "--status", "hired").output)
    assert entries == [
        {
            "id": people["ids"]["hired"],
            "name": "Ana Díaz",
            "email": entries[0]["email"],
            "role": people["desk"],
            "role_title": "Help desk",
            "status": "hired",
            "band": "strong",
            "submitted_at": entries[0]["submitted_at"],
            "synthetic": False,
            "imported": False,
        }
    ]
    assert entries[0]["submitted_at"][:4].isdigit()


def test_one_candidate_is_counted_in_the_singular(run, people):
    assert run("candidates", "list", "--status", "hired").output.splitlines()[-1] == "1 candidate"


def test_an_unknown_role_or_status_is_one_line(run, people, tmp_path):
    result = run("candidates", "list", "--role", "nope")
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"Error: No role named 'nope'; see `hiring --instance {tmp_path / 'inst'} roles list`."
    )
    bad = run("candidates", "list", "--status", "maybe")
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_an_id_from_the_list_is_what_other_commands_take(run, people):
    (entry,) = json.loads(run("candidates", "list", "--json", "--status", "invited").output)
    result = run("invite", "--reissue", str(entry["id"]))
    assert result.exit_code == 0, result.output
    assert "Bo Chen" in result.output
