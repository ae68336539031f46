"""Mail about sign-ups: a place (with the calendar file), the waitlist, a place that came
free, a cancellation (taking the date out of the calendar), and the final list. Queued in the
transaction of the change: a change rolled back sends nothing."""

import secrets

from ..mail.services import Letter, render_letter
from ..text import mail_address
from ..web import external_url
from .calendar import registration_calendar, visit_calendar
from .models import Registration, Status, Visit, VisitSlot

CATEGORY = "visits"
CALENDAR_FILE = "staz-nebo-exkurze.ics"


def _calendar_file(text: str, method: str = "PUBLISH") -> list[tuple[str, str, str]]:
    return [(CALENDAR_FILE, f"text/calendar; method={method}", text)]


def _calendar(registration: Registration, method: str = "PUBLISH"):
    return _calendar_file(registration_calendar(registration, method), method)


def _letter(member, visit: Visit, slot: VisitSlot, template: str, files=(),
            **context) -> Letter:
    organiser = visit.organiser
    return render_letter(member, CATEGORY, template, files,
                         mail_address(organiser.full_name, organiser.email), visit=visit,
                         slot=slot, url=external_url("visits.visit", visit_id=visit.id),
                         **context)


def _send(registration: Registration, template: str, files=(), **context) -> None:
    _letter(registration.member, registration.visit, registration.slot, template, files,
            registration=registration, **context).queue()


class SignUpMail:
    """The mail of a sign-up (a place with the calendar entry, or the position on the
    waitlist), rendered before the visit is locked: the sign-ups of one visit wait for one
    another only while they save. Rendered as the free places suggest, the waitlist's
    position a placeholder; rendered again under the lock only when that guess was wrong
    (the places ran out meanwhile, or the member had signed up before: the calendar's
    sequence)."""

    FIRST_SEQUENCE = 1  # a registration's first sign-up (services._take counts them)

    def __init__(self, visit: Visit, slot: VisitSlot, member, by_organiser: bool):
        self.visit, self.slot, self.member, self.by_organiser = visit, slot, member, by_organiser
        self.mark = secrets.token_hex(8)  # no typed text (the visit's title) contains it
        self.guess = self._key(slot.taken < slot.capacity, self.FIRST_SEQUENCE)
        self.letter = self._render(*self.guess)

    @staticmethod
    def _key(placed: bool, sequence: int) -> tuple[bool, int | None]:
        return placed, sequence if placed else None  # the waitlist's mail has no calendar

    def _render(self, placed: bool, sequence: int | None) -> Letter:
        if placed:
            return _letter(self.member, self.visit, self.slot, "visit_place",
                           _calendar_file(visit_calendar(self.visit, self.slot, sequence)),
                           by_organiser=self.by_organiser)
        return _letter(self.member, self.visit, self.slot, "visit_waitlist",
                       position=self.mark, by_organiser=self.by_organiser)

    def queue(self, registration: Registration, position: int | None) -> None:
        """Queue it as the sign-up came out (in its transaction, under the lock)."""
        key = self._key(registration.status is Status.CONFIRMED, registration.sequence)
        letter = self.letter if key == self.guess else self._render(*key)
        letter.filled(self.mark, str(position)).queue()


def promoted(registration: Registration, reason: str) -> None:
    """reason: "cancelled" (someone gave the place up) or "more_places"."""
    _send(registration, "visit_promoted", _calendar(registration), reason=reason)


def moved(registration: Registration) -> None:
    """The date changed: the new one, and for a place the calendar entry again."""
    confirmed = registration.status is Status.CONFIRMED
    _send(registration, "visit_moved", _calendar(registration) if confirmed else ())


def cancelled(registration: Registration, by_organiser: bool) -> None:
    had_place = registration.confirmed_at is not None
    _send(registration, "visit_cancelled", _calendar(registration, "CANCEL") if had_place
          else (), by_organiser=by_organiser)


def list_confirmed(visit, registrations: list[Registration]) -> None:
    for registration in registrations:
        if registration.status is Status.CONFIRMED:
            _send(registration, "visit_final", _calendar(registration))
        else:
            _send(registration, "visit_no_place")
