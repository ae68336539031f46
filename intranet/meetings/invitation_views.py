"""The invitation: shown as members will receive it, sent when ready, updates, resending."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext

from ..i18n import gettext as _
from ..policy import requires
from ..web import current_member, parse_id
from . import attendance, bp, notifications
from .views import managed_meeting


@bp.get("/meetings/<int:meeting_id>/invitations")
@requires("meetings.view")
def invitations(meeting_id):
    meeting = managed_meeting(meeting_id)
    subject, body = notifications.preview(meeting, current_member())
    rows = attendance.attendance_rows(meeting)
    return render_template("meetings/invitations.html", meeting=meeting, subject=subject,
                           body=body, rows=rows,
                           unanswered=sum(row.answer is None for row in rows))


def _back(meeting_id: int):
    return redirect(url_for("meetings.invitations", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/invitations/send")
@requires("meetings.view")
def send_invitations(meeting_id):
    meeting = managed_meeting(meeting_id)
    try:
        count = notifications.send_invitations(meeting)
    except notifications.NotSendable:
        flash(_("Pozvánky už odešly, nebo schůzka začala či byla zrušena."), "info")
        return _back(meeting_id)
    flash(ngettext("Odchází %(num)d pozvánka.", "Odcházejí %(num)d pozvánky.", count), "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/invitations/update")
@requires("meetings.view")
def send_update(meeting_id):
    meeting = managed_meeting(meeting_id)
    sent = notifications.send_pending_update(meeting)
    flash(_("Aktualizace pozvánky odchází pozvaným členům.") if sent
          else _("Aktualizace už byla odeslána."), "success" if sent else "info")
    return redirect(url_for("meetings.meeting", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/invitations/resend")
@requires("meetings.view")
def resend(meeting_id):
    """The invitation again: to one member (member_id) or to all who have not answered."""
    meeting = managed_meeting(meeting_id)
    member_id = parse_id(request.form.get("member_id"))
    if member_id is None and request.form.get("member_id"):
        abort(400)
    try:
        count = notifications.resend(meeting, member_id)
    except notifications.NotSendable:
        flash(_("Pozvánku teď nelze poslat: ještě nebyla odeslána, nebo schůzka už "
                "proběhla."), "error")
        return _back(meeting_id)
    flash(ngettext("Znovu odeslána %(num)d pozvánka.", "Znovu odeslány %(num)d pozvánky.", count),
          "success")
    return _back(meeting_id)
