"""Calendar replies (iMIP, RFC 6047): the Yes/No a member presses in Outlook, Gmail or
Thunderbird on an invitation comes back as an e-mail with METHOD:REPLY; the mail receiver
hands it here and it becomes the member's answer, as if they had clicked in the intranet.

Only the invited member's own reply counts: the attendee in the reply, the address it came
from and an expected participant of the meeting must all be the same member.
"""

import logging

import sqlalchemy as sa
from icalendar import Calendar

from ..accounts.models import Member
from ..extensions import db
from ..text import normalise_email
from . import attendance
from .models import Answer, Meeting, Participation

log = logging.getLogger(__name__)
ANSWERS = {"ACCEPTED": Answer.COMING, "DECLINED": Answer.EXCUSED}  # TENTATIVE: no answer yet


def is_reply(ics: str) -> bool:
    try:
        return str(Calendar.from_ical(ics).get("METHOD", "")).upper() == "REPLY"
    except ValueError:
        return False


def record_reply(ics: str, sender: str) -> int:
    """Record the answers of a METHOD:REPLY calendar from `sender`; how many were recorded."""
    try:
        cal = Calendar.from_ical(ics)
    except ValueError:
        return 0
    if str(cal.get("METHOD", "")).upper() != "REPLY":
        return 0
    return sum(_record_event(event, normalise_email(sender)) for event in cal.walk("VEVENT"))


def _record_event(event, sender: str) -> bool:
    meeting = _meeting(str(event.get("UID", "")))
    attendee = event.get("ATTENDEE")
    if meeting is None or attendee is None or isinstance(attendee, list):
        return False
    answer = ANSWERS.get(str(attendee.params.get("PARTSTAT", "")).upper())
    email = normalise_email(str(attendee).removeprefix("mailto:").removeprefix("MAILTO:"))
    member = _invited(meeting, email)
    if answer is None or member is None or email != sender or not meeting.accepts_answers:
        log.info("calendar reply not recorded: %s from %s", event.get("UID"), sender)
        return False
    attendance.answer(meeting, member.id, answer)
    return True


def _meeting(uid: str) -> Meeting | None:
    return db.session.scalar(sa.select(Meeting).where(Meeting.uid == uid.removesuffix("@intranet")))


def _invited(meeting: Meeting, email: str) -> Member | None:
    """The active member with this address who is expected at the meeting."""
    return db.session.scalar(
        sa.select(Member).join(Participation, Participation.member_id == Member.id)
        .where(Participation.meeting_id == meeting.id, Member.email == email,
               Member.deactivated_at.is_(None)))
