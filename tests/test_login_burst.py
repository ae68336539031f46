"""A Monday-morning burst of log-ins, scaled down (issue #26; full size and timed in `make
bench`): gunicorn with the shipped configuration and passwords hashed at the production
parameters; 20 members log in at once while others keep loading pages. Every log-in and
every page is answered; the hashes run in threads of lower CPU priority."""

import os
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from intranet import create_app
from intranet.accounts.passwords import _in_hashing_thread
from intranet.config import DEFAULTS
from intranet.extensions import db
from intranet.organisations.models import Municipality, Organisation, OrganisationKind

from .conftest import PASSWORD, app_config
from .http_browser import Browser, host_env, start_gunicorn
from .test_visits_race import add_members, member_email

ROOT = Path(__file__).parent.parent
BURST, BROWSERS = 20, 4


def test_hashes_run_at_a_lower_cpu_priority_than_requests():
    me = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    hashing = _in_hashing_thread(
        lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
    assert hashing == me + 10 or hashing == 19  # (a process already at 10+ is capped)


@pytest.fixture
def site(database_url, tmp_path):
    app = create_app(app_config(database_url, tmp_path))
    with app.app_context():
        town = Municipality(name="Lipová", orp="ORP Lipová")
        db.session.add(Organisation(name="Obecní úřad", kind=OrganisationKind.MUNICIPALITY,
                                    municipality=town))
        db.session.commit()
        real = PasswordHasher(**DEFAULTS["PASSWORD_HASH"]).hash(PASSWORD)
        add_members(db.session.scalars(sa.select(Organisation)).all(), BURST + BROWSERS, real)
        db.session.commit()
        db.session.remove()
    server, base = start_gunicorn(host_env(database_url, tmp_path), tmp_path)
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=15)
        with app.app_context():
            db.engine.dispose()


def test_a_burst_of_log_ins_leaves_every_page_answered(site):
    browsers = [Browser(site) for _ in range(BROWSERS)]
    for n, browser in enumerate(browsers, start=BURST + 1):
        browser.log_in(member_email(n), PASSWORD)
    start, done, answers = threading.Barrier(BURST), threading.Event(), []

    def log_in(n):
        browser = Browser(site)
        token = browser.token("GET /login", "/login")
        start.wait()
        answers.append(("log-in", browser.send("/login", {
            "csrf_token": token, "email": member_email(n), "password": PASSWORD})[0]))

    def browse(browser):
        while not done.is_set():
            answers.append(("page", browser.get("/directory")[0]))

    logins = [threading.Thread(target=log_in, args=(n,)) for n in range(1, BURST + 1)]
    pages = [threading.Thread(target=browse, args=(b,)) for b in browsers]
    for thread in [*pages, *logins]:
        thread.start()
    for thread in logins:
        thread.join()
    done.set()
    for thread in pages:
        thread.join()
    assert [status for kind, status in answers if kind == "log-in"] == [302] * BURST
    page_statuses = [status for kind, status in answers if kind == "page"]
    assert page_statuses and set(page_statuses) == {200}
