"""The strategy's use cases: the overview (every priority, goal and indicator with its
progress), a goal, an indicator with its values; recording priorities, goals and indicators;
an owner entering a value."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, raiseload

from ..accounts.models import Member
from ..database import prebuilt, utcnow
from ..extensions import db
from ..groups.models import WorkingGroup, group_title
from ..i18n import format_day, gettext, today_in_prague
from ..meetings.models import Meeting, MeetingStatus
from ..minutes.models import ActionItem, Minutes, MinutesState
from ..organisations.models import Municipality, Organisation
from .models import (
    Goal,
    Indicator,
    IndicatorValue,
    Measure,
    OwnerDecision,
    Priority,
    ValueRequest,
    goal_municipality,
    measure_task,
)
from .progress import Progress, progress_of


@dataclass(frozen=True)
class Shown:
    """An indicator with its values (oldest first) and its progress today."""

    indicator: Indicator
    values: list[IndicatorValue]
    progress: Progress


def shown(indicator: Indicator, today: date | None = None) -> Shown:
    values = list(indicator.values)
    return Shown(indicator, values, progress_of(indicator, values, today or today_in_prague()))


# --- reading ------------------------------------------------------------------------------

# Everything a page shows comes in its one prebuilt statement (joined: a strategy is tens of
# goals with a few indicators and yearly values), so that a request builds no statement.
INDICATOR_DETAILS = (joinedload(Indicator.values), joinedload(Indicator.owner),
                     joinedload(Indicator.owner_organisation))
GOAL_DETAILS = (joinedload(Goal.municipalities), joinedload(Goal.answerable),
                joinedload(Goal.group), joinedload(Goal.priority),
                joinedload(Goal.indicators).options(*INDICATOR_DETAILS))


def overview() -> list[Priority]:
    """Every priority with its goals, their owners and indicators with their values: one
    statement, whatever the strategy's size (a strategy has tens of goals, all of them on
    one page: it is read and printed as one document)."""
    return db.session.scalars(_overview()).unique().all()


@prebuilt
def _overview() -> sa.Select:
    return (sa.select(Priority).order_by(Priority.number)
            .options(joinedload(Priority.goals).options(*GOAL_DETAILS), raiseload("*")))


def get_goal(goal_id: int) -> Goal:
    return _one_or_404(_goal(), {"goal_id": goal_id})


@prebuilt
def _goal() -> sa.Select:
    return (sa.select(Goal).where(Goal.id == sa.bindparam("goal_id"))
            .options(*GOAL_DETAILS, raiseload("*")))


def get_indicator(indicator_id: int) -> Indicator:
    return _one_or_404(_indicator(), {"indicator_id": indicator_id})


@prebuilt
def _indicator() -> sa.Select:
    return (sa.select(Indicator).where(Indicator.id == sa.bindparam("indicator_id"))
            .options(joinedload(Indicator.values).joinedload(IndicatorValue.entered_by),
                     joinedload(Indicator.owner), joinedload(Indicator.owner_organisation),
                     joinedload(Indicator.goal).options(joinedload(Goal.priority),
                                                        raiseload("*")), raiseload("*")))


def _one_or_404(select: sa.Select, params: dict):
    found = db.session.scalars(select, params).unique().first()
    if found is None:
        abort(404)
    return found


def priority_choices() -> list[tuple[int, str]]:
    return [(p.id, f"{p.number}. {p.title}") for p in db.session.execute(
        sa.select(Priority.id, Priority.number, Priority.title).order_by(Priority.number))]


def goals_of(municipality_id: int) -> list[Goal]:
    """The goals the municipality owns (gestor cíle), with their indicators and values."""
    return db.session.scalars(_goals_of(), {"municipality_id": municipality_id}).unique().all()


@prebuilt
def _goals_of() -> sa.Select:
    owned = sa.select(goal_municipality.c.goal_id).where(
        goal_municipality.c.municipality_id == sa.bindparam("municipality_id"))
    return (sa.select(Goal).where(Goal.id.in_(owned))
            .join(Priority, Priority.id == Goal.priority_id)
            .order_by(Priority.number, Goal.number)
            .options(joinedload(Goal.priority), joinedload(Goal.indicators).options(
                joinedload(Indicator.values)), raiseload("*")))


def priority_numbers() -> list[tuple[int, int]]:
    """Each priority's id and number."""
    return [tuple(row) for row in db.session.execute(sa.select(Priority.id, Priority.number))]


