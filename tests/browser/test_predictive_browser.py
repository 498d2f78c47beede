"""A real browser: an admin uploads hires' outcomes and reads the predictive-validity page."""

from io import BytesIO

import pytest
from pypdf import PdfReader
from scipy.special import expit

from hiring.accounts import users as accounts
from hiring.demo.synthetic import simulate_selection
from tests.browser.test_candidate_browser import axe_problems
from tests.browser.waits import expect
from tests.candidate_records import insert_candidate

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "browser-admin-pass-2"


@pytest.fixture(scope="module")
def outcome_file(live, tmp_path_factory):
    accounts.add_user(live.db, "pia", PASSWORD, "admin", "Pia Admin")
    sample = simulate_selection(160, selection_ratio=0.25, validity=0.5, random_state=21)
    rows = []
    for k in range(160):
        status = "hired" if sample.hired[k] else "rejected"
        cid = insert_candidate(
            live.db, live.role["id"], status=status, band="good", fit=float(expit(sample.fit[k]))
        )
        if sample.hired[k]:
            kept = "yes" if sample.retained[k] else "no"
            rows.append(f"{cid},2026-05-01,{80 + 6 * sample.performance[k]:.1f},{kept}")
    path = tmp_path_factory.mktemp("outcomes") / "outcomes.csv"
    path.write_text("candidate_id,measured_on,csat,retained_90\n" + "\n".join(rows) + "\n")
    return path


def _open_validity_page(page, live):
    """Sign in as the admin and open the role's Validity page."""
    page.goto(f"{live.url}/auth/login")
    page.get_by_label("User name").fill("pia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live.url}/")
    page.goto(f"{live.url}/admin/validity/{live.role['id']}")


def test_an_admin_uploads_outcomes_and_reads_the_corrected_validity(page, live, outcome_file):
    _open_validity_page(page, live)
    page.get_by_role("link", name="Predictive validity").click()
    page.get_by_text("No outcomes yet").wait_for()
    page.get_by_label("Outcome CSV file").set_input_files(str(outcome_file))
    page.get_by_role("button", name="Upload outcomes").click()
    page.get_by_text("Imported 40 outcome rows for 40 hires").wait_for()
    table = page.get_by_role("table", name="Correlation of hires' fit with each outcome")
    assert "customer satisfaction (CSAT)" in table.inner_text()
    assert "Corrected r for all applicants" in table.inner_text()
    expect(page.get_by_text("direct range restriction")).to_be_visible()
    expect(page.get_by_role("heading", name="Retention by fit band")).to_be_visible()
    page.get_by_label("Reliability of CSAT").fill("0.6")
    page.get_by_role("button", name="Recompute").click()
    page.get_by_text("(reliability 0.6)").wait_for()
    assert page.csp_errors == []


def test_an_admin_reads_the_technical_report_and_downloads_it(
    axe_page, axe_script, live, outcome_file, tmp_path
):
    page = axe_page
    _open_validity_page(page, live)
    page.get_by_role("link", name="Technical report").click()
    page.get_by_role("heading", name="Criterion-related validity").wait_for()
    sections = page.get_by_role("navigation", name="Sections").get_by_role("link")
    assert sections.count() == 9
    expect(page.get_by_text("Predictive evidence")).to_be_visible()  # with or without outcomes yet
    assert axe_problems(page, axe_script) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    saved = tmp_path / "technical.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename.endswith(".pdf")
    words = " ".join(p.extract_text() for p in PdfReader(BytesIO(saved.read_bytes())).pages)
    assert "TECHNICAL VALIDATION REPORT" in words.upper()
