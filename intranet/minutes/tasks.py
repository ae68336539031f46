"""Action items (úkoly): recorded with the minutes, carried into the group's next program and
minutes while open, marked done with a date and a comment, listed for the people they are for."""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import raiseload

from ..accounts.models import Member
from ..database import prebuilt, rows_of
from ..extensions import db
from ..groups.models import GroupMembership, WorkingGroup
from ..i18n import today_in_prague
from ..meetings.models import Meeting
from ..organisations.models import Organisation
from .models import ActionItem, Minutes, MinutesState


class NotDraft(Exception):
    """Tasks are added to and removed from minutes while they are a draft."""


def assignee_choices(group_id: int) -> list[tuple[str, str]]:
    """Who a task can be for: the group's members ("m:<id>"), then their organisations
    ("o:<id>"), each in Czech order."""
    members = db.session.execute(
        sa.select(Member.id, Member.full_name).join(GroupMembership)
        .where(GroupMembership.group_id == group_id, Member.deactivated_at.is_(None))
        .order_by(Member.sort_key)).all()
    organisations = db.session.execute(
        sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(
            sa.select(Member.organisation_id).join(GroupMembership)
            .where(GroupMembership.group_id == group_id)))
        .order_by(Organisation.sort_key)).all()
    return ([(f"m:{m.id}", m.full_name) for m in members]
            + [(f"o:{o.id}", o.name) for o in organisations])


def parse_assignee(value: str) -> tuple[int | None, int | None]:
    """(member_id, organisation_id) from a choice of assignee_choices."""
    kind, _, number = (value or "").partition(":")
    if not number.isdigit():
        return None, None
    return (int(number), None) if kind == "m" else (None, int(number)) if kind == "o" \
        else (None, None)


def add(minutes: Minutes, title: str, assignee: str, due_on: date | None) -> ActionItem:
    if minutes.state is not MinutesState.DRAFT:
        raise NotDraft
    member_id, organisation_id = parse_assignee(assignee)
    item = ActionItem(minutes_id=minutes.id, group_id=minutes.meeting.group_id, title=title,
                      member_id=member_id, organisation_id=organisation_id, due_on=due_on)
    db.session.add(item)
    db.session.commit()
    return item


def remove(minutes: Minutes, item_id: int) -> None:
    if minutes.state is not MinutesState.DRAFT:
        raise NotDraft
    db.session.execute(sa.delete(ActionItem).where(ActionItem.id == item_id,
                                                   ActionItem.minutes_id == minutes.id))
    db.session.commit()


def get_item(item_id: int) -> ActionItem:
    return db.first_or_404(sa.select(ActionItem).options(raiseload("*"))
                           .where(ActionItem.id == item_id))


def mark_done(item: ActionItem, member: Member, done_on: date, comment: str) -> None:
    item.done_on, item.done_comment, item.done_by_id = done_on, comment, member.id
    db.session.commit()


# --- lists (rows: id, title, who, due_on, done_on, done_comment, minutes_id, …) ------------

WHO = sa.func.coalesce(Member.full_name, Organisation.name, "").label("who")


def _rows() -> sa.Select:
    return (sa.select(ActionItem.id, ActionItem.title, WHO, ActionItem.due_on,
                      ActionItem.done_on, ActionItem.done_comment, ActionItem.minutes_id,
                      ActionItem.member_id, ActionItem.organisation_id)
            .outerjoin(Member, Member.id == ActionItem.member_id)
            .outerjoin(Organisation, Organisation.id == ActionItem.organisation_id))


def items_of(minutes_id: int) -> list[sa.Row]:
    """The tasks recorded in these minutes, in the order they were added."""
    return rows_of(_items_of(), {"minutes_id": minutes_id}).all()


@prebuilt
def _items_of() -> sa.Select:
    return (_rows().where(ActionItem.minutes_id == sa.bindparam("minutes_id"))
            .order_by(ActionItem.id))


