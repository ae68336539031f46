"""Meetings: listing, scheduling, changing, cancelling and deleting; their numbers."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload, raiseload, selectinload

from ..accounts.models import Member
from ..database import found_or_404, prebuilt, rows_of, utcnow
from ..extensions import db
from ..groups.models import GroupMembership, WorkingGroup
from ..groups.services import active_members
from ..i18n import in_prague, local_to_utc
from ..text import like_pattern
from . import notifications
from .models import AgendaItem, Guest, Meeting, MeetingStatus, Participation, Presenter

FURTHEST_AHEAD = timedelta(days=2 * 365)


class StaleEdit(Exception):
    """Someone else saved the meeting since this form was opened."""


class NeedsConfirmation(Exception):
    """Changing the time of a meeting that was already held must be confirmed."""


class MeetingCancelled(Exception):
    """A cancelled meeting takes no changes, answers or attendance."""


class AlreadyPlanned(Exception):
    """The meeting already has a next meeting."""


class NotDeletable(Exception):
    """Invitations went out or attendance was taken: the meeting can only be cancelled."""


class AlreadyHeld(Exception):
    """A meeting that took place (it has attendance) cannot be cancelled."""


@dataclass
class Details:
    """What the scheduling form sets: when and where."""

    starts_at: datetime
    ends_at: datetime
    place: str
    map_url: str = ""
    online_url: str = ""


# --- date rules (the forms show them at the date field) -----------------------------------

def too_far_ahead(starts_at: datetime) -> bool:
    """Meetings are planned at most about two years ahead (a typo such as 2099 is caught)."""
    return starts_at > utcnow() + FURTHEST_AHEAD


def in_the_past(starts_at: datetime) -> bool:
    return starts_at < utcnow()


# --- reading ------------------------------------------------------------------------------

def _with_group():
    """Meetings are shown with their group and organiser (the calendar's ORGANIZER)."""
    return joinedload(Meeting.group), joinedload(Meeting.organiser)


def get_meeting(meeting_id: int, details: bool = True, program: bool = True) -> Meeting:
    """A meeting with its group and, with `details`, its organiser and the linked meetings,
    and its program with the presenters unless `program` is False (a page that shows it reads
    program_rows); or 404."""
    return found_or_404(_meeting(details, details and program), {"meeting_id": meeting_id})


@prebuilt
def _meeting(details: bool, program: bool) -> sa.Select:
    loaded = ([*_with_group(), joinedload(Meeting.previous), joinedload(Meeting.next_meeting)]
              if details else [joinedload(Meeting.group)])
    if program:
        loaded.append(joinedload(Meeting.agenda).joinedload(AgendaItem.presenters))
    return (sa.select(Meeting).options(*loaded, raiseload("*"))
            .where(Meeting.id == sa.bindparam("meeting_id")))


@dataclass
class ProgramItem:
    """An item of a meeting's program as its page shows it, with its presenters' rows
    (member_id, name)."""

    id: int
    position: int
    title: str
    duration_minutes: int | None
    presenters: list[sa.Row]


def program_rows(meeting_id: int) -> list[ProgramItem]:
    """The meeting's program in order, each item with its presenters, from one select of
    plain rows: reading them as records cost the meeting's page 0.2–0.4 ms."""
    items: dict[int, ProgramItem] = {}
    for row in rows_of(_program(), {"meeting_id": meeting_id}):
        item = items.get(row.id)
        if item is None:
            item = items[row.id] = ProgramItem(row.id, row.position, row.title,
                                                row.duration_minutes, [])
        if row.name is not None:
            item.presenters.append(row)
    return list(items.values())


@prebuilt
def _program() -> sa.Select:
    return (sa.select(AgendaItem.id, AgendaItem.position, AgendaItem.title,
                      AgendaItem.duration_minutes, Presenter.member_id, Presenter.name)
            .outerjoin(Presenter, Presenter.item_id == AgendaItem.id)
            .where(AgendaItem.meeting_id == sa.bindparam("meeting_id"))
            .order_by(AgendaItem.position, Presenter.position))


def find_meeting(meeting_id: int) -> Meeting | None:
    """A meeting with its group, or None (for links that must not 404 with details)."""
    return db.session.scalar(sa.select(Meeting).options(
        *_with_group(), selectinload(Meeting.agenda)).where(Meeting.id == meeting_id))


def group_meetings(group: WorkingGroup) -> tuple[sa.Select, dict]:
    """The group's meetings, newest first (shown on the group's page), as rows (see
    meeting_rows), and the values of its parameters."""
    return _group_meetings(), {"group_id": group.id}


@prebuilt
def _group_meetings() -> sa.Select:
    return (sa.select(*MEETING_ROW).where(Meeting.group_id == sa.bindparam("group_id"))
            .order_by(Meeting.starts_at.desc()))


# What a list of meetings shows of each (rows, not whole records).
MEETING_ROW = (Meeting.id, Meeting.number, Meeting.starts_at, Meeting.ends_at, Meeting.place,
               Meeting.state.label("state"), Meeting.group_id)


@dataclass
class Filters:
    """What the meeting list is narrowed to."""

    group_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    member: Member | None = None  # only this member's groups
    q: str = ""  # group number or name, or place

    def shape(self) -> tuple[bool, ...]:
        """Which filters are set: the statement is prebuilt for each combination."""
        return (bool(self.group_id), bool(self.start), bool(self.end),
                self.member is not None, bool(self.q.strip()))

    def params(self) -> dict:
        return {"group_id": self.group_id, "start": self.start, "end": self.end,
                "member_id": self.member.id if self.member is not None else None,
                "pattern": like_pattern(self.q) if self.q.strip() else None}


def meeting_query(filters: Filters) -> tuple[sa.Select, dict]:
    """Meetings with their groups by time, narrowed by group, period, the member's groups and
    a search; and the values of its parameters."""
    return _meeting_query(*filters.shape()), filters.params()


@prebuilt
def _meeting_query(*shape: bool) -> sa.Select:
    return _filtered(sa.select(Meeting).options(joinedload(Meeting.group), raiseload("*")),
                     *shape)


def meeting_rows(filters: Filters) -> tuple[sa.Select, dict]:
    """The same as rows of what a list shows: MEETING_ROW, group_number and group_name."""
    return _meeting_rows(*filters.shape()), filters.params()


@prebuilt
def _meeting_rows(*shape: bool) -> sa.Select:
    return _filtered(sa.select(*MEETING_ROW, WorkingGroup.number.label("group_number"),
                               WorkingGroup.name.label("group_name"))
                     .join(WorkingGroup, WorkingGroup.id == Meeting.group_id), *shape)


def _filtered(query: sa.Select, group: bool, start: bool, end: bool, member: bool,
              q: bool) -> sa.Select:
    """The query narrowed by the filters that are set (Filters.shape), their values left as
    parameters (Filters.params)."""
    query = query.order_by(Meeting.starts_at)
    if group:
        query = query.where(Meeting.group_id == sa.bindparam("group_id"))
    if start:
        query = query.where(Meeting.starts_at >= sa.bindparam("start"))
    if end:
        query = query.where(Meeting.starts_at < sa.bindparam("end"))
    if member:
        query = query.where(Meeting.group_id.in_(
            sa.select(GroupMembership.group_id)
            .where(GroupMembership.member_id == sa.bindparam("member_id"))))
    if q:
        pattern = sa.bindparam("pattern")
        matching_groups = sa.select(WorkingGroup.id).where(
            WorkingGroup.search_key.like(pattern, escape="\\"))
        query = query.where(sa.or_(Meeting.search_key.like(pattern, escape="\\"),
                                   Meeting.group_id.in_(matching_groups)))
    return query


FEED_PAST = timedelta(days=180)


def feed_meetings(member: Member, group_id: int | None = None) -> list[Meeting]:
    """Meetings from half a year back, with their programs: the member's groups, or one group."""
    filters = Filters(group_id=group_id) if group_id else Filters(member=member)
    filters.start = utcnow() - FEED_PAST
    query, params = meeting_query(filters)
    return db.session.scalars(query.options(
        joinedload(Meeting.organiser),
        selectinload(Meeting.agenda).selectinload(AgendaItem.presenters)), params).all()


def has_upcoming(group_id: int) -> bool:
    """Whether the group has a meeting still to come (it cannot be archived then)."""
    return db.session.scalar(sa.select(sa.exists().where(
        Meeting.group_id == group_id, Meeting.status == MeetingStatus.SCHEDULED,
        Meeting.starts_at > utcnow())))


LONGEST_MEETING = timedelta(days=1)  # from–to on one date


def upcoming_for(member: Member, limit: int = 5) -> list[sa.Row]:
    """The member's meetings not over yet, soonest first, as rows (meeting_rows). The index
    on the start is read from a day back: not from the group's first meeting years ago."""
    now = utcnow()
    query, params = meeting_rows(Filters(member=member, start=now - LONGEST_MEETING))
    return rows_of(_upcoming(query), {**params, "now": now, "limit": limit}).all()


@prebuilt
def _upcoming(query: sa.Select) -> sa.Select:
    return query.where(Meeting.ends_at >= sa.bindparam("now"),
                       Meeting.status == MeetingStatus.SCHEDULED).limit(sa.bindparam("limit"))


# --- numbering ----------------------------------------------------------------------------

def _next_number(group_id: int) -> int:
    """The group's next free meeting number (č. 1 the first scheduled). A number, once
    given, never changes: invitations and minutes that name it stay right. Taken by one
    UPDATE of the group's row, so meetings scheduled at once get a number each."""
    return db.session.execute(
        sa.update(WorkingGroup).where(WorkingGroup.id == group_id)
        .values(last_meeting_number=WorkingGroup.last_meeting_number + 1)
        .returning(WorkingGroup.last_meeting_number)
        .execution_options(synchronize_session="fetch")).scalar_one()


def _free_number(meeting: Meeting) -> None:
    """A meeting deleted by mistake gives its number back if it was the last one given."""
    db.session.execute(
        sa.update(WorkingGroup).where(WorkingGroup.id == meeting.group_id,
                                      WorkingGroup.last_meeting_number == meeting.number)
        .values(last_meeting_number=WorkingGroup.last_meeting_number - 1)
        .execution_options(synchronize_session="fetch"))


# --- scheduling and changing --------------------------------------------------------------

def schedule(group: WorkingGroup, organiser: Member, details: Details,
             previous: Meeting | None = None, program: list[str] = ()) -> Meeting:
    """Create the meeting with its program; the group's members are its expected participants.

    Invitations go out later, when the minute-taker sends them (send_invitations); a meeting
    recorded after it took place never sends any.
    """
    if previous is not None and planned_next(previous) is not None:
        raise AlreadyPlanned
    members = active_members(group.id)
    meeting = Meeting(group=group, number=_next_number(group.id), organiser=organiser,
                      previous=previous,
                      starts_at=details.starts_at, ends_at=details.ends_at, place=details.place,
                      map_url=details.map_url, online_url=details.online_url)
    db.session.add(meeting)
    meeting.agenda = [AgendaItem(position=n, title=title) for n, title in enumerate(program, 1)]
    meeting.participations = [Participation(member_id=m.id) for m in members]
    if in_the_past(details.starts_at):
        meeting.reminder_sent_at = utcnow()  # nobody is reminded of the past
    db.session.commit()
    return meeting


def planned_next(meeting: Meeting) -> Meeting | None:
    """The group's next meeting after this one: the follow-up planned from it unless it was
    cancelled, else the earliest later one not cancelled, however it was scheduled."""
    following = meeting.next_meeting
    if following is not None and following.status is not MeetingStatus.CANCELLED:
        return following
    return db.session.scalar(_later_in_group(), {"group_id": meeting.group_id,
                                                 "after": meeting.starts_at})


@prebuilt
def _later_in_group() -> sa.Select:
    return (sa.select(Meeting).where(Meeting.group_id == sa.bindparam("group_id"),
                                     Meeting.status != MeetingStatus.CANCELLED,
                                     Meeting.starts_at > sa.bindparam("after"))
            .order_by(Meeting.starts_at, Meeting.id).limit(1))


def ensure_open(meeting: Meeting) -> None:
    """Raise MeetingCancelled (carrying the meeting) for a cancelled meeting."""
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingCancelled(meeting)


def change(meeting: Meeting, details: Details, version: int | None,
           confirmed: bool = False) -> bool:
    """Save new time or place; invited members get an update at once. True if changed."""
    ensure_open(meeting)
    if version != meeting.version:
        raise StaleEdit
    moved = (details.starts_at, details.ends_at) != (meeting.starts_at, meeting.ends_at)
    relocated = (details.place, details.map_url, details.online_url) != (
        meeting.place, meeting.map_url, meeting.online_url)
    if moved and meeting.is_held and not confirmed:
        raise NeedsConfirmation
    if not (moved or relocated):
        return False
    if details.starts_at != meeting.starts_at:
        meeting.reminder_sent_at = None  # remind again before the new date
    for name in ("starts_at", "ends_at", "place", "map_url", "online_url"):
        setattr(meeting, name, getattr(details, name))
    meeting.sequence += 1
    meeting.version += 1
    if meeting.invited_at is not None and not meeting.has_begun:
        notifications.send_update(meeting)
    db.session.commit()
    return True


def cancel(meeting: Meeting, reason: str = "") -> None:
    """Cancel the meeting; invited members get a cancellation (with the reason, if given)
    unless it is already past. A held meeting cannot be cancelled.

    A cancelled follow-up is unlinked, so that another next meeting can be planned.
    """
    if meeting.status is MeetingStatus.CANCELLED:
        return
    if meeting.is_held:
        raise AlreadyHeld
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason = reason
    meeting.previous_id = None
    meeting.sequence += 1
    meeting.version += 1
    if meeting.invited_at is not None and not meeting.has_begun:
        notifications.cancel(meeting)
    db.session.commit()


def register_dependent(app, dependent) -> None:
    """A higher feature's records that keep a meeting from being deleted (e.g. its minutes):
    `dependent(meeting_id)` is a select of them."""
    app.extensions.setdefault("meeting_dependents", []).append(dependent)


def deletable(meeting: Meeting) -> bool:
    """Nothing depends on it yet: no invitation sent, no answer, no attendance, no guest,
    nothing a higher feature registered (minutes)."""
    if meeting.invited_at is not None or meeting.attendance_taken_at is not None:
        return False
    answered = sa.select(Participation.id).where(
        Participation.meeting_id == meeting.id, Participation.answer.is_not(None))
    guests = sa.select(Guest.id).where(Guest.meeting_id == meeting.id)
    others = [dependent(meeting.id)
              for dependent in current_app.extensions.get("meeting_dependents", [])]
    return db.session.scalar(sa.select(sa.or_(
        *(sa.exists(select) for select in [answered, guests, *others])))) is False


def delete(meeting: Meeting) -> None:
    """Delete a meeting created by mistake (its number is given again if it was the last)."""
    if not deletable(meeting):
        raise NotDeletable
    db.session.execute(sa.update(Meeting).where(Meeting.previous_id == meeting.id)
                       .values(previous_id=None))
    _free_number(meeting)
    db.session.delete(meeting)
    db.session.commit()


def suggested_next(meeting: Meeting) -> Details:
    """The follow-up's defaults: same place and wall-clock hours, four weeks later."""
    start, end = (in_prague(t) for t in (meeting.starts_at, meeting.ends_at))
    day = start.date() + timedelta(weeks=4)
    return Details(starts_at=local_to_utc(day, start.time()),
                   ends_at=local_to_utc(day, end.time()),
                   place=meeting.place, map_url=meeting.map_url, online_url=meeting.online_url)
