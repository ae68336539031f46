"""The two databases (SQLite tuning; PostgreSQL's pool and prepared statements), column types
shared by all models, statements built once."""

import sys
from collections import namedtuple
from contextlib import suppress
from datetime import UTC, datetime
from functools import cache, lru_cache

import psycopg
import sqlalchemy as sa
from flask import abort, has_request_context, request
from psycopg.pq import TransactionStatus
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator, TypeEngine

from .extensions import db

READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}
# The drivers the app ships with (pyproject.toml), and the schemes people write for them.
DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}
SCHEMES = {"postgres": "postgresql", "postgresql+psycopg": "postgresql"}


class StartRefused(SystemExit):
    """This process cannot serve as configured: one clear line, not a traceback, and exit
    code 3, on which gunicorn stops rather than starting its workers again and again."""

    BOOT_ERROR = 3  # gunicorn's WORKER_BOOT_ERROR

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def refused_start_said(refused: StartRefused) -> SystemExit:
    """The refusal's line on standard error; the exit that ends the process."""
    print(refused.message, file=sys.stderr, flush=True)
    return SystemExit(StartRefused.BOOT_ERROR)


class DatabaseUnavailable(StartRefused):
    """The configured database cannot be used."""

    def __init__(self, reason: str):
        super().__init__(f"Databáze: {reason}")


def database_url(configured: str) -> str:
    """The configured address with the driver the app ships with ("postgres://…" and
    "postgresql://…" mean psycopg 3); an address of another database is refused."""
    try:
        url = sa.make_url(configured)
    except sa.exc.ArgumentError:
        raise DatabaseUnavailable(f"adresa {configured!r} není adresa databáze "
                                  "(např. postgresql://uzivatel@server/intranet).") from None
    kind = SCHEMES.get(url.drivername, url.drivername)
    if kind not in DRIVERS:
        raise DatabaseUnavailable(f"{url.drivername!r} není podporovaná databáze; "
                                  "použijte sqlite:/// nebo postgresql://.")
    return url.set(drivername=DRIVERS[kind]).render_as_string(hide_password=False)


def engine_options(url: str) -> dict:
    """SQLite waits up to 30 s for the write lock; PostgreSQL keeps a small pool per process
    whose connections are tested before use (a restarted server is no error page)."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}  # a burst of sign-ups queues up
    return {"pool_size": 5, "max_overflow": 10, "pool_pre_ping": True, "pool_recycle": 3600,
            "connect_args": {"connect_timeout": 10}}


def check_database(app) -> None:
    """Connect once at start-up (wsgi.py: the server and every command), so that a database
    that does not answer is said in one line, not in a traceback on the first request."""
    with app.app_context():
        engine = db.engine
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as error:
        first_line = str(error.orig or error).strip().splitlines()[0]
        raise DatabaseUnavailable(f"{engine.url.render_as_string()} neodpovídá: {first_line}") \
            from None


def prebuilt(build):
    """A function that builds a statement, made to build it once per process for each
    combination of its arguments. Its arguments may then only say which shape the statement
    has (e.g. which filters are set); the values of a call are sa.bindparam() placeholders,
    given to execute() with the statement. SQLAlchemy spends 0.1–1 ms building a select and
    its cache key, more than SQLite takes to answer most of a page's queries; a prebuilt
    statement costs neither."""
    return cache(build)


def found_or_404(select: sa.Select, params: dict):
    """What a prebuilt select of one entity finds with the values of its parameters, else 404
    (db.first_or_404 of a prebuilt select)."""
    found = db.session.scalar(select, params)
    if found is None:
        abort(404)
    return found


class not_along_index(FunctionElement):  # noqa: N801 - SQLAlchemy's name for SQL functions
    """The column as "+column" on SQLite, which then cannot read it along an index: for a
    condition or a minimum that it would otherwise answer by walking that column's index
    from one end, when another index finds the few rows sooner. PostgreSQL's planner weighs
    that itself (and has no unary plus for dates): the column as it is."""

    inherit_cache = True

    def __init__(self, column: sa.ColumnElement):
        super().__init__(column)
        self.type = column.type


@compiles(not_along_index)
def _as_it_is(element, compiler, **kw):
    return compiler.process(element.clauses.clauses[0], **kw)


@compiles(not_along_index, "sqlite")
def _unary_plus(element, compiler, **kw):
    return "+" + compiler.process(element.clauses.clauses[0], **kw)


class rare(FunctionElement):  # noqa: N801 - SQLAlchemy's name for SQL functions
    """A condition few rows meet, told to SQLite's planner (likelihood(condition, 0.001)),
    whose statistics know how many values a column has but not how often each occurs: e.g.
    minutes still in draft among thousands published. PostgreSQL's statistics know that
    (the most common values): the condition as it is."""

    inherit_cache = True

    def __init__(self, condition: sa.ColumnElement):
        super().__init__(condition)


@compiles(rare)
def _rare_as_it_is(element, compiler, **kw):
    return f"({compiler.process(element.clauses.clauses[0], **kw)})"


@compiles(rare, "sqlite")
def _likelihood(element, compiler, **kw):
    return f"likelihood({compiler.process(element.clauses.clauses[0], **kw)}, 0.001)"


def now_parameter() -> sa.BindParameter:
    """The current time in SQL, read each time the statement runs, also when it was built
    long before (prebuilt); utcnow() in an expression would be the moment it was built."""
    return sa.bindparam("now", callable_=lambda: utcnow(), type_=UTCDateTime, unique=True)


def upsert(table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT in the dialect of the database, which can become an UPDATE of the row it
    would duplicate (.on_conflict_do_update: the same call on SQLite and PostgreSQL)."""
    dialects = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
    return dialects[db.session.get_bind().dialect.name](table)


