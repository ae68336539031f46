"""What waits in the minutes (waiting.py): minutes to approve, a review to answer, one's own
unfinished minutes; one query each."""

import sqlalchemy as sa

from ..accounts.models import Member
from ..database import prebuilt, rare
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


def _in_state(state: MinutesState, *conditions) -> sa.Select:
    """Minutes in a state other than published, read along the state's index: they are few
    among thousands published (without saying so SQLite walked every meeting by its start,
    35 ms for a minute-taker with 20,000 published minutes)."""
    return _of_minutes(rare(Minutes.state == state), *conditions)


def _to_approve(member: Member) -> list[Waiting]:
    rows = db.session.execute(_submitted_for(member.role is Role.ADMIN),
                              {"member_id": member.id})
    return [Waiting(gettext("Schválit zápis: %(group)s, schůzka %(day)s",
                            group=group_title(number, name), day=format_day(starts_at)),
                    "minutes.show", {"minutes_id": minutes_id})
            for minutes_id, starts_at, number, name in rows]


@prebuilt
def _submitted_for(admin: bool) -> sa.Select:
    """Submitted minutes of the groups the member coordinates; an administrator's: all but
    their own (policy.may_approve_minutes)."""
    member_id = sa.bindparam("member_id")
    coordinated = Meeting.group_id.in_(sa.select(GroupMembership.group_id).where(
        GroupMembership.member_id == member_id, GroupMembership.is_coordinator))
    if admin:
        coordinated = coordinated | (Minutes.created_by_id != member_id)
    return _in_state(MinutesState.SUBMITTED, coordinated)


def _unfinished(member: Member) -> list[Waiting]:
    rows = db.session.execute(_own_drafts(), {"member_id": member.id})
    return [Waiting(gettext("Dopsat zápis: %(group)s, schůzka %(day)s",
                            group=group_title(number, name), day=format_day(starts_at)),
                    "minutes.edit", {"minutes_id": minutes_id})
            for minutes_id, starts_at, number, name in rows]


@prebuilt
def _own_drafts() -> sa.Select:
    return _in_state(MinutesState.DRAFT, Minutes.created_by_id == sa.bindparam("member_id"))


def _reviews(member: Member) -> list[Waiting]:
    rows = db.session.execute(_open_reviews(), {"member_id": member.id,
                                                "today": today_in_prague()})
    return [Waiting(gettext("Připomínky k zápisu: %(group)s, schůzka %(day)s (do %(deadline)s)",
                            group=group_title(number, name), day=format_day(starts_at),
                            deadline=format_day(deadline)),
                    "minutes.review_by_link", {"token": review_token(review_id)})
            for _id, starts_at, number, name, review_id, deadline in rows]


@prebuilt
def _open_reviews() -> sa.Select:
    """Drafts the member was asked to read, unanswered, the deadline not past."""
    return (_of_minutes(MinutesReview.member_id == sa.bindparam("member_id"),
                        MinutesReview.answered_at.is_(None),
                        MinutesReview.deadline >= sa.bindparam("today"),
                        Minutes.state == MinutesState.DRAFT)
            .add_columns(MinutesReview.id, MinutesReview.deadline)
            .join(MinutesReview, MinutesReview.minutes_id == Minutes.id))
