"""The review round before approval: the attendees read the draft from a signed link (no
log-in) by a deadline and answer "bez připomínek" or with a comment."""

from datetime import date

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import joinedload, raiseload

from ..accounts.models import Member
from ..database import prebuilt, utcnow
from ..extensions import db
from ..i18n import today_in_prague
from ..mail.services import queue_to_members
from ..meetings.models import Participation, Presence
from ..web import external_url
from .models import MinutesReview, MinutesState

OPEN_STATES = (MinutesState.DRAFT, MinutesState.SUBMITTED)  # answers count until approval


class NotDraft(Exception):
    """Only a draft goes out for review."""


def reviewers(minutes) -> list[Member]:
    """Who reads the draft: the members present at the meeting (still active)."""
    return db.session.scalars(
        sa.select(Member).options(raiseload("*")).join(Participation)
        .where(Participation.meeting_id == minutes.meeting_id,
               Participation.presence == Presence.PRESENT, Member.deactivated_at.is_(None))
        .order_by(Member.sort_key)).all()


def start(minutes, deadline: date) -> int:
    """Send the draft to the attendees not asked yet (those asked before get the new
    deadline); how many were asked now."""
    if minutes.state is not MinutesState.DRAFT:
        raise NotDraft
    asked = {review.member_id: review for review in db.session.scalars(
        sa.select(MinutesReview).where(MinutesReview.minutes_id == minutes.id))}
    for review in asked.values():
        review.deadline = deadline
    new = [member for member in reviewers(minutes) if member.id not in asked]
    reviews = [MinutesReview(minutes_id=minutes.id, member_id=m.id, deadline=deadline)
               for m in new]
    db.session.add_all(reviews)
    db.session.flush()
    links = {review.member_id: review_url(review.id) for review in reviews}
    queue_to_members(new, "minutes", "minutes_review", minutes=minutes, deadline=deadline,
                     links=links)
    db.session.commit()
    return len(new)


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="minutes-review")


def review_url(review_id: int) -> str:
    """The signed link by which the reviewer answers without logging in."""
    return external_url("minutes.review_by_link", token=review_token(review_id))


def review_token(review_id: int) -> str:
    return _signer().dumps({"r": review_id})


def by_token(token: str) -> MinutesReview | None:
    try:
        review_id = int(_signer().loads(token)["r"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    return db.session.scalar(sa.select(MinutesReview).options(
        joinedload(MinutesReview.member), raiseload("*")).where(MinutesReview.id == review_id))


def is_open(review: MinutesReview, minutes) -> bool:
    """Answers are taken until the deadline (that day included) and before approval."""
    return minutes.state in OPEN_STATES and today_in_prague() <= review.deadline


def answer(review: MinutesReview, comment: str) -> None:
    """Record the answer: an empty comment means "bez připomínek"."""
    review.comment, review.answered_at = comment.strip(), utcnow()
    db.session.commit()


def overview(minutes_id: int) -> list[MinutesReview]:
    """Who was asked and what they answered, in Czech order of names."""
    return db.session.scalars(_overview(), {"minutes_id": minutes_id}).all()


@prebuilt
def _overview() -> sa.Select:
    return (sa.select(MinutesReview).options(joinedload(MinutesReview.member), raiseload("*"))
            .join(Member, Member.id == MinutesReview.member_id)
            .where(MinutesReview.minutes_id == sa.bindparam("minutes_id"))
            .order_by(Member.sort_key).limit(200))
