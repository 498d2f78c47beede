"""Password hashing with argon2id, the memory-hard default of argon2-cffi."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hiring.accounts.common_passwords import weakness

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()  # argon2id, 64 MiB, t=3: the RFC 9106 second recommendation
# Verified against when the user does not exist, so that a miss costs as much as a hit. Written
# out rather than hashed at import, which took 0.1-0.4 s of every command's start; a test
# checks it has today's parameters (else it would cost less than a real hash).
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$jQg1Ho0wehNHnM5UsvAz2A$FvWhsZamT582oGqNbN09WAJDvFvAqrCTdOTtJ5hjYCM"  # noqa: E501, S105


def hash_password(password: str) -> str:
    """Return an argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check ``password`` against ``stored_hash`` in roughly constant time."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Tell whether a hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)


def password_problem(password: str, username: str = "") -> str | None:
    """Return why a new password is not acceptable, or None.

    Refused: fewer than ``MIN_PASSWORD_LENGTH`` characters, spaces at either end, the
    user name, and anything on the common-password list or made of obvious patterns.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if password.strip() != password:
        return "Leading or trailing spaces are easy to mistype; leave them out."
    reason = weakness(password, username)
    return f"That password is too easy to guess. {reason}" if reason else None
