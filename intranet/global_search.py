"""One search box for everything: each feature registers the kind of thing it lets people
find (minutes, list posts, people, organisations, visits) from its package's `init_app(app)`,
the way features register dashboard panels (panels.py), and the header's search asks them all:

    def init_app(app):
        register_search_kind(app, SearchKind("minutes", _l("Zápisy"), find_minutes))

A kind's `find(reader, q, limit, offset)` answers with a Found: up to `limit` hits after the
first `offset`, how many there are in all and where the feature's own search lists them all;
or None when the reader may not search that kind at all. It shows the reader only what they
may read, finds without diacritics ("socialni" finds "sociální") and runs a constant number
of queries (one or two, and the snippets), whatever the data.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_sqlalchemy.pagination import Pagination

from .database import page_of, page_params, rows_of
from .search import has_words
from .web import requested_page

SHOWN = 5  # hits of each kind on the page of everything; "Zobrazit všech N" for the rest


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    detail: str = ""  # a short line: whose, where, when
    snippet: str | None = None  # a passage, its matched words marked (search.snippet_html)


@dataclass(frozen=True)
class Found:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    more_url: str | None = None  # the feature's own search of all of them, if it has one


Find = Callable[..., Found | None]  # (reader, q, limit, offset) -> Found | None


@dataclass(frozen=True)
class SearchKind:
    name: str  # in URLs: /search?q=…&kind=minutes
    heading: str  # the group's heading, as the navigation names the section ("Zápisy")
    find: Find


def register_search_kind(app, kind: SearchKind) -> None:
    """Add a searchable kind to this app (shown in the order they were registered)."""
    kinds = app.extensions.setdefault("search_kinds", {})
    if kind.name in kinds:
        raise KeyError(f"search kind {kind.name!r} registered twice")
    kinds[kind.name] = kind


def search_kinds() -> list[SearchKind]:
    return list(current_app.extensions.get("search_kinds", {}).values())


def kind_named(name: str | None) -> SearchKind | None:
    return current_app.extensions.get("search_kinds", {}).get(name or "")


def is_searchable(q: str | None) -> bool:
    """Whether the query has a word worth searching for (two letters or more), as the
    archives' word search asks (search.has_words)."""
    return has_words(q or "")


def search_everything(reader, q: str, limit: int = SHOWN) -> list[tuple[SearchKind, Found]]:
    """The first hits of every kind the reader may search, with their totals, kind by kind."""
    results = []
    for kind in search_kinds():
        found = kind.find(reader, q, limit, 0)
        if found is not None:
            results.append((kind, found))
    return results


class KindPagination(Pagination):
    """A page of one kind's hits, for "Zobrazit všech N" where the feature has no search
    page of its own; `found` is the kind's answer (None: the reader may not search it)."""

    def _query_items(self) -> list[Hit]:
        args = self._query_args
        self.found = args["kind"].find(args["reader"], args["q"], self.per_page,
                                       self._query_offset)
        return self.found.hits if self.found else []

    def _query_count(self) -> int:
        return self.found.total if self.found else 0


def kind_page(kind: SearchKind, reader, q: str) -> KindPagination:
    """The page of the kind's hits asked for in ?page= (past the last: the last)."""
    per_page = current_app.config["PER_PAGE"]
    pagination = KindPagination(kind=kind, reader=reader, q=q, page=requested_page(),
                                per_page=per_page, error_out=False)
    if not pagination.items and pagination.total and pagination.page > 1:
        pagination = KindPagination(kind=kind, reader=reader, q=q, page=pagination.pages,
                                    per_page=per_page, error_out=False)
    pagination.param = "page"
    return pagination


def page_rows(select: sa.Select, params: dict, limit: int, offset: int) -> list[sa.Row]:
    """`limit` rows of a prebuilt select after the first `offset` (a kind's page of hits)."""
    return rows_of(page_of(select), page_params(params, limit, offset)).all()
