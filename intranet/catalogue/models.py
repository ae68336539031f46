"""The provider catalogue (katalog poskytovatelů): the kinds of social services of law
108/2006 Sb. and the target groups (lists administrators extend), and the services each
organisation lists with whom they serve, where, and how to reach them."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..accounts.models import Member
from ..database import UTCDateTime, utcnow
from ..extensions import db
from ..organisations.models import Municipality, Organisation
from ..text import czech_key, fold

STALE_AFTER = timedelta(days=365)  # an entry not confirmed for longer is flagged


class ServiceKind(db.Model):
    """A kind of social service, e.g. "odborné sociální poradenství" (§ 37)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(150), unique=True)
    section: Mapped[str] = mapped_column(sa.String(20), default="")  # "§ 37" of the law
    search_key: Mapped[str] = mapped_column(sa.String(150))
    sort_key: Mapped[bytes] = mapped_column(sa.LargeBinary, index=True)  # Czech order

    @validates("name")
    def _keep_keys(self, _key, value):
        self.search_key, self.sort_key = fold(value), czech_key(value)
        return value


class TargetGroup(db.Model):
    """A group of people a service is for, e.g. "senioři"."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    search_key: Mapped[str] = mapped_column(sa.String(120))
    sort_key: Mapped[bytes] = mapped_column(sa.LargeBinary, index=True)

    @validates("name")
    def _keep_keys(self, _key, value):
        self.search_key, self.sort_key = fold(value), czech_key(value)
        return value


service_target_group = sa.Table(
    "service_target_group", db.metadata,
    sa.Column("service_id", sa.ForeignKey("provider_service.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("target_group_id", sa.ForeignKey("target_group.id"), primary_key=True,
              index=True),
)

service_municipality = sa.Table(
    "service_municipality", db.metadata,
    sa.Column("service_id", sa.ForeignKey("provider_service.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("municipality_id", sa.ForeignKey("municipality.id"), primary_key=True,
              index=True),
)


class ProviderService(db.Model):
    """A service an organisation provides: one kind at one address once per organisation
    (`address_key` is the address folded, so "Náves 1" and "naves  1" are the same)."""

    __table_args__ = (sa.UniqueConstraint("organisation_id", "kind_id", "address_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    kind_id: Mapped[int] = mapped_column(sa.ForeignKey("service_kind.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")  # empty: the kind's name
    whole_territory: Mapped[bool] = mapped_column(default=False)  # "celé území"
    address: Mapped[str] = mapped_column(sa.String(250), default="")
    address_key: Mapped[str] = mapped_column(sa.String(250), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    website: Mapped[str] = mapped_column(sa.String(250), default="")
    contact_person: Mapped[str] = mapped_column(sa.String(120), default="")
    opening_hours: Mapped[str] = mapped_column(sa.String(1000), default="")
    capacity: Mapped[str] = mapped_column(sa.String(250), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    search_key: Mapped[str] = mapped_column(sa.Text, default="")  # name, address, description
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    kind: Mapped[ServiceKind] = relationship()
    confirmed_by: Mapped[Member | None] = relationship()
    target_groups: Mapped[list[TargetGroup]] = relationship(
        secondary=service_target_group, order_by=TargetGroup.sort_key)
    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=service_municipality, order_by=Municipality.sort_key)

    @validates("address")
    def _keep_address_key(self, _key, value):
        self.address_key = address_key(value)
        return value

    @property
    def title(self) -> str:
        """The service's own name, or its kind's."""
        return self.name or self.kind.name

    def is_stale(self, now: datetime | None = None) -> bool:
        """Not confirmed as current for longer than a year."""
        return self.confirmed_at < (now or utcnow()) - STALE_AFTER


def address_key(address: str | None) -> str:
    """An address as the duplicate check compares it: folded, spaces and commas evened."""
    return " ".join(fold(address).replace(",", " ").split())


def search_text(service: ProviderService) -> str:
    """What the catalogue's text box finds in the entry itself (its kind, organisation,
    target groups and municipalities are matched through their own keys)."""
    return fold(" ".join((service.name, service.address, service.description)))
