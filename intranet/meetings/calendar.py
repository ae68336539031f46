"""iCalendar files (invitations, downloads, feeds) and signed answer links."""

from email.utils import parseaddr

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText
from itsdangerous import BadSignature, URLSafeSerializer

from ..database import utcnow
from ..web import external_url
from .models import Answer, Meeting, MeetingStatus

PRODID = "-//Intranet spolupráce obcí//CS"


def calendar(meetings, method: str = "PUBLISH", attendee=None) -> str:
    """A VCALENDAR with one VEVENT per meeting (METHOD REQUEST, CANCEL or PUBLISH)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add("x-wr-calname", current_app.config["SITE_NAME"])
    for meeting in meetings:
        cal.add_component(_event(meeting, method, attendee))
    return cal.to_ical().decode()


def _event(meeting: Meeting, method: str, attendee) -> Event:
    event = Event()
    event.add("uid", f"{meeting.uid}@intranet")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", utcnow())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.title)
    event.add("location", meeting.place)
    event.add("description", _description(meeting))
    event.add("url", external_url("meetings.meeting", meeting_id=meeting.id))
    cancelled = method == "CANCEL" or meeting.status is MeetingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("organizer", _organizer())
    if attendee is not None:
        address = vCalAddress(f"mailto:{attendee.email}")
        address.params["cn"] = vText(attendee.full_name)
        address.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", address, encode=0)
    return event


def _organizer() -> vCalAddress:
    name, address = parseaddr(current_app.config["MAIL_FROM"])
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name or address)
    return organizer


def _description(meeting: Meeting) -> str:
    lines = [f"{n}. {item.title}" for n, item in enumerate(meeting.agenda, start=1)]
    return "\n".join(["Program:", *lines]) if lines else ""


# --- signed one-click answers -------------------------------------------------------------

def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="meeting-answer")


def answer_token(meeting: Meeting, member, answer: Answer) -> str:
    """A link token that lets the member answer without logging in, until the meeting ends."""
    return _signer().dumps({"m": meeting.id, "u": member.id, "a": answer.value,
                            "e": int(meeting.ends_at.timestamp())})


def read_answer_token(token: str) -> tuple[int, int, Answer] | None:
    """(meeting id, member id, answer) from a valid, unexpired token; None otherwise."""
    try:
        data = _signer().loads(token)
        answer = Answer(data["a"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    if not isinstance(data.get("e"), int) or data["e"] < utcnow().timestamp():
        return None
    return data["m"], data["u"], answer


def answer_url(meeting: Meeting, member, answer: Answer) -> str:
    return external_url("meetings.answer_by_link", token=answer_token(meeting, member, answer))


def answer_link(meeting: Meeting, member, answer: str) -> str:
    """answer_url() for templates, with the answer given by its value ("coming")."""
    return answer_url(meeting, member, Answer(answer))
