"""A second factor for staff: TOTP codes (RFC 6238), one-time recovery codes, required roles.

Enrolment keeps the new secret unconfirmed until a first code from the authenticator app
proves the app holds it; only then is the factor on and ten recovery codes are made. They
are shown once and stored as SHA-256 hashes (each has about 50 random bits, so a fast hash
is enough). A code is accepted for one 30-second step either side of now, and never twice:
the last step used is kept. Wrong codes count on the attempt limits, like passwords.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

import pyotp
from sqlite_utils import Database

from hiring.accounts import audit, throttle
from hiring.accounts.passwords import verify_password
from hiring.accounts.users import ROLES, AccountError, User, find_user
from hiring.store.db import write_transaction

ISSUER = "Frontline Fit"
STEP_SECONDS = 30
DRIFT_STEPS = 1  # codes from the step before and after now are accepted too
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to mix up
CODE_LIMIT = throttle.Limit(free=5, base=2, cap=15 * 60, forget=60 * 60)
WRONG_CODE = "That code is not right. Check the time on your phone, or use a recovery code."


class TwoFactorError(AccountError):
    """A second-factor request that cannot be done as asked."""


@dataclass(frozen=True)
class Enrolment:
    """What the authenticator app needs: the secret, as text and as an otpauth URI."""

    secret: str
    uri: str

    @property
    def secret_groups(self) -> str:
        """The secret in groups of four, easier to type by hand."""
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))

    def qr_svg(self) -> str:
        """Return the URI as a QR code, an inline SVG element with no style attributes."""
        import segno  # only the page that sets the factor up draws one

        return segno.make(self.uri, error="m").svg_inline(
            scale=4, border=4, title="QR code for your authenticator app"
        )


@dataclass(frozen=True)
class TwoFactorStatus:
    """Where a user stands: factor on or not, recovery codes left, whether the role needs it."""

    enabled: bool
    recovery_codes_left: int
    required: bool


def _row(db: Database, user_id: int) -> dict | None:
    rows = list(db["staff_two_factor"].rows_where("user_id = ?", [user_id]))
    return rows[0] if rows else None


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normal(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def required_roles(db: Database) -> set[str]:
    """Return the roles whose members must use a second factor."""
    return {row["role"] for row in db.query("SELECT role FROM two_factor_required")}


def set_required(db: Database, role: str, required: bool, actor: str) -> None:
    """Make the second factor compulsory for a role, or optional again."""
    if role not in ROLES:
        raise TwoFactorError(f"Role must be one of {', '.join(ROLES)}; got {role!r}.")
    with write_transaction(db):
        if required == (role in required_roles(db)):
            return
        if required:
            db["two_factor_required"].insert(
                {"role": role, "since": audit.now_iso(), "set_by": actor}
            )
        else:
            db["two_factor_required"].delete(role)
        audit.record(db, actor, "2fa.policy", "role", role, required=required)


def status(db: Database, user: User) -> TwoFactorStatus:
    """Return the user's second-factor state."""
    row = _row(db, user.id)
    left = db["staff_recovery_codes"].count_where("user_id = ? AND used_at IS NULL", [user.id])
    return TwoFactorStatus(
        enabled=bool(row and row["confirmed_at"]),
        recovery_codes_left=left,
        required=user.role in required_roles(db),
    )


def is_enabled(db: Database, user_id: int) -> bool:
    """Tell whether the user signs in with a code as well as a password."""
    row = _row(db, user_id)
    return bool(row and row["confirmed_at"])


def must_enrol(db: Database, user: User) -> bool:
    """Tell whether the user's role needs a second factor they have not set up yet."""
    return user.role in required_roles(db) and not is_enabled(db, user.id)


def start_enrolment(db: Database, user: User) -> Enrolment:
    """Make a new secret for the user's authenticator app (not in use until confirmed)."""
    if is_enabled(db, user.id):
        raise TwoFactorError("A second factor is already set up; turn it off first to replace it.")
    secret = pyotp.random_base32()
    with write_transaction(db):
        db["staff_two_factor"].upsert(
            {"user_id": user.id, "secret": secret, "started_at": audit.now_iso(),
             "confirmed_at": None, "last_step": None},
            pk="user_id",
        )  # fmt: skip
        audit.record(db, user.username, "2fa.enrol_start", "user", user.id)
    return enrolment_for(db, user)


def enrolment_for(db: Database, user: User) -> Enrolment:
    """Return the unconfirmed enrolment the user started, to show again."""
    row = _row(db, user.id)
    if not row or row["confirmed_at"]:
        raise TwoFactorError("Start setting up the second factor first.")
    uri = pyotp.TOTP(row["secret"]).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return Enrolment(row["secret"], uri)


