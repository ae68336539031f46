"""Telling members by e-mail what waits for them ("Čeká na vás", see waiting.py): at most
one such mail a day per person, whatever asks for it (minutes submitted for approval, the
worker's daily pass while posts wait for a moderator)."""

import sqlalchemy as sa

from ..database import upsert
from ..extensions import db
from ..i18n import today_in_prague
from ..waiting import waiting_for
from ..web import external_url
from .models import DailyNotice
from .services import queue_mail

KIND = "waiting"
CATEGORY = "waiting"


def tell_waiting(members) -> int:
    """Queue "Čeká na vás" to each member with something waiting who has not had it today,
    in the caller's transaction; how many were told."""
    today = today_in_prague()
    told = set(db.session.scalars(sa.select(DailyNotice.member_id).where(
        DailyNotice.kind == KIND, DailyNotice.day == today,
        DailyNotice.member_id.in_([m.id for m in members]))))
    count = 0
    for member in members:
        if member.id in told or member.deactivated_at is not None:
            continue
        items = waiting_for(member)
        if items and _claim(member.id, today):
            queue_mail(member, CATEGORY, "waiting", items=[
                (item.text, external_url(item.endpoint, **item.values)) for item in items])
            count += 1
    return count


def _claim(member_id: int, today) -> bool:
    """The day's notice for the member, if nobody (another process) claimed it first."""
    insert = upsert(DailyNotice).values(member_id=member_id, kind=KIND, day=today)
    claimed = insert.on_conflict_do_nothing().returning(DailyNotice.member_id)
    return db.session.execute(claimed).first() is not None  # a row: inserted now
