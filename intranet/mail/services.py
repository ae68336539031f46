"""Queueing mail in the outbox and delivering it afterwards."""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import format_datetime

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale

from ..database import utcnow
from ..extensions import db
from ..text import single_line
from .models import DeliveryStatus, OutboxAttachment, OutboxDelivery, OutboxMessage
from .transports import PermanentFailure, TransportUnavailable, transport_for

log = logging.getLogger(__name__)

# Categories a member can switch off in the profile; account mail always goes out.
PREFERENCE_FOR_CATEGORY = {
    "meetings": "wants_meeting_mail",
    "minutes": "wants_minutes_mail",
    "list": "wants_list_mail",
}
ACCOUNT = "account"
STALE_CLAIM = timedelta(minutes=15)


def wants(member, category: str) -> bool:
    """Whether an active member receives mail of this category."""
    if member.deactivated_at is not None:
        return False
    preference = PREFERENCE_FOR_CATEGORY.get(category)
    return preference is None or getattr(member, preference)


def queue_mail(recipient, category: str, template: str, **context) -> list[OutboxMessage]:
    """Queue a mail rendered from templates/mail/<template>.txt in the member's language."""
    return queue_to_members([recipient], category, template, **context)


def queue_to_members(recipients: Iterable, category: str, template: str, *,
                     attachments=None, reply_to: str = "", **context) -> list[OutboxMessage]:
    """Queue a message to each member who wants it, rendered for them (`recipient`, language).

    `attachments(member)` may return (filename, content type, text) triples; `reply_to` is
    where a plain reply goes (e.g. the meeting's organiser). It joins the caller's
    transaction: a rolled-back change sends nothing.
    """
    messages = []
    for member in recipients:
        if wants(member, category):
            files = attachments(member) if attachments else []
            message = _queue_rendered(member, category, template, context, files)
            message.reply_to = reply_to
            messages.append(message)
    return messages


def _queue_rendered(member, category, template, context, files) -> OutboxMessage:
    with force_locale(member.language):
        subject = render_template(f"mail/{template}.subject.txt", recipient=member, **context)
        body = render_template(f"mail/{template}.txt", recipient=member, **context)
    message = OutboxMessage(category=category, subject=single_line(subject), body_text=body)
    message.deliveries = [OutboxDelivery(recipient=member.email, member_id=member.id)]
    message.attachments = [OutboxAttachment(filename=name, content_type=kind, content=text)
                           for name, kind, text in files]
    db.session.add(message)
    return message


def build_email(delivery: OutboxDelivery, config) -> EmailMessage:
    """The RFC 5322 message for one delivery; its Message-ID is stable across retries."""
    message = delivery.message
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = delivery.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    domain = config["MAIL_FROM"].rsplit("@", 1)[-1].strip(">") or "localhost"
    email["Message-ID"] = f"<outbox.{delivery.id}.{int(message.created_at.timestamp())}@{domain}>"
    email["Auto-Submitted"] = "auto-generated"
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    calendars = [a for a in message.attachments if a.content_type.startswith("text/calendar")]
    for attachment in calendars:  # Outlook shows Accept/Decline only for an alternative part
        subtype, params = _content_type(attachment)
        email.add_alternative(attachment.content, subtype=subtype, params=params)
    for attachment in message.attachments:
        subtype, params = _content_type(attachment)
        email.add_attachment(attachment.content, subtype=subtype, filename=attachment.filename,
                             params=params)
    return email


def _content_type(attachment: OutboxAttachment) -> tuple[str, dict]:
    """The text subtype and parameters of e.g. 'text/calendar; method=REQUEST'."""
    kind, *params = (part.strip() for part in attachment.content_type.split(";"))
    return kind.split("/", 1)[1], dict(p.split("=", 1) for p in params if p)


def release_stale_claims(now: datetime | None = None) -> int:
    """Mark deliveries a crashed worker left mid-send as failed: better than sending twice."""
    now = now or utcnow()
    result = db.session.execute(
        sa.update(OutboxDelivery)
        .where(OutboxDelivery.status == DeliveryStatus.SENDING,
               OutboxDelivery.claimed_at < now - STALE_CLAIM)
        .values(status=DeliveryStatus.FAILED,
                last_error="Doručovatel skončil během odesílání; zpráva nebyla odeslána znovu.")
    )
    db.session.commit()
    return result.rowcount


