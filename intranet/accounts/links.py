"""One-time links sent by e-mail: invitations and password resets."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from ..audit.services import record
from ..database import utcnow
from ..extensions import db
from ..mail.services import ACCOUNT, queue_mail
from ..web import external_url
from .auth import expire_links, set_password, start_session
from .models import AccountToken, Member, TokenPurpose


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(member: Member, purpose: TokenPurpose) -> str:
    """A new one-time link token; the member's older unused links stop working."""
    expire_links(member)
    lifetime = current_app.config[
        "INVITATION_VALID_FOR" if purpose is TokenPurpose.INVITATION else "RESET_VALID_FOR"]
    raw = secrets.token_urlsafe(32)
    db.session.add(AccountToken(member_id=member.id, purpose=purpose, token_hash=_hash_token(raw),
                                expires_at=utcnow() + lifetime))
    return raw


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
    link = external_url("accounts.accept_invitation",
                        token=issue_token(member, TokenPurpose.INVITATION))
    queue_mail(member, ACCOUNT, "invitation", member=member, inviter=actor, link=link,
               valid_days=current_app.config["INVITATION_VALID_FOR"].days)
    record("invited", actor=actor, subject=member, detail=member.email)


def request_password_reset(member: Member | None) -> None:
    """Send a reset link if the member has an active account; say nothing either way."""
    if member is None or not member.is_active:
        return
    link = external_url("accounts.reset_password",
                        token=issue_token(member, TokenPurpose.PASSWORD_RESET))
    valid_minutes = int(current_app.config["RESET_VALID_FOR"] / timedelta(minutes=1))
    queue_mail(member, ACCOUNT, "password_reset", member=member, link=link,
               valid_minutes=valid_minutes)
    record("password_reset_requested", subject=member)
    db.session.commit()
