"""Helpers for API tests: keys made through the real use case, and calls that send them."""

from hiring.accounts import api_keys

ALL_SCOPES = tuple(api_keys.SCOPES)


def make_key(db, name: str = "ats", scopes=ALL_SCOPES) -> str:
    """Create a key with ``scopes`` and return its text."""
    return api_keys.create_key(db, name, tuple(scopes), actor="test")[1]


def bearer(key: str, **headers) -> dict:
    """Return request headers that carry ``key``."""
    return {"Authorization": f"Bearer {key}", **headers}