def goal_numbers(except_id: int | None = None) -> list[tuple[int, int]]:
    """(priority id, number) of every goal but one (the one being edited)."""
    return [tuple(row) for row in db.session.execute(
        sa.select(Goal.priority_id, Goal.number).where(Goal.id != (except_id or 0)))]


def get_priority(priority_id: int) -> Priority:
    return db.get_or_404(Priority, priority_id)


def next_goal_number(priority_id: int | None) -> int:
    return 1 + (db.session.scalar(sa.select(sa.func.max(Goal.number)).where(
        Goal.priority_id == priority_id)) or 0)


# --- recording ----------------------------------------------------------------------------

PRIORITY_FIELDS = ("number", "title", "description")
GOAL_FIELDS = ("priority_id", "number", "title", "description", "answerable_id", "group_id")
INDICATOR_FIELDS = ("name", "unit", "baseline", "baseline_on", "target", "target_on", "better",
                    "owner_organisation_id", "owner_id", "months_between_values")


def save_priority(priority: Priority | None, values: dict) -> Priority:
    priority = priority or Priority()
    _assign(priority, values, PRIORITY_FIELDS)
    db.session.add(priority)
    db.session.commit()
    return priority


def save_goal(goal: Goal | None, values: dict, municipality_ids: list[int]) -> Goal:
    """A new or changed goal, owned by those municipalities (gestor cíle)."""
    goal = goal or Goal()
    _assign(goal, values, GOAL_FIELDS)
    goal.municipalities = _municipalities(municipality_ids)
    db.session.add(goal)
    db.session.commit()
    return goal


def save_indicator(indicator: Indicator | None, goal: Goal, values: dict) -> Indicator:
    indicator = indicator or Indicator(goal_id=goal.id)
    _assign(indicator, values, INDICATOR_FIELDS)
    db.session.add(indicator)
    db.session.commit()
    return indicator


def _municipalities(ids: list[int]) -> list[Municipality]:
    return db.session.scalars(sa.select(Municipality).where(Municipality.id.in_(ids))
                              .order_by(Municipality.sort_key)).all()


def _assign(record, values: dict, fields: tuple[str, ...]) -> None:
    for name in fields:
        value = values[name]
        setattr(record, name, None if name.endswith("_id") and not value else value)


class ValueExists(Exception):
    """The indicator already has a value measured that day."""

    def __init__(self, value: IndicatorValue):
        self.value = value


def add_value(indicator: Indicator, member: Member | None, measured_on: date, value: float,
              comment: str = "", source: str = "") -> IndicatorValue:
    """The owner's value of the indicator as measured that day (one a day: a second one is
    refused, ValueExists, so that nothing entered is overwritten unseen)."""
    existing = db.session.scalar(sa.select(IndicatorValue).where(
        IndicatorValue.indicator_id == indicator.id, IndicatorValue.measured_on == measured_on))
    if existing is not None:
        raise ValueExists(existing)
    entered = IndicatorValue(indicator_id=indicator.id, measured_on=measured_on, value=value,
                             comment=comment, source=source,
                             entered_by_id=member.id if member else None)
    db.session.add(entered)
    db.session.commit()
    return entered


def remove_value(indicator: Indicator, value_id: int) -> IndicatorValue | None:
    """Take a value back (entered by mistake); None if the indicator has no such value."""
    value = db.session.scalar(sa.select(IndicatorValue).where(
        IndicatorValue.id == value_id, IndicatorValue.indicator_id == indicator.id))
    if value is not None:
        db.session.delete(value)
        db.session.commit()
    return value


# --- measures -----------------------------------------------------------------------------

MEASURE_FIELDS = ("title", "description", "state", "responsible_organisation_id",
                  "responsible_id")
LINKABLE = 300  # the newest meetings and tasks offered to link to a measure


def measures_of(goal_id: int) -> list[Measure]:
    """The goal's measures with who answers for them, their meetings and tasks."""
    return db.session.scalars(_measures_of(), {"goal_id": goal_id}).unique().all()


@prebuilt
def _measures_of() -> sa.Select:
    return (sa.select(Measure).where(Measure.goal_id == sa.bindparam("goal_id"))
            .order_by(Measure.id)
            .options(joinedload(Measure.responsible), joinedload(Measure.responsible_organisation),
                     joinedload(Measure.meetings).options(joinedload(Meeting.group),
                                                          raiseload("*")),
                     joinedload(Measure.tasks).options(raiseload("*")), raiseload("*")))


def get_measure(measure_id: int) -> Measure:
    return _one_or_404(_measure(), {"measure_id": measure_id})


