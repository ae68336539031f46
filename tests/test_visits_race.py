"""The race the visits issue asks for, through the real HTTP stack: gunicorn with several
workers and threads on a SQLite file, driven by several client processes with many threads
each. 1,000 members sign up for 5 places at once: exactly 5 get a place, the rest wait in
the order of their numbers, nobody twice, no number twice, no error. Then the 5 with a place
and 20 waiting members cancel at once: the places go to the first waiting, the count stays
exact. And one member posting the sign-up 20 times at once is signed up once."""

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from intranet import create_app
from intranet.accounts.models import Member
from intranet.accounts.passwords import hash_password
from intranet.database import utcnow
from intranet.extensions import db
from intranet.mail.models import OutboxDelivery, OutboxMessage
from intranet.organisations.models import Municipality, Organisation, OrganisationKind
from intranet.policy import Role
from intranet.text import czech_key, fold
from intranet.visits.models import Registration, Status, VisitSlot

from .conftest import CHEAP_ARGON2, PASSWORD, app_config, free_port
from .http_browser import Browser, wait_until_healthy
from .http_race import describe, errors_of, offer_visit, run_clients

ROOT = Path(__file__).parent.parent
MEMBERS = 1000
PLACES = 5
CLIENT_PROCESSES = 4
THREADS_PER_PROCESS = 25
SERVER_WORKERS = 4
SERVER_THREADS = 4
RACE_TITLE = "Výměnná stáž v sociálních službách"
TWICE_TITLE = "Exkurze do chráněného bydlení"


# --- the site: a file database and gunicorn on it -----------------------------------------

def member_email(n: int) -> str:
    return f"ucastnik{n:04d}@example.org"


def add_members(organisations: list[Organisation], count: int, password_hash: str) -> None:
    """Many active members at once (bulk INSERT: the @validates keys are computed here)."""
    now = utcnow()
    db.session.execute(sa.insert(Member), [
        {"email": member_email(n), "first_name": "Účastník", "last_name": f"Číslo {n}",
         "organisation_id": organisations[n % len(organisations)].id, "role": Role.MEMBER,
         "password_hash": password_hash, "activated_at": now,
         "search_key": fold(f"Účastník Číslo {n}"), "sort_key": czech_key(f"Číslo {n}",
                                                                          "Účastník")}
        for n in range(1, count + 1)])


@pytest.fixture(scope="module")
def site(databases, tmp_path_factory):
    """1,001 members and two visits of 5 places prepared in the test's own app, then
    gunicorn (SERVER_WORKERS × SERVER_THREADS) serving the file: yields the test's app (to
    read the database), the address, the visits' (id, slot id) and gunicorn's log."""
    tmp = tmp_path_factory.mktemp("visits_race")
    database_url = databases.fresh(tmp)
    app = create_app(app_config(database_url, tmp))
    with app.app_context():
        municipality = Municipality(name="Testov", orp="ORP Testov")
        organisations = [Organisation(name=f"Organizace {n}", kind=OrganisationKind.NGO,
                                      municipality=municipality) for n in range(1, 11)]
        organiser = Member(email="organizatorka@example.org", first_name="Olga",
                           last_name="Organizátorová", role=Role.SECRETARY,
                           organisation=organisations[0], password_hash=hash_password(PASSWORD),
                           activated_at=utcnow())
        db.session.add_all([*organisations, organiser])
        db.session.commit()
        add_members(organisations, MEMBERS + 1, organiser.password_hash)  # +1: the double poster
        db.session.commit()
        race = offer_visit(organiser, RACE_TITLE, PLACES)
        twice = offer_visit(organiser, TWICE_TITLE, PLACES)
        db.session.remove()
        db.engine.dispose()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("INTRANET_")}
    env.update({"DATABASE_URL": database_url, "INTRANET_SECRET_KEY": "race-secret",
                "INTRANET_PASSWORD_HASH": json.dumps(CHEAP_ARGON2),
                "INTRANET_MAIL_MAILDIR": str(tmp / "maildir"),
                "INTRANET_ATTACHMENT_DIR": str(tmp / "attachments"),
                "INTRANET_PUBLIC_URL": base, "PYTHONPATH": str(ROOT),
                "WEB_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(SERVER_WORKERS),
                "WEB_THREADS": str(SERVER_THREADS), "WEB_ACCESS_LOG": ""})
    log_path = tmp / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py",
             "--timeout", "120", "--graceful-timeout", "5", "--no-control-socket", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_healthy(base, server, log_path)
        yield {"app": app, "base": base, "race": race, "twice": twice, "log": log_path}
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        databases.drop(database_url)


