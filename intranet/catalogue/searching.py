"""Services of the catalogue in the one search box (global_search): an entry whose name,
address, description, kind, organisation, target group or municipality has the query in it,
without diacritics, as the catalogue's own text box finds it (/catalogue?q=)."""

import sqlalchemy as sa
from flask import url_for

from ..database import prebuilt, rows_of
from ..global_search import Found, Hit, SearchKind, page_rows, register_search_kind
from ..i18n import lazy_gettext as _l
from ..organisations.models import Organisation
from ..policy import can
from ..text import like_pattern
from .models import ProviderService, ServiceKind
from .services import ORDER, Filters, matching

TEXT_ONLY = Filters(q="x").shape()


def register_searching(app) -> None:
    register_search_kind(app, SearchKind("providers", _l("Katalog služeb"), find_services))


def find_services(reader, q: str, limit: int, offset: int) -> Found | None:
    if not can(reader, "catalogue.view"):
        return None
    params = {"pattern": like_pattern(q)}
    total = rows_of(_service_count(), params).scalar()
    rows = page_rows(_services_found(), params, limit, offset) if total else []
    return Found([_hit(row) for row in rows], total, url_for("catalogue.catalogue", q=q))


@prebuilt
def _service_count() -> sa.Select:
    return matching(sa.select(sa.func.count(ProviderService.id)).select_from(ProviderService),
                     *TEXT_ONLY)


@prebuilt
def _services_found() -> sa.Select:
    return matching(sa.select(ProviderService.id, ProviderService.name,
                               ServiceKind.name.label("kind"),
                               Organisation.name.label("organisation"),
                               ProviderService.address).select_from(ProviderService),
                     *TEXT_ONLY).order_by(*ORDER)


def _hit(row) -> Hit:
    detail = " · ".join(part for part in (row.kind if row.name else "", row.organisation,
                                          row.address) if part)
    return Hit(title=row.name or row.kind, url=url_for("catalogue.service", service_id=row.id),
               detail=detail)
