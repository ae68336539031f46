"""Meetings: the calendar list, a meeting's page, scheduling and changes, answers, .ics."""

from datetime import date, time

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..database import utcnow
from ..groups.services import all_groups, get_group
from ..i18n import in_prague, local_to_utc
from ..policy import ensure, may_answer, may_manage_group, public, requires
from ..web import current_member, paginate, render, render_form
from . import bp, services
from .calendar import calendar, read_answer_token
from .forms import AgendaItemForm, MeetingForm
from .models import Answer

MIDNIGHT = time(0, 0)


def month_bounds(value: str | None) -> tuple[date, date]:
    """The first day of the month given as YYYY-MM (this month if absent or wrong), and the next."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        first = date(year, month, 1)
    except ValueError:
        first = in_prague(utcnow()).date().replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following


@bp.get("/meetings")
@requires("meetings.view")
def meetings():
    first, following = month_bounds(request.args.get("month"))
    group_id = request.args.get("group", type=int) or None
    query = services.meeting_query(group_id, local_to_utc(first, MIDNIGHT),
                                   local_to_utc(following, MIDNIGHT))
    previous_month = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    return render("meetings/meetings.html", "meetings/_month.html",
                  pagination=paginate(query, per_page=100), month=first, group_id=group_id,
                  previous_month=previous_month, next_month=following, groups=all_groups())


@bp.get("/meetings/<int:meeting_id>")
@requires("meetings.view")
def meeting(meeting_id):
    meeting = services.get_meeting(meeting_id)
    member = current_member()
    return render_meeting(meeting, member)


def render_meeting(meeting, member, fragment="meetings/_answer.html", **context):
    """The meeting page (or one of its fragments for htmx) as this member sees it."""
    context.setdefault("new_item", AgendaItemForm(formdata=None))
    return render("meetings/meeting.html", fragment, meeting=meeting,
                  can_manage=may_manage_group(member, meeting.group),
                  can_answer=may_answer(member, meeting),
                  answer=services.answer_of(meeting, member), **context)


@bp.route("/groups/<int:group_id>/meetings/new", methods=["GET", "POST"])
@requires("meetings.view")
def schedule(group_id):
    group = get_group(group_id)
    ensure(may_manage_group(current_member(), group))
    form = MeetingForm()
    if not form.validate_on_submit():
        return render_form("meetings/meeting_form.html", form, group=group, meeting=None)
    meeting = services.schedule(group, current_member(), form.details())
    flash(_("Schůzka č. %(number)d je naplánovaná; pozvánky odcházejí členům skupiny.",
            number=meeting.number), "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/next", methods=["GET", "POST"])
@requires("meetings.view")
def plan_next(meeting_id):
    previous = services.get_meeting(meeting_id)
    ensure(may_manage_group(current_member(), previous.group))
    if previous.next_meeting:
        flash(_("Příští schůzka už je naplánovaná."), "info")
        return redirect(url_for("meetings.meeting", meeting_id=previous.next_meeting.id))
    form = MeetingForm(data=None if request.method == "POST" else
                       form_defaults(services.suggested_next(previous)))
    if not form.validate_on_submit():
        return render_form("meetings/meeting_form.html", form, group=previous.group,
                           meeting=None, previous=previous)
    meeting = services.schedule(previous.group, current_member(), form.details(), previous)
    flash(_("Příští schůzka (č. %(number)d) je naplánovaná.", number=meeting.number), "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@requires("meetings.view")
def edit(meeting_id):
    meeting = services.get_meeting(meeting_id)
    ensure(may_manage_group(current_member(), meeting.group))
    form = MeetingForm(data=None if request.method == "POST" else form_defaults(meeting))
    if not form.validate_on_submit():
        return render_form("meetings/meeting_form.html", form, group=meeting.group,
                           meeting=meeting)
    try:
        changed = services.change(meeting, form.details(), int(form.version.data or 0),
                                  confirmed=form.confirmed.data)
    except services.StaleEdit:
        form.form_errors.append(_("Schůzku mezitím upravil někdo jiný. Obnovte stránku a "
                                  "zadejte změny znovu."))
        return render_form("meetings/meeting_form.html", form, 409, group=meeting.group,
                           meeting=meeting)
    except services.NeedsConfirmation:
        form.confirmed.errors.append(_("Schůzka už proběhla. Potvrďte změnu času; členům "
                                       "odejde oznámení o změně."))
        return render_form("meetings/meeting_form.html", form, 409, group=meeting.group,
                           meeting=meeting, needs_confirmation=True)
    flash(_("Změny byly uloženy a členům odchází oznámení.") if changed
          else _("Nic se nezměnilo."), "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id))


def form_defaults(source) -> dict:
    """Form values from a meeting (or suggested details), in Prague time."""
    start, end = in_prague(source.starts_at), in_prague(source.ends_at)
    return {"day": start.date(), "time_from": start.time(), "time_to": end.time(),
            "place": source.place, "map_url": source.map_url,
            "version": getattr(source, "version", "")}


@bp.post("/meetings/<int:meeting_id>/cancel")
@requires("meetings.view")
def cancel(meeting_id):
    meeting = services.get_meeting(meeting_id)
    ensure(may_manage_group(current_member(), meeting.group))
    services.cancel(meeting)
    flash(_("Schůzka byla zrušena; členové dostanou oznámení."), "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id))


@bp.get("/meetings/<int:meeting_id>/calendar.ics")
@requires("meetings.view")
def ics(meeting_id):
    meeting = services.get_meeting(meeting_id)
    return Response(calendar([meeting]), mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="schuzka-{meeting.id}.ics"'})


@bp.post("/meetings/<int:meeting_id>/answer")
@requires("meetings.view")
def answer(meeting_id):
    meeting = services.get_meeting(meeting_id)
    member = current_member()
    ensure(may_answer(member, meeting))
    try:
        value = Answer(request.form.get("answer", ""))
        services.answer(meeting, member.id, value)
    except ValueError:
        flash(_("Vyberte, zda přijdete."), "error")
    except services.MeetingCancelled:
        flash(_("Schůzka je zrušená."), "error")
    return render_meeting(meeting, member)


@bp.route("/answer/<token>", methods=["GET", "POST"])
@public
def answer_by_link(token):
    """The one-click link from the invitation: GET shows a confirmation, POST saves it."""
    found = read_answer_token(token)
    meeting = services.find_meeting(found[0]) if found else None
    if meeting is None or not services.in_group(found[1], meeting.group_id):
        return render_template("meetings/answer_invalid.html"), 404
    _, member_id, value = found
    if request.method == "POST":
        try:
            services.answer(meeting, member_id, value)
        except services.MeetingCancelled:
            return render_template("meetings/answer_invalid.html", cancelled=True), 409
        return render_template("meetings/answer_done.html", meeting=meeting, value=value)
    return render_template("meetings/answer_confirm.html", meeting=meeting, value=value)



@bp.get("/calendar/<token>.ics")
@public
def calendar_feed(token):
    """A member's private feed of their groups' meetings, for calendar subscriptions."""
    from ..accounts.services import member_by_calendar_token

    member = member_by_calendar_token(token)
    if member is None:
        return Response("", status=404)
    return Response(calendar(services.feed_meetings(member)), mimetype="text/calendar")
