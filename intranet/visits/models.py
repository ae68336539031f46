"""Exchange internships and study visits, their dates (slots), sign-ups and reports."""

import enum
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Member
from ..database import UTCDateTime, str_enum, utcnow
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..organisations.models import Organisation


class VisitKind(enum.StrEnum):
    INTERNSHIP = "internship"
    STUDY_VISIT = "study_visit"

    @property
    def label(self):
        return KIND_LABELS[self]


KIND_LABELS = {VisitKind.INTERNSHIP: _l("výměnná stáž"), VisitKind.STUDY_VISIT: _l("exkurze")}


def kind_labels() -> dict[VisitKind, str]:
    """Each kind's label as a list shows it ("Exkurze"), translated once for the whole list
    (templates: kind_labels)."""
    return {kind: str(label).capitalize() for kind, label in KIND_LABELS.items()}


class Status(enum.StrEnum):
    """A sign-up: a place, a place on the waitlist, or cancelled (by the member or the
    organiser)."""

    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


ACTIVE = (Status.CONFIRMED, Status.WAITING)
HOME_COUNTRY = "Česko"  # not repeated beside each host


class Visit(db.Model):
    __table_args__ = (
        sa.CheckConstraint("org_limit IS NULL OR org_limit > 0", name="org_limit_positive"),
        sa.CheckConstraint("host_organisation_id IS NOT NULL OR host_name <> ''",
                           name="has_host"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[VisitKind] = mapped_column(str_enum(VisitKind))
    title: Mapped[str] = mapped_column(sa.String(200))
    host_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id"), index=True)
    host_name: Mapped[str] = mapped_column(sa.String(200), default="")  # a host outside
    address: Mapped[str] = mapped_column(sa.String(250), default="")
    country: Mapped[str] = mapped_column(sa.String(80), default=HOME_COUNTRY)
    description: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown
    contact: Mapped[str] = mapped_column(sa.String(250), default="")
    practical: Mapped[str] = mapped_column(sa.Text, default="")  # travel, cost, language
    deadline: Mapped[date]  # the last day to sign up
    org_limit: Mapped[int | None]  # at most this many people of one organisation
    starts_on: Mapped[date] = mapped_column(index=True)  # of the earliest slot
    ends_on: Mapped[date] = mapped_column(index=True)  # of the latest slot
    organiser_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id"), index=True)
    uid: Mapped[str] = mapped_column(sa.String(64), unique=True,
                                     default=lambda: uuid.uuid4().hex)  # iCalendar
    search_key: Mapped[str] = mapped_column(sa.String(420), default="")  # title and host, folded
    changes: Mapped[int] = mapped_column(default=0)  # raised by every sign-up: a row lock
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the final list
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    host_organisation: Mapped[Organisation | None] = relationship()
    organiser: Mapped[Member] = relationship()
    slots: Mapped[list["VisitSlot"]] = relationship(
        back_populates="visit", order_by="(VisitSlot.starts_on, VisitSlot.id)",
        cascade="all, delete-orphan")

    @property
    def abroad(self) -> bool:
        return self.country != HOME_COUNTRY

    @property
    def host(self) -> str:
        """The host's name: the organisation's from the directory, or as typed."""
        return self.host_organisation.name if self.host_organisation else self.host_name

    def slot(self, slot_id: int) -> "VisitSlot | None":
        """The visit's date with this id (a sign-up's date, in lists of people)."""
        return next((slot for slot in self.slots if slot.id == slot_id), None)


class VisitSlot(db.Model):
    """One date (or range of days) of a visit, with its own places."""

    __table_args__ = (
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("taken >= 0 AND taken <= capacity", name="taken_within_capacity"),
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    starts_on: Mapped[date] = mapped_column(index=True)  # the register, newest first
    ends_on: Mapped[date]
    capacity: Mapped[int]
    taken: Mapped[int] = mapped_column(default=0)  # confirmed places
    last_number: Mapped[int] = mapped_column(default=0)  # sign-ups numbered in their order

    visit: Mapped[Visit] = relationship(back_populates="slots")

    @property
    def free(self) -> int:
        return self.capacity - self.taken


class Registration(db.Model):
    """A member's sign-up for one slot of a visit (one per visit and member)."""

    __table_args__ = (sa.UniqueConstraint("visit_id", "member_id"),
                      sa.UniqueConstraint("slot_id", "number"),
                      sa.Index("ix_registration_slot_status_number", "slot_id", "status",
                               "number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"))
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("visit_slot.id"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id"), index=True)
    # The member's organisation when they went (the register stays right if they move).
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    status: Mapped[Status] = mapped_column(str_enum(Status))
    number: Mapped[int]  # the order of sign-ups within the slot: the waitlist's order
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    signed_up_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sequence: Mapped[int] = mapped_column(default=0)  # the member's calendar entry's version

    visit: Mapped[Visit] = relationship()
    slot: Mapped[VisitSlot] = relationship()
    member: Mapped[Member] = relationship()
    organisation: Mapped[Organisation] = relationship()


class VisitReport(db.Model):
    """What a participant brought back, for all members to read."""

    __table_args__ = (sa.UniqueConstraint("visit_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id"))
    text: Mapped[str] = mapped_column(sa.Text)  # Markdown
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # posted to the list

    visit: Mapped[Visit] = relationship()
    member: Mapped[Member] = relationship()
