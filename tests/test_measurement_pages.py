"""The Measurement, Item review, Differential prediction pages and the utility form, as an admin."""

import re

import pytest
from calibration_data import calibrated_role
from candidate_records import make_role
from measurement_data import incumbents_with_identity, insert_applicants


@pytest.fixture
def role(db):
    return make_role(db, title="Night desk")


@pytest.mark.parametrize("who", ["recruiter", "manager"])
def test_only_admins_see_the_new_pages(client, auth, role, who):
    auth.login(who)
    for url in (
        f"/admin/validity/{role['id']}/measurement",
        f"/admin/fairness/{role['id']}/items",
        f"/admin/fairness/{role['id']}/prediction",
    ):
        assert client.get(url).status_code == 403


def test_unknown_roles_are_404(client, auth):
    auth.login("admin")
    for url in ("/admin/validity/99/measurement", "/admin/fairness/99/items",
                "/admin/fairness/99/prediction"):  # fmt: skip
        assert client.get(url).status_code == 404


def test_measurement_page_shows_alpha_omega_sem_and_the_sjt_gain(client, auth, db, role):
    auth.login("admin")
    empty = client.get(f"/admin/validity/{role['id']}/measurement").get_data(as_text=True)
    assert "No applicant of this role has been scored yet." in empty
    assert "at least 30 incumbents" in empty
    insert_applicants(db, role, 120)
    incumbents_with_identity(db, role, 150)
    page = client.get(f"/admin/validity/{role['id']}/measurement").get_data(as_text=True)
    assert "From 120 scored applicants" in page
    row = re.search(r"<th scope=\"row\">Warmth</th>(.*?)</tr>", page).group(1)
    assert row.count("95% CI") == 3  # alpha, omega and the SEM
    assert "Gain from the SJT" in page and "Out-of-fold AUC from 150 incumbents" in page
    assert "concurrent" in page
    assert 'style="' not in page


@pytest.mark.slow
def test_item_review_page_flags_the_planted_item(client, auth, db, role):
    insert_applicants(db, role, 500, seed=4, dif_item="warm_02", shift=-2)
    auth.login("admin")
    page = client.get(f"/admin/fairness/{role['id']}/items").get_data(as_text=True)
    flagged = page.split('id="h-flagged"')[1].split("</section>")[0]
    assert "warm_02" in flagged and "Woman" in flagged and "answers lower" in flagged
    assert "warm_01" not in flagged
    assert "No item is dropped or rescored here." in page
    assert "Not tested: White (fewer than 30 people in everyone else)." in page
    # groups only: no applicant's name appears
    assert "A1<" not in page


def test_prediction_page_reads_each_group_as_concurrent(client, auth, db, role):
    auth.login("admin")
    empty = client.get(f"/admin/fairness/{role['id']}/prediction").get_data(as_text=True)
    assert "No incumbent of this role has self-identification on file" in empty
    incumbents_with_identity(db, role, 200)
    page = client.get(f"/admin/fairness/{role['id']}/prediction").get_data(as_text=True)
    assert "Concurrent design" in page and "200 incumbents with every score" in page
    assert page.count('<th scope="row">F</th>') == 1 and page.count('<th scope="row">M</th>') == 1
    assert (
        "No clear difference" in page
        or "predicts differently" in page
        or "For the same fit" in page
    )


def test_the_utility_form_gives_the_gain_in_money(app, client, auth, db):
    role, version = calibrated_role(app, db)
    auth.login("admin")
    query = "salary=40000&cost=50&hires=10&tenure=2&share=0.2"
    page = client.get(f"/admin/validity/{role['id']}?{query}").get_data(as_text=True)
    money = page.split('id="h-money"')[1].split("</section>")[0]
    assert "40% of the annual salary" in money and "16,000" in money
    assert "50 applicants a year at 50.00 each" in money and "2,500" in money
    from hiring.modeling.validity import utility_summary

    expected = utility_summary(db, role["id"], salary=40000, cost_per_applicant=50,
                               hires_per_year=10, tenure_years=2, selection_ratio=0.2)  # fmt: skip
    assert "{:,.0f}".format(expected["gain_per_hire"]) in money


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("salary=&cost=0&hires=10&tenure=2&share=0.2", "Give the annual salary."),
        ("salary=30000&cost=0&hires=10&tenure=2&share=3", "Give a share between 0.01 and 1."),
        ("salary=30000&cost=0&hires=&tenure=2&share=0.2", "Give the hires per year."),
    ],
)
def test_bad_utility_input_reshows_the_form_with_the_message(app, client, auth, db, query, message):
    role, _version = calibrated_role(app, db)
    auth.login("admin")
    response = client.get(f"/admin/validity/{role['id']}?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_the_utility_needs_an_active_model(client, auth, role):
    auth.login("admin")
    response = client.get(
        f"/admin/validity/{role['id']}?salary=1&cost=0&hires=1&tenure=1&share=0.5"
    )
    assert response.status_code == 400
    assert "The role has no active model with a validity to work from." in response.get_data(
        as_text=True
    )
