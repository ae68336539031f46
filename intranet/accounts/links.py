"""One-time links sent by e-mail: invitations and password resets."""

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from ..audit.services import record
from ..database import utcnow
from ..extensions import db
from ..mail.services import ACCOUNT, queue_mail
from ..text import normalise_email
from ..web import external_url
from .auth import (
    count_reset_request,
    expire_links,
    may_mail_reset,
    set_password,
    start_session,
)
from .models import AccountToken, Member, TokenPurpose


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(member: Member, purpose: TokenPurpose) -> tuple[str, datetime]:
    """A new one-time link token and its expiry; the member's older unused links stop working."""
    expire_links(member)
    lifetime = current_app.config[
        "INVITATION_VALID_FOR" if purpose is TokenPurpose.INVITATION else "RESET_VALID_FOR"]
    raw, expires_at = secrets.token_urlsafe(32), utcnow() + lifetime
    db.session.add(AccountToken(member_id=member.id, purpose=purpose, token_hash=_hash_token(raw),
                                expires_at=expires_at))
    return raw, expires_at


def find_valid_token(raw: str, purpose: TokenPurpose) -> AccountToken | None:
    """The unused, unexpired link of this purpose whose member may still use it."""
    token = db.session.scalar(
        sa.select(AccountToken).options(joinedload(AccountToken.member))
        .where(AccountToken.token_hash == _hash_token(raw), AccountToken.purpose == purpose))
    if token is None or token.used_at or token.expires_at <= utcnow():
        return None
    return None if token.member.deactivated_at else token


def set_password_with_token(token: AccountToken, password: str) -> Member:
    """Use an invitation or reset link: set the password, spend the link, log the member in."""
    member, invitation = token.member, token.purpose is TokenPurpose.INVITATION
    set_password(member, password)
    if invitation:
        member.activated_at = member.activated_at or utcnow()
    record("activated" if invitation else "password_reset", actor=member, subject=member)
    db.session.commit()
    start_session(member)
    return member


def queue_invitation(member: Member, actor: Member) -> None:
    """Mail the member a link to set their password (part of the caller's transaction)."""
    token, valid_until = issue_token(member, TokenPurpose.INVITATION)
    link = external_url("accounts.accept_invitation", token=token)
    queue_mail(member, ACCOUNT, "invitation", member=member, inviter=actor, link=link,
               valid_until=valid_until)
    record("invited", actor=actor, subject=member, detail=member.email)


def queue_password_reset(member: Member, actor: Member | None = None) -> None:
    """Mail the member a link to set a new password; `actor` is the administrator who sent it."""
    token, valid_until = issue_token(member, TokenPurpose.PASSWORD_RESET)
    link = external_url("accounts.reset_password", token=token)
    queue_mail(member, ACCOUNT, "password_reset", member=member, link=link,
               valid_until=valid_until, by_admin=actor is not None)
    record("password_reset_requested", actor=actor, subject=member)


def request_password_reset(email: str) -> None:
    """A "forgotten password" request: a link for an active account, within the limits; the
    caller learns nothing about the account. Raises LoginThrottled when this address asked
    too often."""
    email = normalise_email(email)
    may_mail = may_mail_reset(email)
    member = db.session.scalar(sa.select(Member).where(Member.email == email))
    mailed = may_mail and member is not None and member.is_active
    if mailed:
        queue_password_reset(member)
    count_reset_request(email, mailed)
    db.session.commit()
