"""Helpers for tests that read rendered pages (importable, unlike conftest)."""

import re

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    """Pull the CSRF token out of a rendered form."""
    match = CSRF_FIELD.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)
