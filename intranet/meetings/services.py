"""Meetings: listing, scheduling, changing, cancelling, answers and attendance."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, raiseload, selectinload

from ..accounts.models import Member
from ..database import utcnow
from ..extensions import db
from ..groups.models import GroupMembership, WorkingGroup
from ..groups.services import active_members
from . import notifications
from .models import (
    AgendaItem,
    Answer,
    Guest,
    Meeting,
    MeetingStatus,
    Participation,
    Presence,
    Presenter,
)


class StaleEdit(Exception):
    """Someone else saved the meeting since this form was opened."""


class NeedsConfirmation(Exception):
    """Changing the time of a meeting that was already held must be confirmed."""


class MeetingCancelled(Exception):
    """Attendance and answers are closed for a cancelled meeting."""


@dataclass
class Details:
    """What the scheduling form sets: when and where."""

    starts_at: datetime
    ends_at: datetime
    place: str
    map_url: str = ""


# --- reading ------------------------------------------------------------------------------

def _with_group():
    return joinedload(Meeting.group)


def get_meeting(meeting_id: int) -> Meeting:
    """A meeting with its group, program and presenters, and the linked meetings, or 404."""
    return db.first_or_404(
        sa.select(Meeting)
        .options(_with_group(), joinedload(Meeting.previous), joinedload(Meeting.next_meeting),
                 selectinload(Meeting.agenda).selectinload(AgendaItem.presenters)
                 .joinedload(Presenter.member), raiseload("*"))
        .where(Meeting.id == meeting_id))


def find_meeting(meeting_id: int) -> Meeting | None:
    """A meeting with its group, or None (for links that must not 404 with details)."""
    return db.session.scalar(sa.select(Meeting).options(
        _with_group(), selectinload(Meeting.agenda)).where(Meeting.id == meeting_id))


def in_group(member_id: int, group_id: int) -> bool:
    """Whether an active member belongs to the group."""
    return db.session.scalar(
        sa.select(GroupMembership.id).join(Member, Member.id == GroupMembership.member_id)
        .where(GroupMembership.group_id == group_id, GroupMembership.member_id == member_id,
               Member.deactivated_at.is_(None))) is not None


def group_meetings(group: WorkingGroup) -> sa.Select:
    return (sa.select(Meeting).options(_with_group(), raiseload("*"))
            .where(Meeting.group_id == group.id).order_by(Meeting.starts_at.desc()))


def meeting_query(group_id: int | None = None, start: datetime | None = None,
                  end: datetime | None = None) -> sa.Select:
    """Meetings in a period (for the calendar list), optionally of one group, by time."""
    query = sa.select(Meeting).options(_with_group(), raiseload("*")).order_by(Meeting.starts_at)
    if group_id:
        query = query.where(Meeting.group_id == group_id)
    if start:
        query = query.where(Meeting.starts_at >= start)
    if end:
        query = query.where(Meeting.starts_at < end)
    return query


def meetings_of_member(member: Member) -> sa.Select:
    """Meetings of every group the member belongs to."""
    groups = sa.select(GroupMembership.group_id).where(GroupMembership.member_id == member.id)
    return meeting_query().where(Meeting.group_id.in_(groups))


FEED_PAST = timedelta(days=180)


def feed_meetings(member: Member) -> list[Meeting]:
    """The member's groups' meetings from half a year back, with their programs."""
    query = meetings_of_member(member).where(Meeting.starts_at >= utcnow() - FEED_PAST)
    return db.session.scalars(query.options(
        selectinload(Meeting.agenda).selectinload(AgendaItem.presenters))).all()


def upcoming_for(member: Member, limit: int = 5) -> list[Meeting]:
    query = meetings_of_member(member).where(
        Meeting.ends_at >= utcnow(), Meeting.status == MeetingStatus.SCHEDULED)
    return db.session.scalars(query.limit(limit)).all()


# --- scheduling and changing --------------------------------------------------------------

def _next_number(group: WorkingGroup) -> int:
    """The group's next meeting number: an atomic increment, unique under concurrency."""
    db.session.execute(
        sa.update(WorkingGroup).where(WorkingGroup.id == group.id)
        .values(last_meeting_number=WorkingGroup.last_meeting_number + 1))
    return db.session.scalar(
        sa.select(WorkingGroup.last_meeting_number).where(WorkingGroup.id == group.id))


def schedule(group: WorkingGroup, organiser: Member, details: Details,
             previous: Meeting | None = None) -> Meeting:
    """Create the meeting and invite the group's members."""
    meeting = Meeting(group=group, number=_next_number(group), organiser=organiser,
                      previous=previous, starts_at=details.starts_at, ends_at=details.ends_at,
                      place=details.place, map_url=details.map_url)
    db.session.add(meeting)
    db.session.flush()
    notifications.invite(meeting, active_members(group.id))
    db.session.commit()
    return meeting


