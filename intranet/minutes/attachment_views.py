"""Attachments: added by those who write the minutes, read with the minutes."""

from flask import flash, redirect, url_for

from .. import files
from ..i18n import gettext as _
from ..meetings import services as meetings
from ..policy import ensure, may_read_attachments, may_write_minutes, requires
from ..text import size_text
from ..web import ask_to_confirm, confirmed, current_member, render_form
from . import attachments, bp, services
from .forms import AttachmentForm

FORM = "minutes/attachment_form.html"


@bp.route("/meetings/<int:meeting_id>/attachments", methods=["GET", "POST"])
@requires("meetings.view")
def add_attachment(meeting_id):
    meeting = meetings.get_meeting(meeting_id, details=False)
    ensure(may_write_minutes(current_member(), meeting.group))
    form = AttachmentForm()
    if not form.validate_on_submit():
        return render_form(FORM, form, meeting=meeting, limit=size_text(files.limit()))
    try:
        attachments.store(meeting.id, current_member().id, form.file.data)
    except files.Refused as refused:
        form.file.errors.append(str(refused))
        return render_form(FORM, form, meeting=meeting, limit=size_text(files.limit()))
    flash(_("Příloha je uložena."), "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id))


@bp.get("/attachments/<int:attachment_id>")
@requires("meetings.view")
def attachment(attachment_id):
    item = attachments.get(attachment_id)
    meeting = meetings.get_meeting(item.meeting_id, details=False)
    ensure(may_read_attachments(current_member(), services.state_of(meeting.id),
                                meeting.group))
    return files.download(item.sha256, item.mimetype, item.filename)


@bp.post("/attachments/<int:attachment_id>/remove")
@requires("meetings.view")
def remove_attachment(attachment_id):
    item = attachments.get(attachment_id)
    meeting = meetings.get_meeting(item.meeting_id, details=False)
    ensure(may_write_minutes(current_member(), meeting.group))
    if not confirmed():
        return ask_to_confirm(_("Odebrat přílohu?"),
                              url_for("meetings.meeting", meeting_id=meeting.id))
    attachments.remove(item)
    flash(_("Příloha je odebrána."), "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
