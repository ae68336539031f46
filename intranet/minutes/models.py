"""Minutes (one per meeting) and their revisions."""

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from ..accounts.models import Member
from ..database import UTCDateTime, str_enum, utcnow
from ..extensions import db
from ..meetings.models import Meeting


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