def change(meeting: Meeting, details: Details, version: int, confirmed: bool = False) -> bool:
    """Save new time or place; members get an update when either changed. True if changed."""
    if version != meeting.version:
        raise StaleEdit
    moved = (details.starts_at, details.ends_at) != (meeting.starts_at, meeting.ends_at)
    relocated = details.place != meeting.place or details.map_url != meeting.map_url
    if moved and meeting.status is MeetingStatus.HELD and not confirmed:
        raise NeedsConfirmation
    if not (moved or relocated):
        return False
    for name in ("starts_at", "ends_at", "place", "map_url"):
        setattr(meeting, name, getattr(details, name))
    meeting.sequence += 1
    meeting.version += 1
    notifications.update(meeting, active_members(meeting.group_id))
    db.session.commit()
    return True


def cancel(meeting: Meeting) -> None:
    """Cancel the meeting; members' calendars get a cancellation."""
    if meeting.status is MeetingStatus.CANCELLED:
        return
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.version += 1
    notifications.cancel(meeting, active_members(meeting.group_id))
    db.session.commit()


def suggested_next(meeting: Meeting) -> Details:
    """The follow-up's defaults: same place and hours, four weeks later."""
    return Details(starts_at=meeting.starts_at + timedelta(weeks=4),
                   ends_at=meeting.ends_at + timedelta(weeks=4),
                   place=meeting.place, map_url=meeting.map_url)


# --- answers and attendance ---------------------------------------------------------------

def _participation(meeting_id: int, member_id: int) -> Participation:
    found = db.session.scalar(sa.select(Participation).where(
        Participation.meeting_id == meeting_id, Participation.member_id == member_id))
    if found is None:
        found = Participation(meeting_id=meeting_id, member_id=member_id)
        db.session.add(found)
    return found


def answer(meeting: Meeting, member_id: int, value: Answer) -> None:
    """The member's "přijdu" / "omlouvám se"; an excuse also pre-fills the attendance."""
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingCancelled
    participation = _participation(meeting.id, member_id)
    participation.answer, participation.answered_at = value, utcnow()
    db.session.commit()


def answer_of(meeting: Meeting, member: Member) -> Answer | None:
    return db.session.scalar(sa.select(Participation.answer).where(
        Participation.meeting_id == meeting.id, Participation.member_id == member.id))


def record_presence(meeting: Meeting, member_id: int, presence: Presence) -> None:
    """One tap on the attendance list, saved at once; the meeting counts as held."""
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingCancelled
    participation = _participation(meeting.id, member_id)
    participation.presence, participation.presence_recorded_at = presence, utcnow()
    meeting.status = MeetingStatus.HELD
    db.session.commit()


@dataclass
class Row:
    """One line of the attendance list or sheet."""

    member: Member
    answer: Answer | None
    presence: Presence | None

    @property
    def shown_presence(self) -> Presence | None:
        """The recorded presence, else an excuse taken from the member's answer."""
        if self.presence is None and self.answer is Answer.EXCUSED:
            return Presence.EXCUSED
        return self.presence


def attendance_rows(meeting: Meeting) -> list[Row]:
    """Every current group member and anyone recorded for the meeting, by name."""
    participations = db.session.scalars(
        sa.select(Participation).where(Participation.meeting_id == meeting.id)
        .options(joinedload(Participation.member).joinedload(Member.organisation),
                 raiseload("*"))).all()
    by_member = {p.member_id: p for p in participations}
    members = {m.id: m for m in active_members(meeting.group_id)}
    members.update({p.member_id: p.member for p in participations})
    rows = [Row(m, by_member[m.id].answer if m.id in by_member else None,
                by_member[m.id].presence if m.id in by_member else None)
            for m in members.values()]
    return sorted(rows, key=lambda r: (r.member.last_name, r.member.first_name))


def add_guest(meeting: Meeting, name: str, organisation: str) -> Guest:
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingCancelled
    guest = Guest(meeting_id=meeting.id, name=name, organisation=organisation)
    db.session.add(guest)
    db.session.commit()
    return guest


def remove_guest(meeting: Meeting, guest_id: int) -> None:
    db.session.execute(sa.delete(Guest).where(Guest.id == guest_id,
                                              Guest.meeting_id == meeting.id))
    db.session.commit()


def guests_of(meeting: Meeting) -> list[Guest]:
    return db.session.scalars(sa.select(Guest).where(Guest.meeting_id == meeting.id)
                              .order_by(Guest.id)).all()
