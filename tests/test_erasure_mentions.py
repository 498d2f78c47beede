"""Erasure finds notes on other candidates that mention the person, lists them, and changes
them only when the admin asks."""

import pytest
from candidate_records import insert_candidate, make_role
from candidate_support import CSRF_RE

from hiring.candidates.erasure import erase_candidate, mentions_of
from hiring.candidates.mentions import REPLACEMENT, find_mentions
from hiring.workspace import decisions

NAME, EMAIL = "Zephyrine Quixotella", "zq.erase-me@example.test"


@pytest.fixture
def people(db, staff):
    """The person to erase, and notes on two others that mention them in different ways."""
    role = make_role(db)
    gone = insert_candidate(db, role["id"], name=NAME)
    db["candidates"].update(gone, {"email": EMAIL})
    other = insert_candidate(db, role["id"], name="Bartholomew Keepington")
    third = insert_candidate(db, role["id"], name="Ottilie Third")
    by = staff["recruiter"].id

    def note(cid, body):
        return decisions.add_note(db, cid, body, user_id=by, actor="recruiter")["id"]

    notes = {
        "own": note(gone, f"Call {NAME} on Monday"),
        "whole name": note(other, "Same shift pattern as zephyrine   QUIXOTELLA; ask about it."),
        "e-mail": note(third, f"Referred by {EMAIL}."),
        "surname": note(other, "Quixotella recommended him."),
        "unrelated": note(third, "Prefers the Quixotellaville office; Zephyr is her dog."),
    }
    return {"role": role, "gone": gone, "other": other, "third": third, "notes": notes}


def test_mentions_by_whole_name_email_or_part_are_found_and_nothing_else(db, people):
    found = {m.note_id: m for m in mentions_of(db, people["gone"])}
    notes = people["notes"]
    assert set(found) == {notes["whole name"], notes["e-mail"], notes["surname"]}
    assert found[notes["whole name"]].terms[0] == "zephyrine   QUIXOTELLA"
    assert found[notes["e-mail"]].terms == (EMAIL,)
    assert found[notes["whole name"]].candidate_id == people["other"]
    assert found[notes["e-mail"]].author == "recruiter"


def test_erasure_lists_the_mentions_and_leaves_the_notes_as_written(app, db, people):
    before = {row["id"]: row["body"] for row in db["notes"].rows}
    done = erase_candidate(db, app.config["INSTANCE_PATH"], people["gone"], actor="admin")
    notes = people["notes"]
    assert {m.note_id for m in done.mentions_left} == {
        notes["whole name"], notes["e-mail"], notes["surname"]
    }  # fmt: skip
    line = done.describe()
    assert f"note {notes['e-mail']} on candidate {people['third']}" in line
    assert "3 notes on other candidates still mention them" in line
    assert NAME not in line and EMAIL not in line
    after = {row["id"]: row["body"] for row in db["notes"].rows}
    assert notes["own"] not in after  # the person's own notes go with them
    assert {k: v for k, v in before.items() if k != notes["own"]} == after  # others untouched
    event = next(db["audit_log"].rows_where("action = 'candidate.erase'"))
    assert str(notes["surname"]) in event["detail"] and NAME not in event["detail"]


def test_on_request_the_mentions_are_replaced_and_nothing_else_changes(app, db, people):
    done = erase_candidate(
        db, app.config["INSTANCE_PATH"], people["gone"], actor="admin", redact_mentions=True
    )
    assert done.mentions_left == () and done.mentions_redacted == 3
    body = {row["id"]: row["body"] for row in db["notes"].rows}
    notes = people["notes"]
    assert body[notes["whole name"]] == f"Same shift pattern as {REPLACEMENT}; ask about it."
    assert body[notes["e-mail"]] == f"Referred by {REPLACEMENT}."
    assert body[notes["surname"]] == f"{REPLACEMENT} recommended him."
    assert body[notes["unrelated"]] == "Prefers the Quixotellaville office; Zephyr is her dog."
    rows = [r for r in db.query("SELECT * FROM notes") if "uixotella " in str(r).lower()]
    assert rows == [] and "removed from 3 notes" in done.describe()


def test_the_admin_sees_the_mentions_before_erasing_and_may_have_them_replaced(
    client, auth, db, people
):
    gone, notes = people["gone"], people["notes"]
    auth.login("admin")
    page = client.get(f"/admin/erasure/{gone}").get_data(as_text=True)
    assert "Notes on other candidates that mention them" in page
    assert f"Note {notes['whole name']} on candidate {people['other']}" in page
    assert f"Note {notes['e-mail']} on candidate {people['third']}" in page
    assert f"Note {notes['unrelated']} " not in page
    assert "Also replace their name and e-mail" in page
    token = CSRF_RE.search(page).group(1)
    done = client.post(
        f"/admin/erasure/{gone}",
        data={"csrf_token": token, "confirm_id": gone, "understood": "y"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "still mention them" in done and "left as written" in done
    assert db["notes"].get(notes["surname"])["body"] == "Quixotella recommended him."


def test_the_admin_page_replaces_the_mentions_when_ticked(client, auth, db, people):
    gone, notes = people["gone"], people["notes"]
    auth.login("admin")
    token = CSRF_RE.search(client.get(f"/admin/erasure/{gone}").get_data(as_text=True)).group(1)
    done = client.post(
        f"/admin/erasure/{gone}",
        data={"csrf_token": token, "confirm_id": gone, "understood": "y", "redact_mentions": "y"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "removed from 3 notes on other candidates" in done
    assert db["notes"].get(notes["surname"])["body"].startswith(REPLACEMENT)


def test_without_mentions_the_page_says_so(client, auth, db, people):
    lone = insert_candidate(db, people["role"]["id"], name="Nobody Mentioned")
    auth.login("admin")
    page = client.get(f"/admin/erasure/{lone}").get_data(as_text=True)
    assert "No note about another candidate mentions" in page
    assert "Also replace their name" not in page


def _cli(app, db, people, run_args):
    from click.testing import CliRunner

    from hiring.cli import cli

    return CliRunner().invoke(cli, ["--instance", app.config["INSTANCE_PATH"], *run_args])


def test_hiring_erase_lists_the_mentions_and_redacts_only_when_asked(app, db, people, monkeypatch):
    monkeypatch.setenv("HIRING_DATABASE", app.config["DATABASE"])
    notes = people["notes"]
    result = _cli(app, db, people, ["erase", str(people["gone"])])  # answers no: nothing erased
    assert result.exit_code == 1
    assert f"Mentioned in note {notes['e-mail']} on candidate {people['third']}" in result.output
    assert "is kept as written" in result.output
    assert db["candidates"].count_where("id = ?", [people["gone"]]) == 1
    result = _cli(app, db, people, ["erase", str(people["gone"]), "--yes", "--redact-mentions"])
    assert result.exit_code == 0, result.output
    assert "will be redacted" in result.output and "removed from 3 notes" in result.output
    assert db["notes"].get(notes["e-mail"])["body"] == f"Referred by {REPLACEMENT}."


def test_short_name_parts_alone_are_not_mentions(db, staff):
    role = make_role(db)
    person = db["candidates"].get(insert_candidate(db, role["id"], name="Li Wu"))
    other = insert_candidate(db, role["id"], name="Someone Else")
    decisions.add_note(db, other, "Li said wu-tang", user_id=staff["admin"].id, actor="a")
    decisions.add_note(db, other, "Met li wu at the fair", user_id=staff["admin"].id, actor="a")
    found = find_mentions(db, person)
    assert [m.terms for m in found] == [("li wu",)]
