"""Municipalities and the organisations members belong to."""

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..database import str_enum
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..text import czech_key, fold


class OrganisationKind(enum.StrEnum):
    MUNICIPALITY = "municipality"
    NGO = "ngo"
    PUBLIC_OFFICE = "public_office"
    CHURCH = "church"
    SCHOOL = "school"
    OTHER = "other"

    @property
    def label(self):
        return KIND_LABELS[self]


KIND_LABELS = {
    OrganisationKind.MUNICIPALITY: _l("obecní / městský úřad"),
    OrganisationKind.NGO: _l("nezisková organizace"),
    OrganisationKind.PUBLIC_OFFICE: _l("veřejný úřad"),
    OrganisationKind.CHURCH: _l("církevní organizace"),
    OrganisationKind.SCHOOL: _l("škola"),
    OrganisationKind.OTHER: _l("jiná organizace"),
}


class Side(enum.StrEnum):
    """The three sides of community planning's round table (the triad): commissioners
    (municipalities, the region: they secure and fund the services), providers of social
    services, and the people who use the services or represent them."""

    COMMISSIONER = "commissioner"
    PROVIDER = "provider"
    USER = "user"

    @property
    def label(self):
        return SIDE_LABELS[self]


SIDE_LABELS = {
    Side.COMMISSIONER: _l("zadavatel"),
    Side.PROVIDER: _l("poskytovatel"),
    Side.USER: _l("uživatelé a jejich zástupci"),
}
SIDE_HINT = _l("Zadavatelé (obce, kraj) sociální služby zajišťují a platí, poskytovatelé je "
               "poskytují, uživatelé je využívají (nebo je zastupují). U stolu mají být "
               "všechny tři strany.")


class Municipality(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    orp: Mapped[str] = mapped_column(sa.String(120))  # the ORP / territory it belongs to
    search_key: Mapped[str] = mapped_column(sa.String(120), index=True)
    sort_key: Mapped[bytes] = mapped_column(sa.LargeBinary, index=True)  # Czech order

    organisations: Mapped[list["Organisation"]] = relationship(back_populates="municipality")

    @validates("name")
    def _keep_search_key(self, _key, value):
        self.search_key, self.sort_key = fold(value), czech_key(value)
        return value


class Organisation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(str_enum(OrganisationKind))
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    address: Mapped[str] = mapped_column(sa.String(250), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    website: Mapped[str] = mapped_column(sa.String(250), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    side: Mapped[Side | None] = mapped_column(str_enum(Side))  # in community planning
    search_key: Mapped[str] = mapped_column(sa.String(200), index=True)
    sort_key: Mapped[bytes] = mapped_column(sa.LargeBinary, index=True)  # Czech order

    municipality: Mapped[Municipality] = relationship(back_populates="organisations")

    @validates("name")
    def _keep_search_key(self, _key, value):
        self.search_key, self.sort_key = fold(value), czech_key(value)
        return value
