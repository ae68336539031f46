"""The iCalendar frame every calendar file shares (meetings, visits): the calendar itself
and the organiser as the intranet sends on their behalf."""

from email.utils import parseaddr

from flask import current_app
from icalendar import Calendar, vCalAddress, vText

PRODID = "-//Intranet spolupráce obcí//CS"


def new_calendar(method: str = "PUBLISH") -> Calendar:
    """An empty VCALENDAR named after the site (PUBLISH, REQUEST or CANCEL)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add("x-wr-calname", current_app.config["SITE_NAME"])
    return cal


def organizer(person) -> vCalAddress:
    """The member who organises, sent by the intranet's address (the site without one)."""
    sender_name, sender = parseaddr(current_app.config["MAIL_FROM"])
    address = vCalAddress(f"mailto:{person.email if person else sender}")
    address.params["cn"] = vText(person.full_name if person else sender_name or sender)
    if person:
        address.params["sent-by"] = vText(f"mailto:{sender}")
    return address
