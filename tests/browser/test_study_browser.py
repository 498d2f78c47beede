"""Acceptance, in a real browser: an incumbent study from invitations to a manager's coaching plan.

An admin opens a study and uploads the employees file; employees take the assessment through
their links (two in the browser, one of them on a 375 px phone; the rest through the same use
cases, to reach a sample the fit model accepts); the admin imports KPIs, builds the calibration
set and calibrates it on the queue's worker; the manager opens the team view and downloads a
coaching plan PDF.
"""

import re

import pytest

from hiring.accounts import users as accounts
from hiring.modeling import calibration
from tests.browser.test_candidate_browser import answer_by_clicking
from tests.browser.waits import expect
from tests.study_data import complete

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ADMIN, MANAGER = ("ida", "browser-admin-pass-1"), ("mia", "browser-manager-pass-1")
EMPLOYEES = 40


@pytest.fixture(scope="module")
def people(live):
    accounts.add_user(live.db, ADMIN[0], ADMIN[1], "admin", "Ida Admin")
    accounts.add_user(live.db, MANAGER[0], MANAGER[1], "manager", "Mia Manager")


def sign_in(page, live, who):
    page.goto(f"{live.url}/auth/login")
    page.get_by_label("User name").fill(who[0])
    page.get_by_label("Password").fill(who[1])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live.url}/")


def take_study(tab, link):
    tab.goto(link)
    assert tab.url.endswith("/study/")
    expect(tab.get_by_role("heading", name="This is not a hiring decision")).to_be_visible()
    tab.get_by_label("I have read how my answers are used").check()
    tab.get_by_role("button", name="Start").click()
    tab.wait_for_url("**/study/page/1")
    while "/study/page/" in tab.url:
        answer_by_clicking(tab, choice=3)
    assert tab.url.endswith("/study/about-you")
    tab.get_by_role("button", name="Skip").click()
    tab.wait_for_url("**/study/done")


def test_an_incumbent_study_from_invitation_to_a_coaching_plan(
    browser, page, live, people, tmp_path
):
    sign_in(page, live, ADMIN)
    page.get_by_role("link", name="Studies").click()
    page.get_by_label("Role").select_option(live.role["slug"])
    page.get_by_role("button", name="Open the study").click()
    page.wait_for_url("**/admin/studies/*")
    roster = tmp_path / "staff.csv"
    roster.write_text("employee_id,name,email,team,manager\n" + "".join(
        f"E{i:03d},Employee {i},e{i}@example.test,{('North', 'South')[i % 2]},{MANAGER[0] if i < 10 else ''}\n"
        for i in range(EMPLOYEES)
    ))  # fmt: skip
    page.locator("#upload-file").set_input_files(str(roster))
    page.get_by_role("button", name="Upload and invite").click()
    page.get_by_role("heading", name=f"{EMPLOYEES} employees invited").wait_for()
    links = [field.input_value() for field in page.locator("input[id^=link-]").all()]
    assert len(links) == EMPLOYEES and all("/s/" in link for link in links)

    take_study(browser.new_context().new_page(), links[0])
    phone = browser.new_context(viewport={"width": 375, "height": 740}, has_touch=True).new_page()
    take_study(phone, links[1])
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    study_id = int(re.search(r"/admin/studies/(\d+)", page.url).group(1))
    first = live.db["study_participants"].rows_where("study_id = ?", [study_id], order_by="id")
    ids = [row["id"] for row in first]
    for k, pid in enumerate(ids[2:]):
        complete(live.db, pid, level=2 + k % 4, seed=k)

    page.goto(f"{live.url}/admin/studies/{study_id}")
    assert "40 of 40 employees sent their answers" in page.content()
    kpis = tmp_path / "kpis.csv"
    scores = {}
    for row in live.db.query(
        "SELECT e.employee_id, r.scores FROM study_results r JOIN study_participants p "
        "ON p.id = r.participant_id JOIN employees e ON e.id = p.employee_pk"
    ):
        scores[row["employee_id"]] = len(row["scores"]) % 17  # a spread of values
    kpis.write_text("employee_id,csat\n" + "".join(f"{e},{60 + v}\n" for e, v in scores.items()))
    page.locator("#kpis-file").set_input_files(str(kpis))
    page.get_by_role("button", name="Import KPIs").click()
    page.get_by_text("KPIs of 40 employees imported").wait_for()
    assert "enough to calibrate" in page.content()
    page.get_by_label("Success KPI").select_option("csat")
    page.get_by_role("button", name="Build the calibration set").click()
    page.wait_for_url(f"**/admin/validity/{live.role['id']}")
    assert "Calibration set built from study" in page.content()
    page.get_by_role("button", name="Calibrate a new version").click()
    page.get_by_text("Review it below before activating it").wait_for(timeout=120_000)
    newest = calibration.list_versions(live.db, live.role["id"])[0]
    assert "40 incumbents" in newest.label

    manager = browser.new_context().new_page()
    sign_in(manager, live, MANAGER)
    manager.get_by_role("link", name="Team").click()
    manager.get_by_role("heading", name="Modules that would help most people").wait_for()
    assert "Employee 10" not in manager.content()  # not in Mia's team
    manager.get_by_role("link", name="Employee 0", exact=True).click()
    manager.get_by_role("heading", name="Coaching plan for Employee 0").wait_for()
    with manager.expect_download() as download:
        manager.get_by_role("link", name="Download the coaching plan (PDF)").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    assert page.csp_errors == []
