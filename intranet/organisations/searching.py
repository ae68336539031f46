"""People and organisations in the one search box (global_search): people as the member
directory finds them (/directory?q=), organisations by their name or their municipality's,
without diacritics."""

import sqlalchemy as sa
from flask import url_for

from ..accounts.services import member_count, member_query
from ..database import prebuilt, rows_of
from ..global_search import Found, Hit, SearchKind, page_rows, register_search_kind
from ..i18n import lazy_gettext as _l
from ..policy import can
from ..text import like_pattern
from .models import Municipality, Organisation, OrganisationKind


def register_searching(app) -> None:
    register_search_kind(app, SearchKind("people", _l("Lidé"), find_people))
    register_search_kind(app, SearchKind("organisations", _l("Organizace"), find_organisations))


def find_people(reader, q: str, limit: int, offset: int) -> Found | None:
    """Current members whose name, organisation or municipality has the query in it, in
    Czech order, as the directory lists them."""
    if not can(reader, "directory.view"):
        return None
    select, params = member_query(q, status="current", page=offset // max(limit, 1) + 1)
    total = member_count(select, params)
    rows = page_rows(select, params, limit, offset) if total else []
    return Found([_person(row) for row in rows], total,
                 url_for("organisations.directory", q=q))


def _person(row) -> Hit:
    where = f"{row.organisation}, {row.municipality}"
    return Hit(title=row.full_name, url=url_for("accounts.member_detail", member_id=row.id),
               detail=f"{row.position} · {where}" if row.position else where)


def find_organisations(reader, q: str, limit: int, offset: int) -> Found | None:
    """Organisations whose name or municipality has the query in it, in Czech order."""
    if not can(reader, "directory.view"):
        return None
    params = {"pattern": like_pattern(q)}
    total = rows_of(_organisation_count(), params).scalar()
    rows = page_rows(_organisations_found(), params, limit, offset) if total else []
    return Found([_organisation(row) for row in rows], total)


def _matching(query: sa.Select) -> sa.Select:
    pattern = sa.bindparam("pattern", type_=sa.String)
    return (query.join(Municipality, Municipality.id == Organisation.municipality_id)
            .where(Organisation.search_key.like(pattern, escape="\\")
                   | Municipality.search_key.like(pattern, escape="\\")))


@prebuilt
def _organisation_count() -> sa.Select:
    return _matching(sa.select(sa.func.count()).select_from(Organisation))


@prebuilt
def _organisations_found() -> sa.Select:
    return _matching(sa.select(Organisation.id, Organisation.name, Organisation.kind,
                               Municipality.name.label("municipality"))
                     .order_by(Organisation.sort_key, Organisation.id))


def _organisation(row) -> Hit:
    return Hit(title=row.name,
               url=url_for("organisations.organisation", organisation_id=row.id),
               detail=f"{OrganisationKind(row.kind).label} · {row.municipality}")
