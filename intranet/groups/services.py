"""Working groups: listing, editing, members and coordinators."""

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import joinedload, raiseload

from .. import data_versions
from ..accounts.models import Member
from ..accounts.services import member_query
from ..database import found_or_404, prebuilt, rows_of, utcnow
from ..extensions import db
from ..forms import Choices
from ..organisations.models import Organisation
from . import member_joined, member_left
from .models import GroupMembership, WorkingGroup, group_title

GROUP_FIELDS = ("number", "name", "description", "rules", "reminder_days")
CANDIDATE_LIMIT = 8


class HasMeetings(Exception):
    """The group has meetings: it can be archived, not deleted."""


def group_query(archived: bool = False) -> tuple[sa.Select, dict]:
    """Groups by number (current ones, or the archive) as rows of what their list shows (id,
    number, name, description, member_count: current members), and the values of the
    select's parameters (none)."""
    return _groups(archived), {}


@prebuilt
def _groups(archived: bool) -> sa.Select:
    # Counted once for all groups, not per group: PostgreSQL's planner reads every member for
    # each group's count otherwise (25 ms for 20 groups of 5,000 members; this: 2.4 ms).
    current = (sa.select(GroupMembership.group_id, sa.func.count().label("members"))
               .join(GroupMembership.member).where(Member.deactivated_at.is_(None))
               .group_by(GroupMembership.group_id).subquery("current_members"))
    archive = WorkingGroup.archived_at.is_not(None) if archived else WorkingGroup.archived_at.is_(
        None)
    return (sa.select(WorkingGroup.id, WorkingGroup.number, WorkingGroup.name,
                      WorkingGroup.description,
                      sa.func.coalesce(current.c.members, 0).label("member_count"))
            .outerjoin(current, current.c.group_id == WorkingGroup.id)
            .where(archive).order_by(WorkingGroup.number))


NAMES = "group-names"  # the data version of the select boxes' list of groups
data_versions.watch(NAMES, {WorkingGroup: ("number", "name")})


def group_choices() -> Choices:
    """Every group by number for a select box ("č. 4 – Sociální služby"), in the language of
    the page, kept while no group is added, renamed or renumbered."""
    return data_versions.cached(NAMES, str(get_locale()), lambda: (Choices(
        (row.id, group_title(row.number, row.name))
        for row in rows_of(_all_groups())), None))


@prebuilt
def _all_groups() -> sa.Select:
    return (sa.select(WorkingGroup.id, WorkingGroup.number, WorkingGroup.name)
            .order_by(WorkingGroup.number))


def get_group(group_id: int) -> WorkingGroup:
    """A group (without its members: see member_rows), or 404."""
    return found_or_404(_group(), {"group_id": group_id})


@prebuilt
def _group() -> sa.Select:
    return (sa.select(WorkingGroup).options(raiseload("*"))
            .where(WorkingGroup.id == sa.bindparam("group_id")))


def group_members(group_id: int) -> tuple[sa.Select, dict]:
    """The group's members who are not deactivated, coordinators first, then in Czech order:
    id, full_name, organisation (its name) and is_coordinator, only what the list shows; and
    the values of its parameters."""
    return _group_members(), {"group_id": group_id}


@prebuilt
def _group_members() -> sa.Select:
    return (sa.select(Member.id, Member.full_name.label("full_name"),
                      Organisation.name.label("organisation"), GroupMembership.is_coordinator)
            .join(GroupMembership, GroupMembership.member_id == Member.id)
            .join(Organisation, Organisation.id == Member.organisation_id)
            .where(GroupMembership.group_id == sa.bindparam("group_id"),
                   Member.deactivated_at.is_(None))
            .order_by(GroupMembership.is_coordinator.desc(), Member.sort_key, Member.id))


def active_members(group_id: int) -> list[Member]:
    """The group's members who are not deactivated, with organisation and municipality."""
    return db.session.scalars(
        sa.select(Member).join(GroupMembership, GroupMembership.member_id == Member.id)
        .where(GroupMembership.group_id == group_id, Member.deactivated_at.is_(None))
        .options(joinedload(Member.organisation).joinedload(Organisation.municipality),
                 raiseload("*"))
        .order_by(Member.sort_key)).all()


def number_taken(number: int, except_id: int | None = None) -> bool:
    query = sa.select(WorkingGroup.id).where(WorkingGroup.number == number)
    if except_id is not None:
        query = query.where(WorkingGroup.id != except_id)
    return db.session.scalar(query) is not None


def save_group(group: WorkingGroup | None, **values) -> WorkingGroup:
    group = group or WorkingGroup()
    for name in GROUP_FIELDS:
        setattr(group, name, values[name])
    db.session.add(group)
    db.session.commit()
    return group


