"""The employees file and the KPI file of a study: every bad row and column named, nothing half-read."""

import pytest

from hiring.team.kpis import KpiFileError, parse_kpis
from hiring.team.roster import RosterError, parse_roster


def test_a_clean_employees_file_is_read_with_its_manager_column():
    rows = parse_roster(
        "employee_id,name,email,team,manager\nE1,Ana Lee,ana@x.test,North,manager\n"
    )
    assert [(r.employee_id, r.name, r.team, r.manager) for r in rows] == [
        ("E1", "Ana Lee", "North", "manager")
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("employee_id,name,email\nE1,A,a@x.test\n", "missing column team"),
        ("employee_id,name,email,team,salary\nE1,A,a@x.test,N,3\n", "'salary' is not one of"),
        ("employee_id,name,email,team\n,A,a@x.test,N\n", "row 2: column employee_id: is empty"),
        ("employee_id,name,email,team\nE1,A,not-an-address,N\n", "row 2: column email:"),
        ("employee_id,name,email,team\nE1,,a@x.test,N\n", "row 2: column name: the name is empty"),
        (
            "employee_id,name,email,team\nE1,A,a@x.test,N\nE1,B,b@x.test,N\n",
            "row 3: column employee_id: E1 is also on row 2",
        ),
        (
            "employee_id,name,email,team\nE1,A,a@x.test,N\nE2,B,A@x.test,N\n",
            "row 3: column email: a@x.test is also on row 2",
        ),
        (
            "employee_id,name,email,team\nE1,A,a@x.test,N,extra\n",
            "row 2: has 5 fields, the header has 4",
        ),
        ("employee_id,name,email,team\n", "there are no employee rows"),
    ],
)
def test_employees_file_problems_name_their_row_and_column(text, message):
    with pytest.raises(RosterError) as caught:
        parse_roster(text, "staff.csv")
    assert any(message in problem for problem in caught.value.problems), caught.value.problems


def test_every_problem_of_an_employees_file_is_reported_at_once():
    text = "employee_id,name,email,team\n,A,bad,N\nE2,,b@x.test,N\n"
    with pytest.raises(RosterError) as caught:
        parse_roster(text, "staff.csv")
    assert len(caught.value.problems) == 3


def test_a_kpi_file_keeps_blank_cells_missing_and_names_other_columns():
    data = parse_kpis("employee_id,csat,handle_time,gender,notes\nE1,80.5,,f,x\nE2,,300,m,y\n")
    assert data.columns == ("csat", "handle_time")
    assert data.rows[0].values == {"csat": 80.5, "handle_time": None}
    assert data.rows[1].values == {"csat": None, "handle_time": 300.0}
    assert any("'gender' looks like a demographic attribute" in n for n in data.notices)
    assert any("'notes' is not a KPI" in n for n in data.notices)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("csat\n80\n", "the employee_id column is missing"),
        ("employee_id,score\nE1,3\n", "no KPI column"),
        (
            "employee_id,csat\nE1,eighty\n",
            "line 2 (employee_id E1): column csat: 'eighty' is not a number",
        ),
        ("employee_id,csat\nE1,80,3\n", "line 2: has 3 fields, the header has 2"),
        (
            "employee_id,qa\nE1,1\nE1,2\n",
            "line 3 (employee_id E1): duplicate employee_id (also on line 2)",
        ),
        ("employee_id,handle_time\nE1,0\n", "a handle time of 0 is not possible"),
        ("employee_id,rating\nE1,-1\n", "column rating: -1 is below 0"),
        ("employee_id,csat\nE1,1e3\n", "'1e3' is not a number"),
    ],
)
def test_kpi_file_problems_name_their_line_and_column(text, message):
    with pytest.raises(KpiFileError) as caught:
        parse_kpis(text, "kpis.csv")
    assert any(message in problem for problem in caught.value.problems), caught.value.problems
