"""Account use cases: logging in and out, invitations, password resets, profiles, roles."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, session, url_for
from flask_login import login_user, logout_user
from sqlalchemy.orm import joinedload, raiseload

from ..audit.services import client_ip, record
from ..database import utcnow
from ..extensions import db
from ..mail.services import ACCOUNT, queue_mail
from ..organisations.models import Municipality, Organisation
from ..policy import Role
from ..text import like_pattern
from .models import AccountToken, LoginAttempt, Member, TokenPurpose, new_session_token
from .passwords import hash_password, verify_password


class LoginThrottled(Exception):
    """Too many failed attempts for this account or address; try later."""


# --- looking members up -------------------------------------------------------------------

def member_by_email(email: str) -> Member | None:
    return db.session.scalar(sa.select(Member).where(Member.email == email.strip().lower()))


def email_taken(email: str, except_member_id: int | None = None) -> bool:
    query = sa.select(Member.id).where(Member.email == email.strip().lower())
    if except_member_id is not None:
        query = query.where(Member.id != except_member_id)
    return db.session.scalar(query) is not None


def load_member_for_session(user_id: str) -> Member | None:
    """Flask-Login's loader: the id must carry the member's current session token."""
    member_id, _, token = user_id.partition(":")
    if not member_id.isdigit() or not token:
        return None
    member = db.session.scalar(
        sa.select(Member).options(joinedload(Member.organisation))
        .where(Member.id == int(member_id))
    )
    if member is None or not member.is_active:
        return None
    return member if secrets.compare_digest(member.session_token, token) else None


# --- logging in and out -------------------------------------------------------------------

def _recent_failures(column, value) -> int:
    since = utcnow() - current_app.config["LOGIN_WINDOW"]
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(LoginAttempt)
        .where(column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since)
    )


def is_throttled(email: str, ip: str) -> bool:
    config = current_app.config
    return (_recent_failures(LoginAttempt.email, email) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
            or _recent_failures(LoginAttempt.ip, ip) >= config["LOGIN_MAX_FAILURES_PER_IP"])


def authenticate(email: str, password: str) -> Member | None:
    """Check credentials, count the attempt, and log the member in on success."""
    email, ip = email.strip().lower(), client_ip()
    if is_throttled(email, ip):
        record("login_throttled", detail=email)
        db.session.commit()
        raise LoginThrottled
    member = member_by_email(email)
    ok = verify_password(member.password_hash if member else None, password)
    ok = ok and member.is_active
    db.session.add(LoginAttempt(email=email, ip=ip, succeeded=ok))
    record("login" if ok else "login_failed", actor=member if ok else None, subject=member,
           detail=email)
    db.session.commit()
    if not ok:
        return None
    session.clear()  # a fresh session on login
    login_user(member)
    return member


def log_out(member: Member) -> None:
    """End the session here and invalidate every other session of the member."""
    member.session_token = new_session_token()
    record("logout", actor=member, subject=member)
    db.session.commit()
    logout_user()
    session.clear()


# --- one-time links -----------------------------------------------------------------------

def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(member: Member, purpose: TokenPurpose) -> str:
    """Create a one-time link token (older ones of the same purpose stop working)."""
    now = utcnow()
    db.session.execute(
        sa.update(AccountToken)
        .where(AccountToken.member_id == member.id, AccountToken.purpose == purpose,
               AccountToken.used_at.is_(None))
        .values(used_at=now)
    )
    lifetime_key = ("INVITATION_VALID_FOR" if purpose is TokenPurpose.INVITATION
                    else "RESET_VALID_FOR")
    raw = secrets.token_urlsafe(32)
    db.session.add(AccountToken(member_id=member.id, purpose=purpose, token_hash=_hash_token(raw),
                                expires_at=now + current_app.config[lifetime_key]))
    return raw


def find_valid_token(raw: str, purpose: TokenPurpose) -> AccountToken | None:
    """The unused, unexpired token of this purpose whose member may still use it."""
    token = db.session.scalar(
        sa.select(AccountToken).options(joinedload(AccountToken.member))
        .where(AccountToken.token_hash == _hash_token(raw), AccountToken.purpose == purpose)
    )
    if token is None or token.used_at or token.expires_at <= utcnow():
        return None
    return None if token.member.deactivated_at else token


def set_password_with_token(token: AccountToken, password: str) -> Member:
    """Use an invitation or reset link: set the password, spend the link, log the member in."""
    member = token.member
    token.used_at = utcnow()
    member.password_hash = hash_password(password)
    member.session_token = new_session_token()
    if token.purpose is TokenPurpose.INVITATION:
        member.activated_at = member.activated_at or utcnow()
    record("activated" if token.purpose is TokenPurpose.INVITATION else "password_reset",
           actor=member, subject=member)
    db.session.commit()
    session.clear()
    login_user(member)
    return member


# --- invitations and resets ---------------------------------------------------------------

def invite_member(actor: Member, **fields) -> Member:
    """Create an account and send its invitation link."""
    member = Member(**fields)
    db.session.add(member)
    db.session.flush()
    _queue_invitation(member, actor)
    db.session.commit()
    return member


def resend_invitation(member: Member, actor: Member) -> None:
    _queue_invitation(member, actor)
    db.session.commit()


def _queue_invitation(member: Member, actor: Member) -> None:
    raw = issue_token(member, TokenPurpose.INVITATION)
    link = url_for("accounts.accept_invitation", token=raw, _external=True)
    valid_days = current_app.config["INVITATION_VALID_FOR"].days
    queue_mail(member, ACCOUNT, "invitation", member=member, inviter=actor, link=link,
               valid_days=valid_days)
    record("invited", actor=actor, subject=member, detail=member.email)


def request_password_reset(email: str) -> None:
    """Send a reset link if an active account has this e-mail; say nothing either way."""
    member = member_by_email(email)
    if member is None or not member.is_active:
        return
    raw = issue_token(member, TokenPurpose.PASSWORD_RESET)
    link = url_for("accounts.reset_password", token=raw, _external=True)
    valid_minutes = int(current_app.config["RESET_VALID_FOR"] / timedelta(minutes=1))
    queue_mail(member, ACCOUNT, "password_reset", member=member, link=link,
               valid_minutes=valid_minutes)
    record("password_reset_requested", subject=member)
    db.session.commit()


# --- profile and password -----------------------------------------------------------------

PROFILE_FIELDS = ("titles_before", "first_name", "last_name", "titles_after", "phone",
                  "position", "language", "wants_meeting_mail", "wants_minutes_mail",
                  "wants_list_mail")


def update_profile(member: Member, **fields) -> None:
    for name in PROFILE_FIELDS:
        if name in fields:
            setattr(member, name, fields[name])
    db.session.commit()


def change_password(member: Member, current: str, new: str) -> bool:
    """Change the password after checking the current one; other sessions end."""
    if not verify_password(member.password_hash, current):
        return False
    member.password_hash = hash_password(new)
    member.session_token = new_session_token()
    record("password_changed", actor=member, subject=member)
    db.session.commit()
    login_user(member)  # keep this session, with the new token
    return True


# --- administration -----------------------------------------------------------------------

ADMIN_FIELDS = ("titles_before", "first_name", "last_name", "titles_after", "email", "phone",
                "position", "organisation_id")


class SelfLockout(Exception):
    """An administrator may not take away their own access (nobody would be left to undo it)."""


def update_member(member: Member, actor: Member, role: Role, **fields) -> None:
    """The administrator's edit of a member: contact details, organisation, role."""
    if member.id == actor.id and role is not Role.ADMIN:
        raise SelfLockout
    for name in ADMIN_FIELDS:
        if name in fields:
            setattr(member, name, fields[name])
    if role != member.role:
        record("role_changed", actor=actor, subject=member, detail=f"{member.role} → {role}")
        member.role = role
    db.session.commit()


