"""Moving an installation from SQLite to PostgreSQL: `flask --app wsgi db copy-from-sqlite PATH`.

Every row of every table is copied, in the order of their foreign keys, into the configured
database (DATABASE_URL), which must be migrated to the same revision and have no members yet
(what the migrations put there is replaced).
The word indexes are not copied but built again from their texts (PostgreSQL keeps them in
its own form), and PostgreSQL's id sequences continue after the copied rows.
"""

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from flask_migrate.cli import db as db_commands

from .extensions import db
from .search import TEXT_INDEXES, index_text, is_index_table

BATCH = 2000  # rows read and written at once


class CopyRefused(click.ClickException):
    """The copy cannot start: said in Czech, nothing written."""


def copy_from_sqlite(path: str) -> dict[str, int]:
    """Copy the SQLite database at `path` into the app's database; the rows per table."""
    source = sa.create_engine(f"sqlite:///{path}", poolclass=sa.NullPool)
    try:
        with source.connect() as reading:
            _check(reading, path)
            _clear()
            copied = {table.name: _copy_table(reading, table) for table in _tables()}
            copied.update({index: _rebuild_index(reading, index) for index in
                           (name for name in TEXT_INDEXES if _has_table(reading, name))})
        _continue_sequences()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        source.dispose()
    return copied


def _tables() -> list[sa.Table]:
    return [table for table in db.metadata.sorted_tables if not is_index_table(table.name)]


def _check(reading: sa.Connection, path: str) -> None:
    """Both databases at one revision, the target empty; else refuse before writing."""
    if not _has_table(reading, "alembic_version"):
        raise CopyRefused(f"{path} není databáze intranetu (chybí alembic_version).")
    revision = reading.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    target = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    if revision != target:
        raise CopyRefused(f"Databáze se liší verzí ({revision} a {target}): spusťte nejdřív "
                          "`flask --app wsgi db upgrade` na obou.")
    if db.session.execute(sa.text("SELECT 1 FROM member LIMIT 1")).first():
        raise CopyRefused("Cílová databáze už obsahuje data; kopírovat lze jen do prázdné.")


def _clear() -> None:
    """What the migrations put into the new database (the list of all members, counters):
    the copy brings the installation's own."""
    for table in reversed(_tables()):
        db.session.execute(sa.delete(table))


def _has_table(reading: sa.Connection, name: str) -> bool:
    return sa.inspect(reading).has_table(name)


def _copy_table(reading: sa.Connection, table: sa.Table) -> int:
    """The table's rows, read with the models' types (dates, booleans, enums) and written
    in batches; how many."""
    count = 0
    rows = reading.execute(sa.select(table).order_by(*table.primary_key.columns))
    while batch := rows.fetchmany(BATCH):
        db.session.execute(sa.insert(table), [row._asdict() for row in batch])
        count += len(batch)
    return count


def _rebuild_index(reading: sa.Connection, index: str) -> int:
    """A word index built again from the texts it held."""
    rows = reading.exec_driver_sql(f"SELECT rowid, body FROM {index} ORDER BY rowid")
    count = 0
    while batch := rows.fetchmany(BATCH):
        for row_id, body in batch:
            index_text(index, row_id, body)
        count += len(batch)
    return count


def _continue_sequences() -> None:
    """PostgreSQL's sequences of integer ids start after the copied rows (SQLite needs
    nothing: it continues after the largest id)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in _tables():
        for column in table.primary_key.columns:
            if column.autoincrement is not False and isinstance(column.type, sa.Integer):
                db.session.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'),"
                    f" coalesce((SELECT max({column.name}) FROM {table.name}), 0) + 1, false)"))


@db_commands.command("copy-from-sqlite")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def copy_from_sqlite_command(path: str):
    """Copy every row of a SQLite installation into this (empty, migrated) database."""
    copied = copy_from_sqlite(path)
    for table, count in copied.items():
        click.echo(f"{table}: {count}")
    click.echo(f"Kopie z {path} je hotová (řádků celkem: {sum(copied.values())}).")
