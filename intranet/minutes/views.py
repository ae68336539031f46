"""Minutes: start from a meeting, write with live preview and autosave, the way to
publication, reading, history and the Markdown source."""

from datetime import timedelta

import sqlalchemy as sa
from flask import flash, redirect, request, url_for
from flask_babel import ngettext

from ..database import first_rows
from ..exports import download
from ..forms import valid_data
from ..groups.services import group_choices
from ..i18n import gettext as _
from ..i18n import in_prague, today_in_prague
from ..markup import shift_headings, with_section_ids
from ..meetings import services as meetings
from ..organisations.services import municipality_choices
from ..policy import (
    ensure,
    may_approve_minutes,
    may_close_task,
    may_publish_minutes,
    may_read_attachments,
    may_read_minutes,
    may_write_minutes,
    requires,
)
from ..web import (
    ask_to_confirm,
    confirmed,
    current_member,
    markdown_preview,
    paginate,
    parse_id,
    render,
    render_form,
)
from . import archive, attachments, bp, review, services, tasks
from .forms import ArchiveForm, CorrectionForm, MinutesForm, ReviewForm, TaskForm
from .models import Minutes, MinutesState

PANEL_ROWS = 5  # rows of a list that a panel on another page shows

REVIEW_DAYS = 7  # the review round's deadline offered: a week to read the draft
SECTION_PREFIX = "oddil-"  # the ids of the text's sections, apart from the page's own ids

EDITOR = "minutes/edit.html"
CORRECTION = "minutes/correct.html"


def readable(minutes_id: int):
    minutes = services.get_minutes(minutes_id)
    ensure(may_read_minutes(current_member(), minutes, minutes.meeting.group))
    return minutes


def writable(minutes_id: int):
    minutes = services.get_minutes(minutes_id)
    ensure(may_write_minutes(current_member(), minutes.meeting.group))
    return minutes


def _show(minutes):
    return redirect(url_for("minutes.show", minutes_id=minutes.id))


def meeting_panel(meeting, viewer):
    """The minutes on the meeting's page: once published their text and tasks (as Indico's
    meeting page shows them), before that a link for those who may read the draft, or
    "Napsat zápis"."""
    minutes = services.shown_on_meeting(meeting.id, viewer.id)
    can_write = may_write_minutes(viewer, meeting.group)
    files = attachments.of_meeting(meeting.id) \
        if may_read_attachments(viewer, minutes, meeting.group) else []
    if minutes is not None and not may_read_minutes(viewer, minutes, meeting.group):
        minutes = None
    context = {"minutes": minutes, "can_write": can_write, "files": files, "inline": False}
    if minutes is not None and minutes.state is MinutesState.PUBLISHED:
        context.update(inline=True, text=shift_headings(minutes.html, 2),
                       items=tasks.items_of(minutes.id), may_close=lambda _item: False,
                       tasks_heading_level=4)
    return "minutes/_meeting_panel.html", context


def minutes_of_meeting(meeting_id: int):
    """The select of what makes a meeting not deletable: its minutes."""
    return sa.select(Minutes.id).where(Minutes.meeting_id == meeting_id)


@bp.post("/meetings/<int:meeting_id>/minutes")
@requires("meetings.view")
def start(meeting_id):
    meeting = meetings.get_meeting(meeting_id)
    ensure(may_write_minutes(current_member(), meeting.group))
    try:
        minutes = services.start(meeting, current_member())
    except services.NotStarted:
        flash(_("Zápis lze psát, až schůzka začne (zrušená schůzka zápis nemá)."), "error")
        return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    if minutes.state is not MinutesState.DRAFT:
        return _show(minutes)
    return redirect(url_for("minutes.edit", minutes_id=minutes.id))


@bp.get("/minutes/<int:minutes_id>")
@requires("meetings.view")
def show(minutes_id):
    return render_minutes(readable(minutes_id))


