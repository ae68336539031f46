"""The strategy's use cases: the overview (every priority, goal and indicator with its
progress), a goal, an indicator with its values; recording priorities, goals and indicators;
an owner entering a value."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, raiseload

from ..accounts.models import Member
from ..database import prebuilt
from ..extensions import db
from ..i18n import today_in_prague
from ..organisations.models import Municipality
from .models import Goal, Indicator, IndicatorValue, Priority, goal_municipality
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
    goal.municipalities = db.session.scalars(
        sa.select(Municipality).where(Municipality.id.in_(municipality_ids))).all()
    db.session.add(goal)
    db.session.commit()
    return goal


def save_indicator(indicator: Indicator | None, goal: Goal, values: dict) -> Indicator:
    indicator = indicator or Indicator(goal_id=goal.id)
    _assign(indicator, values, INDICATOR_FIELDS)
    db.session.add(indicator)
    db.session.commit()
    return indicator


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
