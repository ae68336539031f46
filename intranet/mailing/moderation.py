"""Moderating a list: a held post approved, rejected (its writer is told why: views.py) or
discarded without a word; and a moderator's standing decisions about a sender on a list,
always accepted or banned (SenderRule; services.post and inbound.py apply them).

Two moderators deciding at once decide once: each move is a conditional UPDATE of a post
that is still held."""

import sqlalchemy as sa

from ..accounts.models import Member
from ..database import prebuilt, upsert, utcnow
from ..extensions import db
from ..text import normalise_email
from . import services
from .models import ListPost, MailingList, PostStatus, SenderAction, SenderRule


def approve(item: ListPost, moderator: Member, always: bool = False) -> bool:
    """Send a held post to the list (and, `always`, its sender's posts from now on without
    moderation); False if someone else decided about it first."""
    if not _decide(item, moderator, PostStatus.POSTED, ""):
        return False
    services.distribute(item)
    if always:
        remember_sender(item.mailing_list, item.sender_email, SenderAction.ACCEPT, moderator)
    db.session.commit()
    return True


def reject(item: ListPost, moderator: Member, reason: str) -> bool:
    decided = _decide(item, moderator, PostStatus.REJECTED, reason)
    db.session.commit()
    return decided


def discard(item: ListPost, moderator: Member, ban: bool = False) -> bool:
    """Drop a held post without telling anyone; `ban`: the sender's other held posts on the
    list too, and every later one. False if someone else decided about it first."""
    decided = _decide(item, moderator, PostStatus.DISCARDED, "")
    if decided and ban:
        remember_sender(item.mailing_list, item.sender_email, SenderAction.BAN, moderator)
        db.session.execute(
            sa.update(ListPost)
            .where(ListPost.list_id == item.list_id, ListPost.status == PostStatus.HELD,
                   sa.func.lower(ListPost.sender_email) == normalise_email(item.sender_email))
            .values(status=PostStatus.DISCARDED, moderator_id=moderator.id)
            .execution_options(synchronize_session=False))
    db.session.commit()
    return decided


def _decide(item: ListPost, moderator: Member, status: PostStatus, reason: str) -> bool:
    """Move a held post on with a conditional UPDATE: two moderators decide once."""
    changed = db.session.execute(
        sa.update(ListPost).where(ListPost.id == item.id, ListPost.status == PostStatus.HELD)
        .values(status=status, moderator_id=moderator.id, moderation_reason=reason)
        .execution_options(synchronize_session=False)).rowcount
    if changed:
        db.session.refresh(item)
    return bool(changed)


# --- senders always accepted or banned ------------------------------------------------------

def remember_sender(mailing_list: MailingList, address: str, action: SenderAction,
                    moderator: Member) -> None:
    """The list's decision about the address from now on (replacing an earlier one)."""
    insert = upsert(SenderRule).values(
        list_id=mailing_list.id, email=normalise_email(address), action=action,
        moderator_id=moderator.id, created_at=utcnow())
    db.session.execute(insert.on_conflict_do_update(
        index_elements=[SenderRule.list_id, SenderRule.email],
        set_={"action": insert.excluded.action, "moderator_id": insert.excluded.moderator_id,
              "created_at": insert.excluded.created_at}))


def forget_sender(mailing_list: MailingList, rule_id: int) -> SenderRule | None:
    """The list treats the address like any other again; the rule forgotten, if it was one."""
    rule = db.session.scalar(sa.select(SenderRule).where(
        SenderRule.id == rule_id, SenderRule.list_id == mailing_list.id))
    if rule is not None:
        db.session.delete(rule)
        db.session.commit()
    return rule


def sender_rules(mailing_list: MailingList) -> tuple[sa.Select, dict]:
    """The list's accepted and banned senders, by address; and the values of its parameters."""
    return _sender_rules(), {"list_id": mailing_list.id}


@prebuilt
def _sender_rules() -> sa.Select:
    return (sa.select(SenderRule).where(SenderRule.list_id == sa.bindparam("list_id"))
            .order_by(SenderRule.action, SenderRule.email))
