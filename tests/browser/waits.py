"""Playwright's retrying ``expect``, imported only when a test calls it.

Test modules import this rather than ``playwright.sync_api``, so that a machine without
Playwright collects them and the fixtures skip (or fail, with HIRING_REQUIRE_BROWSER=1)
with the reason, instead of an import error at collection.
"""

from typing import Any


def expect(target: Any) -> Any:
    """``playwright.sync_api.expect``: assertions that wait for the page to catch up."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)
