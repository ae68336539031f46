"""Fixtures: a migrated database per test (SQLite and PostgreSQL), factories, a CSRF-aware
client, a real SMTP server."""

import itertools
import os
import shutil
import socket
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask.globals import _cv_app
from flask.testing import FlaskClient

from intranet import create_app
from intranet.accounts.models import Member
from intranet.accounts.passwords import hash_password
from intranet.database import utcnow
from intranet.extensions import db
from intranet.organisations.models import Municipality, Organisation, OrganisationKind
from intranet.policy import Role

from .http_browser import TOKEN_RE
from .postgres import Cluster, server_binaries

PASSWORD = "spravne-heslo-42"
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


def app_config(database_url: str, folder: Path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH": CHEAP_ARGON2,
        "MAIL_MAILDIR": str(folder / "maildir"),
        "ATTACHMENT_DIR": str(folder / "attachments"),
        "SERVER_NAME": "intranet.test",
        "MAIL_FROM": "Intranet <intranet@intranet.test>",
    }
    config.update(overrides)
    return config


def migrate(database_url: str, folder: Path) -> None:
    """Run every Alembic migration on the database."""
    from flask_migrate import upgrade

    app = create_app(app_config(database_url, folder))
    with app.app_context():
        upgrade()
        db.engine.dispose()


class SQLiteDatabases:
    """Each test's database: a copy of one file that the migrations built once."""

    kind = "sqlite"

    def __init__(self, folder: Path):
        self.template = folder / "template.sqlite"
        migrate(f"sqlite:///{self.template}", folder)

    def fresh(self, folder: Path) -> str:
        db_file = folder / "intranet.sqlite"
        shutil.copy(self.template, db_file)
        return f"sqlite:///{db_file}"

    def drop(self, url: str) -> None:
        """The file goes with the test's temporary folder."""

    def close(self) -> None:
        """Nothing runs."""


class PostgresDatabases:
    """Each test's database: a copy (CREATE DATABASE … TEMPLATE) of one database that the
    migrations built once, on a throwaway cluster of this test session's."""

    kind = "postgresql"
    TEMPLATE = "intranet_template"

    def __init__(self, folder: Path):
        self.cluster = Cluster(free_port()).start()
        self.names = (f"test_{n}" for n in itertools.count(1))
        migrate(self.cluster.create_database(self.TEMPLATE), folder)

    def fresh(self, folder: Path) -> str:
        return self.cluster.create_database(next(self.names), template=self.TEMPLATE)

    def drop(self, url: str) -> None:
        self.cluster.drop_database(sa.make_url(url).database)

    def close(self) -> None:
        self.cluster.stop()


def selected_databases() -> list[str]:
    """Both databases, or those named in $INTRANET_TEST_DATABASES (e.g. "sqlite")."""
    return os.environ.get("INTRANET_TEST_DATABASES", "sqlite,postgresql").split(",")


@pytest.fixture(scope="session", params=selected_databases())
def databases(request, tmp_path_factory):
    """The kind of database the tests run on (each test that uses one runs on every kind),
    with its template migrated once per test session."""
    if request.param == "postgresql" and server_binaries() is None:
        pytest.fail("PostgreSQL's server binaries are missing: `make test` installs them "
                    "(apt-get install postgresql), or set INTRANET_TEST_DATABASES=sqlite")
    kinds = {"sqlite": SQLiteDatabases, "postgresql": PostgresDatabases}
    databases = kinds[request.param](tmp_path_factory.mktemp(f"template-{request.param}"))
    yield databases
    databases.close()


def pytest_collection_modifyitems(items):
    """Tests of one database's own machinery (SQLite's pragmas, its backup, its statistics)
    skip the other: markers sqlite_only and postgresql_only."""
    for item in items:
        kind = getattr(item, "callspec", None) and item.callspec.params.get("databases")
        other = {"sqlite": "postgresql_only", "postgresql": "sqlite_only"}.get(kind)
        if other and item.get_closest_marker(other):
            item.add_marker(pytest.mark.skip(reason=f"{other.split('_')[0]} only"))


@pytest.fixture
def database_url(databases, tmp_path):
    """A fresh migrated database of this test's own; dropped afterwards."""
    url = databases.fresh(tmp_path)
    yield url
    databases.drop(url)


