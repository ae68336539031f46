"""Mail about meetings: invitations (sent when the minute-taker is ready), updates,
cancellations, reminders, and invitations for members who join a group later.

Invitations and updates carry a calendar request to the member (METHOD:REQUEST, RSVP): the
Yes/No a calendar client offers goes to the intranet's reply address, where the mail
receiver records it as the member's answer (meetings/imip.py). Members can also answer with
the links in the mail or on the meeting page; a plain reply goes to the organiser (Reply-To).
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import Member
from ..database import utcnow
from ..extensions import db
from ..groups.services import my_groups
from ..mail.services import Anyone, queue_personal
from ..text import mail_address
from .calendar import calendar
from .models import AgendaItem, Answer, Meeting, MeetingStatus, Participation, Presence

CATEGORY = "meetings"
REMINDER_HORIZON = timedelta(days=15)  # longer than the longest lead time a group can set
INVITATION, UPDATE, CANCELLATION = "meeting_invitation", "meeting_update", "meeting_cancelled"
CALENDAR_FILES = {INVITATION: ("pozvanka.ics", "REQUEST"), UPDATE: ("zmena-schuzky.ics", "REQUEST"),
                  CANCELLATION: ("zruseni-schuzky.ics", "CANCEL")}


class NotSendable(Exception):
    """The meeting has begun, was cancelled, or its invitations already went out."""


def _reply_to(meeting: Meeting) -> str:
    person = meeting.organiser
    return mail_address(person.full_name, person.email) if person else ""


def _send(meeting: Meeting, recipients: sa.Select, template: str) -> int:
    """Queue the mail to the members who want meeting mail, rendered once per language (the
    deliverer fills in each member's answer links and calendar attendee); how many members.
    `recipients`: a select of invited()."""
    filename, method = CALENDAR_FILES.get(template, CALENDAR_FILES[INVITATION])
    def files(anyone: Anyone) -> list:
        return [(filename, f"text/calendar; method={method}",
                 calendar([meeting], method, attendee=anyone))]

    return queue_personal(recipients, CATEGORY, template, attachments=files,
                          personal={"kind": "meeting", "meeting_id": meeting.id,
                                    "method": method},
                          reply_to=_reply_to(meeting), meeting=meeting)


def invited(meeting: Meeting, unanswered_only: bool = False, member_id: int | None = None,
            excused_too: bool = True) -> sa.Select:
    """The expected participants who are still active (optionally: not answered yet, one of
    them, or not the excused), as what sending needs of them: id, e-mail, language, mail
    preference (a select: the mail is queued by INSERT … SELECT)."""
    query = (sa.select(Member.id, Member.email, Member.language, Member.wants_meeting_mail,
                       Member.deactivated_at)
             .join(Participation, Participation.member_id == Member.id)
             .where(Participation.meeting_id == meeting.id, Member.deactivated_at.is_(None)))
    if unanswered_only:
        query = query.where(Participation.answer.is_(None))
    if member_id is not None:
        query = query.where(Member.id == member_id)
    if not excused_too:
        query = query.where(Participation.answer.is_distinct_from(Answer.EXCUSED),
                            Participation.presence.is_distinct_from(Presence.EXCUSED))
    return query


def _mark_invited(meeting: Meeting, recipients: sa.Select) -> None:
    db.session.execute(sa.update(Participation).where(
        Participation.meeting_id == meeting.id,
        Participation.member_id.in_(sa.select(recipients.subquery().c.id)))
        .values(invited_at=utcnow()).execution_options(synchronize_session=False))


def send_invitations(meeting: Meeting) -> int:
    """Send the invitation to every expected participant, exactly once (a double click
    claims nothing the second time). Returns how many members were invited."""
    if (meeting.status is MeetingStatus.CANCELLED or meeting.has_begun
            or meeting.group.archived_at is not None):
        raise NotSendable
    now = utcnow()
    claimed = db.session.execute(
        sa.update(Meeting).where(Meeting.id == meeting.id, Meeting.invited_at.is_(None))
        .values(invited_at=now, notified_sequence=Meeting.sequence)).rowcount
    if not claimed:
        db.session.rollback()
        raise NotSendable
    recipients = invited(meeting)
    if within_reminder_time(meeting, now):
        meeting.reminder_sent_at = now  # the invitation is reminder enough
    sent = _send(meeting, recipients, INVITATION)
    _mark_invited(meeting, recipients)
    db.session.commit()
    return sent


def send_update(meeting: Meeting) -> None:
    """Tell the invited members what changed (time, place or program), in the caller's
    transaction; their calendars get the new version."""
    meeting.notified_sequence = meeting.sequence
    _send(meeting, invited(meeting), UPDATE)


def send_pending_update(meeting: Meeting) -> bool:
    """The "send the update" button: once per change, whoever presses it first."""
    if not meeting.update_pending:
        return False
    claimed = db.session.execute(
        sa.update(Meeting).where(Meeting.id == meeting.id,
                                 Meeting.notified_sequence < Meeting.sequence)
        .values(notified_sequence=Meeting.sequence)).rowcount
    if claimed:
        _send(meeting, invited(meeting), UPDATE)
    db.session.commit()
    return bool(claimed)


def cancel(meeting: Meeting) -> None:
    _send(meeting, invited(meeting), CANCELLATION)


def resend(meeting: Meeting, member_id: int | None = None) -> int:
    """The invitation again: to one member, or to everyone who has not answered yet."""
    if meeting.invited_at is None or not meeting.accepts_answers:
        raise NotSendable
    recipients = invited(meeting, unanswered_only=member_id is None, member_id=member_id)
    sent = _send(meeting, recipients, INVITATION)
    _mark_invited(meeting, recipients)
    db.session.commit()
    return sent


def preview(meeting: Meeting, recipient: Member) -> tuple[str, str]:
    """The invitation's subject and text as this member would receive it."""
    with force_locale(recipient.language):
        subject = render_template(f"mail/{INVITATION}.subject.txt", recipient=recipient,
                                  meeting=meeting)
        body = render_template(f"mail/{INVITATION}.txt", recipient=recipient, meeting=meeting)
    return subject.strip(), body


# --- members joining and leaving a group --------------------------------------------------

def _upcoming(group_id: int) -> list[Meeting]:
    return db.session.scalars(
        sa.select(Meeting)
        .options(joinedload(Meeting.group), joinedload(Meeting.organiser),
                 selectinload(Meeting.agenda).selectinload(AgendaItem.presenters))
        .where(Meeting.group_id == group_id, Meeting.status == MeetingStatus.SCHEDULED,
               Meeting.starts_at > utcnow())).all()


def member_joined(group_id: int, member: Member) -> None:
    """A new member is expected at the group's upcoming meetings and invited to those whose
    invitations already went out (in the caller's transaction)."""
    for meeting in _upcoming(group_id):
        exists = db.session.scalar(sa.select(Participation.id).where(
            Participation.meeting_id == meeting.id, Participation.member_id == member.id))
        if exists:
            continue
        invitations_out = meeting.invited_at is not None
        db.session.add(Participation(meeting_id=meeting.id, member_id=member.id,
                                     invited_at=utcnow() if invitations_out else None))
        if invitations_out:
            _send(meeting, invited(meeting, member_id=member.id), INVITATION)


def member_reactivated(member: Member) -> None:
    """A member let back in is expected (and invited) again in their groups' coming meetings."""
    for group in my_groups(member):
        member_joined(group.id, member)


def member_left(group_id: int, member_id: int) -> None:
    """Someone who left the group is no longer expected at meetings that have not begun."""
    upcoming = sa.select(Meeting.id).where(Meeting.group_id == group_id,
                                           Meeting.starts_at > utcnow())
    db.session.execute(sa.delete(Participation).where(
        Participation.member_id == member_id, Participation.meeting_id.in_(upcoming),
        Participation.presence.is_(None)))


# --- reminders ----------------------------------------------------------------------------

def send_due_reminders(now: datetime | None = None) -> int:
    """Remind members of meetings within their group's lead time; each meeting only once."""
    now = now or utcnow()
    candidates = db.session.scalars(
        sa.select(Meeting)
        .options(joinedload(Meeting.group), joinedload(Meeting.organiser),
                 selectinload(Meeting.agenda).selectinload(AgendaItem.presenters))
        .where(Meeting.status == MeetingStatus.SCHEDULED, Meeting.reminder_sent_at.is_(None),
               Meeting.invited_at.is_not(None),
               Meeting.starts_at > now, Meeting.starts_at <= now + REMINDER_HORIZON)).all()
    due = [m for m in candidates if within_reminder_time(m, now)]
    return sum(_remind(meeting, now) for meeting in due)


def within_reminder_time(meeting: Meeting, now: datetime) -> bool:
    """Whether the meeting is within its group's reminder lead time (0 days: never)."""
    days = meeting.group.reminder_days
    return bool(days) and meeting.starts_at - timedelta(days=days) <= now < meeting.starts_at


def _remind(meeting: Meeting, now: datetime) -> bool:
    """Claim the reminder with a conditional UPDATE, then queue it in the same transaction."""
    claimed = db.session.execute(
        sa.update(Meeting).where(Meeting.id == meeting.id, Meeting.reminder_sent_at.is_(None))
        .values(reminder_sent_at=now)).rowcount
    if not claimed:
        db.session.rollback()
        return False
    queue_personal(invited(meeting, excused_too=False), CATEGORY, "meeting_reminder",
                   reply_to=_reply_to(meeting),
                   personal={"kind": "meeting", "meeting_id": meeting.id}, meeting=meeting)
    db.session.commit()
    return True
