"""Health check, security headers, error pages, language, time formats, Markdown, CLI."""

import json
import logging
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from markupsafe import Markup

from intranet import create_app, worker
from intranet.accounts.models import Member
from intranet.database import utcnow
from intranet.extensions import db
from intranet.forms import WTFORMS_HTML_PARAMS, html_params
from intranet.heartbeats import RECEIVER, WORKER, Heartbeat, beat
from intranet.markup import render_markdown
from intranet.organisations.models import Municipality, Organisation

from .conftest import PASSWORD


def test_healthz_tells_whether_the_worker_and_the_receiver_are_alive(app, client):
    """Issue #26: 200 while the database answers (this server can serve), "degraded" while
    the worker or the receiver has not beaten its heart for HEALTH_STALE_SECONDS."""
    never = client.get("/healthz")
    assert never.status_code == 200 and never.get_json()["status"] == "degraded"
    assert never.get_json()["worker"] == {"alive": False, "last_beat": None,
                                          "seconds_ago": None}
    worker._beat(app)  # as the worker does after every pass
    beat(RECEIVER)  # as `flask mail receive` does every 30 s
    alive = client.get("/healthz").get_json()
    assert alive["status"] == "ok" and alive["db"] == "ok"
    assert alive["worker"]["alive"] and alive["receiver"]["seconds_ago"] <= 1
    db.session.execute(sa.update(Heartbeat).where(Heartbeat.name == WORKER)
                       .values(beat_at=utcnow() - timedelta(minutes=6)))
    db.session.commit()
    dead = client.get("/healthz")
    assert dead.status_code == 200 and dead.get_json()["status"] == "degraded"
    assert dead.get_json()["worker"]["alive"] is False
    assert dead.get_json()["worker"]["seconds_ago"] >= 360
    assert dead.get_json()["receiver"]["alive"] is True


def test_healthz_503_when_database_is_unreachable(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db.sqlite",
                      "SECRET_KEY": "x", "TESTING": True})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["db"] == "unavailable"


