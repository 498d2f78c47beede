"""Fairness of a study's participation and readiness reads, by self-identified group."""

import pytest
from study_data import complete, invite

from hiring.accounts import audit
from hiring.fairness.participation import study_participation
from hiring.team import answers, studies
from tests.workspace_data import make_role


@pytest.fixture
def study(app, db):
    role = make_role(db, "Phone agent")
    study = studies.open_study(db, role["slug"], actor="test")
    made = invite(db, study["id"], 13)
    questions = app.config["SELF_ID"]
    # 6 women (4 finish), 6 men (3 finish), 1 non-binary person (finishes): a cell of one
    for k, person in enumerate(made):
        sex = "Woman" if k < 6 else ("Man" if k < 12 else "Non-binary")
        answers.save_self_identification(db, person.participant_id, {"sex": sex}, questions)
        if k in (0, 1, 2, 3, 6, 7, 8, 12):
            complete(db, person.participant_id, seed=k)
    return study, made


def test_participation_rates_by_group_hold_back_small_cells(db, study):
    found = study_participation(db, study[0]["id"], min_cell=5)
    assert (found.invited, found.with_self_id) == (13, 13)
    table = found.taking_part["Sex"]
    rates = {row.group: (row.n, row.selected, round(row.rate, 4)) for row in table.rows}
    assert rates == {"Woman": (6, 4, 0.6667), "Man": (6, 3, 0.5)}
    assert (table.suppressed_groups, table.suppressed_count) == (1, 1)  # the one non-binary person
    assert table.reference_group == "Woman"
    assert found.readiness == {}  # nobody's readiness has been read


def test_readiness_reads_are_counted_by_group_too(db, study):
    _study, made = study
    employee = db["study_participants"].get(made[0].participant_id)["employee_pk"]
    audit.record(db, "manager", "employee.readiness", "employee", employee, profile="team-lead")
    table = study_participation(db, _study["id"], min_cell=5).readiness["Sex"]
    assert {row.group: row.selected for row in table.rows} == {"Woman": 1, "Man": 0}


def test_the_study_page_shows_participation_without_the_small_group(client, auth, staff, db, study):
    auth.login("admin")
    page = client.get(f"/admin/studies/{study[0]['id']}").get_data(as_text=True)
    assert "Sex: who sent their answers" in page
    assert "1 smaller group, together" in page
    assert "Non-binary" not in page
