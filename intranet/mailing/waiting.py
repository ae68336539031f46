"""What waits in the lists (waiting.py): posts held for a moderator, counted per list; and
the worker's daily pass that tells the moderators by e-mail while posts wait."""

import sqlalchemy as sa
from flask_babel import ngettext

from ..accounts.models import Member
from ..database import prebuilt, utcnow
from ..extensions import db
from ..groups.models import GroupMembership
from ..i18n import in_prague
from ..mail.waiting import tell_waiting
from ..policy import Role
from ..waiting import Waiting
from .models import ListPost, MailingList, PostStatus

MORNING = 7  # the daily mail goes from this hour on (Prague), not at midnight


@prebuilt
def _held_by_list() -> sa.Select:
    return (sa.select(MailingList.id, MailingList.name, MailingList.group_id,
                      sa.func.count(ListPost.id))
            .join(ListPost, ListPost.list_id == MailingList.id)
            .where(ListPost.status == PostStatus.HELD)
            .group_by(MailingList.id, MailingList.name, MailingList.group_id)
            .order_by(MailingList.name))


@prebuilt
def _held_in_coordinated() -> sa.Select:
    coordinated = sa.select(GroupMembership.group_id).where(
        GroupMembership.member_id == sa.bindparam("member_id"), GroupMembership.is_coordinator)
    return _held_by_list().where(MailingList.group_id.in_(coordinated))


def _held_for(member: Member):
    """Held posts per list that the member moderates (policy.may_moderate_list: an
    administrator every list, a coordinator their group's)."""
    if member.role is Role.ADMIN:
        return db.session.execute(_held_by_list())
    return db.session.execute(_held_in_coordinated(), {"member_id": member.id})


def held_counts(member: Member) -> dict[int, int]:
    """How many posts wait in each list the member moderates (by the list's id)."""
    return {list_id: count for list_id, _name, _group, count in _held_for(member)}


def waiting_for_me(member: Member) -> list[Waiting]:
    return [Waiting(ngettext("%(num)d příspěvek čeká na schválení v rozesílači %(list)s",
                             "%(num)d příspěvků čeká na schválení v rozesílači %(list)s",
                             count, list=name),
                    "mailing.held", {"list_id": list_id})
            for list_id, name, _group_id, count in _held_for(member)]


def tell_moderators() -> int:
    """The worker's pass: each moderator of a list with held posts gets "Čeká na vás" once a
    day (from MORNING on); how many were told."""
    if in_prague(utcnow()).hour < MORNING:
        return 0
    held = db.session.execute(_held_by_list()).all()
    if not held:
        return 0
    groups = {group_id for _id, _name, group_id, _count in held if group_id is not None}
    moderators = db.session.scalars(sa.select(Member).where(
        Member.deactivated_at.is_(None), Member.activated_at.is_not(None),
        (Member.role == Role.ADMIN) | Member.id.in_(
            sa.select(GroupMembership.member_id).where(GroupMembership.is_coordinator,
                                                       GroupMembership.group_id.in_(groups))))
    ).all()
    told = tell_waiting(moderators)
    db.session.commit()
    return told