def test_security_headers_on_every_response(client):
    for url in ("/login", "/healthz", "/nowhere", "/static/css/app.css"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "object-src 'none'" in csp
        assert "base-uri 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-eval" not in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers


def test_https_gets_hsts_and_secure_cookie(client):
    response = client.get("/login", base_url="https://intranet.test")
    assert "max-age" in response.headers["Strict-Transport-Security"]
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_plain_http_cookie_is_not_secure(client):
    cookie = client.get("/login").headers["Set-Cookie"]
    assert "Secure" not in cookie and "HttpOnly" in cookie


def test_czech_error_pages(client, create_member):
    client.login(create_member())
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Stránka nenalezena" in response.get_data(as_text=True)
    response = client.get("/admin/members")
    assert response.status_code == 403
    assert "Sem nemáte přístup" in response.get_data(as_text=True)
    assert client.get("/members/999999").status_code == 404
    assert client.get("/logout").status_code == 405


def test_unexpected_error_gives_czech_500_page(make_app):
    app = make_app()
    app.testing = False  # let the error handler answer, as in production

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    app.view_functions["boom"].is_public = True
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Něco se pokazilo" in response.get_data(as_text=True)


def test_language_switch_for_anonymous_visitor(client):
    assert "Přihlášení" in client.get("/login").get_data(as_text=True)
    client.submit("/language", {"language": "en", "next": "/login"})
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in page and "Log in" in page


def test_language_switch_ignores_unknown_language_and_foreign_next(client):
    response = client.submit("/language", {"language": "xx", "next": "//evil.example"})
    assert response.location == "/"
    assert 'lang="cs"' in client.get("/login").get_data(as_text=True)


def test_czech_date_format_in_prague_time(app):
    render = app.jinja_env.from_string("{{ value|datetime }} / {{ value|date }}")
    winter = datetime(2014, 11, 11, 8, 0, tzinfo=UTC)
    summer = datetime(2015, 6, 2, 7, 30, tzinfo=UTC)
    with app.test_request_context(), force_locale("cs"):
        assert render.render(value=winter) == "11. 11. 2014 9:00 / 11. 11. 2014"
        assert render.render(value=summer) == "2. 6. 2015 9:30 / 2. 6. 2015"


def test_markdown_escapes_raw_html_and_drops_htmx_attributes():
    html = str(render_markdown(
        '**tučně** <script>alert(1)</script> <a href="x" hx-post="/logout">a</a>\n\n'
        '[odkaz](javascript:alert(1)) [web](https://example.org)'))
    assert "<strong>tučně</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html  # shown as text
    assert not re.search(r"<[^>]*hx-post", html)
    assert "javascript:" not in html
    assert 'href="https://example.org"' in html


@pytest.mark.sqlite_only
def test_backup_command_writes_a_consistent_copy(app, create_member, tmp_path):
    create_member(last_name="Zálohovaná")
    dest = tmp_path / "backup" / "copy.sqlite"
    dest.parent.mkdir()
    dest.write_bytes(b"")  # an older file of that name, readable by anyone
    dest.chmod(0o644)
    result = app.test_cli_runner().invoke(args=["backup", str(dest)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600  # issue #26: it was 0644
    with sqlite3.connect(dest) as copy:
        names = [row[0] for row in copy.execute("SELECT last_name FROM member")]
    assert names == ["Zálohovaná"]


@pytest.mark.sqlite_only
def test_a_backup_restored_as_the_readme_says_starts_with_every_member(
        app, create_member, make_app, tmp_path):
    member = create_member(last_name="Obnovená")
    backup = tmp_path / "zaloha.sqlite"
    assert app.test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0
    instance = tmp_path / "restored"
    instance.mkdir()
    shutil.copy(backup, instance / "intranet.sqlite")  # the app stopped, the copy put back
    restored = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'intranet.sqlite'}")
    email = member.email
    db.session.commit()
    with restored.app_context():
        client = restored.test_client()
        response = client.submit("/login", {"email": email, "password": PASSWORD})
        assert response.status_code == 302  # the same member, the same password
        assert "Obnovená" in client.get("/directory").get_data(as_text=True)


@pytest.mark.postgresql_only
def test_backup_command_on_postgresql_points_to_pg_dump(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.sqlite")])
    assert result.exit_code == 1 and "pg_dump" in result.output
    assert not (tmp_path / "copy.sqlite").exists()


def test_demo_load_runs_once(app):
    runner = app.test_cli_runner()
    assert "nahrána" in runner.invoke(args=["demo", "load"]).output
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Member))
    assert count >= 40
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Municipality)) >= 8
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) >= 12
    roles = set(db.session.scalars(sa.select(Member.role)))
    assert len(roles) == 4
    assert "už data obsahuje" in runner.invoke(args=["demo", "load"]).output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == count


def test_instance_secret_key_is_generated_once(tmp_path, monkeypatch):
    from flask import Flask

    from intranet.config import load_config

    first, second = Flask("a", instance_path=str(tmp_path)), Flask("b",
                                                                     instance_path=str(tmp_path))
    load_config(first)
    load_config(second)
    assert len(first.config["SECRET_KEY"]) > 40
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_overrides_config(tmp_path, monkeypatch):
    from flask import Flask

    from intranet.config import load_config

    monkeypatch.setenv("INTRANET_MAIL_SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("INTRANET_MAIL_SMTP_PORT", "587")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@localhost/intranet")
    app = Flask("c", instance_path=str(tmp_path))
    load_config(app)
    assert app.config["MAIL_SMTP_HOST"] == "smtp.example.org"
    assert app.config["MAIL_SMTP_PORT"] == 587
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@localhost/intranet"
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


@pytest.mark.sqlite_only
def test_sqlite_is_tuned(app):
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_row_url_is_url_for_routed_once(app):
    from flask import url_for

    from intranet.web import RowUrl

    with app.test_request_context():
        remove = RowUrl("groups.remove_member", "member_id", group_id=7)
        for member_id in (1, 42, 987_654):
            assert remove(member_id) == url_for("groups.remove_member", group_id=7,
                                                member_id=member_id)


