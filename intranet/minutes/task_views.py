"""Action items: added to a draft beside its text, marked done by the people they are for."""

from flask import flash, redirect, render_template, request, url_for

from ..forms import valid_data
from ..groups.services import get_group, group_choices
from ..i18n import gettext as _
from ..i18n import today_in_prague
from ..organisations.services import municipality_choices, organisation_choices
from ..policy import ensure, may_close_task, may_read_minutes, requires
from ..web import current_member, paginate, render, render_form, wants_fragment
from . import bp, services, tasks
from .forms import DoneForm, TaskFilterForm, TaskForm
from .views import editor, writable


def render_tasks(minutes, form=None, status=200):
    """The editor's task section (for htmx), or the editor page again."""
    if not wants_fragment():
        if form is None:
            return redirect(url_for("minutes.edit", minutes_id=minutes.id) + "#tasks")
        return editor(minutes, status=status, task_form=form)
    form = form or TaskForm(formdata=None,
                            choices=tasks.assignee_choices(minutes.meeting.group_id))
    return render_template("minutes/_tasks_editor.html", minutes=minutes, task_form=form,
                           items=tasks.items_of(minutes.id)), status


@bp.post("/minutes/<int:minutes_id>/tasks")
@requires("meetings.view")
def add_task(minutes_id):
    minutes = writable(minutes_id)
    form = TaskForm(choices=tasks.assignee_choices(minutes.meeting.group_id),
                    meeting_day=minutes.meeting.local_day)
    if not form.validate_on_submit():
        return render_tasks(minutes, form, status=400)
    try:
        tasks.add(minutes, form.title.data, form.assignee.data, form.due_on.data)
    except tasks.NotDraft:
        return _not_draft(minutes)
    return render_tasks(minutes)


@bp.post("/minutes/<int:minutes_id>/tasks/<int:task_id>/remove")
@requires("meetings.view")
def remove_task(minutes_id, task_id):
    minutes = writable(minutes_id)
    try:
        tasks.remove(minutes, task_id)
    except tasks.NotDraft:
        return _not_draft(minutes)
    return render_tasks(minutes)


def _not_draft(minutes):
    flash(_("Zápis už není rozepsaný; úkoly v něm nelze měnit."), "error")
    return redirect(url_for("minutes.show", minutes_id=minutes.id)), 303


@bp.route("/tasks/<int:task_id>/done", methods=["GET", "POST"])
@requires("meetings.view")
def task_done(task_id):
    """Mark a task done (or open again), with the date and a comment."""
    item = tasks.get_item(task_id)
    group = get_group(item.group_id)
    member = current_member()
    ensure(may_close_task(member, item, group))
    minutes = services.get_minutes(item.minutes_id)
    back = url_for("minutes.show", minutes_id=minutes.id) \
        if may_read_minutes(member, minutes, group) else url_for("core.dashboard")
    form = DoneForm(data={"done_on": item.done_on or today_in_prague(),
                          "comment": item.done_comment})
    if not form.validate_on_submit():
        return render_form("minutes/task_done.html", form, item=item, group=group, back=back)
    tasks.mark_done(item, member, form.done_on.data, form.comment.data or "")
    flash(_("Úkol je splněný."), "success")
    return redirect(back)


@bp.get("/tasks")
@requires("meetings.view")
def tasks_page():
    """The tasks of published minutes, by state, group, organisation and municipality."""
    form = TaskFilterForm(request.args, groups=group_choices(),
                          organisations=organisation_choices(),
                          municipalities=municipality_choices())
    form.validate()  # an invalid filter is shown at its field and ignored
    filters = tasks.TaskFilters(
        state=valid_data(form.state) or tasks.OPEN, group_id=valid_data(form.group),
        organisation_id=valid_data(form.organisation),
        municipality_id=valid_data(form.municipality))
    return render("minutes/tasks.html", "minutes/_task_rows.html", form=form,
                  pagination=paginate(*tasks.listed(filters)))
