"""Published minutes reach the group's list by themselves; a correction posts a short notice.

Both run inside the transaction that publishes or corrects (signals from minutes): if it
rolls back, nothing is posted and nothing is sent.
"""

from flask import render_template
from flask_babel import force_locale

from ..extensions import db
from ..i18n import in_prague
from ..minutes.attachments import of_meeting
from ..minutes.services import differences
from ..minutes.tasks import items_of
from ..web import external_url
from .models import MailingList
from .services import post_automatically

CHANGED_LINES_SHOWN = 30


def post_minutes(minutes, **_) -> None:
    """minutes_published: the minutes, as text and as HTML, with their tasks (who does what
    by when: what a reader of the mail needs most), to the group's list."""
    meeting = minutes.meeting
    context = {"minutes": minutes, "meeting": meeting, "attachments": of_meeting(meeting.id),
               "tasks": items_of(minutes.id),
               "url": external_url("minutes.show", minutes_id=minutes.id),
               "attachment_url": lambda item: external_url("minutes.attachment",
                                                           attachment_id=item.id)}
    _post(meeting, "Zápis", "mailing/mail/minutes", context)


def post_correction(minutes, revision, **_) -> None:
    """minutes_corrected: "opraveno", the reason and the changed lines."""
    meeting = minutes.meeting
    changed = [(kind, line) for kind, line in differences(_previous_text(revision), revision.text)
               if kind != "same"]
    context = {"minutes": minutes, "meeting": meeting, "revision": revision,
               "changed": changed[:CHANGED_LINES_SHOWN], "more": len(changed) > CHANGED_LINES_SHOWN,
               "url": external_url("minutes.show", minutes_id=minutes.id)}
    _post(meeting, "Opraveno: zápis", "mailing/mail/correction", context)


def _post(meeting, what: str, template: str, context: dict) -> None:
    mailing_list = db.session.query(MailingList).filter_by(group_id=meeting.group_id).one_or_none()
    if mailing_list is None:
        return
    day = in_prague(meeting.starts_at)
    subject = (f"{what} – PS č. {meeting.group.number} {meeting.group.name} – "
               f"{day.day}. {day.month}. {day.year}")
    with force_locale("cs"):
        text = render_template(f"{template}.txt", **context)
        html = render_template(f"{template}.html", **context)
    post_automatically(mailing_list, subject, text, html)


def _previous_text(revision) -> str:
    from ..minutes.models import MinutesRevision

    previous = db.session.scalar(
        db.select(MinutesRevision.text).where(MinutesRevision.minutes_id == revision.minutes_id,
                                              MinutesRevision.number < revision.number)
        .order_by(MinutesRevision.number.desc()).limit(1))
    return previous or ""
