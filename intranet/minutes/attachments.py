"""Attachments of a meeting and its minutes: checked by their content, stored once by hash."""

import sqlalchemy as sa
from sqlalchemy.orm import raiseload

from .. import files
from ..database import prebuilt, rows_of
from ..extensions import db
from .models import Attachment


def store(meeting_id: int, member_id: int, upload) -> Attachment:
    """Check and keep an uploaded file (files.Refused says why not); the record of it."""
    file = files.checked(upload)
    files.keep(file)
    attachment = Attachment(meeting_id=meeting_id, sha256=file.sha256, mimetype=file.mimetype,
                            size=file.size, uploaded_by_id=member_id, filename=file.filename)
    db.session.add(attachment)
    db.session.commit()
    return attachment


def get(attachment_id: int) -> Attachment:
    return db.first_or_404(sa.select(Attachment).options(raiseload("*"))
                           .where(Attachment.id == attachment_id))


def of_meeting(meeting_id: int) -> list[sa.Row]:
    """The meeting's files as rows of what lists of them show: id, filename, size."""
    return rows_of(_of_meeting(), {"meeting_id": meeting_id}).all()


@prebuilt
def _of_meeting() -> sa.Select:
    return (sa.select(Attachment.id, Attachment.filename, Attachment.size)
            .where(Attachment.meeting_id == sa.bindparam("meeting_id"))
            .order_by(Attachment.id).limit(100))


def remove(attachment: Attachment) -> None:
    """Forget the attachment; its file goes when no other attachment has the same content."""
    digest = attachment.sha256
    db.session.delete(attachment)
    db.session.commit()
    if not db.session.scalar(sa.select(sa.exists().where(Attachment.sha256 == digest))):
        files.path_of(digest).unlink(missing_ok=True)


def attachments_of_meeting(meeting_id: int) -> sa.Select:
    """What keeps a meeting from being deleted: its attachments."""
    return sa.select(Attachment.id).where(Attachment.meeting_id == meeting_id)