def server_errors(log_path: Path) -> str:
    """What gunicorn and the app logged beyond start-up and shut-down: tracebacks."""
    lines = [line for line in log_path.read_text().splitlines() if "[INFO]" not in line]
    return "\n".join(lines[-200:])


# --- reading the database -----------------------------------------------------------------

def registrations(slot_id: int) -> list[Registration]:
    return db.session.scalars(sa.select(Registration).where(Registration.slot_id == slot_id)
                              .order_by(Registration.number)).all()


def visit_mail(title: str) -> list[tuple[int, str, str]]:
    """The visit's queued mail in the order queued: (member id, subject, text)."""
    return db.session.execute(
        sa.select(OutboxDelivery.member_id, OutboxMessage.subject, OutboxMessage.body_text)
        .join(OutboxMessage, OutboxMessage.id == OutboxDelivery.message_id)
        .where(OutboxMessage.category == "visits", OutboxMessage.subject.contains(title))
        .order_by(OutboxMessage.id)).all()


def emails_by_id() -> dict[int, str]:
    return dict(db.session.execute(sa.select(Member.id, Member.email)).all())


# --- the tests ----------------------------------------------------------------------------

def test_a_thousand_sign_ups_for_five_places_then_cancellations_at_once(site):
    app, base, log_path = site["app"], site["base"], site["log"]
    visit_id, slot_id = site["race"]
    jobs = [{"kind": "sign_up", "email": member_email(n), "password": PASSWORD,
             "visit_id": visit_id, "slot_id": slot_id} for n in range(1, MEMBERS + 1)]

    statuses, latencies, log_ins, race, _ = run_clients(base, jobs, CLIENT_PROCESSES,
                                                        THREADS_PER_PROCESS)
    print(f"\n{MEMBERS} members from {CLIENT_PROCESSES} client processes × "
          f"{THREADS_PER_PROCESS} threads, gunicorn {SERVER_WORKERS} workers × "
          f"{SERVER_THREADS} threads: logging in and opening the visit's page {log_ins:.1f} s; "
          f"then {MEMBERS} sign-up forms sent at once: {race:.1f} s, "
          f"{MEMBERS / race:.0f} sign-ups/s; a sign-up POST took {describe(latencies)}")
    print(dict(sorted(statuses.items())))
    errors = errors_of(statuses)
    assert errors == [], f"{len(errors)} errors, e.g. {errors[:5]}\n{server_errors(log_path)}"
    for step, status in (("GET /login", 200), ("POST /login", 302), ("GET visit", 200),
                         ("POST sign-up", 302)):
        assert statuses[f"{step} {status}"] == MEMBERS, (step, statuses)
    assert sum(statuses.values()) == 4 * MEMBERS  # no other status anywhere

    with app.app_context():
        emails = emails_by_id()
        rows = registrations(slot_id)
        slot = db.session.get(VisitSlot, slot_id)
        assert len(rows) == MEMBERS
        assert sorted(emails[row.member_id] for row in rows) == [
            member_email(n) for n in range(1, MEMBERS + 1)]  # each member once
        assert [row.number for row in rows] == list(range(1, MEMBERS + 1))  # each number once
        assert [row.status for row in rows] == (
            [Status.CONFIRMED] * PLACES + [Status.WAITING] * (MEMBERS - PLACES))
        assert all(row.confirmed_at is not None for row in rows[:PLACES])
        assert (slot.taken, slot.last_number) == (PLACES, MEMBERS)
        # What each member was told: a place, or their place on the waitlist, in order.
        mail = visit_mail(RACE_TITLE)
        assert sorted(member_id for member_id, _, _ in mail) == sorted(
            row.member_id for row in rows)  # one message each
        told = {member_id: (subject, text) for member_id, subject, text in mail}
        for row in rows:
            subject, text = told[row.member_id]
            if row.status is Status.CONFIRMED:
                assert subject.startswith("Máte místo:"), subject
            else:
                assert subject.startswith("Čekací listina:"), subject
                assert f"jste {row.number - PLACES}. v pořadí" in text
        by_number = {row.number: row.member_id for row in rows}
        db.session.remove()

    # The 5 with a place and 20 waiting members cancel at once (each sends the form twice):
    # every place freed goes to the first still waiting.
    waiting_cancelling = [*range(6, 26, 2), *range(100, 1001, 100)]
    cancelling = {by_number[number] for number in [*range(1, PLACES + 1), *waiting_cancelling]}
    jobs = [{"kind": "cancel", "email": emails[member_id], "password": PASSWORD,
             "visit_id": visit_id}
            for member_id in sorted(cancelling)]
    statuses, _, _, elapsed, _ = run_clients(base, jobs, 2, 13)
    print(f"{len(jobs)} cancellations, each sent twice at once: {elapsed:.1f} s")
    print(dict(sorted(statuses.items())))
    errors = errors_of(statuses)
    assert errors == [], f"{len(errors)} errors, e.g. {errors[:5]}\n{server_errors(log_path)}"
    assert statuses["POST cancel 302"] == 2 * len(jobs), statuses

    with app.app_context():
        rows = registrations(slot_id)
        slot = db.session.get(VisitSlot, slot_id)
        confirmed = {row.member_id for row in rows if row.status is Status.CONFIRMED}
        cancelled = {row.member_id for row in rows if row.status is Status.CANCELLED}
        first_still_waiting = [row.member_id for row in rows
                               if row.member_id not in cancelling][:PLACES]
        assert cancelled == cancelling
        assert slot.taken == len(confirmed) == PLACES
        assert confirmed == set(first_still_waiting)
        assert [row.number for row in rows if row.member_id in confirmed] == [7, 9, 11, 13, 15]
        assert Counter(row.status for row in rows) == {
            Status.CONFIRMED: PLACES, Status.CANCELLED: len(cancelling),
            Status.WAITING: MEMBERS - PLACES - len(cancelling)}
        assert all(row.cancelled_at is not None for row in rows if row.member_id in cancelled)
        assert all(row.confirmed_at is not None for row in rows if row.member_id in confirmed)
        # Mail: one cancellation each; a promotion for each place freed (a waiting member
        # may get a place and then cancel it), so the promoted who stayed are the confirmed.
        mail = visit_mail(RACE_TITLE)[MEMBERS:]
        cancellations = Counter(member_id for member_id, subject, _ in mail
                                if subject.startswith("Přihláška zrušena:"))
        promotions = Counter(member_id for member_id, subject, _ in mail
                             if subject.startswith("Uvolnilo se místo a je vaše:"))
        assert len(mail) == sum(cancellations.values()) + sum(promotions.values())
        assert cancellations == Counter(cancelling)
        assert set(promotions.values()) == {1}
        assert set(promotions) - cancelled == confirmed
        db.session.remove()


def test_one_member_sending_the_sign_up_twenty_times_at_once_is_signed_up_once(site):
    app, base, log_path = site["app"], site["base"], site["log"]
    visit_id, slot_id = site["twice"]
    browser = Browser(base)
    browser.log_in(member_email(MEMBERS + 1), PASSWORD)
    token = browser.token("GET visit", f"/visits/{visit_id}")
    form = {"csrf_token": token, "slot_id": slot_id, "note": ""}
    start = threading.Barrier(20)

    def post():
        start.wait()
        return browser.send(f"/visits/{visit_id}/sign-up", form)

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda _: post(), range(20)))
    assert [status for status, _ in answers] == [302] * 20, server_errors(log_path)

    with app.app_context():
        rows = registrations(slot_id)
        slot = db.session.get(VisitSlot, slot_id)
        assert [(row.number, row.status) for row in rows] == [(1, Status.CONFIRMED)]
        assert emails_by_id()[rows[0].member_id] == member_email(MEMBERS + 1)
        assert (slot.taken, slot.last_number) == (1, 1)
        assert [subject for _, subject, _ in visit_mail(TWICE_TITLE)] == [
            f"Máte místo: {TWICE_TITLE}"]
        db.session.remove()
