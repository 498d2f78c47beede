"""Staff accounts: create, list, change passwords, and sign in with a shared rate limit."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database

from hiring.accounts import audit, throttle
from hiring.accounts.passwords import hash_password, needs_rehash, password_problem, verify_password
from hiring.errors import HiringError
from hiring.store.db import write_transaction

ROLES = ("admin", "recruiter", "manager")
# Attempt limits (see hiring.accounts.throttle): never a lock, only delays that grow.
# One account from one address: 5 free tries, then 1 s, 2 s, 4 s ... up to 15 minutes.
PAIR_LIMIT = throttle.Limit(free=5, base=1, cap=15 * 60, forget=60 * 60)
# One account from addresses it never signed in from: 10 free, then up to 2 minutes apart.
ACCOUNT_LIMIT = throttle.Limit(free=10, base=1, cap=2 * 60, forget=60 * 60)
# One address across accounts it never signed in to: 20 free, then up to 15 minutes.
ADDRESS_LIMIT = throttle.Limit(free=20, base=1, cap=15 * 60, forget=60 * 60)
KNOWN_SOURCE_DAYS = 90  # a source an account signed in from this recently is its owner's
SIGN_IN_FAILED = (
    "Sign-in failed. Check the user name and password, or wait a few minutes and try again."
)


class AccountError(HiringError):
    """A problem with an account request that the user can fix."""


class SignInThrottled(AccountError):
    """Too many attempts in a row: the next one must wait (the message says how long)."""


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


def _known_source(db: Database, username: str, address: str, now: float) -> bool:
    rows = db.execute(
        "SELECT last_success_at FROM sign_in_sources WHERE username = ? AND address = ?",
        [username, address],
    ).fetchall()
    return bool(rows) and now - rows[0][0] < KNOWN_SOURCE_DAYS * 86400


def _limits(username: str, address: str, known: bool) -> list[tuple[str, throttle.Limit]]:
    """The counters one attempt is checked against and counted on.

    From a source the account signed in from before, only that pair's own counter
    applies: guesses from anywhere else cannot slow its owner down.
    """
    keys = [(f"pair:{username}|{address}", PAIR_LIMIT)]
    if not known:
        keys += [(f"user:{username}", ACCOUNT_LIMIT), (f"addr:{address}", ADDRESS_LIMIT)]
    return keys


def authenticate(
    db: Database, username: str, password: str, address: str, now: float | None = None
) -> User:
    """Check a sign-in; every wrong password raises the same message, whatever its cause.

    The attempt is counted before the password is checked, so that many requests sent at
    once cannot all be checked; the counters live in the database so that every server
    worker shares them. A right password gives its own count back; the wrong ones before
    it stay counted until the counter is forgotten.
    """
    now = throttle.clock() if now is None else now
    name = username.strip().lower()[:80]
    with write_transaction(db):
        limits = _limits(name, address, _known_source(db, name, address, now))
        wait = throttle.reserve(db, limits, now)
        if wait:
            audit.record(db, "anonymous", "login.throttled", "user", name, address=address)
        rows = list(db["users"].rows_where("username = ? and active = 1", [name]))
    if wait:
        raise SignInThrottled(
            f"Too many sign-in attempts. Wait {throttle.wait_words(wait)} and try again."
        )
    stored = rows[0]["password_hash"] if rows else None
    if not verify_password(stored, password):  # always spends the hashing time
        audit.record(db, "anonymous", "login.failed", "user", name, address=address)
        raise AccountError(SIGN_IN_FAILED)
    with write_transaction(db):
        for key, _ in limits:
            throttle.give_back(db, key)
        db["sign_in_sources"].upsert(
            {"username": name, "address": address, "last_success_at": now},
            pk=("username", "address"),
        )
        if needs_rehash(stored):
            db["users"].update(rows[0]["id"], {"password_hash": hash_password(password)})
        audit.record(db, name, "login", "user", rows[0]["id"], address=address)
    return User.from_row(rows[0])
