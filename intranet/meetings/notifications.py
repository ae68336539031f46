"""Mail about meetings: invitations with calendar files, updates, cancellations, reminders."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..database import utcnow
from ..extensions import db
from ..groups.services import active_members
from ..mail.services import queue_to_members
from .calendar import calendar
from .models import AgendaItem, Answer, Meeting, MeetingStatus, Participation, Presence

CATEGORY = "meetings"
REMINDER_HORIZON = timedelta(days=15)  # longer than the longest lead time a group can set


def _send(meeting: Meeting, members, template: str, method: str) -> None:
    def invitation(member):
        return [("pozvanka.ics", f"text/calendar; method={method}",
                 calendar([meeting], method, attendee=member))]

    queue_to_members(members, CATEGORY, template, attachments=invitation, meeting=meeting)


def invite(meeting: Meeting, members) -> None:
    _send(meeting, members, "meeting_invitation", "REQUEST")


def update(meeting: Meeting, members) -> None:
    _send(meeting, members, "meeting_update", "REQUEST")


def cancel(meeting: Meeting, members) -> None:
    _send(meeting, members, "meeting_cancelled", "CANCEL")


def send_due_reminders(now: datetime | None = None) -> int:
    """Remind members of meetings within their group's lead time; each meeting only once."""
    now = now or utcnow()
    candidates = db.session.scalars(
        sa.select(Meeting)
        .options(joinedload(Meeting.group), joinedload(Meeting.organiser),
                 selectinload(Meeting.agenda).selectinload(AgendaItem.presenters))
        .where(Meeting.status == MeetingStatus.SCHEDULED, Meeting.reminder_sent_at.is_(None),
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
    excused = set(db.session.scalars(sa.select(Participation.member_id).where(
        Participation.meeting_id == meeting.id,
        sa.or_(Participation.answer == Answer.EXCUSED,
               Participation.presence == Presence.EXCUSED))))
    members = [m for m in active_members(meeting.group_id) if m.id not in excused]
    queue_to_members(members, CATEGORY, "meeting_reminder", meeting=meeting)
    db.session.commit()
    return True

