"""The catalogue's rules: who keeps an organisation's entries, finding entries by kind,
target group, municipality and text (without diacritics), saving without duplicates,
confirming that an entry is current, the lists of kinds and target groups."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, raiseload, selectinload

from .. import data_versions
from ..database import found_or_404, page_of, page_params, prebuilt, rows_of, utcnow
from ..exports import csv_text
from ..extensions import db
from ..forms import Choices
from ..i18n import format_day
from ..i18n import gettext as _
from ..organisations.models import Municipality, Organisation
from ..text import like_pattern
from .models import (
    STALE_AFTER,
    ProviderService,
    ServiceKind,
    TargetGroup,
    search_text,
    service_municipality,
    service_target_group,
)

SERVICE_FIELDS = ("kind_id", "name", "whole_territory", "address", "phone", "email", "website",
                  "contact_person", "opening_hours", "capacity", "description")
TERMS = "catalogue-terms"  # the data version of the lists of kinds and target groups
data_versions.watch(TERMS, {ServiceKind: ("name", "section"), TargetGroup: ("name",)})


class DuplicateService(Exception):
    """The organisation already lists this kind of service at this address."""


class InUse(Exception):
    """A kind or target group that entries use cannot be deleted."""


def stale_before(now: datetime | None = None) -> datetime:
    """Entries confirmed before this moment are flagged ("Neověřeno déle než rok")."""
    return (now or utcnow()) - STALE_AFTER


# --- finding entries ------------------------------------------------------------------------

@dataclass
class Filters:
    kind_id: int | None = None
    target_group_id: int | None = None
    municipality_id: int | None = None
    q: str | None = None

    def shape(self) -> tuple[bool, ...]:
        """Which filters are set: the statements are prebuilt for each combination."""
        return (bool(self.kind_id), bool(self.target_group_id), bool(self.municipality_id),
                bool(self.q))

    def params(self) -> dict:
        return {"kind_id": self.kind_id, "target_group_id": self.target_group_id,
                "municipality_id": self.municipality_id,
                "pattern": like_pattern(self.q) if self.q else None}


def matching(query: sa.Select, kind: bool, target_group: bool, municipality: bool,
              text: bool) -> sa.Select:
    """Entries (joined with their kind and organisation) narrowed by the filters that are set;
    their values are parameters (Filters.params)."""
    query = (query.join(ServiceKind, ServiceKind.id == ProviderService.kind_id)
             .join(Organisation, Organisation.id == ProviderService.organisation_id))
    if kind:
        query = query.where(ProviderService.kind_id == sa.bindparam("kind_id"))
    if target_group:
        query = query.where(ProviderService.id.in_(
            sa.select(service_target_group.c.service_id).where(
                service_target_group.c.target_group_id == sa.bindparam("target_group_id"))))
    if municipality:
        query = query.where(ProviderService.whole_territory | ProviderService.id.in_(
            sa.select(service_municipality.c.service_id).where(
                service_municipality.c.municipality_id == sa.bindparam("municipality_id"))))
    if text:
        query = query.where(_text_matches())
    return query


def _text_matches() -> sa.ColumnElement:
    """The folded query in the entry, its kind, its organisation, a target group or a
    municipality it serves."""
    pattern = sa.bindparam("pattern", type_=sa.String)

    def like(column):
        return column.like(pattern, escape="\\")

    groups = (sa.select(service_target_group.c.service_id)
              .join(TargetGroup, TargetGroup.id == service_target_group.c.target_group_id)
              .where(like(TargetGroup.search_key)))
    places = (sa.select(service_municipality.c.service_id)
              .join(Municipality, Municipality.id == service_municipality.c.municipality_id)
              .where(like(Municipality.search_key)))
    return (like(ProviderService.search_key) | like(ServiceKind.search_key)
            | like(Organisation.search_key) | ProviderService.id.in_(groups)
            | ProviderService.id.in_(places))


ORDER = (ServiceKind.sort_key, Organisation.sort_key, ProviderService.name, ProviderService.id)


def _with_everything(query: sa.Select) -> sa.Select:
    """Entries with what a catalogue shows of them: their kind and organisation (joined),
    target groups and municipalities (one query each for the whole page)."""
    return query.options(contains_eager(ProviderService.kind),
                         contains_eager(ProviderService.organisation),
                         selectinload(ProviderService.target_groups),
                         selectinload(ProviderService.municipalities),
                         raiseload("*"))


@prebuilt
def _catalogue(*shape: bool) -> sa.Select:
    return _with_everything(matching(sa.select(ProviderService), *shape)).order_by(*ORDER)


@prebuilt
def _catalogue_count(*shape: bool) -> sa.Select:
    return matching(sa.select(sa.func.count(ProviderService.id)).select_from(ProviderService),
                     *shape)


def catalogue_query(filters: Filters) -> tuple[sa.Select, dict, sa.Select]:
    """The entries the filters find, by kind and organisation in Czech order, as a prebuilt
    select, the values of its parameters and a select of their number (for paginate)."""
    shape = filters.shape()
    return _catalogue(*shape), filters.params(), _catalogue_count(*shape)


def all_matching(filters: Filters) -> list[ProviderService]:
    """Every entry the filters find (the printed catalogue, the CSV)."""
    select, params, _count = catalogue_query(filters)
    return list(db.session.execute(select, params).unique().scalars())


def by_kind(services: list[ProviderService]) -> list[tuple[ServiceKind, list]]:
    """Entries in catalogue order grouped under their kinds, in the same order."""
    groups: list[tuple[ServiceKind, list]] = []
    for service in services:
        if not groups or groups[-1][0].id != service.kind_id:
            groups.append((service.kind, []))
        groups[-1][1].append(service)
    return groups


def get_service(service_id: int) -> ProviderService:
    return found_or_404(_service(), {"service_id": service_id})


@prebuilt
def _service() -> sa.Select:
    return (sa.select(ProviderService)
            .options(joinedload(ProviderService.kind),
                     joinedload(ProviderService.organisation).joinedload(
                         Organisation.municipality),
                     joinedload(ProviderService.confirmed_by),
                     selectinload(ProviderService.target_groups),
                     selectinload(ProviderService.municipalities), raiseload("*"))
            .where(ProviderService.id == sa.bindparam("service_id")))


def organisation_services(organisation_id: int) -> list[ProviderService]:
    """The organisation's entries in catalogue order (its page's panel)."""
    return list(db.session.execute(_organisation_services(), {
        "organisation_id": organisation_id}).unique().scalars())


@prebuilt
def _organisation_services() -> sa.Select:
    return (_with_everything(matching(sa.select(ProviderService), False, False, False, False))
            .where(ProviderService.organisation_id == sa.bindparam("organisation_id"))
            .order_by(*ORDER))


def serving(municipality_id: int, limit: int) -> tuple[list[ProviderService], int]:
    """The first entries that serve the municipality (by name or the whole territory), and
    how many there are (the municipality's page)."""
    filters = Filters(municipality_id=municipality_id)
    select, params, count = catalogue_query(filters)
    found = db.session.execute(page_of(select), page_params(params, limit)).unique().scalars()
    return list(found), rows_of(count, params).scalar()


def stale_count(organisation_id: int) -> int:
    """How many of the organisation's entries nobody confirmed for over a year."""
    return rows_of(_stale_count(), {"organisation_id": organisation_id,
                                    "before": stale_before()}).scalar()


@prebuilt
def _stale_count() -> sa.Select:
    return sa.select(sa.func.count(ProviderService.id)).where(
        ProviderService.organisation_id == sa.bindparam("organisation_id"),
        ProviderService.confirmed_at < sa.bindparam("before"))


# --- keeping entries ------------------------------------------------------------------------

def save_service(service: ProviderService | None, organisation_id: int, member, values: dict,
                 target_group_ids: list[int], municipality_ids: list[int]) -> ProviderService:
    """Create or update an entry from the form's values; saving it confirms it is current.
    DuplicateService when the organisation lists this kind at this address already."""
    groups = _chosen(TargetGroup, target_group_ids)
    places = [] if values["whole_territory"] else _chosen(Municipality, municipality_ids)
    service = service or ProviderService(organisation_id=organisation_id)
    for name in SERVICE_FIELDS:
        setattr(service, name, values[name])
    if _duplicate(service):
        db.session.rollback()
        raise DuplicateService
    service.target_groups, service.municipalities = groups, places
    service.search_key = search_text(service)
    service.confirmed_at, service.confirmed_by_id = utcnow(), member.id
    db.session.add(service)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # saved by someone else in the meantime
        db.session.rollback()
        raise DuplicateService from None
    return service


def _duplicate(service: ProviderService) -> bool:
    query = sa.select(ProviderService.id).where(
        ProviderService.organisation_id == service.organisation_id,
        ProviderService.kind_id == service.kind_id,
        ProviderService.address_key == service.address_key)
    if service.id is not None:
        query = query.where(ProviderService.id != service.id)
    with db.session.no_autoflush:
        return db.session.scalar(query) is not None


def _chosen(model, ids: list[int]) -> list:
    if not ids:
        return []
    return list(db.session.scalars(sa.select(model).where(model.id.in_(ids))))


def confirm(service: ProviderService, member) -> None:
    """Someone of the organisation confirms that the entry is current."""
    service.confirmed_at, service.confirmed_by_id = utcnow(), member.id
    db.session.commit()


def delete_service(service: ProviderService) -> None:
    db.session.delete(service)
    db.session.commit()


# --- kinds and target groups ----------------------------------------------------------------

def kind_choices() -> Choices:
    """Every kind of service in Czech order for a select box, kept while no name changes."""
    return data_versions.cached(TERMS, "kinds", lambda: (Choices(db.session.execute(
        sa.select(ServiceKind.id, ServiceKind.name).order_by(ServiceKind.sort_key))), None))


def target_group_choices() -> Choices:
    """Every target group in Czech order, kept while no name changes."""
    return data_versions.cached(TERMS, "target groups", lambda: (Choices(db.session.execute(
        sa.select(TargetGroup.id, TargetGroup.name).order_by(TargetGroup.sort_key))), None))


def terms_with_use(model) -> list[sa.Row]:
    """Every kind (or target group) in Czech order with how many entries use it."""
    return rows_of(_terms_with_use(model)).all()


@prebuilt
def _terms_with_use(model) -> sa.Select:
    if model is ServiceKind:
        used = (sa.select(sa.func.count(ProviderService.id))
                .where(ProviderService.kind_id == ServiceKind.id).scalar_subquery())
        return (sa.select(ServiceKind.id, ServiceKind.name, ServiceKind.section,
                          used.label("used")).order_by(ServiceKind.sort_key))
    used = (sa.select(sa.func.count()).select_from(service_target_group)
            .where(service_target_group.c.target_group_id == TargetGroup.id).scalar_subquery())
    return (sa.select(TargetGroup.id, TargetGroup.name, sa.literal("").label("section"),
                      used.label("used")).order_by(TargetGroup.sort_key))


def get_term(model, term_id: int):
    return db.get_or_404(model, term_id)


def name_taken(model, name: str, except_id: int | None = None) -> bool:
    query = sa.select(model.id).where(sa.func.lower(model.name) == name.strip().lower())
    if except_id is not None:
        query = query.where(model.id != except_id)
    return db.session.scalar(query) is not None


def save_term(term, **values):
    """Create or rename a kind of service or a target group."""
    for name, value in values.items():
        setattr(term, name, value)
    db.session.add(term)
    db.session.commit()
    return term


def delete_term(term) -> None:
    """Delete a kind or target group that no entry uses (else InUse)."""
    used = {row.id: row.used for row in terms_with_use(type(term))}
    if used.get(term.id):
        raise InUse
    db.session.delete(term)
    db.session.commit()


# --- the CSV --------------------------------------------------------------------------------

def catalogue_csv(filters: Filters) -> str:
    """The entries the filters find as CSV for Czech Excel (exports.csv_text neutralises
    cells a spreadsheet would run as formulas)."""
    headers = [_("Druh služby"), _("Název"), _("Organizace"), _("Cílové skupiny"),
               _("Obce"), _("Adresa"), _("Telefon"), _("E-mail"), _("Web"),
               _("Kontaktní osoba"), _("Provozní doba"), _("Kapacita"), _("Popis"),
               _("Naposledy ověřeno")]
    return csv_text(headers, (_csv_row(service) for service in all_matching(filters)))


def _csv_row(service: ProviderService) -> list:
    places = (_("celé území") if service.whole_territory
              else ", ".join(m.name for m in service.municipalities))
    return [service.kind.name, service.title, service.organisation.name,
            ", ".join(g.name for g in service.target_groups), places, service.address,
            service.phone, service.email, service.website, service.contact_person,
            service.opening_hours, service.capacity, service.description,
            format_day(service.confirmed_at)]
