"""What waits in the minutes (waiting.py): minutes to approve, a review to answer, one's own
unfinished minutes; one query each."""

import sqlalchemy as sa

from ..accounts.models import Member
from ..extensions import db
from ..groups.models import GroupMembership, WorkingGroup, group_title
from ..i18n import format_day, gettext, today_in_prague
from ..meetings.models import Meeting
from ..policy import Role
from ..waiting import Waiting
from .models import Minutes, MinutesReview, MinutesState
from .review import review_token

WHICH = (Minutes.id, Meeting.starts_at, WorkingGroup.number, WorkingGroup.name)


def waiting_for_me(member: Member) -> list[Waiting]:
    return [*_to_approve(member), *_reviews(member), *_unfinished(member)]


def _of_minutes(*conditions) -> sa.Select:
    return (sa.select(*WHICH).join(Meeting, Meeting.id == Minutes.meeting_id)
            .join(WorkingGroup, WorkingGroup.id == Meeting.group_id).where(*conditions)
            .order_by(Meeting.starts_at))


def _to_approve(member: Member) -> list[Waiting]:
    """Submitted minutes of the groups the member coordinates; an administrator's: all but
    their own (policy.may_approve_minutes)."""
    coordinated = Meeting.group_id.in_(sa.select(GroupMembership.group_id).where(
        GroupMembership.member_id == member.id, GroupMembership.is_coordinator))
    if member.role is Role.ADMIN:
        coordinated = coordinated | (Minutes.created_by_id != member.id)
    rows = db.session.execute(_of_minutes(Minutes.state == MinutesState.SUBMITTED,
                                          coordinated)).all()
    return [Waiting(gettext("Schválit zápis: %(group)s, schůzka %(day)s",
                            group=group_title(number, name), day=format_day(starts_at)),
                    "minutes.show", {"minutes_id": minutes_id})
            for minutes_id, starts_at, number, name in rows]


def _unfinished(member: Member) -> list[Waiting]:
    rows = db.session.execute(_of_minutes(Minutes.state == MinutesState.DRAFT,
                                          Minutes.created_by_id == member.id)).all()
    return [Waiting(gettext("Dopsat zápis: %(group)s, schůzka %(day)s",
                            group=group_title(number, name), day=format_day(starts_at)),
                    "minutes.edit", {"minutes_id": minutes_id})
            for minutes_id, starts_at, number, name in rows]


def _reviews(member: Member) -> list[Waiting]:
    """Drafts the member was asked to read, unanswered, the deadline not past."""
    rows = db.session.execute(
        _of_minutes(MinutesReview.member_id == member.id, MinutesReview.answered_at.is_(None),
                    MinutesReview.deadline >= today_in_prague(),
                    Minutes.state == MinutesState.DRAFT)
        .add_columns(MinutesReview.id, MinutesReview.deadline)
        .join(MinutesReview, MinutesReview.minutes_id == Minutes.id)).all()
    return [Waiting(gettext("Připomínky k zápisu: %(group)s, schůzka %(day)s (do %(deadline)s)",
                            group=group_title(number, name), day=format_day(starts_at),
                            deadline=format_day(deadline)),
                    "minutes.review_by_link", {"token": review_token(review_id)})
            for _id, starts_at, number, name, review_id, deadline in rows]
