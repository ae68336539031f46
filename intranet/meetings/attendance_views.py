"""Recording attendance on the day, guests, the printable sheet, and statistics."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..forms import valid_data
from ..groups.services import all_groups
from ..i18n import local_to_utc
from ..policy import requires
from ..web import ask_to_confirm, confirmed, render, wants_fragment
from . import bp, services, stats
from .forms import GuestForm, PeriodForm
from .models import MeetingStatus, Presence
from .views import MIDNIGHT, managed_meeting


def _attendance(meeting, guest_form=None, status=200):
    return render("meetings/attendance.html", "meetings/_attendance.html", status=status,
                  meeting=meeting, rows=services.attendance_rows(meeting),
                  guests=services.guests_of(meeting), guest_form=guest_form or GuestForm(
                      formdata=None), presences=list(Presence))


@bp.get("/meetings/<int:meeting_id>/attendance")
@requires("meetings.view")
def attendance(meeting_id):
    return _attendance(managed_meeting(meeting_id))


@bp.post("/meetings/<int:meeting_id>/attendance/<int:member_id>")
@requires("meetings.view")
def record_presence(meeting_id, member_id):
    meeting = managed_meeting(meeting_id)
    error = None
    try:
        services.record_presence(meeting, member_id, Presence(request.form.get("presence", "")))
    except ValueError:
        error = _("Vyberte přítomen, omluven, nebo nepřítomen.")
    except services.NotInvited:
        abort(404)
    if not wants_fragment():
        if error:
            flash(error, "error")
        return redirect(url_for("meetings.attendance", meeting_id=meeting.id))
    [row] = services.attendance_rows(meeting, member_id)
    return render_template("meetings/_attendance_row.html", meeting=meeting, row=row,
                           presences=list(Presence), error=error), 400 if error else 200


@bp.post("/meetings/<int:meeting_id>/guests")
@requires("meetings.view")
def add_guest(meeting_id):
    meeting = managed_meeting(meeting_id)
    form = GuestForm()
    if not form.validate_on_submit():
        return _attendance(meeting, form, status=400)
    services.add_guest(meeting, form.name.data, form.organisation.data or "")
    return _attendance(meeting) if wants_fragment() else redirect(
        url_for("meetings.attendance", meeting_id=meeting.id) + "#guests")


@bp.post("/meetings/<int:meeting_id>/guests/<int:guest_id>/remove")
@requires("meetings.view")
def remove_guest(meeting_id, guest_id):
    meeting = managed_meeting(meeting_id)
    if not confirmed():
        return ask_to_confirm(_("Odebrat hosta?"),
                              url_for("meetings.attendance", meeting_id=meeting.id))
    services.remove_guest(meeting, guest_id)
    return _attendance(meeting) if wants_fragment() else redirect(
        url_for("meetings.attendance", meeting_id=meeting.id) + "#guests")


@bp.get("/meetings/<int:meeting_id>/sheet")
@requires("meetings.view")
def sheet(meeting_id):
    meeting = managed_meeting(meeting_id)
    return render_template("meetings/sheet.html", meeting=meeting,
                           rows=services.attendance_rows(meeting),
                           guests=services.guests_of(meeting), spare_rows=8,
                           cancelled=meeting.status is MeetingStatus.CANCELLED)


def _period():
    form = PeriodForm(request.args, groups=all_groups())
    form.validate()  # an invalid filter is shown at its field and ignored
    start, end = valid_data(form.start), valid_data(form.end)
    return form, stats.Period(
        start=local_to_utc(start, MIDNIGHT) if start else None,
        end=local_to_utc(end, MIDNIGHT) + stats.ONE_DAY if end else None,
        group_id=valid_data(form.group))


@bp.get("/meetings/stats")
@requires("meetings.view")
def statistics():
    form, period = _period()
    return render_template("meetings/stats.html", form=form, summary=stats.summary(period))


@bp.get("/meetings/stats.csv")
@requires("meetings.view")
def statistics_csv():
    table = request.args.get("table", "meetings")
    if table not in stats.CSV_TABLES:
        table = "meetings"
    _, period = _period()
    body = stats.as_csv(table, period, [str(h) for h in stats_headers(table)])
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="dochazka-{table}.csv"'})


def stats_headers(table: str):
    if table == "meetings":
        return [_("Začátek"), _("Skupina"), _("Schůzka č."), _("Členů přítomno"), _("Hostů"),
                _("Celkem")]
    return [_("Název"), _("Účastí"), _("Schůzek"), _("Lidí")]
