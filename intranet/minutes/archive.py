"""The archive of published minutes: browsing by group, year and municipality, searching the
text without diacritics, and what each member has read."""

from dataclasses import dataclass, replace
from datetime import date, time, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .. import data_versions
from ..accounts.models import Member
from ..database import prebuilt, rows_of, utcnow
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
    match_params,
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
    matches: int | None = None  # how many published minutes the words match (counted())

    def search(self) -> str | None:
        """How the query searches: "ranked" (best matches first), "newest" (the first letter
        or two of words, or words in most minutes: newest first), or None (no words)."""
        if not has_words(self.q):
            return None
        return "newest" if is_broad(self.q, self.matches or 0) else "ranked"

    def shape(self) -> tuple[bool, bool, bool]:
        """Which filters are set: the statements are prebuilt for each combination."""
        return bool(self.group_id), bool(self.year), bool(self.municipality_id)

    def params(self) -> dict:
        year = {}
        if self.year:
            year = {"year_start": local_to_utc(date(self.year, 1, 1), MIDNIGHT),
                    "year_end": local_to_utc(date(self.year + 1, 1, 1), MIDNIGHT)}
        return {"group_id": self.group_id, "municipality_id": self.municipality_id, **year,
                **(match_params(self.q) if self.search() else {})}


READER = "reader_id"  # the parameter of the member who reads the list (unread marks)


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


def _newest_first(searched: bool) -> sa.Select:
    """The same rows as _rows (of the minutes that match the query :match, if `searched`),
    the newest meeting first, read along the index of meeting times until a page is full.
    Joined from the minutes' side, SQLite sorted every published minutes for each page, and
    with its bloom filter read every minutes' text: 5 ms at 20,000."""
    minutes_id = (sa.select(Minutes.id).where(Minutes.meeting_id == Meeting.id)
                  .correlate(Meeting).scalar_subquery())
    published = [Minutes.meeting_id == Meeting.id, PUBLISHED]
    if searched:
        published.append(among_matches(Minutes.id, MINUTES_INDEX, walked=True))
    unread = ~sa.exists().where(MinutesReading.minutes_id == minutes_id,
                                MinutesReading.member_id == sa.bindparam(READER))
    return (sa.select(minutes_id.label("id"), Meeting.id.label("meeting_id"),
                      Meeting.number, Meeting.starts_at, Meeting.place,
                      WorkingGroup.number.label("group_number"),
                      WorkingGroup.name.label("group_name"), unread.label("unread"))
            .select_from(Meeting).join(WorkingGroup, WorkingGroup.id == Meeting.group_id)
            .where(sa.exists().where(*published))
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc()))


def archive(filters: Filters, reader: Member) -> tuple[sa.Select, dict]:
    """The published minutes that pass the filters: the best matches of the search first
    (their snippets: see snippets_of), else, also for a search of a letter or two, the newest
    meetings first; and the values of its parameters (count_of takes the same)."""
    return (_archive(filters.search(), *filters.shape()),
            {**filters.params(), READER: reader.id})


@prebuilt
def _archive(search: str | None, *shape: bool) -> sa.Select:
    if search != "ranked":
        return _narrowed(_newest_first(search == "newest"), *shape)
    matches = text_matches(MINUTES_INDEX)
    return _narrowed(_rows(sa.bindparam(READER)).join(matches, matches.c.id == Minutes.id)
                     .order_by(matches.c.rank, Minutes.id), *shape)


def _narrowed(query: sa.Select, group: bool, year: bool, municipality: bool) -> sa.Select:
    """The query (of meetings) narrowed to the group, the year and the municipality that
    are set (Filters.shape; their values are parameters, Filters.params)."""
    if group:
        query = query.where(Meeting.group_id == sa.bindparam("group_id"))
    if year:
        query = query.where(Meeting.starts_at >= sa.bindparam("year_start"),
                            Meeting.starts_at < sa.bindparam("year_end"))
    if municipality:
        query = query.where(Meeting.id.in_(attended_from(sa.bindparam("municipality_id"))))
    return query


def counted(filters: Filters) -> Filters:
    """The filters with the number of minutes their words match, counted in the word index
    (it holds published minutes only): it decides whether they are ranked (Filters.search)
    and is the archive's count when no other filter is set."""
    if not has_words(filters.q):
        return filters
    return replace(filters, matches=rows_of(_match_count(), match_params(filters.q)).scalar())


