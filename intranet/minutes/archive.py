"""The archive of published minutes: browsing by group, year and municipality, searching the
text without diacritics, and what each member has read."""

from dataclasses import dataclass
from datetime import date, time, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Member
from ..database import prebuilt, utcnow
from ..extensions import db
from ..groups.models import GroupMembership, WorkingGroup
from ..i18n import in_prague, local_to_utc
from ..meetings.models import Meeting
from ..meetings.stats import attended_from
from ..organisations.models import Organisation
from ..search import (
    MINUTES_INDEX,
    among_matches,
    has_words,
    is_broad,
    match_count,
    snippets,
    text_matches,
)
from .models import Minutes, MinutesReading, MinutesState

MIDNIGHT = time(0, 0)
NEW = timedelta(days=365)  # the dashboard's newest minutes are of meetings within this
PUBLISHED = Minutes.state == MinutesState.PUBLISHED


@dataclass
class Filters:
    q: str = ""
    group_id: int | None = None
    year: int | None = None
    municipality_id: int | None = None  # someone from it was present


def _rows(reader_id) -> sa.Select:
    """Published minutes as list rows: the meeting, its group, and whether the reader (an id,
    or a parameter of a prebuilt statement) has opened them."""
    unread = ~sa.exists().where(MinutesReading.minutes_id == Minutes.id,
                                MinutesReading.member_id == reader_id)
    return (sa.select(Minutes.id, Meeting.id.label("meeting_id"),
                      Meeting.number, Meeting.starts_at, Meeting.place,
                      WorkingGroup.number.label("group_number"),
                      WorkingGroup.name.label("group_name"), unread.label("unread"))
            .join(Meeting, Meeting.id == Minutes.meeting_id)
            .join(WorkingGroup, WorkingGroup.id == Meeting.group_id)
            .where(PUBLISHED))


def _newest_first(reader: Member, q: str = "") -> sa.Select:
    """The same rows as _rows (of the minutes that match the query, if any), the newest
    meeting first, read along the index of meeting times until a page is full. Joined from
    the minutes' side, SQLite sorted every published minutes for each page, and with its
    bloom filter read every minutes' text: 5 ms at 20,000."""
    minutes_id = (sa.select(Minutes.id).where(Minutes.meeting_id == Meeting.id)
                  .correlate(Meeting).scalar_subquery())
    published = [Minutes.meeting_id == Meeting.id, PUBLISHED]
    if has_words(q):
        published.append(among_matches(Minutes.id, MINUTES_INDEX, q))
    unread = ~sa.exists().where(MinutesReading.minutes_id == minutes_id,
                                MinutesReading.member_id == reader.id)
    return (sa.select(minutes_id.label("id"), Meeting.id.label("meeting_id"),
                      Meeting.number, Meeting.starts_at, Meeting.place,
                      WorkingGroup.number.label("group_number"),
                      WorkingGroup.name.label("group_name"), unread.label("unread"))
            .select_from(Meeting).join(WorkingGroup, WorkingGroup.id == Meeting.group_id)
            .where(sa.exists().where(*published))
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc()))


def archive(filters: Filters, reader: Member) -> sa.Select:
    """The published minutes that pass the filters: the best matches of the search first
    (their snippets: see snippets_of), else, also for a search of a letter or two, the newest
    meetings first."""
    if not has_words(filters.q) or is_broad(filters.q):
        return _narrowed(_newest_first(reader, filters.q), filters)
    matches = text_matches(MINUTES_INDEX, filters.q)
    return _narrowed(_rows(reader.id).join(matches, matches.c.id == Minutes.id)
                     .order_by(matches.c.rank, Minutes.id), filters)


def _narrowed(query: sa.Select, filters: Filters) -> sa.Select:
    """The query (of meetings) narrowed to the group, the year and the municipality."""
    if filters.group_id:
        query = query.where(Meeting.group_id == filters.group_id)
    if filters.year:
        query = query.where(
            Meeting.starts_at >= local_to_utc(date(filters.year, 1, 1), MIDNIGHT),
            Meeting.starts_at < local_to_utc(date(filters.year + 1, 1, 1), MIDNIGHT))
    if filters.municipality_id:
        query = query.where(Meeting.id.in_(attended_from(filters.municipality_id)))
    return query


def count_of(filters: Filters) -> sa.Select | None:
    """The number of minutes counted cheaply: the matches in the word index (it holds
    published minutes only), the published minutes in their index, or those of the filtered
    meetings; None to count the archive's select (a search with filters)."""
    matches = match_count(MINUTES_INDEX, filters.q) if filters.q else None
    narrowed = filters.group_id or filters.year or filters.municipality_id
    if matches is not None:
        return None if narrowed else matches
    published = sa.select(sa.func.count()).select_from(Minutes).where(PUBLISHED)  # count(*):
    if not narrowed:  # from the index alone
        return published
    return _narrowed(published.join(Meeting, Meeting.id == Minutes.meeting_id), filters)


def snippets_of(filters: Filters, rows) -> dict[int, str]:
    """The matched passages of the listed minutes (for a search)."""
    return snippets(MINUTES_INDEX, filters.q, [row.id for row in rows]) if filters.q else {}


def years() -> list[int]:
    """The years with published minutes, newest first (for the year filter): the first and
    the last meeting with published minutes, found along the index of meeting times."""
    published = sa.exists().where(Minutes.meeting_id == Meeting.id, PUBLISHED)
    first, last = (sa.select(Meeting.starts_at).where(published).order_by(order).limit(1)
                   .scalar_subquery() for order in (Meeting.starts_at, Meeting.starts_at.desc()))
    first, last = db.session.execute(sa.select(first, last)).one()
    if first is None:
        return []
    return list(range(in_prague(last).year, in_prague(first).year - 1, -1))


def newest_for(member: Member, limit: int = 5) -> list[sa.Row]:
    """The newest published minutes (of meetings in the last year) of the member's groups and
    of the groups where people from the member's municipality work, for the dashboard."""
    return db.session.execute(_newest(), {
        "reader_id": member.id, "organisation_id": member.organisation_id,
        "since": utcnow() - NEW, "limit": limit}).all()


@prebuilt
def _newest() -> sa.Select:
    municipality = (sa.select(Organisation.municipality_id)
                    .where(Organisation.id == sa.bindparam("organisation_id"))
                    .scalar_subquery())
    groups = (  # a union, each part along its indexes (an OR scans all)
        sa.select(GroupMembership.group_id)
        .where(GroupMembership.member_id == sa.bindparam("reader_id"))
        .union(sa.select(GroupMembership.group_id)
               .join(Member, Member.id == GroupMembership.member_id)
               .join(Organisation, Organisation.id == Member.organisation_id)
               .where(Organisation.municipality_id == municipality)))
    return (  # the newest meetings first, along the group's start index
        _rows(sa.bindparam("reader_id")).where(Meeting.starts_at >= sa.bindparam("since"),
                            Meeting.group_id.in_(groups))
        .order_by(Meeting.starts_at.desc(), Minutes.id.desc()).limit(sa.bindparam("limit")))


def has_read(minutes: Minutes, member: Member) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(
        MinutesReading.minutes_id == minutes.id, MinutesReading.member_id == member.id)))


def mark_read(minutes: Minutes, member: Member) -> None:
    """Remember that the member opened the published minutes (once)."""
    if minutes.state is not MinutesState.PUBLISHED or has_read(minutes, member):
        return
    db.session.add(MinutesReading(minutes_id=minutes.id, member_id=member.id))
    try:
        db.session.commit()
    except IntegrityError:  # opened in two tabs at once
        db.session.rollback()
