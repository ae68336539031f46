"""Uploaded files (attachments of minutes, of list messages): checked by their content,
stored once by hash under ATTACHMENT_DIR, sent back as downloads that browsers never run."""

import hashlib
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import filetype
import sqlalchemy as sa
from flask import abort, current_app, send_file
from sqlalchemy.orm import Mapped, mapped_column

from .i18n import lazy_gettext as _l
from .text import size_text

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
KINDS_TEXT = _l("PDF, dokument Wordu, Excelu či PowerPointu (i OpenOffice) nebo obrázek")


class StoredFile:
    """The columns of a record of a stored file (a model mixin): its content lies under
    ATTACHMENT_DIR by its hash."""

    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    mimetype: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]


class Refused(ValueError):
    """A file that cannot be attached; its message says why, for the form."""


@dataclass
class Checked:
    """An uploaded file that passed: its content, hash, type and a clean name."""

    data: bytes
    sha256: str
    mimetype: str
    filename: str

    @property
    def size(self) -> int:
        return len(self.data)


def limit() -> int:
    return current_app.config["MAX_ATTACHMENT_BYTES"]


def checked(upload) -> Checked:
    """Read and check an upload (a werkzeug FileStorage); Refused with the reason."""
    return checked_data(upload.stream.read(limit() + 1), upload.filename or "")


def checked_data(data: bytes, filename: str) -> Checked:
    """Check a file's content (an upload's, an e-mail attachment's); Refused with the reason."""
    if len(data) > limit():
        raise Refused(_l("Soubor je větší než %(limit)s; zmenšete jej nebo jej rozdělte.",
                         limit=size_text(limit())))
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED:
        raise Refused(_l("Tento druh souboru nelze přiložit. Přiložte %(kinds)s.",
                         kinds=KINDS_TEXT))
    return Checked(data, hashlib.sha256(data).hexdigest(), kind.mime,
                   clean_name(filename, kind.extension))


def keep(file: Checked) -> None:
    """Write the file once, whole or not at all (same content, same name)."""
    path = path_of(file.sha256)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as temporary:
        temporary.write(file.data)
    os.replace(temporary.name, path)


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


def download(digest: str, mimetype: str, filename: str):
    """The stored file as a download: never shown inline, never cached, never sniffed."""
    path = path_of(digest)
    if not path.exists():  # lost from the disk (a restore without instance/attachments)
        current_app.logger.error("attachment file %s is missing", path)
        abort(404)
    response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=filename,
                         max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
