"""Groups too small to show: suppressed in tables, pages and exports, with honest totals."""

import csv
import io
import re
from io import BytesIO

import numpy as np
import pytest
from candidate_records import insert_candidate, make_role
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from hiring.fairness import (
    cohens_d_table,
    monitoring,
    scoring_rate_table,
    selection_table,
    to_csv_rows,
)
from tests.test_fairness import people


def test_groups_under_the_minimum_are_counted_together_and_never_shown():
    groups, selected = people(("A", 20, 10), ("B", 12, 3), ("C", 1, 1), ("D", 2, 0), (None, 4, 1))
    table = selection_table(groups, selected, suppress_below=5)
    assert [r.group for r in table.rows] == ["A", "B"]
    assert (table.suppressed_groups, table.suppressed_count) == (2, 3)
    assert table.suppressed_selected is None  # 3 people pooled: still too few to show
    assert sum(r.n for r in table.rows) + table.suppressed_count + table.unknown_count == 39
    assert table.total == 39 and table.row("A").share == pytest.approx(20 / 39)
    assert any(
        "3 people in 2 groups of fewer than 5 people are not shown" in n for n in table.notes
    )
    assert not any("'C'" in note or "'D'" in note for note in table.notes)
    # the groups left are compared as before: B against A
    assert table.row("B").impact_ratio == pytest.approx((3 / 12) / (10 / 20))


def test_a_pooled_count_at_the_minimum_shows_how_many_were_selected():
    groups, selected = people(("A", 20, 10), ("C", 3, 1), ("D", 4, 2))
    table = selection_table(groups, selected, suppress_below=5)
    assert (table.suppressed_count, table.suppressed_selected) == (7, 3)
    exactly = selection_table(*people(("A", 20, 10), ("C", 2, 1), ("D", 3, 1)), suppress_below=5)
    assert (exactly.suppressed_count, exactly.suppressed_selected) == (5, 2)
    one = selection_table(*people(("A", 20, 10), ("C", 1, 1)), suppress_below=5)
    assert one.suppressed_selected is None
    assert any("1 person in 1 group of fewer than 5 people is not shown" in n for n in one.notes)


def test_suppression_also_keeps_mid_sized_groups_out_of_comparisons():
    groups, selected = people(("A", 20, 10), ("B", 7, 1))
    table = selection_table(groups, selected, suppress_below=10)
    assert [r.group for r in table.rows] == ["A"] and table.suppressed_count == 7
    assert table.reference_group == "A"


def test_without_a_minimum_every_group_is_shown():
    groups, selected = people(("A", 20, 10), ("C", 1, 1))
    table = selection_table(groups, selected)
    assert [r.group for r in table.rows] == ["A", "C"] and table.suppressed_groups == 0


def test_the_scoring_median_still_counts_suppressed_people():
    groups = ["A"] * 6 + ["B"] * 6 + ["C"]
    scores = [1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 100]
    table = scoring_rate_table(groups, scores, suppress_below=5)
    assert table.median == 4.0  # the median of all 13 scores, C's included
    assert [r.group for r in table.rows] == ["A", "B"] and table.suppressed_count == 1


def test_effect_sizes_leave_out_small_groups_but_say_how_many_people():
    rng = np.random.default_rng(2)
    groups = ["A"] * 10 + ["B"] * 10 + ["C"] * 2
    matrix = rng.normal(3, 0.5, size=(22, 1))
    table = cohens_d_table(groups, matrix, ["warmth"], suppress_below=5)
    assert {r.group for r in table.rows} == {"A", "B"}
    assert (table.suppressed_groups, table.suppressed_count) == (1, 2)
    assert any("2 people in 1 group of fewer than 5 people" in n for n in table.notes)
    # C still belongs to "everyone else" for A
    a = next(r for r in table.rows if r.group == "A")
    assert a.n_comparison == 12


def test_csv_rows_end_with_the_pooled_small_groups():
    groups, selected = people(("A", 20, 10), ("C", 3, 1), ("D", 4, 2), (None, 2, 0))
    rows = to_csv_rows(selection_table(groups, selected, suppress_below=5))
    pooled = rows[-1]
    assert pooled["group"] == "(smaller groups, not shown)"
    assert (pooled["n"], pooled["selected"], pooled["rate"]) == (7, 3, 3 / 7)
    assert "2 groups of fewer than 5 people" in pooled["excluded_reason"]
    assert sum(r["n"] for r in rows) == 29
    assert not any(r["group"] in ("C", "D") for r in rows)


