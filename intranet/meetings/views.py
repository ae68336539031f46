"""Meetings: the calendar list, a meeting's page, scheduling and changes, answers, .ics."""

from datetime import time

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..database import utcnow
from ..groups.services import all_groups, get_group, is_member
from ..i18n import in_prague, local_to_utc, month_bounds, previous_month
from ..policy import ensure, may_answer, may_manage_group, public, requires
from ..web import (
    ask_to_confirm,
    confirmed,
    current_member,
    paginate,
    parse_id,
    render,
    render_form,
    wants_fragment,
)
from . import bp, services
from .calendar import calendar, read_answer_token
from .forms import AgendaItemForm, MeetingForm
from .models import Answer, MeetingStatus

MIDNIGHT = time(0, 0)
FORM = "meetings/meeting_form.html"


def managed_meeting(meeting_id: int):
    """The meeting, if the logged-in member may manage its group (else 403)."""
    meeting = services.get_meeting(meeting_id)
    ensure(may_manage_group(current_member(), meeting.group))
    return meeting


def render_meeting(meeting, member, fragment="meetings/_answer.html", status=200, **context):
    """The meeting page (or one of its fragments for htmx) as this member sees it."""
    context.setdefault("new_item", AgendaItemForm(formdata=None))
    return render("meetings/meeting.html", fragment, status=status, meeting=meeting,
                  can_manage=may_manage_group(member, meeting.group),
                  can_answer=may_answer(member, meeting),
                  answer=services.answer_of(meeting, member),
                  next_meeting=services.planned_next(meeting), **context)


@bp.get("/meetings")
@requires("meetings.view")
def meetings():
    first, following = month_bounds(request.args.get("month"), in_prague(utcnow()).date())
    group_id = parse_id(request.args.get("group"))
    query = services.meeting_query(group_id, local_to_utc(first, MIDNIGHT),
                                   local_to_utc(following, MIDNIGHT))
    return render("meetings/meetings.html", "meetings/_month.html",
                  pagination=paginate(query, per_page=100), month=first, group_id=group_id,
                  previous_month=previous_month(first), next_month=following,
                  groups=all_groups())


@bp.get("/meetings/<int:meeting_id>")
@requires("meetings.view")
def meeting(meeting_id):
    return render_meeting(services.get_meeting(meeting_id), current_member())


@bp.route("/groups/<int:group_id>/meetings/new", methods=["GET", "POST"])
@requires("meetings.view")
def schedule(group_id):
    group = get_group(group_id)
    ensure(may_manage_group(current_member(), group))
    form = MeetingForm()
    if not form.validate_on_submit():
        return render_form(FORM, form, group=group, meeting=None)
    meeting = services.schedule(group, current_member(), form.details(),
                                program=form.program_items())
    flash(_("Schůzka č. %(number)d je naplánovaná; pozvánky odcházejí členům skupiny.",
            number=meeting.number), "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/next", methods=["GET", "POST"])
@requires("meetings.view")
def plan_next(meeting_id):
    previous = managed_meeting(meeting_id)
    if services.planned_next(previous):
        return _already_planned(previous)
    form = MeetingForm(data=None if request.method == "POST" else
                       form_defaults(services.suggested_next(previous)))
    if not form.validate_on_submit():
        return render_form(FORM, form, group=previous.group, meeting=None, previous=previous)
    try:
        meeting = services.schedule(previous.group, current_member(), form.details(), previous,
                                    program=form.program_items())
    except services.AlreadyPlanned:  # planned meanwhile (a second click)
        return _already_planned(previous)
    flash(_("Příští schůzka (č. %(number)d) je naplánovaná.", number=meeting.number), "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id))


def _already_planned(previous):
    flash(_("Příští schůzka už je naplánovaná."), "info")
    return redirect(url_for("meetings.meeting", meeting_id=services.planned_next(previous).id))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@requires("meetings.view")
def edit(meeting_id):
    meeting = managed_meeting(meeting_id)
    form = MeetingForm(data=None if request.method == "POST" else form_defaults(meeting))
    services.ensure_open(meeting)
    if not form.validate_on_submit():
        return render_form(FORM, form, group=meeting.group, meeting=meeting)
    try:
        changed = services.change(meeting, form.details(), parse_id(form.version.data),
                                  confirmed=form.confirmed.data)
    except services.StaleEdit:
        form.form_errors.append(_("Schůzku mezitím upravil někdo jiný. Obnovte stránku a "
                                  "zadejte změny znovu."))
        return render_form(FORM, form, 409, group=meeting.group, meeting=meeting)
    except services.NeedsConfirmation:
        form.confirmed.errors.append(_("Schůzka už proběhla. Potvrďte změnu času; členům "
                                       "odejde oznámení o změně."))
        return render_form(FORM, form, 409, group=meeting.group, meeting=meeting,
                           needs_confirmation=True)
    flash(_("Změny byly uloženy a členům odchází oznámení.") if changed
          else _("Nic se nezměnilo."), "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id))


@bp.errorhandler(services.MeetingCancelled)
def cancelled_meeting(error):
    """A cancelled meeting takes no more changes: say so and go back to it."""
    meeting = error.args[0]
    flash(_("Schůzka je zrušená; už ji nelze měnit."), "error")
    target = url_for("meetings.meeting", meeting_id=meeting.id)
    if wants_fragment():
        return Response(status=204, headers={"HX-Redirect": target})
    return redirect(target)


def form_defaults(source) -> dict:
    """Form values from a meeting (or suggested details), in Prague time."""
    start, end = in_prague(source.starts_at), in_prague(source.ends_at)
    return {"day": start.date(), "time_from": start.time(), "time_to": end.time(),
            "place": source.place, "map_url": source.map_url,
            "version": getattr(source, "version", "")}


@bp.post("/meetings/<int:meeting_id>/cancel")
@requires("meetings.view")
def cancel(meeting_id):
    meeting = managed_meeting(meeting_id)
    if not confirmed():
        return ask_to_confirm(_("Opravdu zrušit schůzku? Členové dostanou oznámení."),
                              url_for("meetings.meeting", meeting_id=meeting.id))
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
    error = None
    try:
        services.answer(meeting, member.id, Answer(request.form.get("answer", "")))
    except ValueError:
        error = _("Vyberte, zda přijdete.")
    except services.MeetingCancelled:
        error = _("Schůzka je zrušená.")
    if not wants_fragment():
        flash(error or _("Odpověď je uložená."), "error" if error else "success")
        return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return render_meeting(meeting, member, status=400 if error else 200, answer_error=error)


@bp.route("/answer/<token>", methods=["GET", "POST"])
@public
def answer_by_link(token):
    """The one-click link from the invitation: GET shows a confirmation, POST saves it.

    It works until the meeting (as it now stands) ends.
    """
    found = read_answer_token(token)
    meeting = services.find_meeting(found[0]) if found else None
    if meeting is None or meeting.ends_at <= utcnow() or not is_member(found[1],
                                                                       meeting.group_id):
        return render_template("meetings/answer_invalid.html"), 404
    if meeting.status is MeetingStatus.CANCELLED:
        return render_template("meetings/answer_invalid.html", cancelled=True), 409
    _, member_id, value = found
    if request.method == "POST":
        services.answer(meeting, member_id, value)
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
