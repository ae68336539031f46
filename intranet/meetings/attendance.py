"""Members' answers to the invitation, attendance on the day, and guests.

The expected participants of a meeting are its Participation rows: made for the group's
members when the meeting is scheduled, for members who join before it begins, and removed
for members who leave before it begins. From the start on they no longer follow the group.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from ..accounts.models import Member
from ..database import prebuilt, rows_of, utcnow
from ..extensions import db
from ..organisations.models import Organisation
from .models import Answer, Guest, Meeting, Participation, Presence
from .services import ensure_open


class AnswersClosed(Exception):
    """The meeting is over (or held): answering the invitation makes no sense any more."""


class NotInvited(Exception):
    """Attendance is recorded only for the meeting's expected participants."""


def answer(meeting: Meeting, member_id: int, value: Answer, comment: str = "") -> None:
    """The member's "přijdu" / "omlouvám se" (an excuse may carry a short comment)."""
    ensure_open(meeting)
    if not meeting.accepts_answers:
        raise AnswersClosed
    participation = _participation(meeting.id, member_id)
    participation.answer, participation.answered_at = value, utcnow()
    participation.comment = comment if value is Answer.EXCUSED else ""
    db.session.commit()


def _participation(meeting_id: int, member_id: int) -> Participation:
    found = db.session.scalar(sa.select(Participation).where(
        Participation.meeting_id == meeting_id, Participation.member_id == member_id))
    if found is None:
        found = Participation(meeting_id=meeting_id, member_id=member_id)
        db.session.add(found)
    return found


def answer_of(meeting: Meeting, member: Member) -> sa.Row | None:
    """The member's answer to the invitation (answer, comment), if they are expected."""
    return rows_of(_answer(), {"meeting_id": meeting.id, "member_id": member.id}).first()


@prebuilt
def _answer() -> sa.Select:
    return sa.select(Participation.answer, Participation.comment).where(
        Participation.meeting_id == sa.bindparam("meeting_id"),
        Participation.member_id == sa.bindparam("member_id"))


def record_presence(meeting: Meeting, member_id: int, presence: Presence) -> None:
    """One tap on the attendance list, saved at once (before the start too: people are
    ticked off as they arrive)."""
    ensure_open(meeting)
    participation = db.session.scalar(sa.select(Participation).where(
        Participation.meeting_id == meeting.id, Participation.member_id == member_id))
    if participation is None:
        raise NotInvited
    participation.presence, participation.presence_recorded_at = presence, utcnow()
    _attendance_taken(meeting)
    db.session.commit()


def mark_everyone_present(meeting: Meeting) -> int:
    """"Všichni přítomni": everyone not yet recorded and not excused in advance is present."""
    ensure_open(meeting)
    active = sa.select(Member.id).where(Member.deactivated_at.is_(None))
    result = db.session.execute(
        sa.update(Participation)
        .where(Participation.meeting_id == meeting.id, Participation.presence.is_(None),
               Participation.member_id.in_(active),
               sa.or_(Participation.answer.is_(None), Participation.answer != Answer.EXCUSED))
        .values(presence=Presence.PRESENT, presence_recorded_at=utcnow()))
    _attendance_taken(meeting)
    db.session.commit()
    return result.rowcount


def _attendance_taken(meeting: Meeting) -> None:
    """The first record of attendance; once the meeting has begun, it counts as held."""
    if meeting.attendance_taken_at is None:
        meeting.attendance_taken_at = utcnow()


@dataclass
class Row:
    """One line of the attendance list or sheet: the member (id, full name, organisation's
    name), their answer to the invitation and their recorded presence."""

    member_id: int
    full_name: str
    organisation: str
    answer: Answer | None
    presence: Presence | None
    comment: str = ""

    @property
    def shown_presence(self) -> Presence | None:
        """The recorded presence, else an excuse taken from the member's answer."""
        if self.presence is None and self.answer is Answer.EXCUSED:
            return Presence.EXCUSED
        return self.presence


def attendance_rows(meeting: Meeting, member_id: int | None = None) -> list[Row]:
    """The expected participants in Czech order of names; optionally just one.

    Members deactivated since are left out unless their attendance was recorded.
    """
    return [Row(*values) for values in rows_of(
        _attendance_rows(member_id is not None),
        {"meeting_id": meeting.id, "member_id": member_id})]


@prebuilt
def _attendance_rows(one: bool) -> sa.Select:
    query = (sa.select(Member.id, Member.full_name, Organisation.name, Participation.answer,
                       Participation.presence, Participation.comment)
             .select_from(Participation).join(Member, Member.id == Participation.member_id)
             .join(Organisation, Organisation.id == Member.organisation_id)
             .where(Participation.meeting_id == sa.bindparam("meeting_id"),
                    sa.or_(Member.deactivated_at.is_(None), Participation.presence.is_not(None)))
             .order_by(Member.sort_key, Member.id))
    if one:
        query = query.where(Participation.member_id == sa.bindparam("member_id"))
    return query


def present_count(rows: list[Row]) -> int:
    return sum(row.presence is Presence.PRESENT for row in rows)


def add_guest(meeting: Meeting, name: str, organisation: str) -> Guest:
    ensure_open(meeting)
    guest = Guest(meeting_id=meeting.id, name=name, organisation=organisation)
    db.session.add(guest)
    if meeting.has_begun:  # a guest announced in advance is no attendance yet
        _attendance_taken(meeting)
    db.session.commit()
    return guest


def remove_guest(meeting: Meeting, guest_id: int) -> None:
    db.session.execute(sa.delete(Guest).where(Guest.id == guest_id,
                                              Guest.meeting_id == meeting.id))
    db.session.commit()


def guests_of(meeting: Meeting) -> list[Guest]:
    return db.session.scalars(_guests(), {"meeting_id": meeting.id}).all()


@prebuilt
def _guests() -> sa.Select:
    return (sa.select(Guest).where(Guest.meeting_id == sa.bindparam("meeting_id"))
            .order_by(Guest.id))

