"""A visit in the member's calendar: an all-day event for the date they have a place on."""

from datetime import timedelta

from icalendar import Event, vCalAddress

from ..database import utcnow
from ..ical import new_calendar, organizer
from ..web import external_url
from .models import Registration, Visit, VisitSlot


def visit_calendar(visit: Visit, slot: VisitSlot, sequence: int = 0,
                   method: str = "PUBLISH", attendee: str | None = None) -> str:
    """The date as a calendar file: PUBLISH to add it, CANCEL (to the attendee, as RFC 5546
    wants) to take it out again."""
    cal = new_calendar(method)
    event = _event(visit, slot, sequence, cancelled=method == "CANCEL")
    if attendee:
        event.add("attendee", vCalAddress(f"mailto:{attendee}"))
    cal.add_component(event)
    return cal.to_ical().decode()


def registration_calendar(registration: Registration, method: str = "PUBLISH") -> str:
    attendee = registration.member.email if method == "CANCEL" else None
    return visit_calendar(registration.visit, registration.slot, registration.sequence, method,
                          attendee)


def _event(visit: Visit, slot: VisitSlot, sequence: int, cancelled: bool) -> Event:
    event = Event()
    event.add("uid", f"visit-{visit.uid}-{slot.id}@intranet")
    event.add("sequence", sequence)
    event.add("dtstamp", utcnow())
    event.add("dtstart", slot.starts_on)
    event.add("dtend", slot.ends_on + timedelta(days=1))  # all-day: the day after the last
    event.add("summary", f"{visit.kind.label}: {visit.title}")
    event.add("location", ", ".join(p for p in (visit.host, visit.address, visit.country) if p))
    url = external_url("visits.visit", visit_id=visit.id)
    contact = [f"Kontakt: {visit.contact}"] if visit.contact else []
    event.add("description", "\n".join([*contact, url]))
    event.add("url", url)
    event.add("organizer", organizer(visit.organiser))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event
