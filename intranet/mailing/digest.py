"""The daily digest: one e-mail a day per list to those who chose it, with the day's messages.

The worker asks every pass; after midnight (Prague) the previous day's digest of each list
that had messages is queued once: its ListDigest row is written in the same transaction as
the mail, and a second attempt for the same day fails on the row's unique key. A day the
worker missed (it was down over midnight) is sent on its next pass, up to CATCH_UP_DAYS
back, each day's digest once.
"""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from ..database import utcnow
from ..extensions import db
from ..i18n import in_prague, local_to_utc
from ..mail.models import OutboxMessage
from ..mail.services import queue_to_many
from ..web import external_url
from .models import ListDigest, ListPost, MailingList, Mode, PostStatus
from .services import CATEGORY, address_of, domain, recipients

CATCH_UP_DAYS = 7


def send_due_digests(now: datetime | None = None) -> int:
    """Queue the digest of every past day (yesterday, and the days the worker missed) of
    every list that had messages that day and has no digest of it yet; how many."""
    today = in_prague(now or utcnow()).date()
    return sum(_send_day(today - timedelta(days=back))
               for back in range(CATCH_UP_DAYS, 0, -1))


def _send_day(day: date) -> int:
    start, end = local_to_utc(day, time()), local_to_utc(day + timedelta(days=1), time())
    done = sa.select(ListDigest.list_id).where(ListDigest.day == day)
    due = db.session.scalars(
        sa.select(MailingList).where(MailingList.id.in_(
            sa.select(ListPost.list_id).where(ListPost.status == PostStatus.POSTED,
                                              ListPost.posted_at >= start,
                                              ListPost.posted_at < end)),
            MailingList.id.not_in(done))).all()
    return sum(_digest(mailing_list, day, start, end) for mailing_list in due)


def _digest(mailing_list: MailingList, day: date, start: datetime, end: datetime) -> bool:
    posts = db.session.scalars(
        sa.select(ListPost).where(ListPost.list_id == mailing_list.id,
                                  ListPost.status == PostStatus.POSTED,
                                  ListPost.posted_at >= start, ListPost.posted_at < end)
        .order_by(ListPost.id)).all()
    db.session.add(ListDigest(list_id=mailing_list.id, day=day, messages=len(posts)))
    context = {"mailing_list": mailing_list, "day": day, "posts": posts,
               "archive": external_url("mailing.archive", list_id=mailing_list.id)}
    with force_locale("cs"):
        subject = render_template("mailing/mail/digest.subject.txt", **context).strip()
        text = render_template("mailing/mail/digest.txt", **context)
        html = render_template("mailing/mail/document.html", subject=subject, content=Markup(
            render_template("mailing/mail/digest.html", **context)))
    message = OutboxMessage(
        category=CATEGORY, subject=subject, body_text=text, body_html=html,
        from_name=mailing_list.name, from_address=address_of(mailing_list),
        headers={"List-Id": f"{mailing_list.name} <{mailing_list.address}.{domain()}>",
                 "List-Archive": f"<{context['archive']}>", "Precedence": "list",
                 "Auto-Submitted": "auto-generated"},
        list_id=mailing_list.id)
    try:
        queue_to_many(message, recipients(mailing_list, Mode.DIGEST))
        db.session.commit()
    except IntegrityError:  # another worker queued this day's digest first
        db.session.rollback()
        return False
    return True
