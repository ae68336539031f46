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
from ..i18n import in_prague, local_to_utc
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
    """A cancelled meeting takes no changes, answers or attendance."""


class AlreadyPlanned(Exception):
    """The meeting already has a next meeting."""


class NotInvited(Exception):
    """Attendance is recorded only for the meeting's expected participants."""


@dataclass
class Details:
    """What the scheduling form sets: when and where."""

    starts_at: datetime
    ends_at: datetime
    place: str
    map_url: str = ""


# --- reading ------------------------------------------------------------------------------

def _with_group():
    """Meetings are shown with their group and organiser (the calendar's ORGANIZER)."""
    return joinedload(Meeting.group), joinedload(Meeting.organiser)


def get_meeting(meeting_id: int) -> Meeting:
    """A meeting with its group, program and presenters, and the linked meetings, or 404."""
    return db.first_or_404(
        sa.select(Meeting)
        .options(*_with_group(), joinedload(Meeting.previous), joinedload(Meeting.next_meeting),
                 selectinload(Meeting.agenda).selectinload(AgendaItem.presenters)
                 .joinedload(Presenter.member), raiseload("*"))
        .where(Meeting.id == meeting_id))


def find_meeting(meeting_id: int) -> Meeting | None:
    """A meeting with its group, or None (for links that must not 404 with details)."""
    return db.session.scalar(sa.select(Meeting).options(
        *_with_group(), selectinload(Meeting.agenda)).where(Meeting.id == meeting_id))


def group_meetings(group: WorkingGroup) -> sa.Select:
    return (sa.select(Meeting).options(*_with_group(), raiseload("*"))
            .where(Meeting.group_id == group.id).order_by(Meeting.starts_at.desc()))


def meeting_query(group_id: int | None = None, start: datetime | None = None,
                  end: datetime | None = None) -> sa.Select:
    """Meetings in a period (for the calendar list), optionally of one group, by time."""
    query = sa.select(Meeting).options(*_with_group(), raiseload("*")).order_by(Meeting.starts_at)
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
             previous: Meeting | None = None, program: list[str] = ()) -> Meeting:
    """Create the meeting with its program and invite the group's members.

    The members invited are remembered as the meeting's expected participants.
    """
    if previous is not None and planned_next(previous) is not None:
        raise AlreadyPlanned
    members = active_members(group.id)
    meeting = Meeting(group=group, number=_next_number(group), organiser=organiser,
                      previous=previous, starts_at=details.starts_at, ends_at=details.ends_at,
                      place=details.place, map_url=details.map_url)
    meeting.agenda = [AgendaItem(position=n, title=title) for n, title in enumerate(program, 1)]
    meeting.participations = [Participation(member_id=m.id) for m in members]
    db.session.add(meeting)
    db.session.flush()
    if notifications.within_reminder_time(meeting, utcnow()):
        meeting.reminder_sent_at = utcnow()  # the invitation is reminder enough
    notifications.invite(meeting, members)
    db.session.commit()
    return meeting


def planned_next(meeting: Meeting) -> Meeting | None:
    """The follow-up meeting, unless it was cancelled."""
    following = meeting.next_meeting
    return following if following and following.status is not MeetingStatus.CANCELLED else None


def ensure_open(meeting: Meeting) -> None:
    """Raise MeetingCancelled (carrying the meeting) for a cancelled meeting."""
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingCancelled(meeting)


def change(meeting: Meeting, details: Details, version: int | None,
           confirmed: bool = False) -> bool:
    """Save new time or place; members get an update when either changed. True if changed."""
    ensure_open(meeting)
    if version != meeting.version:
        raise StaleEdit
    moved = (details.starts_at, details.ends_at) != (meeting.starts_at, meeting.ends_at)
    relocated = details.place != meeting.place or details.map_url != meeting.map_url
    if moved and meeting.status is MeetingStatus.HELD and not confirmed:
        raise NeedsConfirmation
    if not (moved or relocated):
        return False
    if details.starts_at != meeting.starts_at:
        meeting.reminder_sent_at = None  # remind again before the new date
    for name in ("starts_at", "ends_at", "place", "map_url"):
        setattr(meeting, name, getattr(details, name))
    meeting.sequence += 1
    meeting.version += 1
    notifications.update(meeting, active_members(meeting.group_id))
    db.session.commit()
    return True


