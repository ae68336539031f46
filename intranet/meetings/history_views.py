"""Attendance history: who attended which meetings, per member and per organisation."""

from datetime import time

from flask import render_template

from ..accounts.services import get_member
from ..database import first_rows
from ..i18n import local_to_utc, today_in_prague
from ..organisations.services import get_organisation
from ..policy import can, requires
from ..web import current_member, paginate
from . import bp, stats

PANEL_ROWS = 5


def member_panel(member, viewer):
    """The latest meetings on a member's page, with how many they attended."""
    if not can(viewer, "meetings.view"):
        return None
    attended, expected = stats.member_summary(member.id)
    recent = first_rows(*stats.member_history(member.id), PANEL_ROWS)
    return "meetings/_member_history_panel.html", {
        "attended": attended, "expected": expected, "recent": recent}


def organisation_panel(organisation, viewer):
    """The latest meetings that the organisation's people attended, on its page."""
    if not can(viewer, "meetings.view"):
        return None
    recent = first_rows(*stats.organisation_history(organisation.id), PANEL_ROWS)
    return "meetings/_organisation_history_panel.html", {"recent": recent}


def municipality_panel(municipality, viewer):
    """This year's meetings where someone from the municipality was present, and who."""
    if not can(viewer, "meetings.view"):
        return None
    start = today_in_prague().replace(month=1, day=1)
    period = stats.Period(start=local_to_utc(start, time(0, 0)))
    recent = first_rows(*stats.meetings_attended_from(period, municipality.id), PANEL_ROWS)
    return "meetings/_municipality_panel.html", {
        "recent": recent, "attendees": stats.attendees_from(recent, municipality.id),
        "since": start}


@bp.get("/members/<int:member_id>/attendance")
@requires("meetings.view")
def member_attendance(member_id):
    member = get_member(member_id, current_member())
    return render_template("meetings/member_history.html", member=member,
                           pagination=paginate(*stats.member_history(member.id)),
                           summary=stats.member_summary(member.id))


@bp.get("/organisations/<int:organisation_id>/attendance")
@requires("meetings.view")
def organisation_attendance(organisation_id):
    organisation = get_organisation(organisation_id)
    return render_template("meetings/organisation_history.html", organisation=organisation,
                           pagination=paginate(*stats.organisation_history(organisation.id)))