def render_minutes(minutes: Minutes, review_form: ReviewForm | None = None, status: int = 200):
    """The minutes page (with the review form sent back, when it had mistakes)."""
    member, group = current_member(), minutes.meeting.group
    unread = minutes.state is MinutesState.PUBLISHED and not archive.has_read(minutes, member)
    text, sections = with_section_ids(minutes.html, SECTION_PREFIX)
    return render("minutes/minutes.html", "minutes/minutes.html", status, minutes=minutes,
                  text=text, sections=sections,
                  can_write=may_write_minutes(member, group),
                  can_approve=may_approve_minutes(member, minutes, group),
                  can_publish=may_publish_minutes(member, minutes, group), unread=unread,
                  items=tasks.items_of(minutes.id),
                  may_close=lambda item: may_close_task(member, item, group),
                  correction=services.latest_correction(minutes.id)
                  if minutes.corrected_at else None,
                  reviews=review.overview(minutes.id) if may_publish_minutes(
                      member, minutes, group) else [],
                  publish_question=publish_question(services.audience(minutes))
                  if minutes.state is MinutesState.APPROVED else "",
                  review_form=review_form or ReviewForm(formdata=None, data={
                      "deadline": today_in_prague() + timedelta(days=REVIEW_DAYS)}))


@bp.post("/minutes/<int:minutes_id>/read")
@requires("meetings.view")
def mark_read(minutes_id):
    """Sent by the minutes page once it is open: the dashboard stops marking them as new."""
    archive.mark_read(readable(minutes_id), current_member())
    return "", 204


@bp.get("/minutes")
@requires("meetings.view")
def archive_page():
    """Published minutes by group, year and municipality, or found by their words."""
    form = ArchiveForm(request.args, groups=group_choices(), years=archive.years(),
                       municipalities=municipality_choices())
    form.validate()  # an invalid filter is shown at its field and ignored
    filters = archive.counted(archive.Filters(
        q=valid_data(form.q) or "", group_id=valid_data(form.group), year=valid_data(form.year),
        municipality_id=valid_data(form.municipality)))
    pagination = paginate(*archive.archive(filters, current_member()),
                          count=archive.count_of(filters))
    return render("minutes/archive.html", "minutes/_archive_results.html", form=form,
                  filters=filters, pagination=pagination,
                  snippets=archive.snippets_of(filters, pagination.items))


def dashboard_panel(member, viewer):
    """The newest minutes of the member's groups and municipality, new ones marked."""
    return "minutes/_dashboard_panel.html", {"newest": archive.newest_for(member)}


def municipality_panel(municipality, viewer):
    """The newest published minutes of meetings someone from the municipality attended."""
    filters = archive.Filters(municipality_id=municipality.id)
    return "minutes/_municipality_panel.html", {
        "newest": first_rows(*archive.archive(filters, viewer), PANEL_ROWS)}


def municipality_tasks_panel(municipality, viewer):
    """The open tasks for organisations in the municipality and their people."""
    filters = tasks.TaskFilters(municipality_id=municipality.id)
    return "minutes/_municipality_tasks_panel.html", {
        "open_tasks": first_rows(*tasks.listed(filters), PANEL_ROWS)}


def my_tasks_panel(member, viewer):
    """The open tasks for the member or their organisation, overdue ones marked."""
    return "minutes/_my_tasks_panel.html", {"my_tasks": tasks.mine(member)}


def open_tasks_panel(meeting, viewer):
    """On a meeting's page: the group's open tasks from earlier meetings ("Kontrola úkolů")."""
    if meeting.status == "cancelled":
        return None
    return "minutes/_open_tasks_panel.html", {
        "open_tasks": tasks.open_before(meeting.group_id, meeting.starts_at)}


