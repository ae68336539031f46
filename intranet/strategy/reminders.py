"""Owners reminded by e-mail when an indicator's value is due (the worker's job, from the
morning on): the owner person, or where the indicator has none the owner organisation's
address, with a signed link that enters the value without logging in: it expires
(STRATEGY_LINK_DAYS) and works once. One reminder per due date: its ValueRequest row is
claimed (an INSERT that skips a row already there) before the mail is queued, in the same
transaction, so two workers never send it twice."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import joinedload, raiseload

from ..accounts.models import Member
from ..database import prebuilt, upsert, utcnow
from ..extensions import db
from ..i18n import in_prague
from ..mail.services import Outsider, queue_mail
from ..organisations.models import Organisation
from ..web import external_url
from .models import Indicator, ValueRequest
from .progress import progress_of

MORNING = 7  # reminders go from this hour on (Prague), not at midnight
CATEGORY = "strategy"  # a duty of the owner's: wanted whatever the member's choices


def remind_owners(now: datetime | None = None) -> int:
    """Remind each indicator's owner whose value is due and who was not reminded of that
    due date yet; how many were reminded."""
    now = now or utcnow()
    local = in_prague(now)
    if local.hour < MORNING:
        return 0
    reminded = 0
    for indicator in db.session.scalars(_owned_indicators()).unique():
        progress = progress_of(indicator, list(indicator.values), local.date())
        if progress.next_due <= local.date() and _claimed(indicator, progress.next_due, now):
            reminded += 1
    db.session.commit()
    return reminded


@prebuilt
def _owned_indicators() -> sa.Select:
    """Indicators with someone to remind: an active owner person, or else an owner
    organisation with an address."""
    person = Member.status == "active"
    organisation = Organisation.email != ""
    return (sa.select(Indicator)
            .outerjoin(Member, Member.id == Indicator.owner_id)
            .outerjoin(Organisation, Organisation.id == Indicator.owner_organisation_id)
            .where(person | organisation)
            .options(joinedload(Indicator.values), joinedload(Indicator.owner),
                     joinedload(Indicator.owner_organisation), joinedload(Indicator.goal),
                     raiseload("*")))


def _claimed(indicator: Indicator, due_on, now: datetime) -> bool:
    """Claim the reminder of this due date and queue its mail; False if it was sent before."""
    owner = indicator.owner
    person = owner if owner is not None and owner.status == "active" else None
    insert = upsert(ValueRequest).values(indicator_id=indicator.id, due_on=due_on,
                                         member_id=person.id if person else None, sent_at=now)
    request_id = db.session.scalar(
        insert.on_conflict_do_nothing().returning(ValueRequest.id))
    if request_id is None:
        return False
    recipient = person or Outsider(indicator.owner_organisation.email)
    queue_mail(recipient, CATEGORY, "strategy_value_due", indicator=indicator,
               due_on=due_on, link=external_url("strategy.value_by_link",
                                                token=request_token(request_id)),
               valid_until=in_prague(now).date() + _link_lifetime())
    return True


def _link_lifetime() -> timedelta:
    return timedelta(days=current_app.config["STRATEGY_LINK_DAYS"])


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="indicator-value")


def request_token(request_id: int) -> str:
    return _signer().dumps({"v": request_id})


@dataclass(frozen=True)
class Opened:
    """What a value link leads to: the request, or why it does not (a reason)."""

    request: ValueRequest | None = None
    reason: str = ""  # "invalid", "expired", "used"


def open_link(token: str) -> Opened:
    """The request a link stands for, if it is genuine, not expired and not used."""
    max_age = int(_link_lifetime().total_seconds())
    try:
        request_id = int(_signer().loads(token, max_age=max_age)["v"])
    except SignatureExpired:
        return Opened(reason="expired")
    except (BadSignature, KeyError, TypeError, ValueError):
        return Opened(reason="invalid")
    request = db.session.scalar(
        sa.select(ValueRequest).where(ValueRequest.id == request_id)
        .options(joinedload(ValueRequest.member), raiseload("*")))
    if request is None:
        return Opened(reason="invalid")
    return Opened(request, "used" if request.used_at else "")


def use(request: ValueRequest) -> bool:
    """Mark the link used, in the caller's transaction; False if it was used meanwhile."""
    return bool(db.session.execute(
        sa.update(ValueRequest).where(ValueRequest.id == request.id,
                                      ValueRequest.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False)).rowcount)
