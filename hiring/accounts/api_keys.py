"""API keys: create one (shown once), list, revoke, and check a key, its scopes and its rate.

A key is ``ff_`` + 8 characters naming it in lists + ``_`` + ``secrets.token_urlsafe(32)``
(256 random bits). Only its SHA-256 is stored. A slow, salted hash (argon2, as for
passwords) protects secrets people choose, which are guessable; a key of 256 random bits
cannot be guessed, so one fast hash already makes a stolen database useless for calling the
API, and it lets every request find its key by an indexed look-up instead of trying each
stored hash in turn. Revocation stamps the row; every request reads it, so it takes effect at
the next call.
"""

import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.errors import HiringError
from hiring.store.db import write_transaction

SCOPES = {
    "candidates:read": "Read roles, their assessments, candidates' status and results, and "
    "download their PDF reports.",
    "candidates:write": "Invite candidates (create an assessment invitation).",
    "decisions:write": "Record decisions on candidates, with the same rules as the web page.",
    "fairness:read": "Read a role's adverse-impact tables (group counts and rates only, never "
    "a person's self-identification).",
    "admin": "Import incumbents, start calibrations and read the audit log.",
}
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
KEY_RE = re.compile(r"^ff_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$")
clock = time.time  # tests replace it to move time on


class ApiKeyError(HiringError):
    """An API key that cannot be created, found or revoked as asked."""


@dataclass(frozen=True)
class ApiKey:
    """A stored key: its name, scopes and state (never the key itself)."""

    id: int
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: str
    created_by: str
    revoked_at: str | None
    last_used_at: str | None

    @classmethod
    def from_row(cls, row: dict) -> "ApiKey":
        """Build a key from its database row."""
        return cls(
            row["id"], row["name"], row["prefix"], tuple(json.loads(row["scopes"])),
            row["created_at"], row["created_by"] or "", row["revoked_at"], row["last_used_at"],
        )  # fmt: skip

    @property
    def actor(self) -> str:
        """How the audit log names calls made with this key."""
        return f"api:{self.name}"


def hash_key(key: str) -> str:
    """Return the stored form of a key."""
    return hashlib.sha256(key.encode()).hexdigest()


def parse_scopes(text: str) -> tuple[str, ...]:
    """Read ``SCOPE[,SCOPE...]``; raise :class:`ApiKeyError` naming any unknown scope."""
    scopes = tuple(dict.fromkeys(s.strip() for s in text.split(",") if s.strip()))
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        said = f"Unknown scope: {', '.join(unknown)}." if unknown else "Give at least one scope."
        raise ApiKeyError(f"{said} Choose from: {', '.join(SCOPES)}.")
    return scopes


def create_key(
    db: Database, name: str, scopes: tuple[str, ...], *, actor: str
) -> tuple[ApiKey, str]:
    """Create a key; return it and the key text, which exists only in this return value."""
    name = name.strip().lower()
    if not NAME_RE.match(name):
        raise ApiKeyError(
            "A key's name is 1 to 40 lower-case letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit."
        )
    if not scopes or any(s not in SCOPES for s in scopes):
        raise ApiKeyError(f"Choose scopes from: {', '.join(SCOPES)}.")
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    prefix = "".join(secrets.choice(alphabet) for _ in range(8))
    key = f"ff_{prefix}_{secrets.token_urlsafe(32)}"
    with write_transaction(db):
        if db["api_keys"].count_where("name = ?", [name]):
            raise ApiKeyError(f"A key named {name!r} already exists; choose another name.")
        row = {
            "name": name, "key_hash": hash_key(key), "prefix": prefix,
            "scopes": json.dumps(list(scopes)), "created_at": audit.now_iso(),
            "created_by": actor,
        }  # fmt: skip
        row["id"] = db["api_keys"].insert(row).last_pk
        audit.record(db, actor, "apikey.create", "api_key", name, scopes=list(scopes))
    stored = db["api_keys"].get(row["id"])
    return ApiKey.from_row(stored), key


def list_keys(db: Database) -> list[ApiKey]:
    """Return every key, live ones first, then by name."""
    rows = db["api_keys"].rows_where(order_by="revoked_at IS NOT NULL, name")
    return [ApiKey.from_row(row) for row in rows]


def revoke_key(db: Database, name: str, *, actor: str) -> ApiKey:
    """Revoke a key by name; the next call made with it is refused."""
    name = name.strip().lower()
    with write_transaction(db):
        rows = list(db["api_keys"].rows_where("name = ?", [name]))
        if not rows:
            raise ApiKeyError(f"No API key is named {name!r}; `hiring apikeys list` shows them.")
        if rows[0]["revoked_at"]:
            raise ApiKeyError(f"The key {name!r} was already revoked on {rows[0]['revoked_at']}.")
        db["api_keys"].update(rows[0]["id"], {"revoked_at": audit.now_iso(), "revoked_by": actor})
        audit.record(db, actor, "apikey.revoke", "api_key", name)
    return ApiKey.from_row(db["api_keys"].get(rows[0]["id"]))


def find_key(db: Database, key: str) -> ApiKey | None:
    """Return the live key whose text is ``key``, or None (unknown, malformed or revoked)."""
    if not KEY_RE.match(key):
        return None
    digest = hash_key(key)
    rows = list(db["api_keys"].rows_where("key_hash = ?", [digest]))
    if not rows or not hmac.compare_digest(rows[0]["key_hash"], digest):
        return None
    if rows[0]["revoked_at"]:
        return None
    return ApiKey.from_row(rows[0])


def count_call(db: Database, key: ApiKey, per_minute: int, now: float | None = None) -> int:
    """Count one call of ``key`` in this minute; return 0, or the seconds to wait when over.

    The count lives in the database, so every server process shares it; the increment and
    the test are one statement, so calls sent at once cannot all slip under the limit.
    """
    now = clock() if now is None else now
    minute = int(now // 60)
    with write_transaction(db):
        calls = db.execute(
            "INSERT INTO api_key_calls (key_id, minute, calls) VALUES (?, ?, 1) "
            "ON CONFLICT(key_id, minute) DO UPDATE SET calls = calls + 1 RETURNING calls",
            [key.id, minute],
        ).fetchone()[0]
        if calls == 1:  # first call of a new minute: forget older minutes, note the use
            db.execute(
                "DELETE FROM api_key_calls WHERE key_id = ? AND minute < ?", [key.id, minute]
            )
            db["api_keys"].update(key.id, {"last_used_at": audit.now_iso()})
    if calls > per_minute:
        return max(int((minute + 1) * 60 - now), 1)
    return 0
