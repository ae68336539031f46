"""Meetings: the list, a meeting's page, scheduling and changes, answers, .ics."""

from datetime import time
from itertools import groupby

from flask import Response, flash, redirect, render_template, request, url_for

from ..accounts.models import Member
from ..database import utcnow
from ..exports import download
from ..extensions import db
from ..groups.services import (
    coordinated_groups,
    coordinates_any,
    get_group,
    group_choices,
    is_member,
)
from ..groups.views import GROUP_PAGE_ROWS
from ..i18n import gettext as _
from ..i18n import in_prague, local_to_utc, month_bounds, previous_month, today_in_prague
from ..policy import can, ensure, may_answer, may_manage_group, public, requires
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
from . import attendance, bp, services, stats
from .calendar import calendar, read_answer_token
from .forms import AgendaItemForm, CancelForm, MeetingForm
from .models import Answer, MeetingState, MeetingStatus

MIDNIGHT = time(0, 0)
FORM = "meetings/meeting_form.html"


def group_meetings_panel(group, viewer):
    """The "Schůzky" card of a group's page: its meetings, newest first, a page at a time,
    the held ones with the sides of the triad that were present (one query for the page)."""
    if not can(viewer, "meetings.view"):
        return None
    meetings = paginate(*services.group_meetings(group), per_page=GROUP_PAGE_ROWS)
    held = [m.id for m in meetings.items if m.state == MeetingState.HELD]
    return "meetings/_group_meetings_panel.html", {
        "meetings": meetings, "sides": stats.sides_at(held)}


def managed_meeting(meeting_id: int, details: bool = True):
    """The meeting (see get_meeting), if the logged-in member may manage its group (else 403)."""
    meeting = services.get_meeting(meeting_id, details)
    ensure(may_manage_group(current_member(), meeting.group))
    return meeting


def render_meeting(meeting, member, fragment="meetings/_answer.html", status=200, **context):
    """The meeting page (or one of its fragments for htmx) as this member sees it."""
    context.setdefault("new_item", AgendaItemForm(formdata=None))
    can_manage = may_manage_group(member, meeting.group)
    return render("meetings/meeting.html", fragment, status=status, meeting=meeting,
                  program=services.program_rows(meeting.id), can_manage=can_manage,
                  can_answer=may_answer(member, meeting),
                  participation=attendance.answer_of(meeting, member),
                  deletable=can_manage and services.deletable(meeting),
                  next_meeting=services.planned_next(meeting),
                  **{"cancel_form": CancelForm(formdata=None), **context})


def _list_filters():
    """The meeting list's filters from the query string: group, only mine, search."""
    return services.Filters(group_id=parse_id(request.args.get("group")),
                            member=current_member() if request.args.get("mine") else None,
                            q=request.args.get("q", "")[:100])


@bp.get("/meetings")
@requires("meetings.view")
def meetings():
    filters = _list_filters()
    context = {"filters": filters, "groups": group_choices(), "view": "month"}
    if request.args.get("view") == "upcoming":
        filters.start = utcnow()
        context.update(view="upcoming", pagination=paginate(*services.meeting_rows(filters)))
    else:
        first, following = month_bounds(request.args.get("month"), today_in_prague())
        filters.start = local_to_utc(first, MIDNIGHT)
        filters.end = local_to_utc(following, MIDNIGHT)
        context.update(pagination=paginate(*services.meeting_rows(filters), per_page=100),
                       month=first, previous_month=previous_month(first), next_month=following)
    days = groupby(context["pagination"].items, key=lambda row: in_prague(row.starts_at).date())
    return render("meetings/meetings.html", "meetings/_month.html",
                  days=[(day, list(rows)) for day, rows in days],
                  can_schedule=can(current_member(), "groups.manage_all")
                  or coordinates_any(current_member()), **context)


