"""Password hashing with Argon2id (argon2-cffi), shared by ``apply`` and the web login.

An empty hash means "no password": such a user cannot log in with a password.

Examples
--------
>>> h = hash_password("correct horse battery staple")
>>> h.startswith("$argon2id$")
True
>>> verify_password(h, "correct horse battery staple"), verify_password(h, "wrong")
(True, False)
>>> verify_password("", "anything")
False
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# argon2-cffi's defaults follow RFC 9106's second recommended (low-memory) profile.
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` (salted: two calls give different strings)."""
    if not password:
        raise ValueError("refusing to hash an empty password")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``; False for an empty or bad hash."""
    if not password_hash or not password:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's (rehash at login)."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True
