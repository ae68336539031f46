"""Moving an installation from SQLite: `flask db copy-from-sqlite PATH` keeps every row."""

import sqlalchemy as sa

from intranet import create_app
from intranet.accounts.models import Member
from intranet.demo import load_demo
from intranet.extensions import db
from intranet.minutes.archive import Filters, archive
from intranet.search import is_index_table

from .conftest import app_config, migrate


def every_row() -> dict[str, list[tuple]]:
    """Each table's rows in the order of their keys, as the models read them."""
    return {table.name: [tuple(row) for row in db.session.execute(
                sa.select(table).order_by(*table.primary_key.columns))]
            for table in db.metadata.sorted_tables if not is_index_table(table.name)}


def demo_installation(folder) -> tuple[str, dict]:
    """A SQLite installation with the demo data: its path and every row."""
    folder.mkdir()
    path = folder / "intranet.sqlite"
    migrate(f"sqlite:///{path}", folder)
    old = create_app(app_config(f"sqlite:///{path}", folder))
    with old.app_context():
        load_demo()
        rows = every_row()
        db.session.remove()
        db.engine.dispose()
    return str(path), rows


def test_every_row_is_copied_and_the_copy_works_on(app, tmp_path, create_member):
    path, rows = demo_installation(tmp_path / "old")
    result = app.test_cli_runner().invoke(args=["db", "copy-from-sqlite", path])
    assert result.exit_code == 0, result.output
    assert "je hotová" in result.output
    db.session.expire_all()
    assert every_row() == rows
    assert sum(map(len, rows.values())) > 300 and all(rows[t] for t in ("member", "minutes"))
    newcomer = create_member(email="nova@example.org")  # ids continue after the copied rows
    assert newcomer.id == max(row[0] for row in rows["member"]) + 1
    mayor = db.session.scalar(sa.select(Member).filter_by(email="starosta@vranov.example"))
    with app.test_request_context():
        query, params = archive(Filters(q="zapisu"), mayor)
        assert db.session.execute(query, params).all()  # the word index was built again


def test_a_database_with_data_is_not_copied_into(app, tmp_path, create_member):
    path, _ = demo_installation(tmp_path / "old")
    create_member(last_name="Stávající")
    result = app.test_cli_runner().invoke(args=["db", "copy-from-sqlite", path])
    assert result.exit_code == 1 and "už obsahuje data" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("member"))) == 1


def test_a_file_that_is_no_installation_is_refused(app, tmp_path):
    other = tmp_path / "other.sqlite"
    sa.create_engine(f"sqlite:///{other}").connect().close()
    result = app.test_cli_runner().invoke(args=["db", "copy-from-sqlite", str(other)])
    assert result.exit_code == 1 and "není databáze intranetu" in result.output
