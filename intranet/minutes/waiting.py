"""What waits in the minutes (waiting.py): minutes to approve, a review to answer, one's own
unfinished minutes; one query for the three."""

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
APPROVE, REVIEW, UNFINISHED = range(3)  # the parts of _waiting, in the order listed


def waiting_for_me(member: Member) -> list[Waiting]:
    rows = db.session.execute(_waiting(member.role is Role.ADMIN),
                              {"member_id": member.id, "today": today_in_prague()})
    return [_waiting_item(*row) for row in rows]


def _waiting_item(minutes_id, starts_at, number, name, review_id, deadline, part) -> Waiting:
    where = {"group": group_title(number, name), "day": format_day(starts_at)}
    if part == APPROVE:
        return Waiting(gettext("Schválit zápis: %(group)s, schůzka %(day)s", **where),
                       "minutes.show", {"minutes_id": minutes_id})
    if part == REVIEW:
        return Waiting(gettext("Připomínky k zápisu: %(group)s, schůzka %(day)s "
                               "(do %(deadline)s)", deadline=format_day(deadline), **where),
                       "minutes.review_by_link", {"token": review_token(review_id)})
    return Waiting(gettext("Dopsat zápis: %(group)s, schůzka %(day)s", **where),
                   "minutes.edit", {"minutes_id": minutes_id})


@prebuilt
def _waiting(admin: bool) -> sa.Select:
    """The minutes to approve, the reviews to answer and one's own drafts in one statement
    (one round trip of the dashboard's instead of three), in that order, each part by its
    meeting's start. The reviews come first in the UNION: its columns' types are theirs."""
    no_review = (sa.null().label("review_id"), sa.null().label("deadline"))
    parts = sa.union_all(
        _open_reviews().add_columns(sa.literal(REVIEW).label("part")),
        _submitted_for(admin).add_columns(*no_review, sa.literal(APPROVE)),
        _own_drafts().add_columns(*no_review, sa.literal(UNFINISHED))).subquery()
    return sa.select(parts).order_by(parts.c.part, parts.c.starts_at)


def _of_minutes(*conditions) -> sa.Select:
    return (sa.select(*WHICH).join(Meeting, Meeting.id == Minutes.meeting_id)
            .join(WorkingGroup, WorkingGroup.id == Meeting.group_id).where(*conditions))


def _in_state(state: MinutesState, *conditions) -> sa.Select:
    """Minutes in a state other than published, read along the state's index: they are few
    among thousands published (without saying so SQLite walked every meeting by its start,
    35 ms for a minute-taker with 20,000 published minutes)."""
    return _of_minutes(rare(Minutes.state == state), *conditions)


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


@prebuilt
def _own_drafts() -> sa.Select:
    return _in_state(MinutesState.DRAFT, Minutes.created_by_id == sa.bindparam("member_id"))


@prebuilt
def _open_reviews() -> sa.Select:
    """Drafts the member was asked to read, unanswered, the deadline not past."""
    return (_of_minutes(MinutesReview.member_id == sa.bindparam("member_id"),
                        MinutesReview.answered_at.is_(None),
                        MinutesReview.deadline >= sa.bindparam("today"),
                        Minutes.state == MinutesState.DRAFT)
            .add_columns(MinutesReview.id.label("review_id"), MinutesReview.deadline)
            .join(MinutesReview, MinutesReview.minutes_id == Minutes.id))
