"""The outbox: messages written in the same transaction as the change that caused them."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, str_enum, utcnow
from ..extensions import db


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # temporary failures until the attempt limit, or an unbuildable message
    BOUNCED = "bounced"  # the server refused it for good (5xx): never retried
    CANCELLED = "cancelled"  # the member was deactivated or opted out before it went


class OutboxMessage(db.Model):
    """One message, stored once whatever the number of its recipients (its deliveries).

    What differs per recipient (To, the Message-ID of a personal message, a list's
    unsubscribe link) is filled in when the deliverer builds the e-mail.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    category: Mapped[str] = mapped_column(sa.String(30))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    reply_to: Mapped[str] = mapped_column(sa.String(300), default="")  # e.g. the organiser
    # A list message: From is the list (with the poster's name), its own headers (List-Id …)
    # and one Message-ID for every copy; per recipient an unsubscribe link (see deliverer).
    from_name: Mapped[str] = mapped_column(sa.String(200), default="")
    from_address: Mapped[str] = mapped_column(sa.String(254), default="")  # default MAIL_FROM
    message_id: Mapped[str] = mapped_column(sa.String(300), default="")  # default per delivery
    headers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    list_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mailing_list.id"), index=True)
    # A message rendered once for many people, with placeholders for what is theirs (answer
    # links, the calendar's attendee): which personaliser fills them in, e.g.
    # {"kind": "meeting", "meeting_id": 5, "method": "REQUEST"} (see deliverer.py).
    personal: Mapped[dict | None] = mapped_column(sa.JSON)

    deliveries: Mapped[list["OutboxDelivery"]] = relationship(back_populates="message")
    attachments: Mapped[list["OutboxAttachment"]] = relationship(
        order_by="OutboxAttachment.id", cascade="all, delete-orphan")


class OutboxAttachment(db.Model):
    """A file sent with a message, e.g. a calendar invitation (text/calendar)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox_message.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(200))  # e.g. text/calendar; method=REQUEST
    content: Mapped[str] = mapped_column(sa.Text)


class OutboxDelivery(db.Model):
    """One message to one recipient; the unique pair keeps a message from going twice."""

    __table_args__ = (
        sa.UniqueConstraint("message_id", "recipient"),
        sa.Index("ix_outbox_delivery_due", "status", "next_attempt_at"),
        sa.Index("ix_outbox_delivery_message_id_status", "message_id", "status"),  # progress
        # A member's deliveries (by state and time: e.g. the streaks' first filling).
        sa.Index("ix_outbox_delivery_member_id_status", "member_id", "status", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox_message.id"))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"))
    status: Mapped[DeliveryStatus] = mapped_column(
        str_enum(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(32))  # the deliverer's batch
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")

    message: Mapped[OutboxMessage] = relationship(back_populates="deliveries")
    member: Mapped["Member | None"] = relationship()  # noqa: F821 - accounts.models.Member


class BounceStreak(db.Model):
    """A member whose mail the receiving server refused for good, and whom nothing has reached
    since: how many refusals in a row, since when, the last error. The deliverer keeps it (a
    message that gets through ends the streak), so the administrator's list of unreachable
    members reads these few rows, not the deliveries (the bounced ones alone grow with
    every message to everyone)."""

    member_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id"), primary_key=True)
    bounces: Mapped[int]
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")

    member: Mapped["Member"] = relationship()  # noqa: F821 - accounts.models.Member


class DailyNotice(db.Model):
    """A mail a member gets at most once a (Prague) day, e.g. "Čeká na vás": the row is
    claimed before the mail is queued, in the same transaction."""

    member_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
