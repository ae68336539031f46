"""The territory's social-services strategy: priorities, their goals (owned by municipalities,
answered for by a person, followed by a working group) and each goal's indicators, whose
owners enter the values (seed 001: "gestor cíle", "gestor indikátoru")."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Member
from ..database import UTCDateTime, str_enum, utcnow
from ..extensions import db
from ..groups.models import WorkingGroup
from ..i18n import lazy_gettext as _l
from ..meetings.models import Meeting
from ..minutes.models import ActionItem
from ..organisations.models import Municipality, Organisation


class Priority(db.Model):
    """A priority (area) of the strategy, e.g. "Sociální služby pro seniory"."""

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)  # "Priorita 1"
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    goals: Mapped[list["Goal"]] = relationship(back_populates="priority", order_by="Goal.number")


goal_municipality = sa.Table(
    "goal_municipality", db.metadata,
    sa.Column("goal_id", sa.ForeignKey("goal.id"), primary_key=True),
    sa.Column("municipality_id", sa.ForeignKey("municipality.id"), primary_key=True),
)


class Goal(db.Model):
    """A goal of the strategy (cíl), e.g. "Zvýšení nabídky sociálních služeb". Its owners are
    municipalities (gestor cíle), for which a person answers (after the project: the mayor)."""

    __table_args__ = (sa.UniqueConstraint("priority_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(sa.ForeignKey("priority.id"), index=True)
    number: Mapped[int]  # within the priority: goal 1.2
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    answerable_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"))
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("working_group.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    priority: Mapped[Priority] = relationship(back_populates="goals")
    answerable: Mapped[Member | None] = relationship()
    group: Mapped[WorkingGroup | None] = relationship()
    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=goal_municipality, order_by=Municipality.sort_key)
    indicators: Mapped[list["Indicator"]] = relationship(
        back_populates="goal", order_by="Indicator.id")
    measures: Mapped[list["Measure"]] = relationship(
        back_populates="goal", order_by="Measure.id")


class Better(enum.StrEnum):
    """Which way an indicator improves."""

    HIGHER = "higher"  # e.g. places in a service
    LOWER = "lower"  # e.g. people on a waiting list

    @property
    def label(self):
        return BETTER_LABELS[self]


BETTER_LABELS = {Better.HIGHER: _l("čím vyšší, tím lepší"),
                 Better.LOWER: _l("čím nižší, tím lepší")}


class Indicator(db.Model):
    """A measurable indicator of a goal, with where it starts and where it should get to; its
    owner (gestor indikátoru: an organisation and a person) finds and enters its values."""

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(sa.ForeignKey("goal.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    unit: Mapped[str] = mapped_column(sa.String(40), default="")
    baseline: Mapped[float]
    baseline_on: Mapped[date]
    target: Mapped[float]
    target_on: Mapped[date]
    better: Mapped[Better] = mapped_column(str_enum(Better, 10))
    owner_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"), index=True)
    months_between_values: Mapped[int] = mapped_column(default=12)  # how often one is due
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    goal: Mapped[Goal] = relationship(back_populates="indicators")
    owner_organisation: Mapped[Organisation | None] = relationship()
    owner: Mapped[Member | None] = relationship()
    values: Mapped[list["IndicatorValue"]] = relationship(
        back_populates="indicator", order_by="IndicatorValue.measured_on")


class IndicatorValue(db.Model):
    """A value of an indicator as measured on a day, with where it comes from."""

    __table_args__ = (sa.UniqueConstraint("indicator_id", "measured_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicator.id"))
    measured_on: Mapped[date]
    value: Mapped[float]
    comment: Mapped[str] = mapped_column(sa.String(500), default="")
    source: Mapped[str] = mapped_column(sa.String(300), default="")
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    indicator: Mapped[Indicator] = relationship(back_populates="values")
    entered_by: Mapped[Member | None] = relationship()


class ValueRequest(db.Model):
    """A reminder to an indicator's owner that a value is due, with its one-click link: one
    per due date (never two reminders for one), used once (`used_at`). It goes to the owner
    person, or without one to the owner organisation's address (`member_id` None)."""

    __table_args__ = (sa.UniqueConstraint("indicator_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicator.id"))
    due_on: Mapped[date]
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    indicator: Mapped[Indicator] = relationship()
    member: Mapped[Member | None] = relationship()


class MeasureState(enum.StrEnum):
    """Where a measure (opatření, projektový záměr) stands."""

    PLANNED = "planned"
    RUNNING = "running"
    DONE = "done"
    STOPPED = "stopped"

    @property
    def label(self):
        return MEASURE_STATE_LABELS[self]


MEASURE_STATE_LABELS = {MeasureState.PLANNED: _l("připravuje se"),
                        MeasureState.RUNNING: _l("probíhá"),
                        MeasureState.DONE: _l("splněno"),
                        MeasureState.STOPPED: _l("zastaveno")}

measure_meeting = sa.Table(
    "measure_meeting", db.metadata,
    sa.Column("measure_id", sa.ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("meeting_id", sa.ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)

measure_task = sa.Table(
    "measure_task", db.metadata,
    sa.Column("measure_id", sa.ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("action_item_id", sa.ForeignKey("action_item.id", ondelete="CASCADE"),
              primary_key=True, index=True),
)


class Measure(db.Model):
    """What is done toward a goal (opatření, projektový záměr), who answers for it, and the
    meetings and minutes' tasks that moved it: through them a task is linked to the goal."""

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(sa.ForeignKey("goal.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[MeasureState] = mapped_column(str_enum(MeasureState, 10),
                                                default=MeasureState.PLANNED)
    responsible_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id"))
    responsible_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    goal: Mapped[Goal] = relationship(back_populates="measures")
    responsible_organisation: Mapped[Organisation | None] = relationship()
    responsible: Mapped[Member | None] = relationship()
    meetings: Mapped[list[Meeting]] = relationship(secondary=measure_meeting,
                                                   order_by=Meeting.starts_at)
    tasks: Mapped[list[ActionItem]] = relationship(secondary=measure_task,
                                                   order_by=ActionItem.id)


class OwnerDecision(db.Model):
    """A meeting's decision on who owns a goal (gestor cíle: municipalities and the person who
    answers) or an indicator (gestor indikátoru: an organisation and a person), recorded by
    the minute-taker: it changed the owners, and the meeting's minutes show it. `before` and
    `after` are the owners in words, as they were and as decided."""

    __table_args__ = (sa.CheckConstraint("(goal_id IS NULL) <> (indicator_id IS NULL)",
                                         name="goal_or_indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    goal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("goal.id"), index=True)
    indicator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("indicator.id"), index=True)
    before: Mapped[str] = mapped_column(sa.Text, default="")  # a goal may have tens of towns
    after: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    goal: Mapped[Goal | None] = relationship()
    indicator: Mapped[Indicator | None] = relationship()