def deactivate(member: Member, actor: Member) -> None:
    """Stop the member logging in and receiving mail; their history stays."""
    if member.id == actor.id:
        raise SelfLockout
    member.deactivated_at = utcnow()
    member.session_token = new_session_token()
    record("deactivated", actor=actor, subject=member)
    db.session.commit()


def reactivate(member: Member, actor: Member) -> None:
    member.deactivated_at = None
    record("reactivated", actor=actor, subject=member)
    db.session.commit()


def member_for_admin(member_id: int) -> Member:
    return db.first_or_404(
        sa.select(Member).options(joinedload(Member.organisation), raiseload("*"))
        .where(Member.id == member_id)
    )


def member_query(q: str = "", *, role: Role | None = None, organisation_id: int | None = None,
                 municipality_id: int | None = None, status: str | None = "active") -> sa.Select:
    """Members matching a search by name, organisation or municipality, with filters.

    The organisation and municipality are loaded with the members; anything else raises.
    """
    query = (
        sa.select(Member)
        .join(Member.organisation).join(Organisation.municipality)
        .options(joinedload(Member.organisation).joinedload(Organisation.municipality),
                 raiseload("*"))
        .order_by(Member.last_name, Member.first_name, Member.id)
    )
    if q.strip():
        pattern = like_pattern(q)
        query = query.where(sa.or_(*(key.like(pattern, escape="\\") for key in (
            Member.search_key, Organisation.search_key, Municipality.search_key))))
    if role:
        query = query.where(Member.role == role)
    if organisation_id:
        query = query.where(Member.organisation_id == organisation_id)
    if municipality_id:
        query = query.where(Organisation.municipality_id == municipality_id)
    return query.where(STATUS_FILTERS[status]) if status else query


STATUS_FILTERS = {
    "active": sa.and_(Member.deactivated_at.is_(None), Member.password_hash.is_not(None)),
    "invited": sa.and_(Member.deactivated_at.is_(None), Member.password_hash.is_(None)),
    "deactivated": Member.deactivated_at.is_not(None),
    "current": Member.deactivated_at.is_(None),
}