def cancel(meeting: Meeting) -> None:
    """Cancel the meeting; members' calendars get a cancellation.

    A cancelled follow-up is unlinked, so that another next meeting can be planned.
    """
    if meeting.status is MeetingStatus.CANCELLED:
        return
    meeting.status = MeetingStatus.CANCELLED
    meeting.previous_id = None
    meeting.sequence += 1
    meeting.version += 1
    notifications.cancel(meeting, active_members(meeting.group_id))
    db.session.commit()


def suggested_next(meeting: Meeting) -> Details:
    """The follow-up's defaults: same place and wall-clock hours, four weeks later."""
    start, end = (in_prague(t) for t in (meeting.starts_at, meeting.ends_at))
    day = start.date() + timedelta(weeks=4)
    return Details(starts_at=local_to_utc(day, start.time()),
                   ends_at=local_to_utc(day, end.time()),
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
    ensure_open(meeting)
    participation = _participation(meeting.id, member_id)
    participation.answer, participation.answered_at = value, utcnow()
    db.session.commit()


def answer_of(meeting: Meeting, member: Member) -> Answer | None:
    return db.session.scalar(sa.select(Participation.answer).where(
        Participation.meeting_id == meeting.id, Participation.member_id == member.id))


def record_presence(meeting: Meeting, member_id: int, presence: Presence) -> None:
    """One tap on the attendance list, saved at once; a meeting that has begun counts as held."""
    ensure_open(meeting)
    expected = {row.member.id for row in attendance_rows(meeting)}
    if member_id not in expected:
        raise NotInvited
    if meeting.starts_at <= utcnow() and meeting.status is MeetingStatus.SCHEDULED:
        _freeze_expected(meeting, expected)
    participation = _participation(meeting.id, member_id)
    participation.presence, participation.presence_recorded_at = presence, utcnow()
    db.session.commit()


def _freeze_expected(meeting: Meeting, expected: set[int]) -> None:
    """The meeting is held: from now on its expected participants no longer follow the group."""
    recorded = set(db.session.scalars(sa.select(Participation.member_id).where(
        Participation.meeting_id == meeting.id)))
    db.session.add_all(Participation(meeting_id=meeting.id, member_id=member_id)
                       for member_id in expected - recorded)
    meeting.status = MeetingStatus.HELD


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


def attendance_rows(meeting: Meeting, member_id: int | None = None) -> list[Row]:
    """The expected participants (invited, or recorded), by name; optionally just one.

    Until the meeting is held, members who joined the group since are expected too.
    """
    query = (sa.select(Participation).where(Participation.meeting_id == meeting.id)
             .options(joinedload(Participation.member).joinedload(Member.organisation),
                      raiseload("*")))
    if member_id is not None:
        query = query.where(Participation.member_id == member_id)
    participations = db.session.scalars(query).all()
    by_member = {p.member_id: p for p in participations}
    members = {p.member_id: p.member for p in participations}
    if meeting.status is MeetingStatus.SCHEDULED:
        members |= {m.id: m for m in active_members(meeting.group_id)
                    if member_id in (None, m.id) and m.id not in members}
    rows = [Row(m, by_member[m.id].answer if m.id in by_member else None,
                by_member[m.id].presence if m.id in by_member else None)
            for m in members.values()]
    return sorted(rows, key=lambda r: (r.member.last_name, r.member.first_name))


def add_guest(meeting: Meeting, name: str, organisation: str) -> Guest:
    ensure_open(meeting)
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
