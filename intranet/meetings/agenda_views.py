"""The program editor: items added, edited, reordered and removed in place with htmx."""

from flask import redirect, request, url_for

from ..groups.services import active_members
from ..i18n import gettext as _
from ..policy import requires
from ..web import ask_to_confirm, confirmed, current_member, render, wants_fragment
from . import agenda, bp, services
from .forms import AgendaItemForm
from .views import managed_meeting, render_meeting


def _open_meeting(meeting_id: int):
    """The meeting whose program may be changed: managed by this member, not cancelled."""
    meeting = managed_meeting(meeting_id)
    services.ensure_open(meeting)
    return meeting


def _agenda_changed(meeting_id: int):
    """htmx gets the program again; a plain form returns to the meeting page."""
    if not wants_fragment():
        return redirect(url_for("meetings.meeting", meeting_id=meeting_id) + "#program")
    return render_meeting(services.get_meeting(meeting_id, program=False), current_member(),
                          "meetings/_agenda.html")


def _candidates(meeting):
    return active_members(meeting.group_id)


@bp.post("/meetings/<int:meeting_id>/agenda")
@requires("meetings.view")
def add_item(meeting_id):
    meeting = _open_meeting(meeting_id)
    form = AgendaItemForm()
    if not form.validate_on_submit():
        return render_meeting(meeting, current_member(), "meetings/_agenda.html", status=400,
                              new_item=form)
    agenda.add_item(meeting, form.title.data, form.duration.data, form.presenters.data,
                    _candidates(meeting))
    return _agenda_changed(meeting_id)


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@requires("meetings.view")
def edit_item(meeting_id, item_id):
    meeting = _open_meeting(meeting_id)
    item = agenda.get_item(meeting, item_id)
    form = AgendaItemForm(data=None if request.method == "POST" else {
        "title": item.title, "duration": item.duration_minutes,
        "presenters": agenda.presenters_text(item)})
    if not form.validate_on_submit():
        response = render("meetings/agenda_item_form.html", "meetings/_agenda_item_form.html",
                          status=400 if form.errors else 200, form=form, meeting=meeting,
                          item=item)
        response.headers["HX-Retarget"] = f"#item-{item.id}"  # errors stay in the item
        response.headers["HX-Reswap"] = "outerHTML"
        return response
    agenda.update_item(meeting, item, form.title.data, form.duration.data, form.presenters.data,
                       _candidates(meeting))
    return _agenda_changed(meeting_id)


@bp.post("/meetings/<int:meeting_id>/agenda/<int:item_id>/move")
@requires("meetings.view")
def move_item(meeting_id, item_id):
    meeting = _open_meeting(meeting_id)
    agenda.move_item(meeting, agenda.get_item(meeting, item_id),
                     -1 if request.form.get("direction") == "up" else 1)
    return _agenda_changed(meeting_id)


@bp.post("/meetings/<int:meeting_id>/agenda/<int:item_id>/remove")
@requires("meetings.view")
def remove_item(meeting_id, item_id):
    meeting = _open_meeting(meeting_id)
    item = agenda.get_item(meeting, item_id)
    if not confirmed():
        return ask_to_confirm(_("Odebrat bod „%(title)s“?", title=item.title),
                              url_for("meetings.meeting", meeting_id=meeting.id))
    agenda.remove_item(meeting, item)
    return _agenda_changed(meeting_id)
