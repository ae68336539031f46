"""The member lists (rozesílače), who receives them how, and every message posted to them."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, str_enum, utcnow
from ..extensions import db
from ..files import StoredFile


class ListKind(enum.StrEnum):
    TERRITORY = "territory"  # every active member
    GROUP = "group"  # a working group's members, in step with the group
    CUSTOM = "custom"  # made by an administrator; its members are its subscriptions


class Mode(enum.StrEnum):
    """How a member receives a list."""

    EACH = "each"  # every message by e-mail
    DIGEST = "digest"  # one e-mail a day with the day's messages
    WEB = "web"  # no e-mail: read on the web


class PostStatus(enum.StrEnum):
    HELD = "held"  # waits for a moderator
    POSTED = "posted"  # archived and sent to the list
    REJECTED = "rejected"  # the sender was told why
    DISCARDED = "discarded"  # dropped without a word (spam, a banned sender)


class HeldBecause(enum.StrEnum):
    """Why a post waits for a moderator (shown to them)."""

    MODERATED = "moderated"  # every post on the list waits
    STRANGER = "stranger"  # not from the address of someone on the list
    AUTOMATIC = "automatic"  # an out-of-office reply, or the list's own mail coming back
    UNVERIFIED = "unverified"  # a member's address, but nothing proves the mail is theirs
    FILES = "files"  # an attachment could not be kept (its type or size)


class SenderAction(enum.StrEnum):
    """What a list does with a sender's posts, whatever its other rules (a moderator's)."""

    ACCEPT = "accept"  # never held for moderation or for being a stranger to the list
    BAN = "ban"  # discarded without a word


class PostSource(enum.StrEnum):
    WEB = "web"
    EMAIL = "email"
    MINUTES = "minutes"  # posted by the intranet itself: minutes, a correction, a visit report


class MailingList(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(64), unique=True)  # the local part
    kind: Mapped[ListKind] = mapped_column(str_enum(ListKind))
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("working_group.id"), unique=True)
    description: Mapped[str] = mapped_column(sa.String(500), default="")
    moderated: Mapped[bool] = mapped_column(default=False)  # every post waits for a moderator
    reply_to_poster: Mapped[bool] = mapped_column(default=False)  # else replies go to the list
    # Mail from a member's address counts as theirs without the mail server's proof (only
    # when no server is trusted to check senders: MAIL_TRUSTED_AUTHSERV_ID).
    trusts_from_header: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped["WorkingGroup | None"] = relationship()  # noqa: F821


class Subscription(db.Model):
    """A member's choice of how to receive a list; on a custom list also the membership.

    On the territory's and the groups' lists membership follows the members and the groups,
    and a member without a row receives every message.
    """

    __table_args__ = (sa.UniqueConstraint("list_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(sa.ForeignKey("mailing_list.id"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id"), index=True)
    mode: Mapped[Mode] = mapped_column(str_enum(Mode), default=Mode.EACH)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SenderRule(db.Model):
    """A moderator's standing decision about one sender address on one list. It spares
    nobody the checks against forged mail: an accepted address must still be proven."""

    __table_args__ = (sa.UniqueConstraint("list_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(sa.ForeignKey("mailing_list.id"))
    email: Mapped[str] = mapped_column(sa.String(254))  # lower case
    action: Mapped[SenderAction] = mapped_column(str_enum(SenderAction, 20))
    moderator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ListPost(db.Model):
    """A message of a list, as its archive shows it; the e-mails are in the outbox."""

    __table_args__ = (
        sa.Index("ix_list_post_list_id_status_id", "list_id", "status", "id"),
        sa.Index("ix_list_post_list_id_status_thread_id", "list_id", "status", "thread_id"),
        sa.UniqueConstraint("list_id", "message_id"),  # one message may go to several lists
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(sa.ForeignKey("mailing_list.id"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"), index=True)
    sender_name: Mapped[str] = mapped_column(sa.String(200))
    sender_email: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)  # Markdown (web) or plain text (e-mail)
    body_html: Mapped[str] = mapped_column(sa.Text)  # sanitised
    source: Mapped[PostSource] = mapped_column(str_enum(PostSource))
    status: Mapped[PostStatus] = mapped_column(str_enum(PostStatus))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[str] = mapped_column(sa.String(300))  # <…@…>
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("list_post.id"))
    thread_id: Mapped[int | None] = mapped_column(sa.ForeignKey("list_post.id"), index=True)
    moderator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"))
    moderation_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    held_because: Mapped[HeldBecause | None] = mapped_column(str_enum(HeldBecause, 20))
    held_detail: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    outbox_message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox_message.id"))

    mailing_list: Mapped[MailingList] = relationship()
    author: Mapped["Member | None"] = relationship(foreign_keys=[author_id])  # noqa: F821
    attachments: Mapped[list["ListAttachment"]] = relationship(order_by="ListAttachment.id")


class ListAttachment(StoredFile, db.Model):
    """A file sent with a list message: linked from the e-mail, downloaded by the people on
    the list (stored once by its hash, see intranet/files.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("list_post.id"), index=True)


class ListDigest(db.Model):
    """The daily digest of a list for one day: its row is written with the digest's mail, so a
    day's digest goes out once."""

    __table_args__ = (sa.UniqueConstraint("list_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(sa.ForeignKey("mailing_list.id"))
    day: Mapped[date]
    messages: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