def _matching_step(secret: str, code: str, now: float) -> int | None:
    """Return the time step whose TOTP code is ``code``, within the allowed drift."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp, current = pyotp.TOTP(secret), int(now // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _new_recovery_codes(db: Database, user_id: int) -> list[str]:
    db["staff_recovery_codes"].delete_where("user_id = ?", [user_id])
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        db["staff_recovery_codes"].insert(
            {"user_id": user_id, "code_hash": _hash_code(raw), "created_at": audit.now_iso()}
        )
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def confirm_enrolment(db: Database, user: User, code: str, now: float | None = None) -> list[str]:
    """Turn the factor on with a first code from the app; return the recovery codes (once)."""
    now = throttle.clock() if now is None else now
    _check_wait(db, user, now)
    row = _row(db, user.id)
    if not row or row["confirmed_at"]:
        raise TwoFactorError("Start setting up the second factor first.")
    step = _matching_step(row["secret"], _normal(code), now)
    with write_transaction(db):
        if step is None:
            audit.record(db, user.username, "2fa.enrol_failed", "user", user.id)
        else:
            db["staff_two_factor"].update(
                user.id, {"confirmed_at": audit.now_iso(), "last_step": step}
            )
            codes = _new_recovery_codes(db, user.id)
            throttle.clear(db, _key(user))
            audit.record(db, user.username, "2fa.enabled", "user", user.id)
    if step is None:
        raise TwoFactorError(WRONG_CODE)
    return codes


def _key(user: User) -> str:
    return f"otp:{user.id}"


def _check_wait(db: Database, user: User, now: float) -> None:
    wait = throttle.reserve(db, [(_key(user), CODE_LIMIT)], now)
    if wait:
        audit.record(db, user.username, "2fa.throttled", "user", user.id)
        raise TwoFactorError(
            f"Too many codes tried. Wait {throttle.wait_words(wait)} and try again."
        )


def verify(db: Database, user: User, code: str, now: float | None = None) -> str:
    """Check a code from the app or a recovery code; return which it was ("app" or "recovery").

    A recovery code works once. A wrong code counts on the user's code limit.
    """
    now = throttle.clock() if now is None else now
    _check_wait(db, user, now)
    code = _normal(code)
    with write_transaction(db):
        row = _row(db, user.id)
        if not row or not row["confirmed_at"]:
            raise TwoFactorError("This account has no second factor set up.")
        step = _matching_step(row["secret"], code, now)
        if step is not None and step > (row["last_step"] or -1):
            db["staff_two_factor"].update(user.id, {"last_step": step})
            kind = "app"
        elif db.execute(
            "UPDATE staff_recovery_codes SET used_at = ? "
            "WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
            [audit.now_iso(), user.id, _hash_code(code)],
        ).rowcount:
            kind = "recovery"
        else:
            kind = ""
            audit.record(db, user.username, "2fa.failed", "user", user.id)
        if kind:
            throttle.give_back(db, _key(user))
            left = db["staff_recovery_codes"].count_where(
                "user_id = ? AND used_at IS NULL", [user.id]
            )
            audit.record(
                db, user.username, f"2fa.verified.{kind}", "user", user.id, recovery_codes_left=left
            )
    if not kind:
        raise TwoFactorError(WRONG_CODE)
    return kind


def regenerate_recovery_codes(db: Database, user: User, code: str) -> list[str]:
    """Replace the recovery codes (the old ones stop working) after a code proves it is them."""
    verify(db, user, code)
    with write_transaction(db):
        codes = _new_recovery_codes(db, user.id)
        audit.record(db, user.username, "2fa.recovery_codes_replaced", "user", user.id)
    return codes


def disable(db: Database, user: User, password: str, code: str) -> None:
    """Turn the factor off, with the password and a code; refused when the role requires it."""
    if user.role in required_roles(db):
        raise TwoFactorError(f"Your role ({user.role}) requires a second factor; it stays on.")
    stored = db["users"].get(user.id)["password_hash"]
    if not verify_password(stored, password):
        raise TwoFactorError("That is not your current password.")
    verify(db, user, code)
    _remove(db, user, user.username, "2fa.disabled")


def _remove(db: Database, user: User, actor: str, action: str) -> None:
    with write_transaction(db):
        db["staff_recovery_codes"].delete_where("user_id = ?", [user.id])
        db["staff_two_factor"].delete_where("user_id = ?", [user.id])
        throttle.clear(db, _key(user))
        audit.record(db, actor, action, "user", user.id, username=user.username)


def reset(db: Database, username: str, actor: str = "cli") -> User:
    """Remove a locked-out user's second factor and end their sessions; they enrol again."""
    user = find_user(db, username)
    if _row(db, user.id) is None:
        raise TwoFactorError(f"{user.username} has no second factor to reset.")
    _remove(db, user, actor, "2fa.reset")
    with write_transaction(db):
        db.execute(
            "UPDATE staff_sessions SET ended_at = ?, ended_reason = '2fa reset' "
            "WHERE user_id = ? AND ended_at IS NULL",
            [audit.now_iso(), user.id],
        )
    return user
