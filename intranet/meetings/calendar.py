"""iCalendar files (invitations, downloads, feeds) and signed answer links.

An invitation is a request (METHOD:REQUEST) to one attendee, who answers in the calendar
(Outlook's, Gmail's, Thunderbird's Yes/No): the reply goes to the ORGANIZER, which is the
intranet's reply address, where the mail receiver records it (see imip.py). Downloads and
feeds publish (METHOD:PUBLISH) and ask for nothing.
"""

from email.utils import parseaddr

from flask import current_app
from icalendar import Event, vCalAddress, vText
from itsdangerous import BadSignature, URLSafeSerializer

from ..database import utcnow
from ..ical import new_calendar, organizer
from ..web import external_url
from .models import Answer, Meeting, MeetingStatus


def calendar(meetings, method: str = "PUBLISH", attendee=None) -> str:
    """A VCALENDAR with one VEVENT per meeting: METHOD PUBLISH; or REQUEST (answers asked
    of the attendee, a member) or CANCEL, as sent to one attendee."""
    cal = new_calendar(method)
    for meeting in meetings:
        event = _event(meeting, method)
        if attendee is None:
            event.add("organizer", organizer(meeting.organiser))
        else:
            event.add("organizer", _reply_organizer(meeting))
            event.add(*(("x-intranet-attendee", PLACEHOLDER) if attendee.id is None else
                        ("attendee", _attendee(attendee.email, ask=method == "REQUEST"))))
        cal.add_component(event)
    return cal.to_ical().decode()


# An invitation is rendered once for everyone (mail.services.queue_personal); these stand for
# each recipient's part until the deliverer fills it in (personaliser below).
PLACEHOLDER = "x7q2"
ATTENDEE_LINE = f"X-INTRANET-ATTENDEE:{PLACEHOLDER}".encode()
ANSWER_PLACEHOLDERS = {answer: f"answer-{answer.value}-{PLACEHOLDER}" for answer in Answer}


def personaliser(spec: dict):
    """For the deliverer: a function delivery → {placeholder: value} for the invitations of
    the meeting in `spec` (its answer links and the calendar's attendee)."""
    meeting_id, ask = spec["meeting_id"], spec.get("method") == "REQUEST"
    signer = _signer()
    prefix, _, suffix = external_url("meetings.answer_by_link", token=PLACEHOLDER).partition(
        PLACEHOLDER)

    def link(member_id: int, answer: Answer) -> bytes:
        return f"{prefix}{_token(meeting_id, member_id, answer, signer)}{suffix}".encode()

    def personal(delivery) -> dict[bytes, bytes]:
        links = {ANSWER_PLACEHOLDERS[answer].encode(): link(delivery.member_id, answer)
                 for answer in (Answer.COMING, Answer.EXCUSED)}
        return links | {ATTENDEE_LINE: _attendee_line(delivery.recipient, ask)}

    return personal


def _attendee_line(email: str, ask: bool) -> bytes:
    """The ATTENDEE content line, folded as iCalendar wants it (without its line end)."""
    event = Event()
    event.add("attendee", _attendee(email, ask))
    return event.to_ical().split(b"\r\n", 1)[1].rsplit(b"\r\nEND:VEVENT", 1)[0]


def reply_address() -> str:
    """Where calendar replies go: CALENDAR_REPLY_ADDRESS, else odpovedi@ the mail domain."""
    configured = current_app.config.get("CALENDAR_REPLY_ADDRESS")
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rsplit("@", 1)[-1]
    return configured or f"odpovedi@{domain}"


def _reply_organizer(meeting: Meeting) -> vCalAddress:
    """The organiser's name at the intranet's reply address: calendars reply there."""
    address = vCalAddress(f"mailto:{reply_address()}")
    person = meeting.organiser
    address.params["cn"] = vText(person.full_name if person else current_app.config["SITE_NAME"])
    return address


def _attendee(email: str, ask: bool) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{email}")
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    if ask:
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("TRUE")
    return attendee


def _event(meeting: Meeting, method: str) -> Event:
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
    return event


def _description(meeting: Meeting) -> str:
    lines = [f"{n}. {item.title}" for n, item in enumerate(meeting.agenda, start=1)]
    program = ["Program:", *lines] if lines else []
    online = [f"Online: {meeting.online_url}"] if meeting.online_url else []
    return "\n".join(online + program)


# --- signed one-click answers -------------------------------------------------------------

def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="meeting-answer")


def answer_token(meeting: Meeting, member, answer: Answer) -> str:
    """A link token that lets the member answer without logging in (see read_answer_token)."""
    return _token(meeting.id, member.id, answer)


def _token(meeting_id: int, member_id: int, answer: Answer, signer=None) -> str:
    return (signer or _signer()).dumps({"m": meeting_id, "u": member_id, "a": answer.value})


def read_answer_token(token: str) -> tuple[int, int, Answer] | None:
    """(meeting id, member id, answer) from an untampered token; None otherwise.

    The link expires with the meeting: the caller checks the meeting's current end.
    """
    try:
        data = _signer().loads(token)
        return int(data["m"]), int(data["u"]), Answer(data["a"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def answer_url(meeting: Meeting, member, answer: Answer) -> str:
    """The member's signed answer link; a placeholder for a message rendered for anyone."""
    if member.id is None:
        return ANSWER_PLACEHOLDERS[answer]
    return external_url("meetings.answer_by_link", token=answer_token(meeting, member, answer))


def answer_link(meeting: Meeting, member, answer: str) -> str:
    """answer_url() for templates, with the answer given by its value ("coming")."""
    return answer_url(meeting, member, Answer(answer))