@prebuilt
def _measure() -> sa.Select:
    return (sa.select(Measure).where(Measure.id == sa.bindparam("measure_id"))
            .options(joinedload(Measure.goal).options(joinedload(Goal.priority),
                                                      raiseload("*")),
                     joinedload(Measure.meetings).options(raiseload("*")),
                     joinedload(Measure.tasks).options(raiseload("*")), raiseload("*")))


def meeting_choices(goal: Goal, linked: list[int] = ()) -> list[tuple[int, str]]:
    """Meetings a measure of the goal may be linked to: the goal's group's (every group's
    when it has none), newest first, and those it is linked to already (a save keeps them)."""
    offered = (sa.select(Meeting.id).order_by(Meeting.starts_at.desc()).limit(LINKABLE)
               .where(Meeting.group_id == goal.group_id if goal.group_id else sa.true()))
    query = (sa.select(Meeting.id, Meeting.starts_at, Meeting.number, WorkingGroup.number,
                       WorkingGroup.name)
             .join(WorkingGroup, WorkingGroup.id == Meeting.group_id)
             .where(Meeting.id.in_(offered.scalar_subquery()) | Meeting.id.in_(linked))
             .order_by(Meeting.starts_at.desc()))
    return [(meeting_id, gettext("%(day)s – %(group)s, schůzka č. %(number)d",
                                 day=format_day(starts_at), group=group_title(group, name),
                                 number=number))
            for meeting_id, starts_at, number, group, name in db.session.execute(query)]


def task_choices(goal: Goal, linked: list[int] = ()) -> list[tuple[int, str]]:
    """Tasks of published minutes a measure of the goal may be linked to: the goal's
    group's (every group's when it has none), newest first, and those it is linked to
    already (a save keeps them)."""
    offered = (sa.select(ActionItem.id).join(Minutes, Minutes.id == ActionItem.minutes_id)
               .where(Minutes.state == MinutesState.PUBLISHED,
                      ActionItem.group_id == goal.group_id if goal.group_id else sa.true())
               .order_by(ActionItem.id.desc()).limit(LINKABLE))
    query = (sa.select(ActionItem.id, ActionItem.title, ActionItem.done_on, WorkingGroup.number,
                       WorkingGroup.name)
             .join(WorkingGroup, WorkingGroup.id == ActionItem.group_id)
             .where(ActionItem.id.in_(offered.scalar_subquery()) | ActionItem.id.in_(linked))
             .order_by(ActionItem.id.desc()))
    return [(task_id, gettext("%(task)s (%(group)s, splněno)", task=title,
                              group=group_title(number, name)) if done_on
             else gettext("%(task)s (%(group)s)", task=title, group=group_title(number, name)))
            for task_id, title, done_on, number, name in db.session.execute(query)]


def save_measure(measure: Measure | None, goal: Goal, values: dict, meeting_ids: list[int],
                 task_ids: list[int]) -> Measure:
    """A new or changed measure of the goal, linked to those meetings and tasks."""
    measure = measure or Measure(goal_id=goal.id)
    _assign(measure, values, MEASURE_FIELDS)
    measure.meetings = db.session.scalars(
        sa.select(Meeting).where(Meeting.id.in_(meeting_ids))).all()
    measure.tasks = db.session.scalars(
        sa.select(ActionItem).where(ActionItem.id.in_(task_ids))).all()
    db.session.add(measure)
    db.session.commit()
    return measure


# --- owners decided at meetings -----------------------------------------------------------

def decides(meeting: Meeting) -> bool:
    """Whether owners decided at the meeting may be recorded: it has begun and was not
    cancelled."""
    return meeting.status is MeetingStatus.SCHEDULED and meeting.has_begun


def _followed_by(group_id: int) -> sa.ColumnElement[bool]:
    """Goals the group follows, and those no group follows: a group decides on their owners."""
    return (Goal.group_id == group_id) | Goal.group_id.is_(None)


def goal_choices(group_id: int) -> list[tuple[int, str]]:
    return [(row.id, f"{row.priority}.{row.number} {row.title}") for row in db.session.execute(
        sa.select(Goal.id, Goal.number, Goal.title, Priority.number.label("priority"))
        .join(Priority, Priority.id == Goal.priority_id).where(_followed_by(group_id))
        .order_by(Priority.number, Goal.number))]


def indicator_choices(group_id: int) -> list[tuple[int, str]]:
    return [(row.id, f"{row.priority}.{row.number} – {row.name}") for row in db.session.execute(
        sa.select(Indicator.id, Indicator.name, Goal.number, Priority.number.label("priority"))
        .join(Goal, Goal.id == Indicator.goal_id).join(Priority, Priority.id == Goal.priority_id)
        .where(_followed_by(group_id)).order_by(Priority.number, Goal.number, Indicator.id))]


