"""Recording attendance on the day, guests, the printable sheet, and statistics."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from ..exports import download
from ..forms import valid_data
from ..groups.services import group_choices
from ..i18n import gettext as _
from ..i18n import local_to_utc
from ..organisations.services import municipality_choices
from ..policy import Role, requires
from ..web import ask_to_confirm, confirmed, paginate, render, wants_fragment
from . import attendance as service
from . import bp, stats
from .forms import GuestForm, PeriodForm
from .models import MeetingStatus, Presence
from .views import MIDNIGHT, managed_meeting


def row_texts() -> dict:
    """The texts of an attendance row, translated once for all the rows of a page."""
    return {"excused_before": _("omluva předem"), "confirmed": _("účast potvrzena"),
            "saving": _("Ukládám…"), "failed": _("Neuloženo – zkontrolujte připojení."),
            "retry": _("Zkusit znovu"), "attendance": _("Účast"),
            **{presence.value: str(presence.label) for presence in Presence}}


def _attendance(meeting, guest_form=None, status=200):
    rows = service.attendance_rows(meeting)
    return render("meetings/attendance.html", "meetings/_attendance.html", status=status,
                  meeting=meeting, rows=rows, present=service.present_count(rows),
                  unrecorded=any(row.presence is None for row in rows),
                  guests=service.guests_of(meeting), guest_form=guest_form or GuestForm(
                      formdata=None), row_texts=row_texts())


@bp.get("/meetings/<int:meeting_id>/attendance")
@requires("meetings.view")
def attendance(meeting_id):
    return _attendance(managed_meeting(meeting_id, details=False))


@bp.post("/meetings/<int:meeting_id>/attendance/<int:member_id>")
@requires("meetings.view")
def record_presence(meeting_id, member_id):
    meeting = managed_meeting(meeting_id, details=False)
    rows = {row.member_id: row for row in service.attendance_rows(meeting)}
    if member_id not in rows:
        abort(404)
    error = None
    try:
        service.record_presence(meeting, member_id, Presence(request.form.get("presence", "")))
    except ValueError:
        error = _("Vyberte účast, omluvu, nebo absenci.")
    except service.NotInvited:
        abort(404)
    if not wants_fragment():
        if error:
            flash(error, "error")
        return redirect(url_for("meetings.attendance", meeting_id=meeting.id))
    rows = service.attendance_rows(meeting)
    [row] = [r for r in rows if r.member_id == member_id]
    return render_template("meetings/_attendance_row.html", meeting=meeting, row=row,
                           row_texts=row_texts(), error=error, count_update=True,
                           rows=rows, present=service.present_count(rows)), 400 if error else 200


@bp.post("/meetings/<int:meeting_id>/attendance/everyone")
@requires("meetings.view")
def mark_everyone_present(meeting_id):
    meeting = managed_meeting(meeting_id, details=False)
    service.mark_everyone_present(meeting)
    return _attendance(meeting) if wants_fragment() else redirect(
        url_for("meetings.attendance", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/guests")
@requires("meetings.view")
def add_guest(meeting_id):
    meeting = managed_meeting(meeting_id, details=False)
    form = GuestForm()
    if not form.validate_on_submit():
        return _attendance(meeting, form, status=400)
    service.add_guest(meeting, form.name.data, form.organisation.data or "")
    return _attendance(meeting) if wants_fragment() else redirect(
        url_for("meetings.attendance", meeting_id=meeting.id) + "#guests")


@bp.post("/meetings/<int:meeting_id>/guests/<int:guest_id>/remove")
@requires("meetings.view")
def remove_guest(meeting_id, guest_id):
    meeting = managed_meeting(meeting_id, details=False)
    if not confirmed():
        return ask_to_confirm(_("Odebrat hosta?"),
                              url_for("meetings.attendance", meeting_id=meeting.id))
    service.remove_guest(meeting, guest_id)
    return _attendance(meeting) if wants_fragment() else redirect(
        url_for("meetings.attendance", meeting_id=meeting.id) + "#guests")


SHEET_ROWS_ON_ONE_PAGE = 24  # 9 mm each, under the header and above the footer (print.css)
FEWEST_SPARE_ROWS, MOST_SPARE_ROWS = 3, 8  # blank rows for guests who come unannounced


def spare_rows(names: int) -> int:
    """Blank rows under the names: as many as one A4 page still holds, 3 to 8 (up to 21
    names the sheet is one page); 8 when the names need a second page anyway."""
    room = SHEET_ROWS_ON_ONE_PAGE - names
    return min(room, MOST_SPARE_ROWS) if room >= FEWEST_SPARE_ROWS else MOST_SPARE_ROWS


@bp.get("/meetings/<int:meeting_id>/sheet")
@requires("meetings.view")
def sheet(meeting_id):
    meeting = managed_meeting(meeting_id, details=False)
    rows, guests = service.attendance_rows(meeting), service.guests_of(meeting)
    return render_template("meetings/sheet.html", meeting=meeting, rows=rows,
                           guests=guests, spare_rows=spare_rows(len(rows) + len(guests)),
                           cancelled=meeting.status is MeetingStatus.CANCELLED)


def _period():
    form = PeriodForm(request.args, groups=group_choices(), municipalities=municipality_choices())
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
    municipality_id = valid_data(form.municipality) or _own_municipality(form)
    attended = paginate(*stats.meetings_attended_from(period, municipality_id),
                        per_page=10, param="attended_page") if municipality_id else None
    tables, summary, kept = stats.tables_and_summary(period)
    pages = {name: paginate(rows, param=f"{name}_page") for name, rows in tables.items()}
    return render_template("meetings/stats.html", form=form, summary=summary,
                           tables=pages, rows_html={name: _rows_html(kept, name, page)
                                                    for name, page in pages.items()},
                           attended=attended, attendees=stats.attendees_from(
                               attended.items, municipality_id) if attended else {})


def _rows_html(kept: dict, table: str, page) -> Markup:
    """A page of a statistics table as the HTML of its rows, made once in each language
    while the table stays the same (25 rows took 0.8 ms to render)."""
    return stats.keep_html(kept, (table, page.page, str(get_locale())), lambda: render_template(
        "meetings/_stats_rows.html", table=table, rows=page.items))


def _own_municipality(form) -> int | None:
    """A mayor first sees the people of their own municipality (until they choose another)."""
    if "municipality" in request.args or current_user.role is not Role.READER:
        return None
    form.municipality.data = current_user.organisation.municipality_id
    return form.municipality.data


@bp.get("/meetings/stats.csv")
@requires("meetings.view")
def statistics_csv():
    table = request.args.get("table", "meetings")
    if table not in stats.CSV_TABLES:
        table = "meetings"
    form, period = _period()
    body = stats.as_csv(table, period, [str(h) for h in stats_headers(table)])
    return download(body, _csv_filename(table, form), "text/csv")


CSV_NAMES = {"meetings": "účast-na-schůzkách", "organisations": "účast-organizací",
             "municipalities": "účast-obcí"}


def _csv_filename(table: str, form) -> str:
    """A Czech file name with the period, e.g. účast-obcí-2026-01-01–2026-03-31.csv."""
    start, end = valid_data(form.start), valid_data(form.end)
    if start and end:
        return f"{CSV_NAMES[table]}-{start.isoformat()}–{end.isoformat()}.csv"
    label = f"od-{start.isoformat()}" if start else f"do-{end.isoformat()}" if end else "vše"
    return f"{CSV_NAMES[table]}-{label}.csv"


def stats_headers(table: str):
    if table == "meetings":
        return [_("Začátek"), _("Skupina"), _("Schůzka č."), _("Členů přítomno"), _("Hostů"),
                _("Celkem"), _("Zadavatelé"), _("Poskytovatelé"), _("Uživatelé")]
    return [_("Název"), _("Účastí"), _("Schůzek"), _("Lidí")]
