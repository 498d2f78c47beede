"""A real browser: a staff member sets up a second factor and signs in with a code; a
submitted candidate whose link expired asks for a fresh one and opens it from the e-mail."""

import re
import time
from datetime import UTC, datetime, timedelta

import pytest

from hiring.accounts import users as accounts
from tests.browser.test_candidate_browser import axe_problems, finish_questions, start
from tests.browser.waits import expect
from tests.candidate_support import SMTPSink
from tests.queue_support import Worker
from tests.test_two_factor import totp

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "browser-staff-pass-2"


def sign_in(page, live, username):
    page.goto(f"{live.url}/auth/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_setting_up_a_second_factor_and_signing_in_with_a_code(page, live, axe_script):
    accounts.add_user(live.db, "tess", PASSWORD, "manager", "Tess Two")
    sign_in(page, live, "tess")
    page.wait_for_url(f"{live.url}/")
    page.get_by_role("link", name="Second factor").click()
    page.get_by_role("button", name="Set up a second factor").click()
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(totp(secret, time.time()))
    page.get_by_role("button", name="Turn on").click()
    expect(page.locator(".recovery-codes code")).to_have_count(10)
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live, "tess")
    page.wait_for_url("**/auth/code**")
    # the next step's code: the enrolment used this one, and a code never works twice
    page.get_by_label("Code from your authenticator app").fill(totp(secret, time.time() + 30))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live.url}/")
    assert "Tess Two" in page.inner_text("header")
    assert page.csp_errors == []


def test_the_new_pages_have_no_serious_axe_problem(axe_page, axe_script, live):
    accounts.add_user(live.db, "axel", PASSWORD, "recruiter", "Axel Axe")
    page = axe_page
    found = {}
    sign_in(page, live, "axel")
    page.wait_for_url(f"{live.url}/")
    page.goto(f"{live.url}/auth/two-factor/")
    found["second factor off"] = axe_problems(page, axe_script)
    page.get_by_role("button", name="Set up a second factor").click()
    expect(page.locator(".qr svg")).to_be_visible()
    found["second factor setup"] = axe_problems(page, axe_script)
    page.goto(f"{live.url}/my-data/new-link")
    found["fresh link request"] = axe_problems(page, axe_script)
    assert {name: problems for name, problems in found.items() if problems} == {}, found


def test_an_expired_candidate_asks_for_a_fresh_link_and_opens_it(page, live):
    link, made = live.new_candidate("Fern Fresh")
    start(page, link)
    finish_questions(page)
    page.get_by_role("button", name="Send my assessment").click()
    page.wait_for_url("**/assessment/done")
    old = (datetime.now(UTC) - timedelta(days=31)).isoformat(timespec="seconds")
    live.db["candidates"].update(made.candidate_id, {"submitted_at": old})
    config = live.app.config
    with SMTPSink() as sink:
        config.update(sink.config(), BASE_URL=live.url)
        live.worker.stop()  # the live server's task-queue worker, now with the same mail server
        live.worker = Worker(config["INSTANCE_PATH"], config["DATABASE"], env=sink.environment())
        try:
            assert page.goto(link).status == 410
            page.get_by_role("link", name="ask for a fresh link").click()
            page.get_by_label("The e-mail address your invitation was sent to").fill(made.email)
            page.get_by_role("button", name="Send me a fresh link").click()
            assert page.get_by_role("heading", level=1).inner_text() == "Check your e-mail"
            for _ in range(400):  # the worker sends it in a moment
                if sink.messages:
                    break
                time.sleep(0.05)
        finally:
            live.worker.stop()
            live.worker = Worker(config["INSTANCE_PATH"], config["DATABASE"])
            config.update(SMTP_HOST="", BASE_URL="")
    (message,) = sink.messages
    fresh = re.search(r"(http://127\.0\.0\.1:\d+/a/[A-Za-z0-9_-]{43})", message["data"]).group(1)
    page.goto(fresh)
    page.goto(f"{live.url}/my-data/")
    assert "includes your answers about yourself" in page.content()
    assert page.goto(link).status == 404  # the old link is void
    assert page.csp_errors == []