def test_templates_translate_in_the_language_of_the_moment_and_escape_only_html(app):
    from flask import render_template_string
    from flask_babel import force_locale

    loop = ('{% for name in names %}{% set shown = name %}'
            '{{ _("Pracovní skupina %(title)s", title=shown) }};{% endfor %}')
    with app.test_request_context():
        assert render_template_string(loop, names=["<b>"]) == "Pracovní skupina &lt;b&gt;;"
        with force_locale("en"):  # e.g. a mail to a member who reads English
            assert render_template_string(loop, names=["A"]) == "Working group A;"
        text = "{% autoescape false %}" + loop + "{% endautoescape %}"  # as in mail's .txt
        assert render_template_string(text, names=["<b>"]) == "Pracovní skupina <b>;"


def test_macro_files_are_built_once_and_imports_with_context_see_the_page(app, monkeypatch):
    from flask import render_template_string
    from jinja2 import ChoiceLoader, DictLoader

    built = []
    macros = app.jinja_env.get_template("_macros/forms.html")
    make_module = type(macros).make_module
    monkeypatch.setattr(type(macros), "make_module",
                        lambda self, *args, **kwargs: built.append(self.name)
                        or make_module(self, *args, **kwargs))
    monkeypatch.setattr(app.jinja_env, "loader", ChoiceLoader([DictLoader(
        {"test/shown.html": "{% macro shown() %}{{ page_value }}{% endmacro %}"}),
        app.jinja_env.loader]))
    page = '{% from "_macros/forms.html" import form_errors %}{{ form_errors(None) }}'
    with_context = '{% from "test/shown.html" import shown with context %}{{ shown() }}'
    with app.test_request_context():
        for value in ("a", "b", "c"):
            render_template_string(page)
            assert render_template_string(with_context, page_value=value) == value
    assert built.count("_macros/forms.html") <= 1
    assert built.count("test/shown.html") == 3  # with the page's context each time


@pytest.mark.parametrize("titles_before, titles_after", [
    ("", ""), ("Mgr.", ""), ("", "DiS."), ("Bc. et Bc.", "Ph.D.")])
def test_full_name_in_sql_is_the_full_name_in_python(create_member, titles_before,
                                                      titles_after):
    member = create_member(first_name="Jana", last_name="Nováková",
                           titles_before=titles_before, titles_after=titles_after)
    in_sql = db.session.scalar(sa.select(Member.full_name).where(Member.id == member.id))
    assert in_sql == member.full_name


@pytest.mark.parametrize("attributes", [
    {"id": "title", "name": "title", "type": "text", "value": 'Bod „x“ "y" <b> & \'z\''},
    {"required": True, "disabled": False, "maxlength": 200, "class_": "wide", "for_": "x"},
    {"aria_describedby": "a-hint a-error", "data_hx_vals": '{"confirmed": "1"}'},
    {"value": Markup('a"b <i>ok</i>'), "placeholder": 0, "checked": True},
    {'x"y': True, "a<b": "c", "size": None, "step": 0.5},
    {},
])
def test_form_attributes_are_written_as_wtforms_writes_them(attributes):
    assert html_params(**attributes) == WTFORMS_HTML_PARAMS(**attributes)
    assert isinstance(html_params(**attributes), Markup)


def test_every_wtforms_widget_writes_attributes_the_fast_way():
    from wtforms import widgets
    from wtforms.widgets import core

    assert core.html_params is widgets.html_params is html_params
    assert widgets.TextInput.html_params is html_params
    assert widgets.SubmitInput.html_params is html_params


@pytest.mark.parametrize(("url", "said"), [
    ("mysql://u@localhost/intranet", "není podporovaná databáze"),
    ("not a database address", "není adresa databáze"),
    ("postgresql://u@127.0.0.1:1/intranet", "neodpovídá"),  # nothing listens on port 1
    ("sqlite:////nonexistent/folder/intranet.sqlite", "neodpovídá"),
])
def test_an_unusable_database_is_said_in_one_line_at_start(url, said, tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("INTRANET_")}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "routes"],
                          cwd=Path(__file__).parent.parent, capture_output=True, text=True,
                          env={**env, "DATABASE_URL": url}, timeout=60)
    assert done.returncode == 3  # gunicorn's boot error: it stops instead of retrying
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert done.stderr.startswith("Databáze: ") and said in done.stderr


