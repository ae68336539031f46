"""The register: who went where and when (per member, per organisation), and the matrix of
which organisations learned from which, per year; both also as CSV for Czech Excel."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import aliased

from .. import data_versions
from ..accounts.models import Member
from ..database import first_rows, prebuilt
from ..exports import csv_text
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import local_to_utc
from ..organisations.models import Organisation
from ..text import czech_key
from .models import HOME_COUNTRY, Registration, Status, Visit, VisitKind, VisitSlot
from .services import today

REGISTER = "visits-register"  # the data version of what the register adds up


def _before_its_date(registration: Registration) -> bool:
    """A sign-up for a date that begins after tomorrow: the register holds the dates that
    have begun, until midnight (_until_midnight), so it cannot show it before the counter
    moves for other reasons or the day ends. (Tomorrow's date is a day's margin: a sign-up
    saved just before midnight, unseen by a result computed just after it, or a host whose
    clock runs ahead.) Not known without a query (the date not loaded) or moved to another
    date: it may. A cancellation is a bulk UPDATE: it raises the counter."""
    slot = registration.__dict__.get("slot")
    state = sa.inspect(registration)
    moved = state.persistent and (state.attrs.slot_id.history.has_changes()
                                  or state.attrs.slot.history.has_changes())
    return slot is not None and not moved and slot.starts_on > today() + timedelta(days=1)


data_versions.watch(REGISTER, {
    Registration: ("status", "slot_id", "organisation_id"),
    VisitSlot: ("starts_on",),
    Visit: ("host_organisation_id", "host_name", "kind"),
    Organisation: ("name",),
}, unseen={Registration: _before_its_date})

Host = aliased(Organisation)  # made once: an alias made per request costs more than a query
Visitor = aliased(Organisation)
HOST_NAME = sa.func.coalesce(Host.name, Visit.host_name)


@dataclass
class Filters:
    year: int | None = None
    kind: VisitKind | None = None
    organisation_id: int | None = None  # its people's visits and the visits it hosted
    member_id: int | None = None
    municipality_id: int | None = None  # … of the organisations there

    def shape(self) -> tuple[bool, ...]:
        """Which filters are set: the statements are prebuilt for each combination."""
        return (bool(self.year), bool(self.kind), bool(self.organisation_id),
                bool(self.member_id), bool(self.municipality_id))

    def params(self) -> dict:
        first = date(self.year, 1, 1) if self.year else None
        return {"today": today(), "first": first,
                "following": first.replace(year=self.year + 1) if first else None,
                "kind": self.kind, "organisation_id": self.organisation_id,
                "member_id": self.member_id, "municipality_id": self.municipality_id}


def _went(query: sa.Select, year: bool, kind: bool, organisation: bool, member: bool,
          municipality: bool = False, host: bool = True) -> sa.Select:
    """Confirmed participants of dates that have begun, narrowed by the filters that are set
    (Filters.shape; their values are parameters, Filters.params); with `host`, the host's
    name can be selected."""
    query = (query.select_from(Registration)
             .join(VisitSlot, VisitSlot.id == Registration.slot_id)
             .where(Registration.status == Status.CONFIRMED,
                    VisitSlot.starts_on <= sa.bindparam("today")))
    if host or kind or organisation or municipality:
        query = query.join(Visit, Visit.id == Registration.visit_id)
    if host:
        query = query.outerjoin(Host, Host.id == Visit.host_organisation_id)
    if year:
        query = query.where(VisitSlot.starts_on >= sa.bindparam("first"),
                            VisitSlot.starts_on < sa.bindparam("following"))
    if kind:
        query = query.where(Visit.kind == sa.bindparam("kind"))
    if organisation:
        query = query.where(_of_organisations(
            lambda column: column == sa.bindparam("organisation_id")))
    if municipality:
        there = sa.select(Organisation.id).where(
            Organisation.municipality_id == sa.bindparam("municipality_id"))
        query = query.where(_of_organisations(lambda column: column.in_(there)))
    if member:
        query = query.where(Registration.member_id == sa.bindparam("member_id"))
    return query


def _of_organisations(chosen) -> sa.ColumnElement[bool]:
    """The sign-ups of the chosen organisations' people and those at visits they hosted,
    each found along an index (an OR read every sign-up); `chosen(column)` is the condition
    on an organisation id column."""
    hosted = (sa.select(Registration.id).join(Visit, Visit.id == Registration.visit_id)
              .where(chosen(Visit.host_organisation_id)))
    return Registration.id.in_(sa.select(Registration.id)
                               .where(chosen(Registration.organisation_id)).union(hosted))


def participation_count(filters: Filters) -> int:
    """How many rows participations() has. Counting tens of thousands of sign-ups takes
    milliseconds, so the number is kept, as the matrix is, until they change or midnight."""
    key = ("count", filters.year, filters.kind, filters.organisation_id, filters.member_id,
           filters.municipality_id)
    return data_versions.cached(REGISTER, key, _until_midnight(lambda: db.session.scalar(
        _participation_count(*filters.shape()), filters.params())))


@prebuilt
def _participation_count(*shape: bool) -> sa.Select:
    return _went(sa.select(sa.func.count(Registration.id)), *shape, host=False)


def participations(filters: Filters) -> tuple[sa.Select, dict]:
    """One row per person and visit, newest first: what the register page and its CSV show;
    and the values of its parameters."""
    return _participations(*filters.shape()), filters.params()


@prebuilt
def _participations(*shape: bool) -> sa.Select:
    query = sa.select(
        VisitSlot.starts_on, VisitSlot.ends_on, Visit.id.label("visit_id"), Visit.kind,
        Visit.title, HOST_NAME.label("host"), Visit.country,
        (Visit.country != HOME_COUNTRY).label("abroad"),
        Member.id.label("member_id"), Member.full_name.label("member_name"),
        Member.deactivated_at.is_(None).label("member_active"),  # a profile for everyone
        Visitor.id.label("organisation_id"), Visitor.name.label("organisation"))
    return (_went(query, *shape)
            .join(Member, Member.id == Registration.member_id)
            .join(Visitor, Visitor.id == Registration.organisation_id)
            .order_by(VisitSlot.starts_on.desc(), Visit.id, Member.sort_key))


def years() -> list[int]:
    """The years with someone at a visit, newest first (the filters' choices)."""
    return data_versions.cached(REGISTER, "years", _until_midnight(_years))


def _years() -> list[int]:
    filters = Filters()
    days = db.session.execute(_went(sa.select(
        sa.func.min(VisitSlot.starts_on), sa.func.max(VisitSlot.starts_on)),
        *filters.shape(), host=False), filters.params()).one()
    if days[0] is None:
        return []
    return list(range(days[1].year, days[0].year - 1, -1))


def register_csv(filters: Filters) -> str:
    headers = [_("Od"), _("Do"), _("Druh"), _("Název"), _("Hostitel"), _("Země"),
               _("Účastník / účastnice"), _("Organizace")]
    rows = db.session.execute(*participations(filters))
    return csv_text(headers, ([_day(row.starts_on), _day(row.ends_on), str(row.kind.label),
                               row.title, row.host, row.country, row.member_name,
                               row.organisation] for row in rows))


def _day(day: date) -> str:
    return f"{day.day}. {day.month}. {day.year}"


@dataclass
class Matrix:
    """People of each visiting organisation (rows) at each host (columns) in a year."""

    hosts: list[str]
    rows: list[tuple[str, list[int], int]]  # visiting organisation, count per host, total
    totals: list[int]  # per host


def matrix(year: int | None, limit: int | None = None) -> Matrix:
    """Who learned from whom in the year. With `limit`, only that many hosts (those with the
    most visitors) are columns and the others are added up in one last column, so that a
    page stays readable and quick however many hosts there are; without, every host.

    A year's sign-ups take tens of milliseconds to add up, so the matrix is computed again
    only when they change, or at midnight (a date that begins joins the register)."""
    key = ("matrix", year, limit, str(get_locale()))
    return data_versions.cached(REGISTER, key, _until_midnight(lambda: _matrix(year, limit)))


def _until_midnight(compute):
    """For data_versions.cached: compute()'s value, kept until Prague's next midnight (the
    register holds the dates that have begun), the midnight read before the query runs: a
    query that runs over midnight is kept no longer than until the midnight it began before."""
    def computed():
        ends = _tomorrow()
        return compute(), ends
    return computed


def _tomorrow() -> datetime:
    return local_to_utc(today() + timedelta(days=1), time(0, 0))


def _matrix(year: int | None, limit: int | None) -> Matrix:
    filters = Filters(year=year)
    query = (_went(sa.select(Visitor.name, HOST_NAME, sa.func.count(Registration.id)),
                   *filters.shape())
             .join(Visitor, Visitor.id == Registration.organisation_id)
             .group_by(Visitor.name, HOST_NAME))
    counts: dict[str, dict[str, int]] = {}
    host_totals: dict[str, int] = {}
    for name, host, count in db.session.execute(query, filters.params()):
        counts.setdefault(name, {})[host] = count
        host_totals[host] = host_totals.get(host, 0) + count
    kept = set(host_totals)
    if limit is not None and len(host_totals) > limit:
        kept = set(sorted(host_totals, key=host_totals.get, reverse=True)[:limit])
    hosts = sorted(kept, key=czech_key)
    others = len(kept) < len(host_totals)
    rows = []
    for name in sorted(counts, key=czech_key):
        cells = [counts[name].get(host, 0) for host in hosts]
        total = sum(counts[name].values())
        rows.append((name, [*cells, total - sum(cells)] if others else cells, total))
    totals = [host_totals[host] for host in hosts]
    all_visitors = sum(host_totals.values())
    return Matrix(hosts=[*hosts, _("ostatní hostitelé")] if others else hosts, rows=rows,
                  totals=[*totals, all_visitors - sum(totals)] if others else totals)


def matrix_csv(table: Matrix) -> str:
    headers = [_("Organizace účastníků / hostitelé"), *table.hosts, _("Celkem")]
    return csv_text(headers, ([name, *cells, total] for name, cells, total in table.rows))


def latest(member_id: int | None = None, organisation_id: int | None = None,
           municipality_id: int | None = None, limit: int = 5) -> list[sa.Row]:
    """The newest rows of a member's, an organisation's or a municipality's history (their
    pages' panels)."""
    filters = Filters(member_id=member_id, organisation_id=organisation_id,
                      municipality_id=municipality_id)
    return first_rows(*participations(filters), limit)
