"""A list's archive: threads newest first, a search without diacritics, a thread's messages,
and how far a message's delivery has got."""


import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from .. import data_versions
from ..database import count_of_rows, prebuilt, rows_of
from ..extensions import db
from ..mail.models import DeliveryStatus, OutboxDelivery
from ..search import (
    LIST_INDEX,
    among_matches,
    has_words,
    is_broad,
    match_params,
    snippets,
    text_matches,
)
from .models import ListPost, MailingList, PostStatus

POSTED = ListPost.status == PostStatus.POSTED


def threads(mailing_list: MailingList) -> tuple[sa.Select, dict]:
    """Rows of the list's threads, the one with the newest message first: the first
    message's subject and sender, how many messages, when the last came; and the values of
    its parameters (thread_count counts them).

    Read along the list's messages, newest first: a message stands for its thread when no
    later message of the thread was posted, so a page reads about its own threads only
    (grouping every message of the list took 58 ms at 20,000 messages)."""
    return _threads(), {"list_id": mailing_list.id}


@prebuilt
def _threads() -> sa.Select:
    # a thread's first post, and another post of the same thread
    First, Later = aliased(ListPost), aliased(ListPost)  # noqa: N806 - classes
    newer = sa.exists().where(Later.thread_id == ListPost.thread_id, Later.id > ListPost.id,
                              Later.status == PostStatus.POSTED)
    latest = (sa.select(ListPost.thread_id, ListPost.id.label("last_id"),
                        ListPost.posted_at.label("last_at"))
              .where(ListPost.list_id == sa.bindparam("list_id"), POSTED, ~newer).subquery())
    messages = (sa.select(sa.func.count()).select_from(Later)
                .where(Later.thread_id == First.id, Later.status == PostStatus.POSTED)
                .correlate(First).scalar_subquery())
    return (sa.select(First.id, First.subject, First.sender_name, First.source,
                      messages.label("messages"), latest.c.last_at)
            .join(latest, latest.c.thread_id == First.id)
            .order_by(latest.c.last_id.desc()))


LIST_THREADS = "list-threads"  # the data version of the lists' thread counts
data_versions.watch(LIST_THREADS, {ListPost: ("status", "thread_id", "list_id")})


def thread_count(mailing_list: MailingList) -> int:
    """How many threads of the list have a posted message, counted again only after a
    message was posted, held, removed or moved: counting reads every message of the list
    (1.8 ms at 20,000 on PostgreSQL), a page of threads only its own."""
    return data_versions.cached(LIST_THREADS, mailing_list.id, lambda: (
        rows_of(_thread_count(), {"list_id": mailing_list.id}).scalar(), None))


@prebuilt
def _thread_count() -> sa.Select:
    return sa.select(sa.func.count(sa.distinct(ListPost.thread_id))).where(
        ListPost.list_id == sa.bindparam("list_id"), POSTED)


def found(mailing_list: MailingList, q: str) -> tuple[sa.Select, int, dict] | None:
    """The list's messages containing every word of the query, best first (for the first
    letter or two typed, or words in most messages, newest first: search.is_broad), their
    number, and the values of the select's parameters; None for a query without words."""
    if not has_words(q):
        return None
    params = {"list_id": mailing_list.id, **match_params(q)}
    count = rows_of(_found_count(), params).scalar()
    return _found(is_broad(q, count)), count, params


@prebuilt
def _found(broad: bool) -> sa.Select:
    query = (sa.select(ListPost.id, ListPost.thread_id, ListPost.subject, ListPost.sender_name,
                       ListPost.posted_at)
             .where(ListPost.list_id == sa.bindparam("list_id"), POSTED))
    if broad:
        return (query.where(among_matches(ListPost.id, LIST_INDEX, walked=True))
                .order_by(ListPost.id.desc()))
    matches = text_matches(LIST_INDEX)
    return (query.join(matches, matches.c.id == ListPost.id)
            .order_by(matches.c.rank, ListPost.id.desc()))


@prebuilt
def _found_count() -> sa.Select:
    return (sa.select(sa.func.count()).select_from(ListPost)
            .where(ListPost.list_id == sa.bindparam("list_id"), POSTED,  # no ranking needed
                   among_matches(ListPost.id, LIST_INDEX)))


def snippets_of(q: str, rows) -> dict[int, str]:
    return snippets(LIST_INDEX, q, [row.id for row in rows])


def thread(mailing_list: MailingList, thread_id: int) -> list[ListPost]:
    """The thread's posted messages, oldest first."""
    return db.session.scalars(
        sa.select(ListPost).options(selectinload(ListPost.attachments))
        .where(ListPost.list_id == mailing_list.id, ListPost.thread_id == thread_id, POSTED)
        .order_by(ListPost.id)).all()


def held(mailing_list: MailingList) -> tuple[sa.Select, dict]:
    """The posts that wait for a moderator, oldest first; and the values of its parameters."""
    return _held(), {"list_id": mailing_list.id}


@prebuilt
def _held() -> sa.Select:
    return (sa.select(ListPost).options(selectinload(ListPost.attachments))
            .where(ListPost.list_id == sa.bindparam("list_id"),
                   ListPost.status == PostStatus.HELD)
            .order_by(ListPost.id))


def held_count(mailing_list: MailingList) -> int:
    return db.session.scalar(count_of_rows(_held()), {"list_id": mailing_list.id})


STATUS_GROUPS = {DeliveryStatus.SENT: "sent", DeliveryStatus.PENDING: "waiting",
                 DeliveryStatus.SENDING: "waiting", DeliveryStatus.FAILED: "failed",
                 DeliveryStatus.BOUNCED: "failed", DeliveryStatus.CANCELLED: "cancelled"}


def progress(outbox_message_ids: list[int | None]) -> dict[int | None, dict[str, int]]:
    """How many of each message's deliveries are sent, waiting, failed (bounced included)
    or cancelled, and in all; one query for them all."""
    counts = {key: dict.fromkeys(("sent", "waiting", "failed", "cancelled", "total"), 0)
              for key in outbox_message_ids}
    rows = db.session.execute(
        sa.select(OutboxDelivery.message_id, OutboxDelivery.status, sa.func.count())
        .where(OutboxDelivery.message_id.in_([i for i in outbox_message_ids if i]))
        .group_by(OutboxDelivery.message_id, OutboxDelivery.status))
    for message_id, status, number in rows:
        counts[message_id][STATUS_GROUPS[status]] += number
        counts[message_id]["total"] += number
    return counts


def failures(outbox_message_id: int | None, limit: int = 100) -> list[sa.Row]:
    """The message's deliveries that failed or bounced: recipient, status, error."""
    if outbox_message_id is None:
        return []
    return db.session.execute(
        sa.select(OutboxDelivery.recipient, OutboxDelivery.status, OutboxDelivery.last_error)
        .where(OutboxDelivery.message_id == outbox_message_id,
               OutboxDelivery.status.in_([DeliveryStatus.FAILED, DeliveryStatus.BOUNCED]))
        .order_by(OutboxDelivery.recipient).limit(limit)).all()