@bp.route("/minutes/<int:minutes_id>/edit", methods=["GET", "POST"])
@requires("meetings.view")
def edit(minutes_id):
    """The editor; a POST saves (the whole form, or the autosave while typing)."""
    minutes = writable(minutes_id)
    autosave = request.form.get("autosave") == "1"
    if request.method == "GET" and minutes.state is not MinutesState.DRAFT:
        flash(_("Zápis je ve stavu „%(state)s“; upravit jej lze po vrácení k úpravám.",
                state=minutes.state.label), "info")
        return _show(minutes)
    form = MinutesForm(data=None if request.method == "POST" else
                       {"text": minutes.text, "version": minutes.version})
    if not form.validate_on_submit():
        if autosave:
            return _save_status(minutes, error=" ".join(form.text.errors) or
                                _("Uložení se nepodařilo; obnovte stránku."), status=400)
        return editor(minutes, form)
    try:
        services.save(minutes, current_member(), form.text.data,
                      parse_id(form.version.data) or 0)
    except services.StaleVersion:
        if autosave:
            return _save_status(minutes, status=409, error=_(
                "Zápis mezitím uložil někdo jiný. Stiskněte „Uložit“ a uvidíte obě verze."))
        return _conflict(minutes, form)
    except services.NotEditable:
        if autosave:
            return _save_status(minutes, status=409, error=_(
                "Zápis byl mezitím odeslán ke schválení; váš text zůstává v tomto okně."))
        form.form_errors.append(_("Zápis byl mezitím odeslán ke schválení. Váš text je níže; "
                                  "zkopírujte si jej, než odejdete."))
        return editor(minutes, form, 409)
    if autosave:
        return _save_status(minutes)
    flash(_("Zápis je uložen."), "success")
    return _show(minutes)


def _save_status(minutes, error: str | None = None, status: int = 200):
    """The autosave's answer: when it was saved (and the version to continue from)."""
    return render("minutes/_save_status.html", "minutes/_save_status.html", status=status,
                  minutes=minutes, error=error)


def _conflict(minutes, form):
    """Someone saved meanwhile: both texts side by side."""
    form.form_errors.append(_("Zápis mezitím uložil někdo jiný. Nic se nepřepsalo: níže je "
                              "váš text a uložená verze. Sloučte je a uložte znovu."))
    return editor(minutes, form, 409, **conflict_context(minutes, form))


def conflict_context(minutes, form) -> dict:
    """What a refused stale save shows beside the text kept in the form (which now continues
    from the saved version, so saving again is a deliberate choice and nothing is lost)."""
    mine = form.text.data
    form.version.data = minutes.version
    return {"conflict": True, "saved_by": services.latest_revision(minutes.id).author,
            "lines": services.differences(minutes.text, mine)}


def editor(minutes, form=None, status=None, task_form=None, **context):
    """The editor page: the text, its preview, and the tasks beside it."""
    form = form or MinutesForm(formdata=None, data={"text": minutes.text,
                                                    "version": minutes.version})
    task_form = task_form or TaskForm(formdata=None,
                                      choices=tasks.assignee_choices(minutes.meeting.group_id))
    return render_form(EDITOR, form, status, minutes=minutes, items=tasks.items_of(minutes.id),
                       task_form=task_form, **context)


@bp.route("/minutes/<int:minutes_id>/correct", methods=["GET", "POST"])
@requires("meetings.view")
def correct(minutes_id):
    """Correct published minutes: readers see that they were corrected, why and what changed."""
    minutes = services.get_minutes(minutes_id)
    member = current_member()
    ensure(may_publish_minutes(member, minutes, minutes.meeting.group))
    if minutes.state is not MinutesState.PUBLISHED:
        return redirect(url_for("minutes.edit", minutes_id=minutes.id))
    form = CorrectionForm(data=None if request.method == "POST" else
                          {"text": minutes.text, "version": minutes.version})
    if not form.validate_on_submit():
        return render_form(CORRECTION, form, minutes=minutes)
    try:
        changed = services.correct(minutes, member, form.text.data,
                                   parse_id(form.version.data) or 0, form.reason.data)
    except services.StaleVersion:
        form.form_errors.append(_("Zápis mezitím opravil někdo jiný. Nic se nepřepsalo: níže "
                                  "je váš text a uložená verze."))
        return render_form(CORRECTION, form, 409, minutes=minutes,
                           **conflict_context(minutes, form))
    flash(_("Oprava je uložena; čtenáři uvidí, co se změnilo.") if changed
          else _("Text se nezměnil; oprava nebyla uložena."), "success" if changed else "info")
    return _show(minutes)


@bp.post("/minutes/<int:minutes_id>/preview")
@requires("meetings.view")
def preview(minutes_id):
    """The text as it will look, rendered by the same function as the published page."""
    minutes = services.get_minutes(minutes_id)
    ensure(may_publish_minutes(current_member(), minutes, minutes.meeting.group))
    return markdown_preview(services.MAX_BYTES)