@prebuilt
def _match_count() -> sa.Select:
    return match_count(MINUTES_INDEX)


PUBLISHED_COUNT = "published-minutes"  # the data version of the archive's whole count
data_versions.watch(PUBLISHED_COUNT, {Minutes: ("state",)})


def count_of(filters: Filters) -> sa.Select | int | None:
    """The number of minutes, or a select that counts them cheaply, with archive()'s
    parameters: the words' matches (counted()), all published minutes (kept until one is
    published or taken back: counting them reads the state's index, 1.3 ms at 20,000 on
    PostgreSQL), or those of the filtered meetings; None to count the archive's select (a
    search with filters)."""
    searched, shape = filters.search() is not None, filters.shape()
    if searched and filters.matches is not None and not any(shape):
        return filters.matches
    if not searched and not any(shape):
        return data_versions.cached(PUBLISHED_COUNT, "all", lambda: (
            rows_of(_count_of(False, *shape)).scalar(), None))
    return _count_of(searched, *shape)


@prebuilt
def _count_of(searched: bool, *shape: bool) -> sa.Select | None:
    narrowed = any(shape)
    if searched:
        return None if narrowed else _match_count()
    published = sa.select(sa.func.count()).select_from(Minutes).where(PUBLISHED)  # count(*):
    if not narrowed:  # from the index alone
        return published
    return _narrowed(published.join(Meeting, Meeting.id == Minutes.meeting_id), *shape)


def snippets_of(filters: Filters, rows) -> dict[int, str]:
    """The matched passages of the listed minutes (for a search)."""
    return snippets(MINUTES_INDEX, filters.q, [row.id for row in rows]) if filters.q else {}


def years() -> list[int]:
    """The years with published minutes, newest first (for the year filter): the first and
    the last meeting with published minutes, found along the index of meeting times."""
    first, last = rows_of(_first_and_last()).one()
    if first is None:
        return []
    return list(range(in_prague(last).year, in_prague(first).year - 1, -1))


@prebuilt
def _first_and_last() -> sa.Select:
    published = sa.exists().where(Minutes.meeting_id == Meeting.id, PUBLISHED)
    return sa.select(*(sa.select(Meeting.starts_at).where(published).order_by(order).limit(1)
                       .scalar_subquery()
                       for order in (Meeting.starts_at, Meeting.starts_at.desc())))


def newest_for(member: Member, limit: int = 5) -> list[sa.Row]:
    """The newest published minutes (of meetings in the last year) of the member's groups and
    of the groups where people from the member's municipality work, for the dashboard."""
    return rows_of(_newest(), {
        READER: member.id, "organisation_id": member.organisation_id,
        "since": utcnow() - NEW, "limit": limit}).all()


@prebuilt
def _newest() -> sa.Select:
    municipality = (sa.select(Organisation.municipality_id)
                    .where(Organisation.id == sa.bindparam("organisation_id"))
                    .scalar_subquery())
    groups = (  # a union, each part along its indexes (an OR scans all)
        sa.select(GroupMembership.group_id)
        .where(GroupMembership.member_id == sa.bindparam(READER))
        .union(sa.select(GroupMembership.group_id)
               .join(Member, Member.id == GroupMembership.member_id)
               .join(Organisation, Organisation.id == Member.organisation_id)
               .where(Organisation.municipality_id == municipality)))
    return (  # the newest meetings first, along the group's start index
        _rows(sa.bindparam(READER)).where(Meeting.starts_at >= sa.bindparam("since"),
                                          Meeting.group_id.in_(groups))
        .order_by(Meeting.starts_at.desc(), Minutes.id.desc()).limit(sa.bindparam("limit")))


def has_read(minutes: Minutes, member: Member) -> bool:
    return db.session.scalar(_has_read(), {"minutes_id": minutes.id, "member_id": member.id})


@prebuilt
def _has_read() -> sa.Select:
    return sa.select(sa.exists().where(
        MinutesReading.minutes_id == sa.bindparam("minutes_id"),
        MinutesReading.member_id == sa.bindparam("member_id")))


def mark_read(minutes: Minutes, member: Member) -> None:
    """Remember that the member opened the published minutes (once)."""
    if minutes.state is not MinutesState.PUBLISHED or has_read(minutes, member):
        return
    db.session.add(MinutesReading(minutes_id=minutes.id, member_id=member.id))
    try:
        db.session.commit()
    except IntegrityError:  # opened in two tabs at once
        db.session.rollback()
