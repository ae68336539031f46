"""The Alembic migrations build exactly the schema the models describe."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from intranet.extensions import db
from intranet.search import include_object

from .conftest import writing_request


def test_models_match_migrations(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_downgrade_and_upgrade_again(app):
    from flask_migrate import downgrade, upgrade

    downgrade(revision="base")
    with db.engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
        if connection.dialect.name == "sqlite":  # the word indexes' triggers
            tables |= set(connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())
    assert tables == set()
    upgrade()
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM member").scalar() == 0


def test_upgrade_keeps_and_converts_existing_data(make_app, tmp_path):
    """The meetings-in-practice revision on a database with data of the previous one."""
    from flask_migrate import downgrade, upgrade

    app = make_app()
    with app.app_context():
        downgrade(revision="3e6cc3e908a4")
        with db.engine.begin() as connection:
            for statement in OLD_ROWS:
                connection.exec_driver_sql(statement)
        upgrade()
        with db.engine.connect() as connection:
            meetings = connection.exec_driver_sql(
                "SELECT id, number, status, attendance_taken_at IS NOT NULL FROM meeting "
                "ORDER BY id").all()
            late_joiner = connection.exec_driver_sql(
                "SELECT meeting_id FROM participation WHERE member_id = 2 ORDER BY 1").all()
            keys = connection.exec_driver_sql(
                "SELECT length(sort_key) > 0 FROM member").scalars().all()
        db.engine.dispose()
    assert meetings == [(1, 1, "scheduled", 1),  # held
                        (2, 2, "scheduled", 1),  # attendance ticked before it began
                        (3, 4, "scheduled", 0),  # numbered by date: after meeting 4
                        (4, 3, "scheduled", 0)]
    assert late_joiner == [(3,), (4,)]  # joined after scheduling: expected at upcoming ones
    assert keys == [1, 1]


PAST, SOON, LATER, EARLIER = ("2025-01-10 08:00:00", "2025-02-10 08:00:00",
                              "2099-03-10 08:00:00", "2099-02-10 08:00:00")
OLD_ROWS = [
    "INSERT INTO municipality (id, name, orp, search_key) VALUES (1, 'Lipová', 'ORP', 'lipova')",
    "INSERT INTO organisation (id, name, kind, municipality_id, address, phone, email, website,"
    " description, search_key) VALUES (1, 'OÚ', 'municipality', 1, '', '', '', '', '', 'ou')",
    *(f"INSERT INTO member (id, email, titles_before, first_name, last_name, titles_after, phone,"
      f" position, organisation_id, role, language, wants_meeting_mail, wants_minutes_mail,"
      f" wants_list_mail, session_token, created_at, search_key) VALUES ({n}, 'm{n}@x.cz', '',"
      f" 'Eva', '{name}', '', '', '', 1, 'member', 'cs', TRUE, TRUE, TRUE, 't{n}', '{PAST}',"
      f" 'eva')"
      for n, name in ((1, "Černá"), (2, "Nová"))),
    "INSERT INTO working_group (id, number, name, description, rules, reminder_days,"
    f" last_meeting_number, created_at) VALUES (1, 4, 'Služby', '', '', 1, 4, '{PAST}')",
    f"INSERT INTO group_membership (group_id, member_id, is_coordinator, joined_at) VALUES"
    f" (1, 1, FALSE, '{PAST}'), (1, 2, FALSE, '{PAST}')",
    *(f"INSERT INTO meeting (id, group_id, number, starts_at, ends_at, place, map_url, status,"
      f" uid, sequence, version, created_at) VALUES ({n}, 1, {n}, '{start}', '{start[:11]}23:00',"
      f" 'Obec', '', '{status}', 'u{n}', 0, 1, '{PAST}')"
      for n, start, status in ((1, PAST, "held"), (2, SOON, "scheduled"),
                               (3, LATER, "scheduled"), (4, EARLIER, "scheduled"))),
    *(f"INSERT INTO participation (meeting_id, member_id, presence, presence_recorded_at) VALUES"
      f" ({n}, 1, 'present', '{PAST}')" for n in (1, 2)),
    *(f"INSERT INTO participation (meeting_id, member_id) VALUES ({n}, 1)" for n in (3, 4)),
]


def test_list_messages_indexed_before_are_indexed_again_without_markdown_marks(
        app, create_member):
    """The list index's revision: a message indexed from its Markdown, as before it, is
    indexed again from its HTML (a passage found shows "seminář", not "**seminář**")."""
    from flask_migrate import downgrade, upgrade

    from intranet.mailing import services as lists
    from intranet.mailing.models import ListKind, MailingList
    from intranet.search import LIST_INDEX, index_text

    downgrade(revision="ce0bd7d43e14")
    territory = db.session.scalar(sa.select(MailingList).filter_by(kind=ListKind.TERRITORY))
    with writing_request(app):
        post = lists.post(territory, create_member(), "Pozvánka", "zvu vás na **seminář**")
        index_text(LIST_INDEX, post.id, f"{post.subject}\n{post.body}")  # as it was indexed
        db.session.commit()
        post_id = post.id
    db.session.remove()
    upgrade()
    body = db.session.execute(sa.text(f"SELECT body FROM {LIST_INDEX} WHERE rowid = :id"),
                              {"id": post_id}).scalar()
    assert body.split() == ["Pozvánka", "zvu", "vás", "na", "seminář"]
