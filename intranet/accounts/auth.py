"""Logging in and out, throttling, passwords. Argon2 runs outside the SQLite write lock."""

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, session
from flask_login import login_user, logout_user
from sqlalchemy.orm import joinedload

from ..audit.services import client_ip, record
from ..database import utcnow
from ..extensions import db
from ..text import normalise_email
from .models import AccountToken, LoginAttempt, Member, new_session_token
from .passwords import hash_password, verify_password

KEPT_ACROSS_LOGIN = ("csrf_token", "language")  # htmx keeps the page's CSRF header


class LoginThrottled(Exception):
    """Too many failed attempts for this account or address; try later."""


def load_member_for_session(user_id: str) -> Member | None:
    """Flask-Login's loader: the id must carry the member's current session token."""
    member_id, _, token = user_id.partition(":")
    if not member_id.isdigit() or not token:
        return None
    member = db.session.scalar(
        sa.select(Member).options(joinedload(Member.organisation))
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
    fresh_session()
    login_user(member)


def end_transaction() -> None:
    """Release the write lock before slow work (password hashing), so others can write."""
    db.session.commit()


# --- throttling ---------------------------------------------------------------------------

def _recent_failures(column, value) -> int:
    since = utcnow() - current_app.config["LOGIN_WINDOW"]
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(LoginAttempt)
        .where(column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since))


def _limits_reached(email: str, ip: str) -> bool:
    config = current_app.config
    return (_recent_failures(LoginAttempt.email, email) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
            or _recent_failures(LoginAttempt.ip, ip) >= config["LOGIN_MAX_FAILURES_PER_IP"])


def _count_attempt(email: str, ip: str, member: Member | None, ok: bool) -> None:
    """Store the attempt; the failure that reaches a limit is audited once as a lockout."""
    db.session.add(LoginAttempt(email=email, ip=ip, succeeded=ok))
    record("login" if ok else "login_failed", actor=member if ok else None, subject=member,
           detail=email)
    db.session.flush()
    if not ok and _limits_reached(email, ip):
        record("login_throttled", subject=member, detail=email)


def purge_login_attempts() -> int:
    """Forget attempts older than a day (throttling looks back only minutes)."""
    cutoff = utcnow() - max(current_app.config["LOGIN_WINDOW"], timedelta(days=1))
    result = db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at < cutoff))
    db.session.commit()
    return result.rowcount


def check_password(email: str, password: str) -> Member | None:
    """The active member with these credentials, counting the attempt; raises when throttled."""
    email, ip = normalise_email(email), client_ip()
    if _limits_reached(email, ip):
        raise LoginThrottled
    member = db.session.scalar(sa.select(Member).where(Member.email == email))
    password_hash, active = (member.password_hash, member.is_active) if member else (None, False)
    end_transaction()
    ok = verify_password(password_hash, password) and active
    _count_attempt(email, ip, member, ok)
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