group_names = st.sampled_from(["A", "B", "C", "D", "E", "prefer not to say", None])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(group_names, st.booleans()), max_size=80), st.integers(0, 12))
def test_totals_always_add_up_and_no_shown_group_is_under_the_minimum(pairs, minimum):
    groups, selected = [g for g, _ in pairs], [s for _, s in pairs]
    table = selection_table(groups, selected, suppress_below=minimum)
    assert all(r.n >= minimum for r in table.rows)
    assert sum(r.n for r in table.rows) + table.suppressed_count + table.unknown_count == len(pairs)
    hits = sum(r.selected for r in table.rows) + table.unknown_selected
    if table.suppressed_selected is not None:
        assert table.suppressed_count >= minimum
        assert hits + table.suppressed_selected == sum(selected)


# --- the Fairness page, its CSV and the bias audit ---------------------------------------


@pytest.fixture
def role(db):
    role = make_role(db, title="Night desk")
    for i in range(12):
        insert_candidate(
            db, role["id"], sex="Woman", race="White", history=("shortlisted",) if i < 9 else ()
        )
        insert_candidate(
            db, role["id"], sex="Man", race="Asian", history=("shortlisted",) if i < 4 else ()
        )
    # one person alone in their group: their answers must not be recognisable anywhere
    insert_candidate(
        db,
        role["id"],
        sex="Non-binary",
        race="Native Hawaiian or Pacific Islander",
        history=("shortlisted",),
    )
    return role
    # fmt: skip


def test_a_group_of_one_appears_nowhere_but_is_counted(client, auth, db, role):
    alone = ("Non-binary", "Native Hawaiian or Pacific Islander")
    auth.login("admin")
    page = client.get(f"/admin/fairness/{role['id']}").get_data(as_text=True)
    assert not any(label in page for label in alone)
    assert "1 smaller group (under 5 people each, not shown)" in page
    assert "1 person in 1 group of fewer than 5 people is not shown" in page
    assert "Smallest group shown" in page

    text = client.get(f"/admin/fairness/{role['id']}/fairness.csv").get_data(as_text=True)
    assert not any(label in text for label in alone)
    rows = list(csv.DictReader(io.StringIO(text)))
    for (point, characteristic), table in _tables(rows).items():
        assert sum(int(r["n"]) for r in table) == 25, (point, characteristic)
    pooled = [r for r in rows if r["group"] == "(smaller groups, not shown)"]
    assert pooled and all(r["n"] == "1" and r["selected"] == "" for r in pooled)

    pdf = client.get(f"/admin/fairness/{role['id']}/bias-audit.pdf").data
    words = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages))
    assert not any(label in words for label in alone)
    assert "1 smaller group" in words and "not shown" in words


def _tables(rows):
    tables = {}
    for row in rows:
        tables.setdefault((row["decision_point"], row["characteristic"]), []).append(row)
    return tables


def test_the_minimum_is_a_setting_and_1_shows_every_group(client, auth, app, db, role):
    app.config["FAIRNESS_MIN_CELL"] = 1
    auth.login("admin")
    page = client.get(f"/admin/fairness/{role['id']}").get_data(as_text=True)
    assert "Native Hawaiian or Pacific Islander" in page and "every group is shown" in page
    report = monitoring.role_report(db, role["id"], min_cell=1)
    assert report.selection[("shortlisted", "sex")].row("Non-binary").n == 1


def test_intersection_cells_are_suppressed_on_their_own(db):
    role = make_role(db)
    for sex, race, n in (
        ("Woman", "White", 10),
        ("Man", "White", 10),
        ("Woman", "Asian", 2),
        ("Man", "Asian", 6),
    ):
        for _ in range(n):
            insert_candidate(db, role["id"], sex=sex, race=race)  # fmt: skip
    report = monitoring.role_report(db, role["id"])
    assert report.selection[("hired", "race_ethnicity")].row("Asian").n == 8
    cells = report.selection[("hired", "intersection")]
    assert [r.group for r in cells.rows] == ["Man / Asian", "Man / White", "Woman / White"]
    assert cells.suppressed_count == 2
