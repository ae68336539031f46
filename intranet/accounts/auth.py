"""Logging in and out, throttling, passwords. Argon2 runs outside the SQLite write lock."""

import math
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, session
from flask_login import login_user, logout_user
from sqlalchemy.orm import joinedload

from ..audit.services import client_ip, record
from ..database import utcnow
from ..extensions import db
from ..organisations.models import Organisation
from ..text import normalise_email
from .models import AccountToken, LoginAttempt, Member, new_session_token
from .passwords import hash_password, needs_rehash, verify_password

KEPT_ACROSS_LOGIN = ("csrf_token", "language")  # htmx keeps the page's CSRF header


class LoginThrottled(Exception):
    """Too many attempts for this account or from this address; `retry_after` seconds to wait."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after

    @property
    def until(self) -> datetime:
        """When to try again, rounded up to a whole minute (as the message shows it)."""
        moment = utcnow() + timedelta(seconds=self.retry_after)
        return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)


def load_member_for_session(user_id: str) -> Member | None:
    """Flask-Login's loader: the id must carry the member's current session token."""
    member_id, _, token = user_id.partition(":")
    if not member_id.isdigit() or not token:
        return None
    member = db.session.scalar(
        sa.select(Member).options(joinedload(Member.organisation)
                                  .joinedload(Organisation.municipality))
        .where(Member.id == int(member_id)))
    if member is None or not member.is_active:
        return None
    return member if secrets.compare_digest(member.session_token, token) else None


def fresh_session() -> None:
    """Start a new session (no fixation), keeping only the CSRF token and the language."""
    kept = {key: session[key] for key in KEPT_ACROSS_LOGIN if key in session}
    session.clear()
    session.update(kept)


def start_session(member: Member) -> None:
    """Log the member in on a fresh session and remember when (committed last: reading
    the member after the commit would take the write lock once more, see database.py)."""
    member.last_login_at = utcnow()
    fresh_session()
    login_user(member)
    db.session.commit()


def end_transaction() -> None:
    """Release the write lock before slow work (password hashing), so others can write."""
    db.session.commit()


# --- throttling ---------------------------------------------------------------------------
# LoginAttempt rows of kind "login" count failed log-ins (succeeded=False); rows of kind
# "reset" count "forgotten password" requests (succeeded=True when a mail was sent).

LOGIN, RESET = "login", "reset"


def seconds_until_below(limit: int, window: timedelta, *conditions) -> int | None:
    """Seconds until fewer than `limit` matching attempts lie in the window; None if they do."""
    now = utcnow()
    nth_newest = db.session.scalar(
        sa.select(LoginAttempt.at).where(LoginAttempt.at >= now - window, *conditions)
        .order_by(LoginAttempt.at.desc()).offset(limit - 1).limit(1))
    if nth_newest is None:
        return None
    return max(1, math.ceil((nth_newest + window - now).total_seconds()))


def _login_wait(email: str, ip: str) -> int | None:
    """Seconds until every log-in limit lets this account try from this address, or None."""
    config = current_app.config
    failed = (LoginAttempt.kind == LOGIN, LoginAttempt.succeeded.is_(False))
    by_email, by_ip = LoginAttempt.email == email, LoginAttempt.ip == ip
    waits = [
        seconds_until_below(config["LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP"],
                            config["LOGIN_WINDOW"], *failed, by_email, by_ip),
        seconds_until_below(config["LOGIN_MAX_FAILURES_PER_IP"], config["LOGIN_WINDOW"],
                            *failed, by_ip),
        seconds_until_below(config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
                            config["LOGIN_ACCOUNT_WINDOW"], *failed, by_email)]
    return max(filter(None, waits), default=None)


def _count_attempt(email: str, ip: str, member: Member | None, ok: bool) -> None:
    """Store the attempt; the failure that reaches a limit is audited once as a lockout."""
    db.session.add(LoginAttempt(kind=LOGIN, email=email, ip=ip, succeeded=ok))
    record("login" if ok else "login_failed", actor=member if ok else None, subject=member,
           detail=email)
    db.session.flush()
    if not ok and _login_wait(email, ip):
        record("login_throttled", subject=member, detail=email)


def may_mail_reset(email: str) -> bool:
    """Whether this account may get another reset mail now; raises LoginThrottled when this
    address has asked too often (for any account)."""
    config, ip = current_app.config, client_ip()
    reset = LoginAttempt.kind == RESET
    wait = seconds_until_below(config["RESET_MAX_REQUESTS_PER_IP"], config["RESET_WINDOW"],
                               reset, LoginAttempt.ip == ip)
    if wait:
        raise LoginThrottled(wait)
    return seconds_until_below(config["RESET_MAX_MAILS_PER_ACCOUNT"], config["RESET_WINDOW"],
                               reset, LoginAttempt.email == email,
                               LoginAttempt.succeeded.is_(True)) is None


def count_reset_request(email: str, mailed: bool) -> None:
    db.session.add(LoginAttempt(kind=RESET, email=email, ip=client_ip(), succeeded=mailed))


def purge_login_attempts() -> int:
    """Forget attempts that no limit looks at any more (at least a day old)."""
    config = current_app.config
    kept_for = max(config["LOGIN_WINDOW"], config["LOGIN_ACCOUNT_WINDOW"],
                   config["RESET_WINDOW"], timedelta(days=1))
    cutoff = utcnow() - kept_for
    result = db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at < cutoff))
    db.session.commit()
    return result.rowcount


def check_password(email: str, password: str) -> Member | None:
    """The active member with these credentials, counting the attempt; raises when throttled."""
    email, ip = normalise_email(email), client_ip()
    wait = _login_wait(email, ip)
    if wait:
        raise LoginThrottled(wait)
    member = db.session.scalar(sa.select(Member).where(Member.email == email))
    password_hash, active = (member.password_hash, member.is_active) if member else (None, False)
    end_transaction()
    ok = verify_password(password_hash, password) and active
    renewed = hash_password(password) if ok and needs_rehash(password_hash) else None
    _count_attempt(email, ip, member, ok)
    if renewed:  # made with older parameters: made again now that the password is known
        member.password_hash = renewed
    db.session.commit()
    return member if ok else None


# --- use cases ----------------------------------------------------------------------------

def authenticate(email: str, password: str) -> Member | None:
    """Log the member in with e-mail and password; None when they do not match."""
    member = check_password(email, password)
    if member is not None:
        start_session(member)
    return member


def log_out(member: Member) -> None:
    """End the session here and invalidate every other session of the member."""
    member.session_token = new_session_token()
    record("logout", actor=member, subject=member)
    db.session.commit()
    logout_user()
    fresh_session()


def set_password(member: Member, password: str) -> None:
    """Store a new password: other sessions and unused e-mailed links stop working."""
    end_transaction()
    member.password_hash = hash_password(password)
    member.session_token = new_session_token()
    expire_links(member)


def expire_links(member: Member) -> None:
    """Spend every unused invitation or reset link of the member."""
    db.session.execute(
        sa.update(AccountToken)
        .where(AccountToken.member_id == member.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow()))


def change_password(member: Member, current: str, new: str) -> bool:
    """Change the password after checking the current one (throttled like a login)."""
    if check_password(member.email, current) is None:
        return False
    set_password(member, new)
    record("password_changed", actor=member, subject=member)
    db.session.commit()
    login_user(member)  # keep this session, with the new token
    return True
