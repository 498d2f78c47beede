"""Staff accounts: create, list, change passwords, and sign in with a shared rate limit."""

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.accounts.passwords import hash_password, needs_rehash, password_problem, verify_password
from hiring.errors import HiringError
from hiring.store.db import write_transaction

ROLES = ("admin", "recruiter", "manager")
# Failures allowed in a window before the key is locked for LOCK_SECONDS.
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
WINDOW_SECONDS = 15 * 60
LOCK_SECONDS = 15 * 60
SIGN_IN_FAILED = (
    "Sign-in failed. Check the user name and password, or wait a few minutes and try again."
)


class AccountError(HiringError):
    """A problem with an account request that the user can fix."""


@dataclass(frozen=True)
class User:
    """A staff member as the web and CLI faces see them (never the password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    active: bool
    password_changed_at: str

    @classmethod
    def from_row(cls, row: dict) -> "User":
        """Build from a ``users`` row."""
        return cls(
            id=row["id"],
            username=row["username"],
            display_name=row["display_name"] or row["username"],
            role=row["role"],
            active=bool(row["active"]),
            password_changed_at=row["password_changed_at"] or "",
        )


def _stamp() -> str:
    """A password-change stamp precise enough that two changes never share one."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _check_new_password(password: str, username: str) -> None:
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem)


def add_user(
    db: Database,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    actor: str = "cli",
) -> User:
    """Create a staff account."""
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise AccountError("A user name uses letters, digits, dots, dashes or underscores.")
    if role not in ROLES:
        raise AccountError(f"Role must be one of {', '.join(ROLES)}; got {role!r}.")
    _check_new_password(password, username)
    password_hash = hash_password(password)
    with write_transaction(db):
        if db["users"].count_where("username = ?", [username]):
            raise AccountError(f"A user named {username!r} already exists.")
        stamp = _stamp()
        user_id = (
            db["users"]
            .insert(
                {
                    "username": username,
                    "display_name": display_name.strip() or username,
                    "role": role,
                    "password_hash": password_hash,
                    "active": 1,
                    "created_at": stamp,
                    "password_changed_at": stamp,
                }
            )
            .last_pk
        )
        audit.record(db, actor, "user.add", "user", user_id, username=username, role=role)
    return get_user(db, user_id)


def get_user(db: Database, user_id: int) -> User:
    """Return one account by id."""
    rows = list(db["users"].rows_where("id = ?", [user_id]))
    if not rows:
        raise AccountError(f"No user with id {user_id}.")
    return User.from_row(rows[0])


def find_user(db: Database, username: str) -> User:
    """Return one account by user name."""
    rows = list(db["users"].rows_where("username = ?", [username.strip().lower()]))
    if not rows:
        raise AccountError(f"No user named {username!r}.")
    return User.from_row(rows[0])


def list_users(db: Database) -> list[User]:
    """Return every account, by user name."""
    return [User.from_row(row) for row in db["users"].rows_where(order_by="username")]


def set_password(db: Database, username: str, password: str, actor: str = "cli") -> None:
    """Replace a user's password; their other sessions end because the stamp changes."""
    user = find_user(db, username)
    _check_new_password(password, user.username)
    with write_transaction(db):
        db["users"].update(
            user.id, {"password_hash": hash_password(password), "password_changed_at": _stamp()}
        )
        audit.record(db, actor, "user.set_password", "user", user.id, username=user.username)


def update_user(db: Database, user_id: int, *, role: str, active: bool, actor: str) -> User:
    """Change a user's role or switch the account on or off."""
    if role not in ROLES:
        raise AccountError(f"Role must be one of {', '.join(ROLES)}.")
    user = get_user(db, user_id)
    with write_transaction(db):
        db["users"].update(
            user.id, {"role": role, "active": int(active), "password_changed_at": _stamp()}
        )
        audit.record(db, actor, "user.update", "user", user.id, role=role, active=active)
    return get_user(db, user_id)


def _locked(db: Database, key: str, now: float) -> bool:
    rows = list(db["login_attempts"].rows_where("key = ?", [key]))
    return bool(rows) and (rows[0]["locked_until"] or 0) > now


def _count_failure(db: Database, key: str, limit: int, now: float) -> None:
    rows = list(db["login_attempts"].rows_where("key = ?", [key]))
    row = rows[0] if rows else {"key": key, "failures": 0, "window_start": now, "locked_until": 0}
    if now - row["window_start"] > WINDOW_SECONDS:
        row.update(failures=0, window_start=now)
    row["failures"] += 1
    if row["failures"] >= limit:
        row["locked_until"] = now + LOCK_SECONDS
    db["login_attempts"].upsert(row, pk="key")


def authenticate(db: Database, username: str, password: str, address: str) -> User:
    """Check a sign-in; every failure raises the same message, whatever its cause.

    The counters live in the database so that every server worker shares them.
    """
    now = time.time()
    account_key, address_key = f"user:{username.strip().lower()}", f"addr:{address}"
    with write_transaction(db):
        blocked = _locked(db, account_key, now) or _locked(db, address_key, now)
        rows = list(
            db["users"].rows_where("username = ? and active = 1", [username.strip().lower()])
        )
    stored = rows[0]["password_hash"] if rows else None
    ok = verify_password(stored, password)  # always spend the hashing time
    if blocked or not ok:
        with write_transaction(db):
            _count_failure(db, account_key, MAX_FAILURES_PER_ACCOUNT, now)
            _count_failure(db, address_key, MAX_FAILURES_PER_ADDRESS, now)
            audit.record(db, "anonymous", "login.failed", "user", username[:80], address=address)
        raise AccountError(SIGN_IN_FAILED)
    with write_transaction(db):
        db["login_attempts"].delete_where("key = ?", [account_key])
        if needs_rehash(stored):
            db["users"].update(rows[0]["id"], {"password_hash": hash_password(password)})
        audit.record(db, username, "login", "user", rows[0]["id"], address=address)
    return User.from_row(rows[0])
