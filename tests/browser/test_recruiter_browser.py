"""A real browser walks a recruiter's path: sign in, open a role, filter, open, shortlist, download."""

import pytest

from hiring.accounts import users as accounts
from tests.browser.waits import expect
from tests.workspace_data import completed_candidate

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "browser-recruiter-1"


@pytest.fixture(scope="module")
def recruiting(live):
    accounts.add_user(live.db, "rita", PASSWORD, "recruiter", "Rita Recruiter")
    people = [
        completed_candidate(live.app, live.db, live.role, name, f"{key}@example.test", level, i)
        for i, (key, name, level) in enumerate(
            [("quinn", "Quinn Target", 4), ("ola", "Ola Other", 3), ("uma", "Uma Under", 2)]
        )
    ]
    return {p["name"]: p for p in people}


def sign_in(page, live):
    page.goto(f"{live.url}/auth/login")
    page.get_by_label("User name").fill("rita")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live.url}/")


def test_a_recruiter_reviews_and_shortlists_a_candidate(page, live, recruiting, tmp_path):
    sign_in(page, live)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Roles").click()
    page.get_by_role("link", name=live.role["title"]).click()
    expect(page.get_by_role("heading", name="Funnel")).to_be_visible()
    page.get_by_role("link", name="Ranked candidates").click()
    page.wait_for_url("**/candidates")
    assert page.locator("table.ranked tbody tr").count() >= 3

    page.get_by_label("Name or e-mail").fill("quinn")
    page.get_by_label("Status", exact=True).select_option("completed")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**q=quinn**")
    rows = page.locator("table.ranked tbody tr")
    assert rows.count() == 1 and "Quinn Target" in rows.first.inner_text()

    page.get_by_role("link", name="Quinn Target").click()
    expect(page.get_by_role("heading", name="Quinn Target")).to_be_visible()
    assert "does not make it" in page.locator(".decision-note").inner_text()
    assert page.locator(".score-bar").count() >= 5

    page.get_by_label("New status").select_option("shortlisted")
    page.get_by_role("button", name="Record the decision").click()
    assert "Status changed to shortlisted" in page.locator(".flashes").inner_text()
    candidate_id = recruiting["Quinn Target"]["id"]
    assert live.db["candidates"].get(candidate_id)["status"] == "shortlisted"
    history = list(live.db["status_history"].rows_where("candidate_id = ?", [candidate_id]))
    assert history[-1]["to_status"] == "shortlisted" and history[-1]["by_user"] is not None

    if "reports.candidate_report" in live.app.view_functions:
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the PDF report").click()
        saved = tmp_path / "report.pdf"
        download.value.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF")
    else:  # until the report route exists, prove downloads work with the list's CSV
        assert page.get_by_role("link", name="Download the PDF report").count() == 0
        page.get_by_role("link", name=f"Candidates for {live.role['title']}").click()
        with page.expect_download() as download:
            page.get_by_role("link", name="Download CSV").click()
        saved = tmp_path / "list.csv"
        download.value.save_as(saved)
        assert "Quinn Target" in saved.read_text()
    assert page.csp_errors == []


def test_a_recruiter_selects_candidates_and_moves_them_with_one_reason(page, live, recruiting):
    sign_in(page, live)
    page.goto(f"{live.url}/roles/{live.role['id']}/candidates")
    page.get_by_role("link", name="Select all on this page").click()
    page.wait_for_url("**select=all**")
    boxes = page.locator("table.ranked tbody input[type=checkbox]")
    assert boxes.count() >= 3 and all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.get_by_role("link", name="Clear selection").click()
    expect(boxes.first).not_to_be_checked()
    assert not any(boxes.nth(i).is_checked() for i in range(boxes.count()))

    page.get_by_label("Select Ola Other").check()
    page.get_by_label("Select Uma Under").check()
    page.get_by_label("Move the selected candidates to").select_option("interviewed")
    page.get_by_label("One reason for all of them").fill("Passed the phone screen with the team")
    page.get_by_role("button", name="Move the selected candidates").click()
    assert "2 candidates moved to interviewed." in page.locator(".flashes").inner_text()
    for name in ("Ola Other", "Uma Under"):
        row = live.db["candidates"].get(recruiting[name]["id"])
        assert row["status"] == "interviewed"
        (last,) = live.db["status_history"].rows_where(
            "candidate_id = ? AND to_status = 'interviewed'", [row["id"]]
        )
        assert last["reason"] == "Passed the phone screen with the team"

    page.get_by_label("Select Ola Other").check()  # again: refused, named, nothing changes
    page.get_by_label("Move the selected candidates to").select_option("interviewed")
    page.get_by_role("button", name="Move the selected candidates").click()
    flash = page.locator(".flashes").inner_text()
    assert "0 candidates moved to interviewed; 1 refused" in flash
    assert "Ola Other (The candidate is already interviewed)" in flash
    assert page.csp_errors == []
