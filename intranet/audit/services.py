"""Writing to the audit log; callers commit it together with the change it records."""

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import aliased

from ..database import prebuilt
from ..extensions import db
from ..i18n import lazy_gettext as _l
from .models import AuditEvent

ACTIONS = {
    "login": _l("přihlášení"),
    "login_failed": _l("neúspěšné přihlášení"),
    "login_throttled": _l("přihlášení zablokováno (příliš mnoho pokusů)"),
    "logout": _l("odhlášení"),
    "invited": _l("pozvánka odeslána"),
    "activated": _l("účet aktivován"),
    "password_reset_requested": _l("žádost o obnovu hesla"),
    "password_reset": _l("heslo obnoveno"),
    "password_changed": _l("heslo změněno"),
    "role_changed": _l("změna role"),
    "email_changed": _l("změna e-mailu"),
    "deactivated": _l("účet deaktivován"),
    "reactivated": _l("účet znovu aktivován"),
}


def client_ip() -> str:
    """The client's address as Flask sees it (ProxyFix applies when configured)."""
    return (request.remote_addr or "") if has_request_context() else ""


def record(action: str, *, actor=None, subject=None, detail: str = "") -> AuditEvent:
    """Add an audit event to the current transaction."""
    if action not in ACTIONS:
        raise KeyError(action)
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor else None,
        subject_id=subject.id if subject else None,
        ip=client_ip(),
        detail=detail[:500],
    )
    db.session.add(event)
    return event


def audit_query() -> tuple[sa.Select, dict]:
    """The audit log, newest first, as rows of what it shows (at, action, detail, ip, and the
    names of the actor and the subject, None for nobody), and the values of the select's
    parameters (none)."""
    return _audit_log(), {}


@prebuilt
def _audit_log() -> sa.Select:
    from ..accounts.models import Member

    actor, subject = aliased(Member), aliased(Member)
    return (
        sa.select(AuditEvent.at, AuditEvent.action, AuditEvent.detail, AuditEvent.ip,
                  actor.full_name.label("actor"), subject.full_name.label("subject"))
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(subject, subject.id == AuditEvent.subject_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