def schedulable_groups(member) -> list[tuple[int, str]]:
    """The groups whose meetings the member schedules (policy.may_manage_group): every group
    for secretaries and administrators, their own for coordinators."""
    if can(member, "groups.manage_all"):
        return list(group_choices().pairs)
    return [(group.id, group.title) for group in coordinated_groups(member)]


@bp.get("/meetings/new")
@requires("meetings.view")
def choose_group():
    """"Naplánovat schůzku" on the meetings page: the group first (one: its form at once)."""
    groups = schedulable_groups(current_member())
    ensure(bool(groups))
    if len(groups) == 1:
        return redirect(url_for("meetings.schedule", group_id=groups[0][0]))
    return render_template("meetings/choose_group.html", groups=groups)


@bp.get("/meetings/<int:meeting_id>")
@requires("meetings.view")
def meeting(meeting_id):
    return render_meeting(services.get_meeting(meeting_id, program=False), current_member())


@bp.route("/groups/<int:group_id>/meetings/new", methods=["GET", "POST"])
@requires("meetings.view")
def schedule(group_id):
    group = get_group(group_id)
    ensure(may_manage_group(current_member(), group))
    if group.archived_at:
        return _archived(group)
    form = MeetingForm()
    if not form.validate_on_submit():
        return render_form(FORM, form, group=group, meeting=None)
    meeting = services.schedule(group, current_member(), form.details(),
                                program=form.program_items())
    return _scheduled(meeting)


def _archived(group):
    flash(_("Skupina je v archivu; nové schůzky se v ní neplánují."), "error")
    return redirect(url_for("groups.group", group_id=group.id))


