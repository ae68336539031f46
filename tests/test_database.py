"""SQLite write transactions: concurrent read-then-write work never fails on lock upgrade."""

import threading
import time
from datetime import date

import pytest
import sqlalchemy as sa

from intranet.accounts.models import LoginAttempt
from intranet.extensions import db
from intranet.mailing.models import ListKind, MailingList
from intranet.minutes.models import Minutes

from .test_access import world_strategy


def read_then_write(app, errors, n):
    try:
        with app.app_context():
            db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt))
            time.sleep(0.05)  # another writer gets in between the read and the write
            db.session.add(LoginAttempt(email=f"w{n}@example.org", ip="127.0.0.1",
                                        succeeded=False))
            db.session.commit()
    except Exception as error:  # noqa: BLE001 - collected and asserted below
        errors.append(error)


def test_concurrent_read_then_write_transactions_all_succeed(app):
    errors = []
    threads = [threading.Thread(target=read_then_write, args=(app, errors, n)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 6


@pytest.mark.sqlite_only
def test_get_requests_read_without_taking_the_write_lock(app, client, create_member):
    member = create_member()
    client.login(member)
    with db.engine.connect() as writer:
        writer.exec_driver_sql("SELECT 1")  # outside a request: BEGIN IMMEDIATE, lock held
        # A GET that tried to take the write lock would wait out the busy timeout and fail.
        assert client.get("/directory").status_code == 200
        writer.rollback()


@pytest.mark.postgresql_only
def test_get_requests_keep_their_prepared_statements(app, client, create_member):
    member = create_member()
    client.login(member)
    for _ in range(7):  # psycopg prepares a statement on its sixth use on a connection
        assert client.get("/directory").status_code == 200
    assert db.engine.pool.checkedin() == 1  # the requests one after another used one
    with db.engine.connect() as connection:  # that connection, the pages' own
        prepared = connection.scalar(sa.text("SELECT count(*) FROM pg_prepared_statements"))
    assert prepared > 0  # a page that ended with ROLLBACK would have made psycopg drop them


@pytest.mark.postgresql_only
def test_a_get_request_cannot_write(app):
    def attempt():
        db.session.add(LoginAttempt(email="pokus@example.org", ip="127.0.0.1", succeeded=False))
        db.session.commit()

    with app.test_request_context(method="GET"):
        with pytest.raises(sa.exc.InternalError, match="read-only transaction"):
            attempt()
        db.session.rollback()
    with app.test_request_context(method="POST"):
        attempt()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 1


@pytest.mark.postgresql_only
def test_a_connection_lost_in_a_get_is_rolled_back_quietly(app, client):
    with db.engine.connect() as other:
        other.execution_options(isolation_level="AUTOCOMMIT")
        with app.test_request_context(method="GET"):
            pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))  # READ ONLY begun
            other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            with pytest.raises(sa.exc.OperationalError):
                db.session.scalar(sa.text("SELECT 1"))
            db.session.rollback()  # as /healthz and the worker do after a failure
            assert db.session.scalar(sa.text("SELECT 1")) == 1  # a new connection
            db.session.remove()
    assert client.get("/healthz").status_code == 200


@pytest.mark.postgresql_only
def test_a_rolled_back_write_stays_rolled_back(app):
    with app.test_request_context(method="POST"):
        db.session.add(LoginAttempt(email="pokus@example.org", ip="127.0.0.1", succeeded=False))
        db.session.flush()
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 0


def test_a_rare_condition_keeps_its_brackets_on_both_databases():
    from sqlalchemy.dialects import postgresql, sqlite

    from intranet.database import rare
    from intranet.minutes.models import Minutes, MinutesState

    condition = rare((Minutes.state == MinutesState.DRAFT) | (Minutes.id == 1)) & (
        Minutes.id == 2)
    query = sa.select(Minutes.id).where(condition)
    on_postgresql = str(query.compile(dialect=postgresql.dialect())).replace("::INTEGER", "")
    assert "WHERE (minutes.state = %(state_1)s OR minutes.id = %(id_1)s) AND minutes.id = " in (
        on_postgresql)
    assert ("WHERE likelihood(minutes.state = ? OR minutes.id = ?, 0.001) AND minutes.id = ?"
            in str(query.compile(dialect=sqlite.dialect())))


@pytest.mark.sqlite_only
def test_sqlite_reads_few_drafts_along_the_state_index(app):
    """With statistics that cannot tell the states apart (20,000 minutes, all published as
    far as they know) SQLite walked every meeting by its start to find a member's drafts;
    told that drafts are rare, it reads them along the state's index."""
    from intranet.minutes.waiting import _waiting

    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl IN ('minutes', 'meeting')")
        connection.exec_driver_sql(
            "INSERT INTO sqlite_stat1 VALUES ('minutes', 'ix_minutes_state_meeting_id', "
            "'20000 20000 1'), ('minutes', 'sqlite_autoindex_minutes_1', '20000 1'), "
            "('meeting', 'ix_meeting_starts_at', '20000 1')")
        connection.exec_driver_sql("ANALYZE sqlite_schema")  # the statistics read again
        compiled = _waiting(False).compile(dialect=db.engine.dialect)
        values = compiled.construct_params({"member_id": 1, "today": date(2026, 1, 1)})
        plan = [row[-1] for row in connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled}",
            tuple(values[name] for name in compiled.positiontup))]
        connection.rollback()
    # each of the three parts (reviews, submitted minutes, own drafts) by the state's index
    assert sum(step.startswith("SEARCH minutes USING") and "ix_minutes_state_meeting_id" in step
               for step in plan) == 3, plan
    assert not any(step.startswith(("SCAN meeting", "SCAN minutes")) for step in plan), plan


