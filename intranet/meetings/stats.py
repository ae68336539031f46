"""Attendance statistics of a period: meetings held, participants, organisations, places."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from markupsafe import Markup

from .. import data_versions
from ..accounts.models import Member
from ..database import prebuilt, rows_of, utcnow
from ..exports import csv_text
from ..extensions import db
from ..groups.models import WorkingGroup
from ..i18n import gettext, in_prague
from ..organisations.models import Municipality, Organisation, Side
from .models import Guest, Meeting, MeetingStatus, Participation, Presence

ONE_DAY = timedelta(days=1)
STATISTICS = "statistics"  # the data version of the tables below

data_versions.watch(STATISTICS, {
    Participation: ("meeting_id", "member_id", "presence"),
    Guest: ("meeting_id",),
    Meeting: ("group_id", "number", "starts_at", "status", "attendance_taken_at"),
    WorkingGroup: ("number", "name"),
    Member: ("organisation_id", "side"),
    Organisation: ("name", "sort_key", "municipality_id", "side"),
    Municipality: ("name", "sort_key"),
})


@dataclass(frozen=True)
class Period:
    start: datetime | None = None
    end: datetime | None = None
    group_id: int | None = None

    def shape(self) -> tuple[bool, bool, bool]:
        """Which parts are set: a statement is prebuilt for each combination."""
        return tuple(value is not None for value in self.params().values())

    def params(self) -> dict:
        return {"start": self.start, "end": self.end, "group_id": self.group_id}

    @staticmethod
    def of_parameters(*shape: bool) -> "Period":
        """A period of that shape for a prebuilt statement: each part set is a parameter."""
        return Period(*(sa.bindparam(name) if is_set else None
                        for name, is_set in zip(("start", "end", "group_id"), shape,
                                                strict=True)))


def _held(period: Period) -> sa.Select:
    return sa.select(Meeting.id).where(*_held_in(period))


def _held_in(period: Period) -> list:
    """The conditions on Meeting for a meeting held in the period (and the group)."""
    conditions = [Meeting.is_held]
    if period.start is not None:
        conditions.append(Meeting.starts_at >= period.start)
    if period.end is not None:
        conditions.append(Meeting.starts_at < period.end)
    if period.group_id is not None:
        conditions.append(Meeting.group_id == period.group_id)
    return conditions


# --- the triad at the table ------------------------------------------------------------------

# Each side of community planning, as the column saying whether someone of it was present.
SIDE_COLUMNS = {Side.COMMISSIONER: "commissioners", Side.PROVIDER: "providers",
                Side.USER: "users"}


def sides_present(meetings) -> sa.Select:
    """Which sides of the triad were at each of `meetings` (a select of their ids, or an
    expanding parameter): rows (meeting_id, commissioners, providers, users), 1 where at least
    one member present had that side (Member.effective_side: their own, else their
    organisation's), else 0; a meeting where no member was present has no row.
    Guests have no side and do not count; nor do members excused or absent."""
    side = Member.effective_side
    return (sa.select(Participation.meeting_id,
                      *(sa.func.max(sa.case((side == value, 1), else_=0)).label(column)
                        for value, column in SIDE_COLUMNS.items()))
            .join(Member, Member.id == Participation.member_id)
            .where(Participation.presence == Presence.PRESENT,
                   Participation.meeting_id.in_(meetings))
            .group_by(Participation.meeting_id))


def all_sides(row) -> bool:
    """Whether all three sides were present (a row with SIDE_COLUMNS)."""
    return all(row._mapping[column] for column in SIDE_COLUMNS.values())


def sides_at(meeting_ids: list[int]) -> dict[int, sa.Row]:
    """The sides present at each of these meetings (rows of sides_present, by meeting; a
    meeting without anyone with a side is missing)."""
    if not meeting_ids:
        return {}
    rows = rows_of(_sides_at(), {"meeting_ids": meeting_ids})
    return {row.meeting_id: row for row in rows}


@prebuilt
def _sides_at() -> sa.Select:
    return sides_present(sa.bindparam("meeting_ids", expanding=True))


def per_meeting(period: Period) -> sa.Select:
    """Each meeting held, by date: when, which group, present members, guests, total, and
    which sides of the triad were present (SIDE_COLUMNS: 1 or 0)."""
    present = (sa.select(sa.func.count()).where(
        Participation.meeting_id == Meeting.id, Participation.presence == Presence.PRESENT)
        .scalar_subquery())
    guests = sa.select(sa.func.count(Guest.id)).where(Guest.meeting_id == Meeting.id) \
        .scalar_subquery()
    sides = sides_present(_held(period)).subquery()
    return (sa.select(Meeting.starts_at, WorkingGroup.number.label("group_number"),
                      WorkingGroup.name.label("group_name"), Meeting.number,
                      present.label("members"), guests.label("guests"),
                      (present + guests).label("total"),
                      *(sa.func.coalesce(sides.c[column], 0).label(column)
                        for column in SIDE_COLUMNS.values()))
            .join(WorkingGroup, WorkingGroup.id == Meeting.group_id)
            .outerjoin(sides, sides.c.meeting_id == Meeting.id)
            .where(Meeting.id.in_(_held(period))).order_by(Meeting.starts_at, Meeting.id))


def _per(record, join_path, period: Period) -> sa.Select:
    """Attendance per organisation or municipality (`record`), most attendances first, then
    in Czech order of names."""
    query = (sa.select(record.id, record.name.label("name"),
                       sa.func.count(Participation.id).label("attendances"),
                       sa.func.count(sa.distinct(Participation.meeting_id)).label("meetings"),
                       sa.func.count(sa.distinct(Participation.member_id)).label("people"))
             .select_from(Participation).join(Member, Member.id == Participation.member_id))
    for target, condition in join_path:
        query = query.join(target, condition)
    return (query.where(Participation.presence == Presence.PRESENT,
                        Participation.meeting_id.in_(_held(period)))
            .group_by(record.id, record.name, record.sort_key)
            .order_by(sa.desc("attendances"), record.sort_key))


ORGANISATION_JOIN = [(Organisation, Organisation.id == Member.organisation_id)]
MUNICIPALITY_JOIN = [*ORGANISATION_JOIN,
                     (Municipality, Municipality.id == Organisation.municipality_id)]


def per_organisation(period: Period) -> sa.Select:
    """Organisations whose people attended: attendances, meetings, distinct people."""
    return _per(Organisation, ORGANISATION_JOIN, period)


def per_municipality(period: Period) -> sa.Select:
    """Municipalities (by the attendee's organisation's seat) that took part."""
    return _per(Municipality, MUNICIPALITY_JOIN, period)


def tables(period: Period) -> dict[str, list[sa.Row]]:
    """The period's tables (per meeting, organisation, municipality), whole. Aggregating every
    attendance takes tens of milliseconds, so they are computed again only when attendance,
    meetings or names change, or when a meeting with attendance already taken begins."""
    return _computed(period)["tables"]


def tables_and_summary(period: Period) -> tuple[dict[str, list[sa.Row]], dict, dict]:
    """The tables and the tiles (meetings held, attendances of members and guests,
    municipalities involved), kept together: summing thousands of rows on every view would
    cost more than the page. Also a place, kept and dropped with them, for HTML made from
    them (pages of the tables, see keep_html)."""
    computed = _computed(period)
    return computed["tables"], computed["summary"], computed["html"]


KEPT_HTML = 24  # pieces of HTML kept with a period's tables (the first asked for)


def keep_html(kept: dict, key, render) -> Markup:
    """The HTML render() makes, made once while the tables it shows stay the same (`kept`
    is theirs, from tables_and_summary); `key` says what it shows (table, page, language)."""
    html = kept.get(key)
    if html is None:
        html = Markup(render())
        if len(kept) < KEPT_HTML:
            kept[key] = html
    return html


def _computed(period: Period) -> dict:
    def compute():
        computed = {name: db.session.execute(query_of(period)).all()
                    for name, (query_of, _columns) in CSV_TABLES.items()}
        return {"tables": computed, "summary": _summary(computed), "html": {}}, \
            _next_held_change()

    return data_versions.cached(STATISTICS, period, compute)


def _next_held_change() -> datetime | None:
    """When the next meeting whose attendance is already taken begins (and so becomes held)."""
    return db.session.execute(
        sa.select(sa.func.min(Meeting.starts_at))
        .where(Meeting.status == MeetingStatus.SCHEDULED,
               Meeting.attendance_taken_at.is_not(None), Meeting.starts_at > utcnow())).scalar()


def _summary(tables: dict[str, list[sa.Row]]) -> dict:
    return {"held": len(tables["meetings"]),
            "all_sides": sum(1 for row in tables["meetings"] if all_sides(row)),
            "participants": sum(row.total for row in tables["meetings"]),
            "municipalities": len(tables["municipalities"])}


def attended_from(municipality_id) -> sa.Select:
    """The ids of the meetings where someone from the municipality was present (found once,
    from its few people: a condition checked meeting by meeting read them all)."""
    return (sa.select(Participation.meeting_id)
            .join(Member, Member.id == Participation.member_id)
            .join(Organisation, Organisation.id == Member.organisation_id)
            .where(Participation.presence == Presence.PRESENT,
                   Organisation.municipality_id == municipality_id))


def meetings_attended_from(period: Period,
                           municipality_id: int) -> tuple[sa.Select, dict]:
    """Held meetings of the period where someone from the municipality was present, newest
    first, as rows (id, starts_at, number, group_number, group_name; a page of them goes to
    attendees_from); and the values of its parameters."""
    return (_meetings_attended_from(*period.shape()),
            {**period.params(), "municipality_id": municipality_id})


@prebuilt
def _meetings_attended_from(*shape: bool) -> sa.Select:
    return (sa.select(Meeting.id, Meeting.starts_at, Meeting.number,
                      WorkingGroup.number.label("group_number"),
                      WorkingGroup.name.label("group_name"))
            .join(WorkingGroup, WorkingGroup.id == Meeting.group_id)
            .where(Meeting.id.in_(attended_from(sa.bindparam("municipality_id"))),
                   *_held_in(Period.of_parameters(*shape)))
            .order_by(Meeting.starts_at.desc()))


def attendees_from(meetings: list[sa.Row], municipality_id: int) -> dict[int, list[sa.Row]]:
    """Who from the municipality was present at each of these meetings, in Czech order: rows
    (id, full_name, organisation: its name)."""
    rows = rows_of(_attendees_from(), {
        "meeting_ids": [m.id for m in meetings], "municipality_id": municipality_id})
    found: dict[int, list[sa.Row]] = {m.id: [] for m in meetings}
    for row in rows:
        found[row.meeting_id].append(row)
    return found


@prebuilt
def _attendees_from() -> sa.Select:
    return (sa.select(Participation.meeting_id, Member.id, Member.full_name.label("full_name"),
                      Organisation.name.label("organisation"))
            .join(Member, Member.id == Participation.member_id)
            .join(Organisation, Organisation.id == Member.organisation_id)
            .where(Participation.meeting_id.in_(sa.bindparam("meeting_ids", expanding=True)),
                   Participation.presence == Presence.PRESENT,
                   Organisation.municipality_id == sa.bindparam("municipality_id"))
            .order_by(Member.sort_key))


CSV_TABLES = {
    "meetings": (per_meeting, ["starts_at", "group", "number", "members", "guests", "total",
                               *SIDE_COLUMNS.values()]),
    "organisations": (per_organisation, ["name", "attendances", "meetings", "people"]),
    "municipalities": (per_municipality, ["name", "attendances", "meetings", "people"]),
}


def as_csv(table: str, period: Period, headers: list[str]) -> str:
    """One whole statistics table as CSV (semicolons and a BOM, as Czech Excel expects)."""
    columns = CSV_TABLES[table][1]
    rows = tables(period)[table]
    return csv_text(headers, ([_cell(row._mapping, column) for column in columns] for row in rows))


def _cell(row, column):
    if column == "group":
        return gettext("č. %(number)d – %(name)s", number=row["group_number"],
                       name=row["group_name"])
    value = row[column]
    if column in SIDE_COLUMNS.values():
        return gettext("ano") if value else gettext("ne")
    if isinstance(value, datetime):
        return in_prague(value).strftime("%d.%m.%Y %H:%M")
    return value



# --- attendance history of a member and of an organisation ---------------------------------

HISTORY_ROW = (Meeting.id, Meeting.starts_at, Meeting.number,
               WorkingGroup.number.label("group_number"), WorkingGroup.name.label("group_name"))


def member_history(member_id: int) -> tuple[sa.Select, dict]:
    """The held meetings the member was expected at, newest first, as rows (HISTORY_ROW) with
    their presence; and the values of its parameters."""
    return _member_history(), {"member_id": member_id}


@prebuilt
def _member_history() -> sa.Select:
    return (sa.select(*HISTORY_ROW, Participation.presence)
            .join(Participation, Participation.meeting_id == Meeting.id)
            .join(WorkingGroup, WorkingGroup.id == Meeting.group_id)
            .where(Participation.member_id == sa.bindparam("member_id"), Meeting.is_held)
            .order_by(Meeting.starts_at.desc()))


def organisation_history(organisation_id: int) -> tuple[sa.Select, dict]:
    """The held meetings someone from the organisation attended, newest first, as rows
    (HISTORY_ROW) with how many of its people were present; and the values of its
    parameters."""
    return _organisation_history(), {"organisation_id": organisation_id}


@prebuilt
def _organisation_history() -> sa.Select:
    present = sa.func.count(Participation.id).label("present")
    return (sa.select(*HISTORY_ROW, present)
            .join(Participation, Participation.meeting_id == Meeting.id)
            .join(Member, Member.id == Participation.member_id)
            .join(WorkingGroup, WorkingGroup.id == Meeting.group_id)
            .where(Member.organisation_id == sa.bindparam("organisation_id"), Meeting.is_held,
                   Participation.presence == Presence.PRESENT)
            .group_by(Meeting.id, WorkingGroup.id).order_by(Meeting.starts_at.desc()))


def member_summary(member_id: int) -> tuple[int, int]:
    """(meetings attended, held meetings the member was expected at)."""
    row = rows_of(_member_summary(), {"member_id": member_id}).one()
    return row[0], row[1]


@prebuilt
def _member_summary() -> sa.Select:
    history = _member_history().subquery()
    return sa.select(sa.func.count().filter(history.c.presence == Presence.PRESENT),
                     sa.func.count())
