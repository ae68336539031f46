"""The one CSV format every export uses (Czech Excel), and the download response for files."""

import csv
import io
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(headers: Iterable, rows: Iterable[Iterable]) -> str:
    """CSV as Czech Excel opens it: UTF-8 with a BOM, semicolons, formula-like cells neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([safe_cell(str(header)) for header in headers])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return "\ufeff" + out.getvalue()


def ascii_filename(filename: str) -> str:
    """The file name without diacritics, for clients that do not read RFC 5987."""
    decomposed = unicodedata.normalize("NFKD", filename.replace("–", "-"))
    return decomposed.encode("ascii", "ignore").decode("ascii").replace('"', "")


def content_disposition(filename: str) -> str:
    """An attachment header carrying the Czech file name and an ASCII fallback."""
    quoted = quote(filename, safe="!#$&+-.^_`|~")
    return f"attachment; filename=\"{ascii_filename(filename)}\"; filename*=UTF-8''{quoted}"


def download(body: str | bytes, filename: str, mimetype: str) -> Response:
    """A file to save (CSV, calendar), never kept in a shared or browser cache."""
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": content_disposition(filename), "Cache-Control": "no-store"})