def _scheduled(meeting):
    """After scheduling: the invitation is shown before it is sent (past meetings send none)."""
    if meeting.has_begun:
        flash(_("Schůzka č. %(number)d je zapsaná; pozvánky se nepošlou.",
                number=meeting.number), "success")
        return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    flash(_("Schůzka č. %(number)d je naplánovaná. Zkontrolujte pozvánku a odešlete ji.",
            number=meeting.number), "success")
    return redirect(url_for("meetings.invitations", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/next", methods=["GET", "POST"])
@requires("meetings.view")
def plan_next(meeting_id):
    previous = managed_meeting(meeting_id)
    if previous.group.archived_at:
        return _archived(previous.group)
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
    return _scheduled(meeting)


def _already_planned(previous):
    flash(_("Příští schůzka už je naplánovaná."), "info")
    return redirect(url_for("meetings.meeting", meeting_id=services.planned_next(previous).id))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@requires("meetings.view")
def edit(meeting_id):
    meeting = managed_meeting(meeting_id)
    services.ensure_open(meeting)
    form = MeetingForm(data=None if request.method == "POST" else form_defaults(meeting))
    form.asks_about_past = not meeting.has_begun  # moving a coming meeting into the past
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
        form.confirmed.errors.append(_("Schůzka už proběhla. Potvrďte změnu času."))
        return render_form(FORM, form, 409, group=meeting.group, meeting=meeting,
                           needs_confirmation=True)
    flash(_change_message(meeting, changed), "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id))


def _change_message(meeting, changed: bool) -> str:
    if not changed:
        return _("Nic se nezměnilo.")
    if meeting.invited_at is None:
        return _("Změny byly uloženy.")
    return _("Změny byly uloženy a pozvaným členům odchází oznámení.")


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
            "place": source.place, "map_url": source.map_url, "online_url": source.online_url,
            "version": getattr(source, "version", "")}


@bp.post("/meetings/<int:meeting_id>/cancel")
@requires("meetings.view")
def cancel(meeting_id):
    meeting = managed_meeting(meeting_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return render_meeting(meeting, current_member(), "meetings/meeting.html", status=400,
                              cancel_form=form)
    if not confirmed():
        return ask_to_confirm(_("Opravdu zrušit schůzku? Pozvaní členové dostanou oznámení."),
                              url_for("meetings.meeting", meeting_id=meeting.id))
    try:
        services.cancel(meeting, form.reason.data or "")
    except services.AlreadyHeld:
        flash(_("Schůzka proběhla a má zapsanou docházku; zrušit ji už nelze."), "error")
        return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    flash(_("Schůzka byla zrušena."), "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/delete")
@requires("meetings.view")
def delete(meeting_id):
    meeting = managed_meeting(meeting_id)
    back = url_for("meetings.meeting", meeting_id=meeting.id)
    if not services.deletable(meeting):
        flash(_("Schůzku už nelze smazat: pozvánky odešly nebo je zapsaná docházka. "
                "Můžete ji zrušit."), "error")
        return redirect(back)
    if not confirmed():
        return ask_to_confirm(_("Smazat schůzku? Nikdo o ní zatím nedostal zprávu."), back)
    group_id = meeting.group_id
    services.delete(meeting)
    flash(_("Schůzka byla smazána."), "success")
    return redirect(url_for("groups.group", group_id=group_id))


@bp.get("/meetings/<int:meeting_id>/calendar.ics")
@requires("meetings.view")
def ics(meeting_id):
    meeting = services.get_meeting(meeting_id)
    day = in_prague(meeting.starts_at).date().isoformat()
    filename = f"schůzka-PS-{meeting.group.number}-{day}.ics"
    return download(calendar([meeting]), filename, "text/calendar")


@bp.post("/meetings/<int:meeting_id>/answer")
@requires("meetings.view")
def answer(meeting_id):
    meeting = services.get_meeting(meeting_id, program=False)
    member = current_member()
    ensure(may_answer(member, meeting))
    error = _save_answer(meeting, member.id)
    if not wants_fragment():
        flash(error or _("Odpověď je uložená."), "error" if error else "success")
        return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return render_meeting(meeting, member, status=400 if error else 200, answer_error=error)


def _save_answer(meeting, member_id: int) -> str | None:
    """Save the answer from the form; the error to show, if any."""
    comment = " ".join(request.form.get("comment", "").split())[:300]
    try:
        attendance.answer(meeting, member_id, Answer(request.form.get("answer", "")), comment)
    except ValueError:
        return _("Vyberte, zda přijdete.")
    except services.MeetingCancelled:
        return _("Schůzka je zrušená.")
    except attendance.AnswersClosed:
        return _("Schůzka už proběhla; odpověď na pozvánku už nelze změnit.")
    return None


@bp.route("/answer/<token>", methods=["GET", "POST"])
@public
def answer_by_link(token):
    """The one-click link from the invitation: GET shows a confirmation, POST saves it.

    It works until the meeting (as it now stands) ends.
    """
    found = read_answer_token(token)
    meeting = services.find_meeting(found[0]) if found else None
    if meeting is None or not is_member(found[1], meeting.group_id):
        return render_template("meetings/answer_invalid.html"), 404
    if meeting.status is MeetingStatus.CANCELLED:
        return render_template("meetings/answer_invalid.html", cancelled=True), 409
    if not meeting.accepts_answers:
        return render_template("meetings/answer_invalid.html", over=True), 409
    _, member_id, value = found
    if request.method == "POST":
        attendance.answer(meeting, member_id, value)
        who = db.session.get(Member, member_id)
        return render_template("meetings/answer_done.html", meeting=meeting, value=value,
                               member_name=who.full_name)
    return render_template("meetings/answer_confirm.html", meeting=meeting, value=value)


@bp.get("/calendar/<token>.ics")
@public
def calendar_feed(token):
    """A member's private feed of their groups' meetings, for calendar subscriptions."""
    return _feed(token)


@bp.get("/calendar/<token>/groups/<int:group_id>.ics")
@public
def group_calendar_feed(token, group_id):
    """The same private feed for one working group's meetings."""
    return _feed(token, group_id)


def _feed(token: str, group_id: int | None = None):
    from ..accounts.services import member_by_calendar_token

    member = member_by_calendar_token(token)
    if member is None:
        return Response("", status=404)
    return Response(calendar(services.feed_meetings(member, group_id)), mimetype="text/calendar")
