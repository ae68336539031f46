"""Organisations and municipalities: listing, creating, editing."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, raiseload

from .. import data_versions
from ..database import found_or_404, prebuilt, rows_of
from ..extensions import db
from ..forms import Choices
from .models import Municipality, Organisation

ORGANISATION_FIELDS = ("name", "kind", "municipality_id", "side", "address", "phone",
                       "email", "website", "description")
MUNICIPALITY_FIELDS = ("name", "orp")


NAMES = "organisation-names"  # the data version of the select boxes' lists of names
data_versions.watch(NAMES, {Organisation: ("name",), Municipality: ("name",)})


def organisation_choices() -> Choices:
    """Every organisation in Czech order for a select box, kept while no name changes."""
    return data_versions.cached(NAMES, "organisations",
                                lambda: (Choices(all_organisations()), None))


def municipality_choices() -> Choices:
    """Every municipality in Czech order for a select box, kept while no name changes."""
    return data_versions.cached(NAMES, "municipalities",
                                lambda: (Choices(all_municipalities()), None))


def all_organisations() -> list[sa.Row]:
    """Every organisation's id and name in Czech order (for select boxes: only what they show,
    not hundreds of whole records)."""
    return db.session.execute(
        sa.select(Organisation.id, Organisation.name).order_by(Organisation.sort_key)).all()


def find_organisation(organisation_id: int | None) -> Organisation | None:
    """The organisation, or None for no id or an unknown one (e.g. in a list's filter)."""
    if not organisation_id:
        return None
    return db.session.scalar(sa.select(Organisation).options(raiseload("*"))
                             .where(Organisation.id == organisation_id))


def all_municipalities() -> list[sa.Row]:
    """Every municipality's id and name in Czech order (for select boxes)."""
    return db.session.execute(
        sa.select(Municipality.id, Municipality.name).order_by(Municipality.sort_key)).all()


def organisation_query() -> tuple[sa.Select, dict]:
    """Organisations in Czech order as rows of what their list shows (id, name, kind,
    municipality, member_count: of members who are not deactivated), and the values of the
    select's parameters (none)."""
    return _organisations(), {}


@prebuilt
def _organisations() -> sa.Select:
    from ..accounts.models import Member

    member_count = (
        sa.select(sa.func.count(Member.id))
        .where(Member.organisation_id == Organisation.id, Member.deactivated_at.is_(None))
        .scalar_subquery()
    )
    return (sa.select(Organisation.id, Organisation.name, Organisation.kind,
                      Municipality.name.label("municipality"), member_count.label("member_count"))
            .join(Municipality, Municipality.id == Organisation.municipality_id)
            .order_by(Organisation.sort_key, Organisation.id))


def organisations_in(municipality_id: int) -> list:
    """The organisations seated in a municipality, as organisation_query's rows."""
    return rows_of(_organisations_in(), {"municipality_id": municipality_id}).all()


@prebuilt
def _organisations_in() -> sa.Select:
    return _organisations().where(
        Organisation.municipality_id == sa.bindparam("municipality_id"))


def municipality_query() -> tuple[sa.Select, dict]:
    """Municipalities in Czech order with how many organisations are seated in each, and the
    values of the select's parameters (none)."""
    return _municipalities(), {}


@prebuilt
def _municipalities() -> sa.Select:
    org_count = (sa.select(sa.func.count(Organisation.id))
                 .where(Organisation.municipality_id == Municipality.id).scalar_subquery())
    return (sa.select(Municipality, org_count.label("organisation_count"))
            .options(raiseload("*")).order_by(Municipality.sort_key, Municipality.id))


def get_organisation(organisation_id: int) -> Organisation:
    return found_or_404(_organisation(), {"organisation_id": organisation_id})


@prebuilt
def _organisation() -> sa.Select:
    return (sa.select(Organisation)
            .options(joinedload(Organisation.municipality), raiseload("*"))
            .where(Organisation.id == sa.bindparam("organisation_id")))


def get_municipality(municipality_id: int) -> Municipality:
    return found_or_404(_municipality(), {"municipality_id": municipality_id})


@prebuilt
def _municipality() -> sa.Select:
    return (sa.select(Municipality).options(raiseload("*"))
            .where(Municipality.id == sa.bindparam("municipality_id")))


def name_taken(model, name: str, except_id: int | None = None) -> bool:
    query = sa.select(model.id).where(sa.func.lower(model.name) == name.strip().lower())
    if except_id is not None:
        query = query.where(model.id != except_id)
    return db.session.scalar(query) is not None


def save(instance, fields: tuple[str, ...], **values):
    """Create or update an organisation or municipality from form values."""
    for name in fields:
        setattr(instance, name, values[name])
    db.session.add(instance)
    db.session.commit()
    return instance
