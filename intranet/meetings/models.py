"""Meetings, their program, members' answers and attendance, guests."""

import enum
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..accounts.models import Member
from ..database import UTCDateTime, now_parameter, str_enum, utcnow
from ..extensions import db
from ..groups.models import WorkingGroup
from ..i18n import gettext, in_prague
from ..i18n import lazy_gettext as _l
from ..text import fold


class MeetingStatus(enum.StrEnum):
    """What is stored; whether a meeting was held is derived (see Meeting.is_held)."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class MeetingState(enum.StrEnum):
    """What members see: planned, held (begun, with attendance), over without attendance."""

    PLANNED = "planned"
    HELD = "held"
    UNRECORDED = "unrecorded"
    CANCELLED = "cancelled"

    @property
    def label(self):
        return STATE_LABELS[self]


STATE_LABELS = {MeetingState.PLANNED: _l("naplánovaná"), MeetingState.HELD: _l("proběhla"),
                MeetingState.UNRECORDED: _l("bez zapsané docházky"),
                MeetingState.CANCELLED: _l("zrušená")}


class Answer(enum.StrEnum):
    COMING = "coming"
    EXCUSED = "excused"


class Presence(enum.StrEnum):
    PRESENT = "present"
    EXCUSED = "excused"
    ABSENT = "absent"

    @property
    def label(self):
        return {Presence.PRESENT: _l("účast"), Presence.EXCUSED: _l("omluva"),
                Presence.ABSENT: _l("absence")}[self]


def new_uid() -> str:
    return uuid.uuid4().hex


class Meeting(db.Model):
    __table_args__ = (
        sa.UniqueConstraint("group_id", "number"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_meeting_group_id_starts_at", "group_id", "starts_at"),  # a group's newest
        # Most meetings follow no other: a partial index, since SQLite's statistics count the
        # empty ones as equal and would have a meeting's page scan all meetings for the next.
        sa.Index("uq_meeting_previous_id", "previous_id", unique=True,
                 sqlite_where=sa.text("previous_id IS NOT NULL"),
                 postgresql_where=sa.text("previous_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("working_group.id"))
    number: Mapped[int]  # the group's meetings numbered by date: the 5th meeting is "č. 5"
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(sa.String(250))
    map_url: Mapped[str] = mapped_column(sa.String(500), default="")
    online_url: Mapped[str] = mapped_column(sa.String(500), default="")  # video call link
    search_key: Mapped[str] = mapped_column(sa.String(300), default="")  # the place, folded
    status: Mapped[MeetingStatus] = mapped_column(
        str_enum(MeetingStatus), default=MeetingStatus.SCHEDULED)
    uid: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_uid)  # iCalendar
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE, raised on changes
    version: Mapped[int] = mapped_column(default=1)  # a form carries it; stale saves get 409
    previous_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting.id"))
    organiser_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"))
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # invitations sent
    notified_sequence: Mapped[int] = mapped_column(default=0)  # what members' mail last said
    attendance_taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first record
    cancel_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[WorkingGroup] = relationship()
    organiser: Mapped[Member | None] = relationship()
    previous: Mapped["Meeting | None"] = relationship(
        remote_side="Meeting.id", back_populates="next_meeting")
    next_meeting: Mapped["Meeting | None"] = relationship(back_populates="previous")
    agenda: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan")
    participations: Mapped[list["Participation"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan")
    guests: Mapped[list["Guest"]] = relationship(
        back_populates="meeting", order_by="Guest.id", cascade="all, delete-orphan")

    @validates("place")
    def _keep_search_key(self, _key, value):
        self.search_key = fold(value)
        return value

    @hybrid_property
    def is_held(self) -> bool:
        """Held: not cancelled, begun, and attendance recorded (whenever it was recorded)."""
        return (self.status is MeetingStatus.SCHEDULED and self.attendance_taken_at is not None
                and self.starts_at <= utcnow())

    @is_held.inplace.expression
    @classmethod
    def _is_held_expression(cls):
        return sa.and_(cls.status == MeetingStatus.SCHEDULED,
                       cls.attendance_taken_at.is_not(None), cls.starts_at <= now_parameter())

    @hybrid_property
    def state(self) -> MeetingState:
        if self.status is MeetingStatus.CANCELLED:
            return MeetingState.CANCELLED
        if self.is_held:
            return MeetingState.HELD
        return MeetingState.UNRECORDED if self.ends_at <= utcnow() else MeetingState.PLANNED

    @state.inplace.expression
    @classmethod
    def _state_expression(cls):
        """The same in SQL, for lists that select only the columns they show."""
        return sa.type_coerce(sa.case(
            (cls.status == MeetingStatus.CANCELLED, MeetingState.CANCELLED.value),
            (cls.is_held, MeetingState.HELD.value),
            (cls.ends_at <= now_parameter(), MeetingState.UNRECORDED.value),
            else_=MeetingState.PLANNED.value), str_enum(MeetingState))

    @property
    def has_begun(self) -> bool:
        return self.starts_at <= utcnow()

    @property
    def accepts_answers(self) -> bool:
        """Members answer the invitation until the meeting ends (not once it is held)."""
        return self.state is MeetingState.PLANNED

    @property
    def update_pending(self) -> bool:
        """Invitations went out and the program changed since: members may be told once."""
        return (self.invited_at is not None and self.sequence > self.notified_sequence
                and self.status is MeetingStatus.SCHEDULED and not self.has_begun)

    @property
    def title(self) -> str:
        return gettext("PS %(group)s, schůzka č. %(number)d", group=self.group.title,
                       number=self.number)

    @property
    def local_day(self) -> date:
        """The day of the meeting in Prague (for grouping by day)."""
        return in_prague(self.starts_at).date()


class AgendaItem(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(250))
    duration_minutes: Mapped[int | None]

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")
    presenters: Mapped[list["Presenter"]] = relationship(
        order_by="Presenter.position", cascade="all, delete-orphan")


class Presenter(db.Model):
    """Who presents an item: a member (linked) or a guest named in free text."""

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_item.id"), index=True)
    position: Mapped[int]
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"))
    name: Mapped[str] = mapped_column(sa.String(200))  # as typed; the member's name if linked

    member: Mapped[Member | None] = relationship()


class Participation(db.Model):
    """A group member's answer to the invitation and their recorded attendance."""

    __table_args__ = (sa.UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id"), index=True)
    answer: Mapped[Answer | None] = mapped_column(str_enum(Answer))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    presence: Mapped[Presence | None] = mapped_column(str_enum(Presence))
    presence_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last invitation sent
    comment: Mapped[str] = mapped_column(sa.String(300), default="")  # e.g. with an excuse

    meeting: Mapped[Meeting] = relationship(back_populates="participations")
    member: Mapped[Member] = relationship()


class Guest(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="guests")