@bp.post("/minutes/<int:minutes_id>/submit")
@requires("meetings.view")
def submit(minutes_id):
    minutes = writable(minutes_id)
    try:
        moved = services.submit(minutes)
    except services.EmptyMinutes:
        flash(_("Zápis je prázdný; napište jej, než jej odešlete ke schválení."), "error")
        return redirect(url_for("minutes.edit", minutes_id=minutes.id)), 400
    return _after_move(minutes, moved, _("Zápis byl odeslán ke schválení."))


@bp.post("/minutes/<int:minutes_id>/approve")
@requires("meetings.view")
def approve(minutes_id):
    minutes = services.get_minutes(minutes_id)
    member = current_member()
    ensure(may_approve_minutes(member, minutes, minutes.meeting.group))
    return _after_move(minutes, services.approve(minutes, member), _("Zápis je schválen."))


@bp.post("/minutes/<int:minutes_id>/return")
@requires("meetings.view")
def return_to_draft(minutes_id):
    minutes = services.get_minutes(minutes_id)
    member, group = current_member(), minutes.meeting.group
    ensure(may_publish_minutes(member, minutes, group))
    return _after_move(minutes, services.return_to_draft(minutes),
                       _("Zápis je vrácen k úpravám."))


@bp.post("/minutes/<int:minutes_id>/publish")
@requires("meetings.view")
def publish(minutes_id):
    minutes = services.get_minutes(minutes_id)
    member = current_member()
    ensure(may_publish_minutes(member, minutes, minutes.meeting.group))
    mailed = services.audience(minutes)
    if not confirmed():  # mail to the whole group cannot be called back: asked first
        return ask_to_confirm(publish_question(mailed),
                              url_for("minutes.show", minutes_id=minutes.id))
    said = _("Zápis je zveřejněn; přečte si jej každý, kdo má do intranetu přístup.")
    if mailed:
        said += " " + ngettext("E-mailem odchází %(num)d člověku ze skupiny.",
                               "E-mailem odchází %(num)d lidem ze skupiny.", mailed)
    return _after_move(minutes, services.publish(minutes, member), said)


def publish_question(mailed: int | None) -> str:
    """What "Zveřejnit zápis" asks: whom the mail reaches, before it goes."""
    if not mailed:
        return _("Zveřejnit zápis? E-mailem ho nyní nedostane nikdo.")
    return ngettext("Zveřejnit zápis a rozeslat ho e-mailem %(num)d člověku ze skupiny?",
                    "Zveřejnit zápis a rozeslat ho e-mailem %(num)d lidem ze skupiny?", mailed)


def _after_move(minutes, moved: bool, message: str):
    """Back to the minutes; a step someone else took first is said, not repeated."""
    if moved:
        flash(message, "success")
    else:
        flash(_("Zápis je mezitím ve stavu „%(state)s“; nic se nezměnilo.",
                state=minutes.state.label), "info")
    return _show(minutes)


@bp.get("/minutes/<int:minutes_id>/history")
@requires("meetings.view")
def history(minutes_id):
    minutes = readable(minutes_id)
    return render("minutes/history.html", "minutes/history.html", minutes=minutes,
                  pagination=paginate(*services.revisions(minutes.id)))


@bp.get("/minutes/<int:minutes_id>/changes")
@requires("meetings.view")
def changes(minutes_id):
    """The difference between two revisions (by default the latest and the one before)."""
    minutes = readable(minutes_id)
    latest = services.latest_revision(minutes.id)
    new_number = parse_id(request.args.get("to")) or (latest.number if latest else 0)
    old_number = parse_id(request.args.get("from")) or new_number - 1
    new, old = (services.revision(minutes.id, n) for n in (new_number, old_number))
    if new is None:
        return redirect(url_for("minutes.history", minutes_id=minutes.id))
    return render("minutes/changes.html", "minutes/changes.html", minutes=minutes,
                  new=new, old=old, lines=services.differences(old.text if old else "", new.text))


@bp.get("/minutes/<int:minutes_id>/source")
@requires("meetings.view")
def source(minutes_id):
    minutes = readable(minutes_id)
    meeting = minutes.meeting
    day = in_prague(meeting.starts_at).date().isoformat()
    return download(minutes.text, f"zápis-PS-{meeting.group.number}-{day}.md",
                    "text/markdown")
