"""iCalendar files (invitations, downloads, feeds) and signed answer links.

An invitation is a request (METHOD:REQUEST) to one attendee, who answers in the calendar
(Outlook's, Gmail's, Thunderbird's Yes/No): the reply goes to the ORGANIZER, which is the
intranet's reply address with a token signed for that member and meeting
(odpovedi+<token>@…), where the mail receiver records it (see imip.py): the token, not the
reply's From, says whose answer it is. Downloads and feeds publish (METHOD:PUBLISH) and ask
for nothing.
"""

import hashlib
import hmac
from email.utils import parseaddr

from flask import current_app
from icalendar import Event, vCalAddress, vText
from icalendar.parser import Contentline
from itsdangerous import BadSignature, URLSafeSerializer

from ..database import utcnow
from ..extensions import db
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
        elif attendee.id is None:  # rendered once: the deliverer fills in both lines
            event.add("x-intranet-organizer", attendee.mark)
            event.add("x-intranet-attendee", attendee.mark)
        else:
            event.add("organizer", _reply_organizer(
                reply_address(reply_token(meeting.id, attendee.id)), _organiser_name(meeting)))
            event.add("attendee", _attendee(attendee.email, ask=method == "REQUEST"))
        cal.add_component(event)
    return cal.to_ical().decode()


# An invitation is rendered once for everyone (mail.services.queue_personal); placeholders
# with the message's mark stand for each recipient's part until the deliverer fills it in
# (personaliser below). Messages queued before marks existed carry the old fixed one.
OLD_MARK = "x7q2"


def answer_placeholder(mark: str, answer: Answer) -> str:
    return f"answer-{answer.value}-{mark}"


def personaliser(spec: dict):
    """For the deliverer: a function delivery → {placeholder: value} for the invitations of
    the meeting in `spec` (its answer links, the calendar's attendee and organiser). What is
    the same for everyone is made here, once; per recipient only tokens are signed and an
    address put into each prepared line (which is then folded). No app context is needed
    afterwards: the deliverer's connections personalise in their own threads."""
    meeting_id, ask = spec["meeting_id"], spec.get("method") == "REQUEST"
    mark, signer = spec.get("mark", OLD_MARK), _signer()
    # Read now, as the batch is claimed: no database work while it is personalised and sent.
    organiser = _organiser_name(db.session.get(Meeting, meeting_id))
    prefix, _, suffix = external_url("meetings.answer_by_link", token=mark).partition(mark)
    attendee = _line_with(ADDRESS_MARK, "attendee", _attendee(ADDRESS_MARK, ask))
    organizer = _line_with(ADDRESS_MARK, "organizer",
                           _reply_organizer(reply_address(ADDRESS_MARK), organiser))
    reply_key = _reply_key()

    def link(member_id: int, answer: Answer) -> bytes:
        return f"{prefix}{_token(meeting_id, member_id, answer, signer)}{suffix}".encode()

    def personal(delivery) -> dict[bytes, bytes]:
        links = {answer_placeholder(mark, answer).encode(): link(delivery.member_id, answer)
                 for answer in (Answer.COMING, Answer.EXCUSED)}
        token = reply_token(meeting_id, delivery.member_id, reply_key)
        return links | {f"X-INTRANET-ATTENDEE:{mark}".encode(): attendee(delivery.recipient),
                        f"X-INTRANET-ORGANIZER:{mark}".encode(): organizer(token)}

    return personal


ADDRESS_MARK = "adresa0mark0x9"  # stands for what each recipient's line has of their own


def _line_with(placeholder: str, name: str, value: vCalAddress):
    """A function text → the content line (ATTENDEE, ORGANIZER) with the text in place of
    the placeholder, folded as iCalendar wants it (without its line end)."""
    line = Event().content_line(name.upper(), value)
    return lambda text: Contentline(line.replace(placeholder, text)).to_ical()


def reply_address(token: str = "") -> str:
    """Where calendar replies go: CALENDAR_REPLY_ADDRESS, else odpovedi@ the mail domain;
    with a token after a plus (odpovedi+<token>@…, see reply_token)."""
    configured = current_app.config.get("CALENDAR_REPLY_ADDRESS")
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rsplit("@", 1)[-1]
    address = configured or f"odpovedi@{domain}"
    local, _, domain = address.rpartition("@")
    return f"{local}+{token}@{domain}" if token else address


def reply_token_of(address: str) -> str | None:
    """The token of an address of the reply address (odpovedi+<token>@…; "" without one), or
    None for any other address."""
    local, _, domain = address.lower().rpartition("@")
    base, _, token = local.partition("+")
    return token if f"{base}@{domain}" == reply_address().lower() else None


def reply_token(meeting_id: int, member_id: int, key: bytes | None = None) -> str:
    """The part of the reply address that says the reply is this member's to this meeting:
    lower-case (mail servers may change the case of an address), signed (with `key`, the
    app's reply key, given when made for many)."""
    return f"{meeting_id}-{member_id}-{_reply_mac(meeting_id, member_id, key)}"


def read_reply_token(token: str) -> tuple[int, int] | None:
    """(meeting id, member id) of a genuine reply token; None for anything else."""
    try:
        meeting_id, member_id, mac = token.split("-")
        meeting_id, member_id = int(meeting_id), int(member_id)
    except ValueError:
        return None
    if not hmac.compare_digest(mac.encode(), _reply_mac(meeting_id, member_id).encode()):
        return None
    return meeting_id, member_id


def _reply_key() -> bytes:
    return f"calendar-reply:{current_app.config['SECRET_KEY']}".encode()


def _reply_mac(meeting_id: int, member_id: int, key: bytes | None = None) -> str:
    return hmac.new(key or _reply_key(), f"{meeting_id}.{member_id}".encode(),
                    hashlib.sha256).hexdigest()[:24]


def _reply_organizer(address: str, name: str) -> vCalAddress:
    """The organiser's name at the member's reply address for the meeting (see
    reply_token): calendars reply there."""
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name)
    return organizer


def _organiser_name(meeting: Meeting | None) -> str:
    person = meeting.organiser if meeting is not None else None
    return person.full_name if person else current_app.config["SITE_NAME"]


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
        return answer_placeholder(member.mark, answer)
    return external_url("meetings.answer_by_link", token=answer_token(meeting, member, answer))


def answer_link(meeting: Meeting, member, answer: str) -> str:
    """answer_url() for templates, with the answer given by its value ("coming")."""
    return answer_url(meeting, member, Answer(answer))
