"""Attachments of a meeting and its minutes: checked by their content, stored once by hash."""

import hashlib
import os
import tempfile
import unicodedata
from pathlib import Path

import filetype
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import raiseload

from ..extensions import db
from .models import Attachment

# What may be attached, by the type its content shows: PDF, office documents, images.
ALLOWED = {"application/pdf", "application/rtf", "application/msword",
           "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
           "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "application/vnd.openxmlformats-officedocument.presentationml.presentation",
           "application/vnd.oasis.opendocument.text",
           "application/vnd.oasis.opendocument.spreadsheet",
           "application/vnd.oasis.opendocument.presentation",
           "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic"}


class TooLarge(ValueError):
    """Over MAX_ATTACHMENT_BYTES."""


class NotAllowed(ValueError):
    """Not a PDF, office document or image (by its content)."""


def limit() -> int:
    return current_app.config["MAX_ATTACHMENT_BYTES"]


def store(meeting_id: int, member_id: int, upload) -> Attachment:
    """Check and keep an uploaded file (a werkzeug FileStorage); the record of it."""
    data = upload.stream.read(limit() + 1)
    if len(data) > limit():
        raise TooLarge
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED:
        raise NotAllowed
    digest = hashlib.sha256(data).hexdigest()
    _write(path_of(digest), data)
    attachment = Attachment(meeting_id=meeting_id, sha256=digest, mimetype=kind.mime,
                            size=len(data), uploaded_by_id=member_id,
                            filename=clean_name(upload.filename or "", kind.extension))
    db.session.add(attachment)
    db.session.commit()
    return attachment


def clean_name(name: str, extension: str) -> str:
    """The name as people gave it (Czech letters kept), without paths or control characters,
    ending with the extension its content shows."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(c for c in unicodedata.normalize("NFC", name)
                   if unicodedata.category(c)[0] != "C").strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{(stem or 'priloha')[:150]}.{extension}"


def path_of(digest: str) -> Path:
    return Path(current_app.config["ATTACHMENT_DIR"]) / digest[:2] / digest


def _write(path: Path, data: bytes) -> None:
    """Write the file once, whole or not at all (same content, same name)."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as temporary:
        temporary.write(data)
    os.replace(temporary.name, path)


def get(attachment_id: int) -> Attachment:
    return db.first_or_404(sa.select(Attachment).options(raiseload("*"))
                           .where(Attachment.id == attachment_id))


def of_meeting(meeting_id: int) -> list[Attachment]:
    return db.session.scalars(sa.select(Attachment).options(raiseload("*"))
                              .where(Attachment.meeting_id == meeting_id)
                              .order_by(Attachment.id).limit(100)).all()


def remove(attachment: Attachment) -> None:
    """Forget the attachment; its file goes when no other attachment has the same content."""
    digest = attachment.sha256
    db.session.delete(attachment)
    db.session.commit()
    if not db.session.scalar(sa.select(sa.exists().where(Attachment.sha256 == digest))):
        path_of(digest).unlink(missing_ok=True)


def attachments_of_meeting(meeting_id: int) -> sa.Select:
    """What keeps a meeting from being deleted: its attachments."""
    return sa.select(Attachment.id).where(Attachment.meeting_id == meeting_id)
