"""A real browser follows an admin's calibration: started by a form, run by the queue's worker."""

import pytest

from hiring.accounts import users as accounts
from hiring.modeling import calibration, calibration_jobs
from hiring.modeling.incumbents import Criterion
from tests.browser.waits import expect
from tests.calibration_data import scores_csv

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "browser-admin-pass-1"


@pytest.fixture(scope="module")
def admin(live):
    accounts.add_user(live.db, "ada", PASSWORD, "admin", "Ada Admin")
    calibration.import_incumbents(
        live.db, live.role["id"], scores_csv(150), Criterion("high_performer")
    )


def test_a_calibration_runs_in_the_background_and_the_page_shows_its_result(page, live, admin):
    page.goto(f"{live.url}/auth/login")
    page.get_by_label("User name").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live.url}/")
    page.goto(f"{live.url}/admin/validity/{live.role['id']}")
    page.get_by_role("button", name="Calibrate a new version").click()
    page.wait_for_url("**job=**")
    shown = page.locator("#calibration").inner_text()
    assert "Running for" in shown or "waiting for a worker" in shown
    # No reload by hand: the page's script notices the end and shows the result.
    page.get_by_text("Review it below before activating it").wait_for(timeout=120_000)
    newest = calibration.list_versions(live.db, live.role["id"])[0]
    assert newest.status == "new" and f"Calibrated {newest.label}." in page.content()
    expect(page.get_by_role("button", name="Calibrate a new version")).to_be_visible()
    assert calibration_jobs.latest_job(live.db, live.role["id"]).status == "done"
    assert page.csp_errors == []  # the polling script is a same-origin file, as the CSP asks
