"""List posts in the one search box (global_search): the messages of every list the reader
may read, found by their words as a list's archive finds them (archive.found), best first."""

import sqlalchemy as sa
from flask import url_for

from ..database import prebuilt, rows_of
from ..global_search import Found, Hit, SearchKind, page_rows, register_search_kind
from ..groups.models import GroupMembership
from ..i18n import format_day
from ..i18n import lazy_gettext as _l
from ..policy import Role, can
from ..search import (
    LIST_INDEX,
    among_matches,
    has_words,
    is_broad,
    match_params,
    snippets,
    text_matches,
)
from .archive import POSTED
from .models import ListKind, ListPost, MailingList, Subscription

READER = "reader_id"


def register_searching(app) -> None:
    register_search_kind(app, SearchKind("lists", _l("Rozesílače"), find_posts))


def find_posts(reader, q: str, limit: int, offset: int) -> Found | None:
    """The posted messages of the lists the reader may read that have every word of the
    query (never held, rejected or discarded ones): their number and the lists they are on
    (one query), a page of them (another), their passages (a third). All on one list: that
    list's archive searches them all."""
    if not can(reader, "directory.view"):
        return None
    if not has_words(q):
        return Found()
    every_list = reads_every_list(reader)
    params = {READER: reader.id, **match_params(q)}
    total, first_list, last_list = rows_of(_count(every_list), params).one()
    if not total:
        return Found()
    rows = page_rows(_found(every_list, is_broad(q, total)), params, limit, offset)
    passages = snippets(LIST_INDEX, q, [row.id for row in rows])
    one_list = url_for("mailing.archive", list_id=first_list, q=q)
    return Found([_hit(row, passages.get(row.id)) for row in rows], total,
                 one_list if first_list == last_list else None)


def reads_every_list(reader) -> bool:
    """Administrators read every list's archive (policy.may_read_list), others the lists
    they are on (readable_lists)."""
    return reader.role is Role.ADMIN


def readable_lists() -> sa.Select:
    """The ids of the lists the member (the parameter reader_id) is on, as services.is_on
    tells for one list: the territory's list, the lists of their groups, the custom lists
    they subscribed to (a subscription's row to another list only says how they receive it)."""
    groups = (sa.select(GroupMembership.group_id)
              .where(GroupMembership.member_id == sa.bindparam(READER)))
    custom = sa.select(Subscription.list_id).where(Subscription.member_id == sa.bindparam(READER))
    return sa.select(MailingList.id).where(sa.or_(
        MailingList.kind == ListKind.TERRITORY,
        (MailingList.kind == ListKind.GROUP) & MailingList.group_id.in_(groups),
        (MailingList.kind == ListKind.CUSTOM) & MailingList.id.in_(custom)))


def _readable(every_list: bool) -> sa.ColumnElement[bool]:
    return sa.true() if every_list else ListPost.list_id.in_(readable_lists())


@prebuilt
def _count(every_list: bool) -> sa.Select:
    return (sa.select(sa.func.count(), sa.func.min(ListPost.list_id),
                      sa.func.max(ListPost.list_id))
            .where(POSTED, _readable(every_list), among_matches(ListPost.id, LIST_INDEX)))


@prebuilt
def _found(every_list: bool, broad: bool) -> sa.Select:
    query = (sa.select(ListPost.id, ListPost.list_id, ListPost.thread_id, ListPost.subject,
                       ListPost.sender_name, ListPost.posted_at,
                       MailingList.name.label("list_name"))
             .join(MailingList, MailingList.id == ListPost.list_id)
             .where(POSTED, _readable(every_list)))
    if broad:  # the newest first (search.is_broad)
        return (query.where(among_matches(ListPost.id, LIST_INDEX, walked=True))
                .order_by(ListPost.id.desc()))
    matches = text_matches(LIST_INDEX)
    return (query.join(matches, matches.c.id == ListPost.id)
            .order_by(matches.c.rank, ListPost.id.desc()))


def _hit(row, snippet: str | None) -> Hit:
    url = url_for("mailing.thread", list_id=row.list_id, thread_id=row.thread_id or row.id)
    when = [format_day(row.posted_at)] if row.posted_at else []
    return Hit(title=row.subject, url=f"{url}#post-{row.id}", snippet=snippet,
               detail=" · ".join([row.list_name, row.sender_name, *when]))