def start(env_changes: dict, database: str) -> subprocess.CompletedProcess:
    """A process of the app as any host starts one (wsgi.py), on this database."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("INTRANET_")}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "routes"],
                          cwd=Path(__file__).parent.parent, capture_output=True, text=True,
                          env={**env, "DATABASE_URL": database, **env_changes}, timeout=60)


def test_a_host_with_another_secret_key_does_not_start(database_url, tmp_path):
    """Issue #26: sessions and signed links made on one host must hold on the others; a
    host with a missing (so generated) or different key says so in one line and stops."""
    folder = {"INTRANET_ATTACHMENT_DIR": str(tmp_path / "attachments")}
    first = start({**folder, "INTRANET_SECRET_KEY": "klic-vsech-serveru"}, database_url)
    assert first.returncode == 0, first.stderr
    other = start({**folder, "INTRANET_SECRET_KEY": "jiny-klic"}, database_url)
    assert other.returncode == 3 and other.stderr.strip().count("\n") == 0
    assert other.stderr.startswith("Tajný klíč: ") and "Traceback" not in other.stderr
    assert start({**folder, "INTRANET_SECRET_KEY": "klic-vsech-serveru"},
                 database_url).returncode == 0
    changed = {**folder, "INTRANET_SECRET_KEY": "jiny-klic"}
    assert start({**changed, "INTRANET_ACCEPT_NEW_SECRET_KEY": "true"},
                 database_url).returncode == 0  # changed on purpose on every host
    assert start(changed, database_url).returncode == 0
    assert start({**folder, "INTRANET_SECRET_KEY": "klic-vsech-serveru"},
                 database_url).returncode == 3


def test_attachments_storage_that_cannot_be_written_stops_the_start(database_url, tmp_path):
    blocked = tmp_path / "soubor"
    blocked.write_text("not a folder")
    done = start({"INTRANET_SECRET_KEY": "klic", "INTRANET_ATTACHMENT_DIR":
                  str(blocked / "prilohy")}, database_url)
    assert done.returncode == 3 and done.stderr.strip().count("\n") == 0
    assert done.stderr.startswith("Přílohy: ") and "nelze zapisovat" in done.stderr


def test_metrics_for_the_allowed_addresses_only(app, client, create_member, make_app):
    """Issue #26: request latency, the outbox's backlog and the heartbeats' ages, in
    Prometheus's format, for METRICS_ALLOWED_IPS; anybody else gets 403."""
    client.login(create_member())
    client.get("/directory")
    worker._beat(app)
    text = client.get("/metrics").get_data(as_text=True)
    assert 'intranet_request_seconds_count{endpoint="organisations.directory"' in text
    assert "intranet_outbox_backlog 0.0" in text
    assert 'intranet_heartbeat_age_seconds{process="worker"} 0.0' in text
    outside = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert outside.status_code == 403 and "intranet_" not in outside.get_data(as_text=True)
    network = make_app(METRICS_ALLOWED_IPS=["10.0.0.0/8"]).test_client()
    assert network.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert network.get("/metrics").status_code == 403  # 127.0.0.1 is not listed there


def test_logs_are_one_json_object_a_line_when_configured(make_app, capsys):
    root = logging.getLogger()
    kept = root.handlers[:], root.level
    try:
        app = make_app(LOG_FORMAT="json")
        app.test_client().get("/login")
        with app.test_request_context("/zkouska"):
            app.logger.warning("Zkouška: žluťoučký kůň")
    finally:
        root.handlers[:], _ = kept
        root.setLevel(kept[1])
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    request = next(line for line in lines if line["logger"] == "intranet.requests")
    assert request["path"] == "/login" and request["status"] == 200 and request["ms"] > 0
    warning = next(line for line in lines if line["level"] == "WARNING")
    assert warning["message"] == "Zkouška: žluťoučký kůň" and warning["path"] == "/zkouska"
    assert {"time", "logger", "method", "client"} <= set(warning)
