"""A real browser: a candidate who has sent the assessment reads and downloads their feedback."""

import json
import re
from io import BytesIO

import pytest
from pypdf import PdfReader

from hiring.candidates.invites import hash_token
from tests.browser.test_candidate_browser import axe_problems
from tests.test_candidate_feedback import staff_items_in
from tests.workspace_data import completed_candidate

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_candidate_reads_and_downloads_their_feedback(axe_page, axe_script, live, tmp_path):
    person = completed_candidate(live.app, live.db, live.role, "Frankie Feedback", "ff@x.test", 2)
    live.db["candidates"].update(
        person["id"], {"status": "rejected", "token_hash": hash_token("browser-feedback-link")}
    )
    page = axe_page
    page.goto(f"{live.url}/a/browser-feedback-link")
    page.get_by_role("link", name="What the assessment measured, and your data").click()
    page.wait_for_url("**/my-data/")
    found = {"results": axe_problems(page, axe_script)}
    page.get_by_role("link", name="Read your feedback report").click()
    page.wait_for_url("**/my-data/feedback")
    found["feedback"] = axe_problems(page, axe_script)
    assert {name: problems for name, problems in found.items() if problems} == {}, json.dumps(found)
    text = page.inner_text("main")
    assert "Your strengths" in text and "Areas to develop" in text
    assert staff_items_in(text) == [], text
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this report (PDF)").click()
    saved = tmp_path / "feedback.pdf"
    download.value.save_as(saved)
    pages = PdfReader(BytesIO(saved.read_bytes())).pages
    words = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages))
    assert "Your feedback report" in words and "Frankie Feedback" in words
    assert staff_items_in(words.replace("Frankie Feedback", "")) == []