def open_before(group_id: int, moment: datetime) -> list[sa.Row]:
    """The group's tasks still open that meetings before `moment` agreed on: what the next
    meeting checks ("Kontrola úkolů")."""
    return rows_of(_open_before(), {"group_id": group_id, "moment": moment}).all()


@prebuilt
def _open_before() -> sa.Select:
    return (_rows().join(Minutes, Minutes.id == ActionItem.minutes_id)
            .join(Meeting, Meeting.id == Minutes.meeting_id)
            .where(ActionItem.group_id == sa.bindparam("group_id"),
                   ActionItem.done_on.is_(None), Meeting.starts_at < sa.bindparam("moment"))
            .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
            .limit(100))


def mine(member: Member, limit: int = 10) -> list[sa.Row]:
    """Open tasks for the member or their organisation, the soonest due first."""
    return rows_of(_mine(), {"member_id": member.id, "limit": limit,
                             "organisation_id": member.organisation_id}).all()


@prebuilt
def _mine() -> sa.Select:
    return (_rows().where(ActionItem.done_on.is_(None), sa.or_(
        ActionItem.member_id == sa.bindparam("member_id"),
        ActionItem.organisation_id == sa.bindparam("organisation_id")))
        .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
        .limit(sa.bindparam("limit")))


def is_overdue(row) -> bool:
    return row.done_on is None and row.due_on is not None and \
        row.due_on < today_in_prague()


# --- the list of tasks, filtered ------------------------------------------------------------

OPEN, DONE, ANY = "open", "done", "all"  # which tasks the list shows


@dataclass(frozen=True)
class TaskFilters:
    state: str = OPEN
    group_id: int | None = None
    organisation_id: int | None = None  # the task is for it, or for one of its people
    municipality_id: int | None = None  # … for an organisation there, or one of its people

    def shape(self) -> tuple:
        return (self.state, bool(self.group_id), bool(self.organisation_id),
                bool(self.municipality_id))

    def params(self) -> dict:
        return {"group_id": self.group_id, "organisation_id": self.organisation_id,
                "municipality_id": self.municipality_id}


def listed(filters: TaskFilters) -> tuple[sa.Select, dict]:
    """The tasks of published minutes that pass the filters, open ones soonest due first
    (done ones latest done first), as rows with their group and meeting; and the values of
    its parameters."""
    return _listed(*filters.shape()), filters.params()


@prebuilt
def _listed(state: str, group: bool, organisation: bool, municipality: bool) -> sa.Select:
    query = (_rows().add_columns(Meeting.starts_at, Meeting.number.label("meeting_number"),
                                 WorkingGroup.number.label("group_number"),
                                 WorkingGroup.name.label("group_name"))
             .join(Minutes, Minutes.id == ActionItem.minutes_id)
             .join(Meeting, Meeting.id == Minutes.meeting_id)
             .join(WorkingGroup, WorkingGroup.id == ActionItem.group_id)
             .where(Minutes.state == MinutesState.PUBLISHED))
    if state == OPEN:
        query = query.where(ActionItem.done_on.is_(None)).order_by(
            ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
    else:
        if state == DONE:
            query = query.where(ActionItem.done_on.is_not(None))
        query = query.order_by(ActionItem.done_on.is_(None), ActionItem.done_on.desc(),
                               ActionItem.id.desc())
    if group:
        query = query.where(ActionItem.group_id == sa.bindparam("group_id"))
    if organisation:
        query = query.where(_for_organisations(
            Organisation.id == sa.bindparam("organisation_id")))
    if municipality:
        query = query.where(_for_organisations(
            Organisation.municipality_id == sa.bindparam("municipality_id")))
    return query


def _for_organisations(which) -> sa.ColumnElement[bool]:
    """The task is for one of these organisations, or for someone who works in one."""
    chosen = sa.select(Organisation.id).where(which)
    people = sa.select(Member.id).where(Member.organisation_id.in_(chosen))
    return ActionItem.organisation_id.in_(chosen) | ActionItem.member_id.in_(people)