def deliver_due(now: datetime | None = None, batch: int = 200) -> dict[str, int]:
    """Send the deliveries that are due; counts of sent, failed, cancelled ones.

    While the server is unreachable nothing is claimed and no attempt is counted, so an
    outage of any length loses nothing; the next pass tries again.
    """
    now = now or utcnow()
    due_ids = db.session.scalars(
        sa.select(OutboxDelivery.id)
        .where(OutboxDelivery.status == DeliveryStatus.PENDING,
               OutboxDelivery.next_attempt_at <= now)
        .order_by(OutboxDelivery.id).limit(batch)).all()
    db.session.commit()
    counts = {"sent": 0, "failed": 0, "cancelled": 0}
    if not due_ids:
        return counts
    transport, claimed = transport_for(current_app.config), None
    try:
        transport.open()
        for claimed in filter(_claim, due_ids):
            counts[_send(claimed, transport, now)] += 1
    except TransportUnavailable as error:
        log.warning("mail server unavailable, will try again: %s", error)
        _unclaim(claimed)
    finally:
        transport.close()
    return counts


def _claim(delivery_id: int) -> bool:
    """Take a delivery for this worker; a conditional UPDATE, so two workers never both win."""
    result = db.session.execute(
        sa.update(OutboxDelivery)
        .where(OutboxDelivery.id == delivery_id, OutboxDelivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.SENDING, claimed_at=utcnow()))
    db.session.commit()
    return result.rowcount == 1


def _unclaim(delivery_id: int | None) -> None:
    """Give back the delivery the server went away during; no attempt is counted."""
    db.session.rollback()
    if delivery_id is not None:
        db.session.execute(
            sa.update(OutboxDelivery)
            .where(OutboxDelivery.id == delivery_id,
                   OutboxDelivery.status == DeliveryStatus.SENDING)
            .values(status=DeliveryStatus.PENDING))
        db.session.commit()


def _send(delivery_id: int, transport, now: datetime) -> str:
    delivery = db.session.get(OutboxDelivery, delivery_id)
    if delivery.member_id and not wants(delivery.member, delivery.message.category):
        delivery.status = DeliveryStatus.CANCELLED  # deactivated or opted out since queueing
        db.session.commit()
        return "cancelled"
    try:
        transport.send(_buildable(delivery), delivery.recipient)
    except UnbuildableMessage as error:
        return _give_up(delivery, str(error), now)
    except TransportUnavailable:
        raise
    except Exception as error:  # noqa: BLE001 - a failure of this one message
        log.warning("delivery %s to %s failed: %s", delivery.id, delivery.recipient, error)
        _schedule_retry(delivery, str(error) or error.__class__.__name__, now,
                        permanent=isinstance(error, PermanentFailure))
        db.session.commit()
        return "failed"
    delivery.status, delivery.sent_at = DeliveryStatus.SENT, utcnow()
    delivery.attempts += 1
    db.session.commit()
    return "sent"


class UnbuildableMessage(Exception):
    """The e-mail library refuses this message (e.g. a line break in a header): never retried."""


def _buildable(delivery: OutboxDelivery) -> EmailMessage:
    """The delivery's e-mail, built and serialised once to prove that it can be sent."""
    try:
        email = build_email(delivery, current_app.config)
        email.as_bytes()
    except (ValueError, TypeError, MessageError) as error:
        cause = str(error) or error.__class__.__name__
        raise UnbuildableMessage(f"Zprávu nelze sestavit: {cause}") from error
    return email


def _give_up(delivery: OutboxDelivery, error: str, now: datetime) -> str:
    """Fail a delivery that can never succeed, without retrying it."""
    log.warning("delivery %s to %s cannot be built: %s", delivery.id, delivery.recipient, error)
    _schedule_retry(delivery, error, now, permanent=True)
    db.session.commit()
    return "failed"


def _schedule_retry(delivery: OutboxDelivery, error: str, now: datetime, permanent: bool) -> None:
    """Back off exponentially (1 min, 2 min … at most 4 h); give up after the limit."""
    delivery.attempts += 1
    delivery.last_error = error[:500]
    if permanent or delivery.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        delivery.status = DeliveryStatus.FAILED
        return
    delay = min(timedelta(minutes=1) * 2 ** (delivery.attempts - 1), timedelta(hours=4))
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = now + delay


def retry_failed() -> int:
    """Queue every failed delivery again, with a fresh count of attempts."""
    result = db.session.execute(
        sa.update(OutboxDelivery).where(OutboxDelivery.status == DeliveryStatus.FAILED)
        .values(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=utcnow()))
    db.session.commit()
    return result.rowcount


def outbox_counts() -> dict[str, int]:
    """How many deliveries are in each state."""
    rows = db.session.execute(
        sa.select(OutboxDelivery.status, sa.func.count()).group_by(OutboxDelivery.status)
    )
    return {status.value: count for status, count in rows}
