"""The figures of one year: meetings per group and attendance per municipality (the attendance
statistics' kept tables), minutes published, tasks created, done and overdue, visits held and
who learned from whom (the visits' register), each goal's indicators against target as of the
year's end (the strategy's progress).

Each part is one prebuilt statement or a table its feature keeps, so a report costs the same
number of queries whatever the data. Its tables are bounded by the working groups, the
municipalities, the organisations, the year's visits and the strategy's indicators (tens of
rows each), so they are not paginated: a report is read and printed whole."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

import sqlalchemy as sa

from ..database import prebuilt, rows_of
from ..groups.models import WorkingGroup
from ..i18n import in_prague, local_to_utc
from ..meetings import stats
from ..meetings.models import Meeting
from ..minutes.models import ActionItem, Minutes, MinutesState
from ..strategy.models import IndicatorValue, Priority
from ..strategy.progress import Progress, progress_of
from ..strategy.services import overview
from ..visits import register
from ..visits.models import Registration, Status, Visit, VisitSlot

MIDNIGHT = time(0, 0)
LAST_MONTH_OF_LAST_YEAR = 3  # until the end of March the report opens at the year before
MATRIX_HOSTS = 8  # hosts as columns of the printed matrix; the others added up, all in CSV


def default_year(today: date) -> int:
    """The year a report is asked for: the last one while it is being reported on (January
    to March), else this one."""
    return today.year - 1 if today.month <= LAST_MONTH_OF_LAST_YEAR else today.year


@dataclass(frozen=True)
class Year:
    """A calendar year as the report counts it, and the day the state of things is taken at:
    the year's last day, or today while the year runs."""

    number: int
    today: date

    @property
    def first(self) -> date:
        return date(self.number, 1, 1)

    @property
    def following(self) -> date:
        return date(self.number + 1, 1, 1)

    @property
    def as_of(self) -> date:
        """The last day the report counts."""
        return min(self.following - timedelta(days=1), self.today)

    @property
    def finished(self) -> bool:
        return self.today >= self.following

    @property
    def period(self) -> stats.Period:
        """The year's moments, as the attendance statistics take them (Prague's midnights)."""
        return stats.Period(start=local_to_utc(self.first, MIDNIGHT),
                            end=local_to_utc(self.following, MIDNIGHT))

    def params(self) -> dict:
        """The values of the report's statements' parameters."""
        return {"start": self.period.start, "end": self.period.end, "first": self.first,
                "following": self.following, "as_of": self.as_of, "today": self.today,
                "due_before": min(self.following, self.today)}


# --- which years have data ----------------------------------------------------------------

def years(today: date) -> list[int]:
    """The years a report can be asked for, newest first: from the first year with a held
    meeting, published minutes, a visit or an indicator's value to this one (and the default
    year, even without data)."""
    found = [_year_of(value) for value in rows_of(_first_records()).one() if value is not None]
    newest = max(today.year, default_year(today))
    oldest = min([*found, default_year(today)])
    return list(range(newest, oldest - 1, -1))


def _year_of(value: date | datetime) -> int:
    """A day's year, or a moment's year in Prague."""
    return in_prague(value).year if isinstance(value, datetime) else value.year


@prebuilt
def _first_records() -> sa.Select:
    def first(column, *conditions):
        return sa.select(sa.func.min(column)).where(*conditions).scalar_subquery()

    return sa.select(first(Meeting.starts_at, Meeting.is_held),
                     first(Minutes.published_at, Minutes.state == MinutesState.PUBLISHED),
                     first(VisitSlot.starts_on), first(IndicatorValue.measured_on))


# --- 1. meetings per group and attendance per municipality ----------------------------------

@dataclass(frozen=True)
class GroupMeetings:
    """A working group's meetings held in the year and their attendance (members and guests)."""

    number: int
    name: str
    meetings: int
    attendances: int

    @property
    def average(self) -> float:
        return self.attendances / self.meetings if self.meetings else 0.0


def meetings_by_group(meetings: list[sa.Row]) -> list[GroupMeetings]:
    """The statistics' meetings (one row each) added up per group, by the group's number."""
    counted: dict[tuple[int, str], list[int]] = {}
    for row in meetings:
        totals = counted.setdefault((row.group_number, row.group_name), [0, 0])
        totals[0] += 1
        totals[1] += row.total
    return [GroupMeetings(number, name, held, attendances)
            for (number, name), (held, attendances) in sorted(counted.items())]


# --- 2. minutes published -----------------------------------------------------------------

@prebuilt
def _minutes_by_group() -> sa.Select:
    return (sa.select(WorkingGroup.number, WorkingGroup.name,
                      sa.func.count(Minutes.id).label("published"))
            .select_from(Minutes).join(Meeting, Meeting.id == Minutes.meeting_id)
            .join(WorkingGroup, WorkingGroup.id == Meeting.group_id)
            .where(Minutes.state == MinutesState.PUBLISHED,
                   Minutes.published_at >= sa.bindparam("start"),
                   Minutes.published_at < sa.bindparam("end"))
            .group_by(WorkingGroup.id, WorkingGroup.number, WorkingGroup.name)
            .order_by(WorkingGroup.number))


# --- 3. tasks -----------------------------------------------------------------------------