@lru_cache(maxsize=1024)
def page_of(select: sa.Select) -> sa.Select:
    """A prebuilt select limited to one page: its parameters' values are page_params'."""
    return select.limit(sa.bindparam("page_size")).offset(sa.bindparam("page_start"))


def page_params(params: dict, size: int, start: int = 0) -> dict:
    """The values of page_of's parameters: `size` rows after the first `start`."""
    return {**params, "page_size": size, "page_start": start}


def first_rows(select: sa.Select, params: dict, limit: int) -> list[sa.Row]:
    """The first rows of a prebuilt select (a panel's few of a list)."""
    return rows_of(page_of(select), page_params(params, limit)).all()


@lru_cache(maxsize=1024)
def row_shape(select: sa.Select) -> str:
    """What each row of a prebuilt select holds: "entity" (one entity), "columns" (plain
    values only) or "mixed" (entities and values). Asked once per select: SQLAlchemy takes
    40–70 µs to describe a select's columns."""
    described = select.column_descriptions
    if all(isinstance(column["type"], TypeEngine) for column in described):
        return "columns"
    return "entity" if len(described) == 1 else "mixed"


@lru_cache(maxsize=1024)
def row_type(select: sa.Select) -> type:
    """A named tuple of a prebuilt select's columns, for the rows a page shows: reading a
    column of SQLAlchemy's Row by name costs 0.5 µs, of a named tuple 0.05 µs, and a list
    reads several columns of each of its rows more than once."""
    return namedtuple("Row", select.selected_columns.keys(), rename=True)


def rows_of(select: sa.Select, params: dict | None = None) -> sa.Result:
    """The result of a prebuilt select with the values of its parameters. Plain values are
    read on the session's connection, after the session's own autoflush (pending changes
    are written first, unless autoflush is off or a flush is under way): the ORM's layer
    costs some 50 µs a statement and does nothing for them. Entities are read through the
    session."""
    if row_shape(select) != "columns":
        return db.session.execute(select, params)
    return flushed_session().connection().execute(select, params)


def flushed_session() -> Session:
    """The request's session after its own autoflush, what session.execute() does first (no
    public equivalent): pending changes are written, unless autoflush is off or a flush is
    under way; nothing when the session is clean."""
    session = db.session()
    session._autoflush()
    return session


@lru_cache(maxsize=1024)
def count_of_rows(select: sa.Select) -> sa.Select:
    """The number of rows a prebuilt select gives."""
    return sa.select(sa.func.count()).select_from(
        select.options(lazyload("*")).order_by(None).subquery())


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A datetime stored as naive UTC and always returned timezone-aware."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store aware UTC datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def configure_engine(engine: sa.Engine) -> None:
    """What each database needs on every connection and transaction."""
    {"sqlite": _configure_sqlite, "postgresql": _configure_postgresql}[engine.dialect.name](engine)


def _configure_sqlite(engine: sa.Engine) -> None:
    """Foreign keys, WAL, and BEGIN IMMEDIATE for write transactions (the busy timeout is the
    driver's connect timeout: engine_options).

    pysqlite's own transaction handling is switched off so that SQLAlchemy's
    "begin" event decides how a transaction starts (SQLAlchemy's pysqlite recipe).
    A write transaction takes the write lock up front and so never fails on upgrade.
    """
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Up to 32 MB of the database's pages kept per connection (SQLite's default, 2 MB,
        # is read again from the OS on every look-up across a large table: searching half a
        # million deliveries took 3× as long). Memory is taken only as pages are read.
        cursor.execute("PRAGMA cache_size=-32768")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN" if _is_read_only_request() else "BEGIN IMMEDIATE")


def _configure_postgresql(engine: sa.Engine) -> None:
    """GET requests read in READ ONLY transactions (PostgreSQL refuses a write in them), and
    such a transaction ends with COMMIT, the same end for one that wrote nothing: a ROLLBACK
    makes psycopg forget every statement it prepared on the connection. So a page's statements
    are parsed and planned once per connection, after psycopg's five uses, not on every
    request (the bench's page mix: 13 % less time a page)."""

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.connection.dbapi_connection.read_only = _is_read_only_request()

    @sa.event.listens_for(engine, "rollback")
    def _on_rollback(connection):
        if connection.invalidated or connection.closed:
            return  # a lost connection: SQLAlchemy's own rollback deals with it
        driver_connection = connection.connection.dbapi_connection
        if (driver_connection.read_only
                and driver_connection.info.transaction_status == TransactionStatus.INTRANS):
            # A failed COMMIT is left to the rollback that follows: it reports it as before.
            with suppress(psycopg.Error):
                driver_connection.commit()  # then the rollback finds no transaction to end


def refresh_statistics() -> None:
    """Let SQLite's query planner know how big each table and index is (ANALYZE): without
    it, it guesses, and e.g. scans every sign-up to show the newest 25 of the register.
    PostgreSQL keeps its statistics itself (autovacuum)."""
    from .extensions import db

    if db.engine.dialect.name == "sqlite":
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()


def _is_read_only_request() -> bool:
    """GET requests only read (no state change on GET); everything else may write."""
    return has_request_context() and request.method in READ_ONLY_METHODS


def str_enum(enum_class, length: int = 30) -> sa.Enum:
    """A portable enum column that stores the members' string values."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