@pytest.mark.sqlite_only
def test_each_connection_keeps_a_page_cache_fit_for_a_large_database(app):
    """SQLite's default cache (2 MB) reads a large table's pages again on every look-up."""
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -32768
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_pages_build_their_statements_once_per_process(client, create_member, create_meeting,
                                                        monkeypatch):
    """SQLAlchemy spends 0.1–1 ms building a select and its cache key, more than SQLite takes
    to answer it: the pages' selects are built once per process (database.prebuilt), so a
    repeated request computes one cache key only, the log-in's."""
    from sqlalchemy.sql.cache_key import HasCacheKey

    from intranet.accounts.models import Role

    admin = create_member(Role.ADMIN)
    meeting = create_meeting(members=[admin], agenda=["Zahájení", "Různé"])
    held = held_with_published_minutes(admin, create_meeting)
    municipality_id = admin.organisation.municipality_id
    territory_id = db.session.scalar(sa.select(MailingList.id).filter_by(kind=ListKind.TERRITORY))
    strategy = world_strategy()
    goal_id, indicator_id = strategy["goal_id"], strategy["indicator_id"]
    minutes_id = db.session.scalar(sa.select(Minutes.id).filter_by(meeting_id=held.id))
    client.login(admin)
    built, failures = [], []
    generate = HasCacheKey._generate_cache_key
    monkeypatch.setattr(HasCacheKey, "_generate_cache_key",
                        lambda self: built.append(self) or generate(self))
    for url in ["/groups", "/organisations", "/municipalities",
                f"/municipalities/{municipality_id}", "/admin/audit",
                f"/meetings/{meeting.id}", f"/meetings/{held.id}", "/", "/search?q=novak",
                "/lists", f"/lists/{territory_id}", f"/lists/{territory_id}/held",
                f"/lists/{territory_id}/senders", "/strategy", f"/strategy/goals/{goal_id}",
                f"/strategy/indicators/{indicator_id}", f"/groups/{meeting.group_id}",
                f"/minutes/{minutes_id}", "/tasks", "/catalogue", "/visits", "/minutes"]:
        assert client.get(url).status_code == 200
        built.clear()
        assert client.get(url).status_code == 200
        failures.append((url, [str(select)[:100] for select in built]))
    assert [f for f in failures if len(f[1]) != 1] == []


def held_with_published_minutes(admin, create_meeting):
    """A meeting two hours ago whose published minutes have a task: its page shows both."""
    from datetime import timedelta

    from intranet.minutes import services, tasks

    held = create_meeting(members=[admin], starts_in=-timedelta(hours=2))
    minutes = services.start(held, admin)
    tasks.add(minutes, "Poslat přehled služeb", f"m:{admin.id}", None)
    services.submit(minutes)
    services.approve(minutes, admin)
    services.publish(minutes, admin)
    return held


def test_plain_rows_are_read_after_pending_changes_are_flushed(app, create_member):
    """rows_of reads plain values without the ORM, and sees what the session has not yet
    written, as the session's own reads do (autoflush); entities still come from the
    session."""
    from intranet.accounts.models import Member
    from intranet.database import prebuilt, row_shape, rows_of

    @prebuilt
    def names() -> sa.Select:
        return sa.select(Member.id, Member.first_name).where(
            Member.last_name == sa.bindparam("last_name"))

    member = create_member(last_name="Černá")
    member.first_name = "Věra"  # not flushed
    assert row_shape(names()) == "columns"
    with db.session.no_autoflush:  # as the session's own reads: not flushed here
        assert rows_of(names(), {"last_name": "Černá"}).all() == [(member.id, "Jana")]
    assert rows_of(names(), {"last_name": "Černá"}).all() == [(member.id, "Věra")]
    entities = sa.select(Member).where(Member.id == sa.bindparam("id"))
    assert row_shape(entities) == "entity"
    assert rows_of(entities, {"id": member.id}).scalar() is member
    assert row_shape(sa.select(Member, Member.id)) == "mixed"


def test_lists_paginate_prebuilt_selects_only(app):
    """A select built per request would be built, described and counted again each time."""
    from intranet.accounts.models import Member
    from intranet.web import paginate

    with app.test_request_context("/"), pytest.raises(TypeError):
        paginate(sa.select(Member))


def test_a_page_of_plain_values_is_named_tuples_of_its_columns(app, create_member):
    """Lists read each row's columns by name several times: a named tuple answers in a tenth
    of the time SQLAlchemy's Row takes."""
    from intranet.accounts.models import Member
    from intranet.database import prebuilt
    from intranet.web import paginate

    jana = create_member(first_name="Jana", last_name="Černá")

    @prebuilt
    def names():
        return (sa.select(Member.id, Member.first_name, sa.func.count().over().label("count"))
                .where(Member.id == sa.bindparam("id")))

    with app.test_request_context("/"):
        [row] = paginate(names(), {"id": jana.id}).items
    assert row == (jana.id, "Jana", 1) and isinstance(row, tuple)
    assert (row.id, row.first_name, row.count) == (jana.id, "Jana", 1)  # "count" a column
