"""Data versions: results derived from many rows (the attendance statistics), computed once and
reused, in any process, until the rows under them change.

Each kind of derived data has a counter in the database. Any change to the tables it is derived
from raises the counter in the same transaction, whether it goes through the unit of work or is
a bulk UPDATE/DELETE, so a result stored with an older counter is never served. A result may
also name the moment it stops being true on its own (e.g. when a meeting begins).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from itertools import chain
from threading import Lock

import sqlalchemy as sa
from cachetools import LRUCache
from flask import current_app
from sqlalchemy.orm import Mapped, Session, mapped_column

from .database import flushed_session, prebuilt, rows_of, utcnow
from .extensions import db

ANY_CHANGE = None
CACHE_SIZE = 256  # results of one name per app process (a number, or a few hundred rows)


class DataVersion(db.Model):
    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    version: Mapped[int] = mapped_column(sa.Integer, default=0)


# model → [(name of the derived data, the attributes it depends on, or ANY_CHANGE)]
_watched: dict[type, list[tuple[str, frozenset[str] | None]]] = {}
# (model, name) → the rows whose changes the results cannot see yet (see watch)
_unseen: dict[tuple[type, str], Callable[[object], bool]] = {}


def watch(name: str, models: dict[type, tuple[str, ...] | None],
          unseen: dict[type, Callable[[object], bool]] | None = None) -> None:
    """Raise the counter `name` whenever one of the models is added or deleted, or one of
    the listed attributes of an existing row changes (every attribute for ANY_CHANGE).
    `unseen[model](row)` may say that a change of that row (through the unit of work) cannot
    reach any result yet, e.g. a sign-up for a date that has not begun, while the results
    hold only dates that have begun and expire at midnight: its counter stays, and so does
    its row's lock (sign-ups for different visits do not wait for one another)."""
    for model, attributes in models.items():
        _watched.setdefault(model, []).append(
            (name, None if attributes is ANY_CHANGE else frozenset(attributes)))
    for model, predicate in (unseen or {}).items():
        _unseen[model, name] = predicate


def current_version(name: str) -> int:
    """The counter as the session's transaction sees it. A transaction reads all the counters
    at once (a row per kind of result, a dozen), when it first needs one: a page that reuses
    results of several kinds asks once; again after the session raised one. The session's
    pending changes are flushed first, as a query would: they may raise a counter."""
    session = flushed_session()
    seen = session.info.get("data_versions")
    if seen is None:
        seen = session.info["data_versions"] = dict(rows_of(_versions()).all())
    return seen.get(name, 0)


@sa.event.listens_for(Session, "after_transaction_end")
def _on_transaction_end(session, _transaction) -> None:
    _forget_seen(session)


def _forget_seen(session) -> None:
    session.info.pop("data_versions", None)


@prebuilt
def _versions() -> sa.Select:
    return sa.select(DataVersion.name, DataVersion.version)


@dataclass
class _Result:
    version: int
    value: object
    expires_at: datetime | None


_lock = Lock()


def cached(name: str, key, compute):
    """compute()'s value for `key`, computed again only when the counter `name` has moved or
    the moment the value gave as its end has come. compute() returns (value, expires_at)."""
    version = current_version(name)
    caches = current_app.extensions.setdefault("data_versions", {})
    with _lock:  # one cache per name: many small results do not push out a few costly ones
        cache = caches.setdefault(name, LRUCache(CACHE_SIZE))
        found = cache.get(key)
    if found and found.version == version and (
            found.expires_at is None or utcnow() < found.expires_at):
        return found.value
    value, expires_at = compute()
    if current_version(name) == version:  # else computed from changes the counter has not seen
        with _lock:
            cache[key] = _Result(version, value, expires_at)
    return value


def _changed_names(session, instance, added_or_deleted: bool) -> set[str]:
    model = type(instance)
    return {name for name, attributes in _watched.get(model, ())
            if (added_or_deleted or _modified(session, instance, attributes))
            and not ((unseen := _unseen.get((model, name))) and unseen(instance))}


def _modified(session, instance, attributes) -> bool:
    if attributes is ANY_CHANGE:
        return session.is_modified(instance)
    state = sa.inspect(instance)
    return any(state.attrs[name].history.has_changes()
               for name in _and_their_relationships(type(instance), attributes))


@cache
def _and_their_relationships(model: type, attributes: frozenset[str]) -> frozenset[str]:
    """The attributes and the relationships that set them: `member.organisation = …` changes
    organisation_id only when the session flushes, after the counters were raised."""
    relationships = sa.inspect(model).relationships
    return attributes | {relationship.key for relationship in relationships
                         if any(column.key in attributes
                                for column in relationship.local_columns)}


def _raise(session, names: set[str]) -> None:
    _forget_seen(session)
    connection = session.connection()
    table = DataVersion.__table__
    for name in sorted(names):
        updated = connection.execute(table.update().where(table.c.name == name)
                                     .values(version=table.c.version + 1))
        if not updated.rowcount:
            connection.execute(table.insert().values(name=name, version=1))


@sa.event.listens_for(Session, "before_flush")
def _on_flush(session, _context, _instances) -> None:
    names = set()
    for instance in chain(session.new, session.deleted):
        names |= _changed_names(session, instance, added_or_deleted=True)
    for instance in session.dirty:
        names |= _changed_names(session, instance, added_or_deleted=False)
    if names:
        _raise(session, names)


@sa.event.listens_for(Session, "do_orm_execute")
def _on_bulk_statement(state) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    changed = _set_by(state) if state.is_update else None
    names = {name for mapper in state.all_mappers
             for name, attributes in _watched.get(mapper.class_, ())
             if changed is None or attributes is ANY_CHANGE or attributes & changed}
    if names:
        _raise(state.session, names)


def _set_by(state) -> frozenset[str] | None:
    """The columns an UPDATE ... SET sets (None when it does not say: an UPDATE by primary
    keys whose values come as parameters). An UPDATE of columns nothing is derived from (a
    visit's change counter, a date's places) raises no counter and so locks no counter row.
    `_values` is the statement's SET clause; SQLAlchemy has no public name for it."""
    values = getattr(state.statement, "_values", None)
    if not values:
        return None
    return frozenset(key if isinstance(key, str) else key.key for key in values)