def owners_text(*parts: str) -> str:
    """Owners in words, the empty parts left out: "Spolek Most · Jana Nováková"."""
    return " · ".join(part for part in parts if part)


def goal_owners_text(goal: Goal) -> str:
    """Who owns the goal, in words: "Vranov, Lhota · Jana Nováková"."""
    return owners_text(", ".join(municipality.name for municipality in goal.municipalities),
                       goal.answerable.full_name if goal.answerable else "")


def organisation_and_person(organisation, person) -> str:
    """"Spolek Most · Jana Nováková", either left out when there is none (templates too)."""
    return owners_text(organisation.name if organisation else "",
                       person.full_name if person else "")


def indicator_owner_text(indicator: Indicator) -> str:
    return organisation_and_person(indicator.owner_organisation, indicator.owner)


def decide_goal_owners(meeting_id: int, goal_id: int, municipality_ids: list[int],
                       answerable_id: int | None, by: Member) -> OwnerDecision:
    """The meeting decided who owns the goal: the owners change, and the decision is kept
    with the owners before and after."""
    goal = db.session.get(Goal, goal_id)
    before = goal_owners_text(goal)
    goal.municipalities = _municipalities(municipality_ids)
    goal.answerable = db.session.get(Member, answerable_id) if answerable_id else None
    return _decided(OwnerDecision(meeting_id=meeting_id, goal_id=goal.id, before=before,
                                  after=goal_owners_text(goal), recorded_by_id=by.id))


def decide_indicator_owner(meeting_id: int, indicator_id: int, organisation_id: int | None,
                           owner_id: int | None, by: Member) -> OwnerDecision:
    """The meeting decided who owns the indicator (finds and enters its values)."""
    indicator = db.session.get(Indicator, indicator_id)
    before = indicator_owner_text(indicator)
    indicator.owner_organisation = (db.session.get(Organisation, organisation_id)
                                    if organisation_id else None)
    indicator.owner = db.session.get(Member, owner_id) if owner_id else None
    _close_open_requests(indicator.id)  # the former owner's reminder link no longer works
    return _decided(OwnerDecision(meeting_id=meeting_id, indicator_id=indicator.id,
                                  before=before, after=indicator_owner_text(indicator),
                                  recorded_by_id=by.id))


def _close_open_requests(indicator_id: int) -> None:
    db.session.execute(sa.update(ValueRequest).where(
        ValueRequest.indicator_id == indicator_id, ValueRequest.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))


def _decided(decision: OwnerDecision) -> OwnerDecision:
    db.session.add(decision)
    db.session.commit()
    return decision


def decisions_of(meeting_id: int) -> list[OwnerDecision]:
    """The owner decisions recorded from the meeting, in the order they were recorded."""
    return db.session.scalars(_decisions_of(), {"meeting_id": meeting_id}).unique().all()


@prebuilt
def _decisions_of() -> sa.Select:
    return (sa.select(OwnerDecision)
            .where(OwnerDecision.meeting_id == sa.bindparam("meeting_id"))
            .order_by(OwnerDecision.id)
            .options(joinedload(OwnerDecision.goal).options(joinedload(Goal.priority),
                                                            raiseload("*")),
                     joinedload(OwnerDecision.indicator).options(
                         joinedload(Indicator.goal).options(joinedload(Goal.priority),
                                                            raiseload("*")), raiseload("*")),
                     raiseload("*")))


def goals_of_tasks(minutes_id: int) -> list[sa.Row]:
    """The minutes' tasks linked to measures, with the measure and its goal: rows (task,
    measure, goal id, goal number, priority number, goal title), in the tasks' order."""
    return db.session.execute(_goals_of_tasks(), {"minutes_id": minutes_id}).all()


@prebuilt
def _goals_of_tasks() -> sa.Select:
    return (sa.select(ActionItem.title.label("task"), Measure.title.label("measure"),
                      Goal.id.label("goal_id"), Goal.number.label("goal_number"),
                      Priority.number.label("priority_number"), Goal.title.label("goal"))
            .join(measure_task, measure_task.c.action_item_id == ActionItem.id)
            .join(Measure, Measure.id == measure_task.c.measure_id)
            .join(Goal, Goal.id == Measure.goal_id)
            .join(Priority, Priority.id == Goal.priority_id)
            .where(ActionItem.minutes_id == sa.bindparam("minutes_id"))
            .order_by(ActionItem.id, Measure.id))
