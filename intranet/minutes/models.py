"""Minutes (one per meeting) and their revisions."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from ..accounts.models import Member
from ..database import UTCDateTime, str_enum, utcnow
from ..extensions import db
from ..files import StoredFile
from ..i18n import lazy_gettext as _l
from ..meetings.models import Meeting
from ..organisations.models import Organisation


class MinutesState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # waiting for approval
    APPROVED = "approved"
    PUBLISHED = "published"

    @property
    def label(self):
        return STATE_LABELS[self]


STATE_LABELS = {MinutesState.DRAFT: _l("rozepsaný"), MinutesState.SUBMITTED: _l("ke schválení"),
                MinutesState.APPROVED: _l("schválený"), MinutesState.PUBLISHED: _l("zveřejněný")}


class Minutes(db.Model):
    """The minutes of one meeting: the current text (and its rendering) and where it stands.

    `version` rises with every save: an editor sends the version it started from, and a save
    from an older one is refused instead of overwriting someone else's text.
    """

    # The archive finds published minutes in this index, never reading the long texts.
    __table_args__ = (sa.Index("ix_minutes_state_meeting_id", "state", "meeting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), unique=True)
    state: Mapped[MinutesState] = mapped_column(str_enum(MinutesState),
                                                default=MinutesState.DRAFT)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    html: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"))
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the latest correction

    meeting: Mapped[Meeting] = relationship()
    created_by: Mapped[Member] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[Member | None] = relationship(foreign_keys=[approved_by_id])
    published_by: Mapped[Member | None] = relationship(foreign_keys=[published_by_id])
    revisions: WriteOnlyMapped["MinutesRevision"] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", passive_deletes=True,
        order_by="MinutesRevision.number")


class MinutesRevision(db.Model):
    """A kept state of the text: who wrote it, when, and its rendering (made once, here).

    Saves by the same person within REVISION_SPAN of each other (autosave while typing) make
    one revision; anyone else's save, or a later one, starts the next.
    """

    __table_args__ = (sa.UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(
        sa.ForeignKey("minutes.id", ondelete="CASCADE"))
    number: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    html: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    correction: Mapped[str | None] = mapped_column(sa.String(300))  # why published text changed

    minutes: Mapped[Minutes] = relationship(back_populates="revisions")
    author: Mapped[Member] = relationship()


class MinutesReading(db.Model):
    """That a member has opened published minutes (the dashboard marks the others as new)."""

    __table_args__ = (sa.UniqueConstraint("member_id", "minutes_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id", ondelete="CASCADE"))
    minutes_id: Mapped[int] = mapped_column(
        sa.ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ActionItem(db.Model):
    """A task agreed at a meeting (úkol): what, who (a member or an organisation), by when.

    It belongs to the minutes that recorded it and to their group, and stays open, in the
    group's next programs and minutes, until someone marks it done.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(
        sa.ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("working_group.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id"), index=True)
    due_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_on: Mapped[date | None]
    done_comment: Mapped[str] = mapped_column(sa.String(500), default="")
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"))

    minutes: Mapped[Minutes] = relationship()
    member: Mapped[Member | None] = relationship(foreign_keys=[member_id])
    organisation: Mapped[Organisation | None] = relationship()


class Attachment(StoredFile, db.Model):
    """A file of a meeting or its minutes (a presentation, a photo of the flipchart, the signed
    attendance sheet), stored once by its content's SHA-256 under instance/attachments."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()


class MinutesReview(db.Model):
    """An attendee asked to read the draft before approval, and their answer: no remarks
    (an empty comment) or a comment. They answer from a signed link, without logging in."""

    __table_args__ = (sa.UniqueConstraint("minutes_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id"))
    deadline: Mapped[date]
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    member: Mapped[Member] = relationship()
