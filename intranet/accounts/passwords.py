"""Password hashing with Argon2id (argon2-cffi), with the parameters of PASSWORD_HASH: by
default OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane), about 55 ms a hash on one
core, so that a Monday-morning burst of log-ins does not stall a small server (the library's
defaults, 64 MiB and 3 passes on 4 lanes, took about 600 ms under load). A hash made with
other parameters is made again at the member's next successful log-in (needs_rehash).

Hashes run in a few threads of their own at a lower CPU priority (nice 10): while 50 members
log in at once, the pages of everyone else (served by the other gunicorn processes, which
accept connections only while they have a thread free) take the CPU first and the log-ins
the rest.
"""

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

LOWER_PRIORITY = 10  # the hashing threads' niceness
_pool: list[ThreadPoolExecutor] = []  # this process's, made at its first hash (after a fork)
_pool_made = threading.Lock()


def _hasher() -> PasswordHasher:
    return PasswordHasher(**current_app.config["PASSWORD_HASH"])


def _in_hashing_thread(work, *args):
    """work(*args) in one of the process's hashing threads (as many as cores)."""
    with _pool_made:
        if not _pool:
            _pool.append(ThreadPoolExecutor(os.cpu_count() or 1, "argon2",
                                            initializer=_lower_priority))
    return _pool[0].submit(work, *args).result()


def _lower_priority() -> None:
    """On Linux a thread's niceness is its own; elsewhere hashes keep the process's."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOWER_PRIORITY)


def hash_password(password: str) -> str:
    return _in_hashing_thread(_hasher().hash, password)


def needs_rehash(password_hash: str) -> bool:
    """Whether a (verified) hash was made with other parameters than today's."""
    return _hasher().check_needs_rehash(password_hash)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash it still spends the time, so timing reveals nothing."""
    hasher = _hasher()
    if not password_hash:
        _in_hashing_thread(hasher.hash, password)
        return False
    try:
        return _in_hashing_thread(hasher.verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