def has_meetings(group: WorkingGroup) -> bool:
    return group.last_meeting_number > 0


def delete_group(group: WorkingGroup) -> None:
    """Delete a group created by mistake (its memberships go with it); not one with meetings."""
    if has_meetings(group):
        raise HasMeetings
    db.session.delete(group)
    db.session.commit()


def archive_group(group: WorkingGroup, archived: bool = True) -> None:
    """Archive a group that has finished (its meetings stay readable), or restore it."""
    group.archived_at = utcnow() if archived else None
    db.session.commit()


def member_name(member_id: int) -> str:
    """A member's full name ("" for no such member), e.g. for a question before removing."""
    return db.session.scalar(sa.select(Member.full_name).where(Member.id == member_id)) or ""


def _membership(member_id: int, group_id: int) -> GroupMembership | None:
    return db.session.scalar(_membership_of(), {"group_id": group_id, "member_id": member_id})


@prebuilt
def _membership_of() -> sa.Select:
    return sa.select(GroupMembership).where(
        GroupMembership.group_id == sa.bindparam("group_id"),
        GroupMembership.member_id == sa.bindparam("member_id"))


def is_member(member_id: int, group_id: int) -> bool:
    """Whether the member belongs to the group and is not deactivated."""
    return rows_of(_current_membership(),
                   {"group_id": group_id, "member_id": member_id}).first() is not None


@prebuilt
def _current_membership() -> sa.Select:
    return (sa.select(GroupMembership.id).join(Member, Member.id == GroupMembership.member_id)
            .where(GroupMembership.group_id == sa.bindparam("group_id"),
                   GroupMembership.member_id == sa.bindparam("member_id"),
                   Member.deactivated_at.is_(None)))


def is_coordinator(member: Member, group: WorkingGroup) -> bool:
    membership = _membership(member.id, group.id)
    return membership is not None and membership.is_coordinator


def coordinated_groups(member: Member) -> list[WorkingGroup]:
    """The groups the member coordinates, by number."""
    return db.session.scalars(
        sa.select(WorkingGroup).join(GroupMembership)
        .where(GroupMembership.member_id == member.id, GroupMembership.is_coordinator)
        .options(raiseload("*")).order_by(WorkingGroup.number)).all()


def coordinates_any(member: Member) -> bool:
    """Whether the member coordinates at least one working group."""
    return db.session.scalar(sa.select(sa.exists().where(
        GroupMembership.member_id == member.id, GroupMembership.is_coordinator))) or False


def add_member(group: WorkingGroup, member_id: int) -> Member | None:
    """Add an active member to the group: the member, or None when they cannot be added."""
    member = db.session.get(Member, member_id)
    if (member is None or member.deactivated_at or group.archived_at
            or _membership(member_id, group.id)):
        return None
    db.session.add(GroupMembership(group_id=group.id, member_id=member_id))
    member_joined.send(group.id, member=member)
    db.session.commit()
    return member


def remove_member(group: WorkingGroup, member_id: int) -> None:
    db.session.execute(sa.delete(GroupMembership).where(
        GroupMembership.group_id == group.id, GroupMembership.member_id == member_id))
    member_left.send(group.id, member_id=member_id)
    db.session.commit()


def set_coordinator(group: WorkingGroup, member_id: int, coordinator: bool) -> None:
    db.session.execute(
        sa.update(GroupMembership)
        .where(GroupMembership.group_id == group.id, GroupMembership.member_id == member_id)
        .values(is_coordinator=coordinator))
    db.session.commit()


def candidates(group: WorkingGroup, q: str) -> list[sa.Row]:
    """Members not yet in the group who match a directory search (a short list of
    member_query's rows)."""
    query, params = member_query(q, status="current")
    return rows_of(_not_in_group(query), {
        **params, "group_id": group.id, "limit": CANDIDATE_LIMIT}).all()


@prebuilt
def _not_in_group(members: sa.Select) -> sa.Select:
    in_group = (sa.select(GroupMembership.member_id)
                .where(GroupMembership.group_id == sa.bindparam("group_id")))
    return members.where(Member.id.not_in(in_group)).limit(sa.bindparam("limit"))


def my_groups(member: Member) -> list[WorkingGroup]:
    return db.session.scalars(_my_groups(), {"member_id": member.id}).all()


@prebuilt
def _my_groups() -> sa.Select:
    return (sa.select(WorkingGroup).join(GroupMembership)
            .where(GroupMembership.member_id == sa.bindparam("member_id"))
            .options(raiseload("*")).order_by(WorkingGroup.number))