class CSRFClient(FlaskClient):
    """A test client that can submit forms with the CSRF token, as a browser does.

    Each request runs in an app context of its own, as in production, even though the
    test holds one open for its factories; the test's transaction is committed first, so the
    request sees everything the test made and the test then reads what the request wrote.
    """

    def open(self, *args, **kwargs):
        if _cv_app.get(None) is not None:
            db.session.commit()
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)

    def csrf_token(self) -> str:
        page = self.get("/password/forgot").get_data(as_text=True)
        match = TOKEN_RE.search(page)
        return match.group(1) or match.group(2)

    def submit(self, url: str, data: dict | None = None, **kwargs):
        data = {"csrf_token": self.csrf_token(), **(data or {})}
        return self.post(url, data=data, **kwargs)

    def login(self, member: Member, password: str = PASSWORD):
        """Log in as the member (after logging out whoever was logged in)."""
        self.submit("/logout")
        response = self.submit("/login", {"email": member.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app on the test's database (overrides go into its config)."""

    def build(**overrides):
        app = create_app(app_config(database_url, tmp_path, **overrides))
        app.test_client_class = CSRFClient
        return app

    return build


@pytest.fixture
def app_overrides() -> dict:
    """Config for the `app` fixture; a test module overrides this fixture to change it."""
    return {}


@pytest.fixture
def app(make_app, app_overrides):
    app = make_app(**app_overrides)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app) -> CSRFClient:
    return app.test_client()


@pytest.fixture
def create_municipality(app):
    counter = iter(range(1, 10_000))

    def factory(name=None, orp="ORP Testov"):
        municipality = Municipality(name=name or f"Obec {next(counter)}", orp=orp)
        db.session.add(municipality)
        db.session.commit()
        return municipality

    return factory


@pytest.fixture
def create_organisation(app, create_municipality):
    counter = iter(range(1, 10_000))

    def factory(name=None, kind=OrganisationKind.NGO, municipality=None):
        organisation = Organisation(name=name or f"Organizace {next(counter)}", kind=kind,
                                    municipality=municipality or create_municipality())
        db.session.add(organisation)
        db.session.commit()
        return organisation

    return factory


@pytest.fixture
def create_member(app, create_organisation):
    counter = iter(range(1, 10_000))
    password_hash = hash_password(PASSWORD)

    def factory(role=Role.MEMBER, *, email=None, first_name="Jana", last_name=None,
                organisation=None, active=True, deactivated=False, **fields):
        n = next(counter)
        member = Member(email=email or f"clen{n}@example.org", first_name=first_name,
                        last_name=last_name or f"Testová{n}", role=role,
                        organisation=organisation or create_organisation(), **fields)
        if active:
            member.password_hash, member.activated_at = password_hash, utcnow()
        if deactivated:
            member.deactivated_at = utcnow()
        db.session.add(member)
        db.session.commit()
        return member

    return factory


# --- a real SMTP server -------------------------------------------------------------------

class Recorder:
    """aiosmtpd handler that keeps every envelope it accepts."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        self.envelopes.append(envelope)
        return "250 OK"

    def messages(self):
        from email import message_from_bytes, policy

        return [(env.rcpt_tos, message_from_bytes(env.content, policy=policy.default))
                for env in self.envelopes]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    """An aiosmtpd server on loopback that can be stopped and started again on the same port."""

    def __init__(self):
        self.port = free_port()
        self.recorder = Recorder()
        self.controller = None

    def start(self):
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None
            time.sleep(0.05)


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


def field_error(page: str, field: str) -> str:
    """The error message shown at a form's field (the macros' `<p id="FIELD-error">`)."""
    return page.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]


def smtp_config(server: SMTPServer) -> dict:
    """Config that sends the app's mail to the test SMTP server."""
    return {"MAIL_SMTP_HOST": "127.0.0.1", "MAIL_SMTP_PORT": server.port, "MAIL_SMTP_TIMEOUT": 5}


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Compile the gettext catalogues (the Makefile does the same for `make run`)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_file in Path(__file__).parent.parent.glob("translations/*/LC_MESSAGES/messages.po"):
        with po_file.open("rb") as source:
            catalog = read_po(source)
        with po_file.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalog)


# --- groups and meetings ------------------------------------------------------------------

@pytest.fixture
def create_group(app):
    counter = iter(range(1, 10_000))

    def factory(*, number=None, name="Sociální služby", members=(), coordinators=(), **fields):
        from intranet.groups.models import GroupMembership, WorkingGroup

        group = WorkingGroup(number=number or next(counter), name=name, **fields)
        group.memberships = [GroupMembership(member=m) for m in members] + [
            GroupMembership(member=m, is_coordinator=True) for m in coordinators]
        db.session.add(group)
        db.session.commit()
        return group

    return factory


@pytest.fixture
def create_meeting(app, create_group):
    """A meeting made directly in the database, by default next week, its invitations
    recorded as sent (no mail is queued) to the group's active members, who are expected."""

    def factory(group=None, *, members=(), starts_in=timedelta(days=7), hours=1,
                agenda=(), guests=(), invited=True, **fields):
        from intranet.meetings.models import AgendaItem, Guest, Meeting, Participation

        group = group or create_group(members=members)
        group.last_meeting_number += 1
        starts_at = (utcnow() + starts_in).replace(second=0, microsecond=0)
        meeting = Meeting(group=group, number=group.last_meeting_number, starts_at=starts_at,
                          ends_at=starts_at + timedelta(hours=hours),
                          place=fields.pop("place", "Radnice, zasedací místnost"),
                          invited_at=utcnow() if invited else None, **fields)
        meeting.agenda = [AgendaItem(position=n, title=t) for n, t in enumerate(agenda, 1)]
        meeting.guests = [Guest(name=name) for name in guests]
        meeting.participations = [
            Participation(member=m.member, invited_at=meeting.invited_at)
            for m in group.memberships if m.member.deactivated_at is None]
        db.session.add(meeting)
        db.session.commit()
        return meeting

    return factory


def writing_request(app):
    """A request context for test code that saves (as a form's POST does): on PostgreSQL a
    GET request's transaction is READ ONLY (database._configure_postgresql)."""
    return app.test_request_context(method="POST")
