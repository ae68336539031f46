"""Mail about sign-ups: a place (with the calendar file), the waitlist, a place that came
free, a cancellation (taking the date out of the calendar), and the final list. Queued in the
transaction of the change: a change rolled back sends nothing."""


from ..mail.services import queue_mail
from ..text import mail_address
from ..web import external_url
from .calendar import registration_calendar
from .models import Registration, Status

CATEGORY = "visits"
CALENDAR_FILE = "staz-nebo-exkurze.ics"


def _calendar(registration: Registration, method: str = "PUBLISH"):
    def files(_member):
        return [(CALENDAR_FILE, f"text/calendar; method={method}",
                 registration_calendar(registration, method))]

    return files


def _send(registration: Registration, template: str, attachments=None, **context) -> None:
    organiser = registration.visit.organiser
    queue_mail(registration.member, CATEGORY, template, attachments=attachments,
               reply_to=mail_address(organiser.full_name, organiser.email),
               visit=registration.visit, slot=registration.slot, registration=registration,
               url=external_url("visits.visit", visit_id=registration.visit_id), **context)


def signed_up(registration: Registration, by_organiser: bool, position: int | None) -> None:
    """A place (with the calendar entry), or the position on the waitlist."""
    if registration.status is Status.CONFIRMED:
        _send(registration, "visit_place", _calendar(registration), by_organiser=by_organiser)
    else:
        _send(registration, "visit_waitlist", position=position, by_organiser=by_organiser)


def promoted(registration: Registration, reason: str) -> None:
    """reason: "cancelled" (someone gave the place up) or "more_places"."""
    _send(registration, "visit_promoted", _calendar(registration), reason=reason)


def moved(registration: Registration) -> None:
    """The date changed: the new one, and for a place the calendar entry again."""
    confirmed = registration.status is Status.CONFIRMED
    _send(registration, "visit_moved", _calendar(registration) if confirmed else None)


def cancelled(registration: Registration, by_organiser: bool) -> None:
    had_place = registration.confirmed_at is not None
    _send(registration, "visit_cancelled", _calendar(registration, "CANCEL") if had_place
          else None, by_organiser=by_organiser)


def list_confirmed(visit, registrations: list[Registration]) -> None:
    for registration in registrations:
        if registration.status is Status.CONFIRMED:
            _send(registration, "visit_final", _calendar(registration))
        else:
            _send(registration, "visit_no_place")