@prebuilt
def _tasks_by_group() -> sa.Select:
    """Per group, the tasks of published minutes (those the task list shows): created in the
    year; done in the year; overdue as of the report's day (due before it, or before the
    year's end, and not done by then)."""
    created = sa.func.count().filter(ActionItem.created_at >= sa.bindparam("start"))
    done = sa.func.count().filter(ActionItem.done_on >= sa.bindparam("first"),
                                  ActionItem.done_on <= sa.bindparam("as_of"))
    overdue = sa.func.count().filter(
        ActionItem.due_on < sa.bindparam("due_before"),
        sa.or_(ActionItem.done_on.is_(None), ActionItem.done_on > sa.bindparam("as_of")))
    return (sa.select(WorkingGroup.number, WorkingGroup.name, created.label("created"),
                      done.label("done"), overdue.label("overdue"))
            .select_from(ActionItem).join(Minutes, Minutes.id == ActionItem.minutes_id)
            .join(WorkingGroup, WorkingGroup.id == ActionItem.group_id)
            .where(Minutes.state == MinutesState.PUBLISHED,
                   ActionItem.created_at < sa.bindparam("end"))
            .group_by(WorkingGroup.id, WorkingGroup.number, WorkingGroup.name)
            .having(sa.or_(created > 0, done > 0, overdue > 0))
            .order_by(WorkingGroup.number))


# --- 4. visits ----------------------------------------------------------------------------

def _went(query: sa.Select) -> sa.Select:
    """Confirmed participants of the year's dates that have begun (as the register counts)."""
    return (query.select_from(Registration)
            .join(VisitSlot, VisitSlot.id == Registration.slot_id)
            .join(Visit, Visit.id == Registration.visit_id)
            .where(Registration.status == Status.CONFIRMED,
                   VisitSlot.starts_on >= sa.bindparam("first"),
                   VisitSlot.starts_on < sa.bindparam("following"),
                   VisitSlot.starts_on <= sa.bindparam("today")))


VISIT_COUNTS = (sa.func.count(sa.distinct(Visit.id)).label("visits"),
                sa.func.count(Registration.id).label("participants"),
                sa.func.count(sa.distinct(Registration.member_id)).label("people"),
                sa.func.count(sa.distinct(Registration.organisation_id)).label("organisations"))


@prebuilt
def _visits_by_kind() -> sa.Select:
    return _went(sa.select(Visit.kind, *VISIT_COUNTS)).group_by(Visit.kind).order_by(Visit.kind)


@prebuilt
def _visit_totals() -> sa.Select:
    return _went(sa.select(*VISIT_COUNTS))


@prebuilt
def _visits_held() -> sa.Select:
    return (_went(sa.select(Visit.id, Visit.kind, Visit.title,
                            register.HOST_NAME.label("host"), Visit.country,
                            sa.func.min(VisitSlot.starts_on).label("first_day"),
                            sa.func.max(VisitSlot.ends_on).label("last_day"),
                            sa.func.count(Registration.id).label("participants")))
            .outerjoin(register.Host, register.Host.id == Visit.host_organisation_id)
            .group_by(Visit.id, Visit.kind, Visit.title, register.HOST_NAME, Visit.country)
            .order_by(sa.func.min(VisitSlot.starts_on), Visit.id))


# --- 5. the strategy ----------------------------------------------------------------------

def progress_at(priorities: list[Priority], day: date) -> dict[int, Progress]:
    """Each indicator's progress as it stood on the day: its latest value up to then against
    its target. Indicators whose baseline comes later did not exist yet and are left out."""
    return {indicator.id: progress_of(
        indicator, [v for v in indicator.values if v.measured_on <= day], day)
        for priority in priorities for goal in priority.goals
        for indicator in goal.indicators if indicator.baseline_on <= day}


# --- the whole report ---------------------------------------------------------------------

@dataclass
class Report:
    """Everything the report shows for the year, each part read when first used."""

    year: Year

    @cached_property
    def _attendance(self) -> dict[str, list[sa.Row]]:
        return stats.tables(self.year.period)

    @cached_property
    def groups(self) -> list[GroupMeetings]:
        return meetings_by_group(self._attendance["meetings"])

    @cached_property
    def municipalities(self) -> list[sa.Row]:
        return self._attendance["municipalities"]

    @property
    def meetings_held(self) -> int:
        return sum(group.meetings for group in self.groups)

    @property
    def attendances(self) -> int:
        return sum(group.attendances for group in self.groups)

    @property
    def average_attendance(self) -> float:
        return self.attendances / self.meetings_held if self.meetings_held else 0.0

    @cached_property
    def minutes(self) -> list[sa.Row]:
        return rows_of(_minutes_by_group(), self.year.params()).all()

    @cached_property
    def tasks(self) -> list[sa.Row]:
        return rows_of(_tasks_by_group(), self.year.params()).all()

    def task_total(self, column: str) -> int:
        return sum(getattr(row, column) for row in self.tasks)

    @cached_property
    def visit_kinds(self) -> list[sa.Row]:
        return rows_of(_visits_by_kind(), self.year.params()).all()

    @cached_property
    def visit_totals(self) -> sa.Row:
        return rows_of(_visit_totals(), self.year.params()).one()

    @cached_property
    def visits(self) -> list[sa.Row]:
        return rows_of(_visits_held(), self.year.params()).all()

    def learned(self, limit: int | None = MATRIX_HOSTS) -> register.Matrix:
        """Who learned from whom: the visits register's matrix of the year."""
        return register.matrix(self.year.number, limit)

    @cached_property
    def priorities(self) -> list[Priority]:
        return overview()

    @cached_property
    def progress(self) -> dict[int, Progress]:
        return progress_at(self.priorities, self.year.as_of)

    def state_counts(self) -> dict[str, int]:
        counts = {"reached": 0, "on_track": 0, "behind": 0, "no_values": 0}
        for progress in self.progress.values():
            counts[progress.state] += 1
        return counts
