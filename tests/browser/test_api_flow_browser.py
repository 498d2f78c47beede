"""End to end: an ATS invites through the API, the candidate finishes in a real browser, the
ATS hears ``candidate.completed`` by a signed webhook, then fetches the results and the PDF."""

import json
import time
import urllib.request

import pytest
from standardwebhooks.webhooks import Webhook

from hiring.accounts import api_keys
from hiring.webhooks import subscriptions
from tests.browser.conftest import LiveServer
from tests.browser.test_candidate_browser import finish_questions, start
from tests.webhook_support import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def ats_live(tmp_path_factory, browser):
    """The live server, whose queue worker may call a loopback receiver."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HIRING_WEBHOOK_ALLOW_PRIVATE", "1")
        patch.setenv("HIRING_WEBHOOK_RETRY_SECONDS", "1")
        server = LiveServer(tmp_path_factory.mktemp("ats"))
        yield server
        server.close()


def call(url: str, key: str, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.headers, response.read()


def test_invite_by_api_complete_in_browser_hear_webhook_fetch_results_and_pdf(page, ats_live):
    live = ats_live
    receiver = Receiver()
    try:
        sub = subscriptions.subscribe(
            live.db, receiver.url, ("candidate.completed",), actor="test", allow_private=True
        )
        key = api_keys.create_key(
            live.db, "ats", ("candidates:read", "candidates:write"), actor="test"
        )[1]
        body = {"role": live.role["slug"], "name": "Ada Applicant", "email": "ada@example.test"}
        status, _, raw = call(f"{live.url}/api/v1/candidates", key, body)
        invited = json.loads(raw)
        assert status == 201 and invited["link"].startswith(live.url + "/a/")

        start(page, invited["link"])
        finish_questions(page)
        page.get_by_role("button", name="Send my assessment").click()
        assert page.get_by_role("heading", level=1).inner_text().startswith("Thank you")

        deadline = time.monotonic() + 60
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.2)
        headers, delivered = receiver.requests[0]
        event = Webhook(sub.secret).verify(delivered, headers)
        assert event["type"] == "candidate.completed"
        assert event["data"]["candidate_id"] == invited["id"]

        _, _, raw = call(live.url + event["data"]["results_url"], key)
        results = json.loads(raw)
        assert results["status"] == "completed" and len(results["scales"]) == 5
        status, headers, pdf = call(live.url + results["reports"]["fit"], key)
        assert status == 200 and headers["Content-Type"] == "application/pdf"
        assert pdf.startswith(b"%PDF")
    finally:
        receiver.close()
