"""Password hashing with Argon2id (argon2-cffi), with the parameters of PASSWORD_HASH: by
default OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane), about 55 ms a hash on one
core, so that a Monday-morning burst of log-ins does not stall a small server (the library's
defaults, 64 MiB and 3 passes on 4 lanes, took about 600 ms under load). argon2-cffi releases
the GIL, so threaded workers keep serving pages meanwhile. A hash made with other parameters
is made again at the member's next successful log-in (needs_rehash)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


def _hasher() -> PasswordHasher:
    return PasswordHasher(**current_app.config["PASSWORD_HASH"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def needs_rehash(password_hash: str) -> bool:
    """Whether a (verified) hash was made with other parameters than today's."""
    return _hasher().check_needs_rehash(password_hash)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash it still spends the time, so timing reveals nothing."""
    hasher = _hasher()
    if not password_hash:
        hasher.hash(password)
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
