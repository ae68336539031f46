"""Published minutes in the one search box (global_search): the archive's own search, its
best matches first, with their passages."""

from flask import url_for

from ..global_search import Found, Hit, SearchKind, page_rows, register_search_kind
from ..groups.models import group_title
from ..i18n import format_day
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..policy import can
from . import archive


def register_searching(app) -> None:
    register_search_kind(app, SearchKind("minutes", _l("Zápisy"), find_minutes))


def find_minutes(reader, q: str, limit: int, offset: int) -> Found | None:
    """The published minutes whose text has every word of the query, as the archive
    (/minutes?q=) finds them: a count in the word index, a page of rows, their passages."""
    if not can(reader, "meetings.view"):  # published minutes are for everyone who reads any
        return None
    filters = archive.counted(archive.Filters(q=q))
    if not filters.search():
        return Found()
    rows = page_rows(*archive.archive(filters, reader), limit, offset)
    snippets = archive.snippets_of(filters, rows)
    return Found([_hit(row, snippets.get(row.id)) for row in rows], filters.matches or 0,
                 url_for("minutes.archive_page", q=q))


def _hit(row, snippet: str | None) -> Hit:
    return Hit(title=f"{_('Schůzka č. %(n)d', n=row.number)}, {format_day(row.starts_at)}",
               url=url_for("minutes.show", minutes_id=row.id),
               detail=_("Pracovní skupina %(title)s",
                        title=group_title(row.group_number, row.group_name)),
               snippet=snippet)
