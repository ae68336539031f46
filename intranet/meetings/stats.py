"""Attendance statistics of a period: meetings held, participants, organisations, places."""

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..accounts.models import Member
from ..extensions import db
from ..groups.models import WorkingGroup
from ..organisations.models import Municipality, Organisation
from .models import Guest, Meeting, MeetingStatus, Participation, Presence

ONE_DAY = timedelta(days=1)


@dataclass
class Period:
    start: datetime | None = None
    end: datetime | None = None
    group_id: int | None = None


def _held(period: Period) -> sa.Select:
    query = sa.select(Meeting.id).where(Meeting.status == MeetingStatus.HELD)
    if period.start:
        query = query.where(Meeting.starts_at >= period.start)
    if period.end:
        query = query.where(Meeting.starts_at < period.end)
    if period.group_id:
        query = query.where(Meeting.group_id == period.group_id)
    return query


def per_meeting(period: Period) -> list[dict]:
    """Each meeting held: when, which group, present members, guests."""
    held = _held(period).subquery()
    present = (sa.select(sa.func.count()).where(
        Participation.meeting_id == Meeting.id, Participation.presence == Presence.PRESENT)
        .scalar_subquery())
    guests = sa.select(sa.func.count(Guest.id)).where(Guest.meeting_id == Meeting.id) \
        .scalar_subquery()
    rows = db.session.execute(
        sa.select(Meeting.starts_at, WorkingGroup, Meeting.number, present, guests)
        .join(WorkingGroup, WorkingGroup.id == Meeting.group_id)
        .where(Meeting.id.in_(sa.select(held.c.id))).order_by(Meeting.starts_at))
    return [{"starts_at": s, "group": group.title, "number": n, "members": m, "guests": g,
             "total": m + g} for s, group, n, m, g in rows]


def _per(label_column, join_path, period: Period) -> list[dict]:
    held = _held(period).subquery()
    query = (sa.select(label_column.label("name"),
                       sa.func.count(Participation.id).label("attendances"),
                       sa.func.count(sa.distinct(Participation.meeting_id)).label("meetings"),
                       sa.func.count(sa.distinct(Participation.member_id)).label("people"))
             .select_from(Participation).join(Member, Member.id == Participation.member_id))
    for target, condition in join_path:
        query = query.join(target, condition)
    query = (query.where(Participation.presence == Presence.PRESENT,
                         Participation.meeting_id.in_(sa.select(held.c.id)))
             .group_by(label_column).order_by(sa.desc("attendances"), label_column))
    return [dict(row._mapping) for row in db.session.execute(query)]


def per_organisation(period: Period) -> list[dict]:
    """Organisations whose people attended: attendances, meetings, distinct people."""
    return _per(Organisation.name,
                [(Organisation, Organisation.id == Member.organisation_id)], period)


def per_municipality(period: Period) -> list[dict]:
    """Municipalities (by the attendee's organisation's seat) that took part."""
    return _per(Municipality.name,
                [(Organisation, Organisation.id == Member.organisation_id),
                 (Municipality, Municipality.id == Organisation.municipality_id)], period)


def summary(period: Period) -> dict:
    meetings = per_meeting(period)
    return {"meetings": meetings, "held": len(meetings),
            "participants": sum(m["total"] for m in meetings),
            "organisations": per_organisation(period),
            "municipalities": per_municipality(period)}


CSV_TABLES = {
    "meetings": (per_meeting, ["starts_at", "group", "number", "members", "guests", "total"]),
    "organisations": (per_organisation, ["name", "attendances", "meetings", "people"]),
    "municipalities": (per_municipality, ["name", "attendances", "meetings", "people"]),
}


def as_csv(table: str, period: Period, headers: list[str]) -> str:
    """One statistics table as CSV (semicolons and a BOM, as Czech Excel expects)."""
    rows_of, columns = CSV_TABLES[table]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(headers)
    for row in rows_of(period):
        writer.writerow([_cell(row[column]) for column in columns])
    return "\ufeff" + out.getvalue()


def _cell(value):
    if isinstance(value, datetime):
        from ..i18n import in_prague

        return in_prague(value).strftime("%d.%m.%Y %H:%M")
    return value
