"""Calendar replies (iMIP, RFC 6047): the Yes/No a member presses in Outlook, Gmail or
Thunderbird on an invitation comes back as an e-mail with METHOD:REPLY; the mail receiver
hands it here and it becomes the member's answer, as if they had clicked in the intranet.

Only the invited member's own reply counts: it must come to the reply address signed for that
member and meeting (calendar.reply_token), and the attendee in the reply, the token's member
and an expected participant of the meeting must all be the same member. The From of a reply
proves nothing (anyone can write any address there); an unsigned or mismatched reply is
logged and ignored.
"""

import logging
import re

import sqlalchemy as sa
from icalendar import Calendar

from ..accounts.models import Member
from ..extensions import db
from ..text import normalise_email
from . import attendance
from .calendar import read_reply_token
from .models import Answer, Meeting, Participation

log = logging.getLogger(__name__)
ANSWERS = {"ACCEPTED": Answer.COMING, "DECLINED": Answer.EXCUSED}  # TENTATIVE: no answer yet


def is_reply(ics: str) -> bool:
    try:
        return str(Calendar.from_ical(ics).get("METHOD", "")).upper() == "REPLY"
    except ValueError:
        return False


def record_reply(ics: str, token: str) -> int:
    """Record the answers of a METHOD:REPLY calendar sent to the reply address with this
    token; how many were recorded."""
    signed = read_reply_token(token)
    if signed is None:
        log.info("calendar reply ignored: not to a signed reply address (%r)", token[:80])
        return 0
    try:
        cal = Calendar.from_ical(ics)
    except ValueError:
        return 0
    if str(cal.get("METHOD", "")).upper() != "REPLY":
        return 0
    return sum(_record_event(event, *signed) for event in cal.walk("VEVENT"))


def _record_event(event, meeting_id: int, member_id: int) -> bool:
    meeting = _meeting(str(event.get("UID", "")))
    attendee = event.get("ATTENDEE")
    if meeting is None or attendee is None or isinstance(attendee, list):
        return False
    answer = ANSWERS.get(str(attendee.params.get("PARTSTAT", "")).upper())
    email = normalise_email(re.sub(r"^mailto:", "", str(attendee), flags=re.IGNORECASE))
    member = _invited(meeting, email)
    if (answer is None or member is None or (meeting.id, member.id) != (meeting_id, member_id)
            or not meeting.accepts_answers):
        log.warning("calendar reply not recorded: %s for %s, signed for meeting %d, member %d",
                 event.get("UID"), email, meeting_id, member_id)
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
