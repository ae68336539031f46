"""Visits in the one search box (global_search): every visit, coming or past, whose title or
host (its name, or its host organisation's municipality) has the query in it, without
diacritics; the latest first."""

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import aliased

from ..database import prebuilt, rows_of
from ..global_search import Found, Hit, SearchKind, page_rows, register_search_kind
from ..i18n import format_day_range
from ..i18n import lazy_gettext as _l
from ..organisations.models import Municipality, Organisation
from ..policy import can
from ..text import like_pattern
from .models import HOME_COUNTRY, Visit, kind_labels


def register_searching(app) -> None:
    register_search_kind(app, SearchKind("visits", _l("Stáže a exkurze"), find_visits))


def find_visits(reader, q: str, limit: int, offset: int) -> Found | None:
    """Visits whose folded title and host (Visit.search_key) or host municipality has the
    query in it: a count and a page, the latest start first."""
    if not can(reader, "visits.view"):
        return None
    params = {"pattern": like_pattern(q)}
    total = rows_of(_visit_count(), params).scalar()
    rows = page_rows(_visits_found(), params, limit, offset) if total else []
    kinds = kind_labels()
    return Found([_hit(row, kinds) for row in rows], total)


def _matching(query: sa.Select, host, town) -> sa.Select:
    """The query (from visits) narrowed to those whose title or host has the pattern in it."""
    pattern = sa.bindparam("pattern", type_=sa.String)
    return (query.outerjoin(host, host.id == Visit.host_organisation_id)
            .outerjoin(town, town.id == host.municipality_id)
            .where(Visit.search_key.like(pattern, escape="\\")
                   | town.search_key.like(pattern, escape="\\")))


@prebuilt
def _visit_count() -> sa.Select:
    host, town = aliased(Organisation), aliased(Municipality)
    return _matching(sa.select(sa.func.count(Visit.id)).select_from(Visit), host, town)


@prebuilt
def _visits_found() -> sa.Select:
    host, town = aliased(Organisation), aliased(Municipality)
    return _matching(sa.select(Visit.id, Visit.title, Visit.kind, Visit.starts_on,
                               Visit.ends_on, Visit.country,
                               sa.func.coalesce(host.name, Visit.host_name).label("host"))
                     .select_from(Visit), host, town
                     ).order_by(Visit.starts_on.desc(), Visit.id.desc())


def _hit(row, kinds: dict) -> Hit:
    host = row.host if row.country == HOME_COUNTRY else f"{row.host}, {row.country}"
    return Hit(title=row.title, url=url_for("visits.visit", visit_id=row.id),
               detail=f"{kinds[row.kind]} · {format_day_range(row.starts_on, row.ends_on)}"
                      f" · {host}")
