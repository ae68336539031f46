"""Delivery you can trust (issue #9): a list message to 1,000 recipients through a real SMTP
server that refuses, fails part-way, bounces some, is shared by two deliverers, or outlives a
deliverer killed mid-batch: each recipient gets the message, exactly once where the design
promises it and within the stated bound after a crash."""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from intranet.accounts.models import Member
from intranet.database import utcnow
from intranet.extensions import db
from intranet.mail import deliverer
from intranet.mail.deliverer import deliver_due, release_stale_claims
from intranet.mail.models import BounceStreak, DeliveryStatus, OutboxDelivery
from intranet.mail.services import unreachable_members
from intranet.mailing import services
from intranet.mailing.models import ListKind, ListPost, MailingList
from intranet.meetings.notifications import resend, send_invitations
from intranet.policy import Role
from intranet.text import czech_key

from .conftest import Recorder, smtp_config

RECIPIENTS = 1000
ROOT = Path(__file__).parent.parent


@pytest.fixture
def app_overrides(smtp_server):
    return smtp_config(smtp_server)


def add_members(organisation, count: int) -> None:
    """Many active members at once (the territory's list is every active member)."""
    db.session.execute(sa.insert(Member), [
        {"email": f"clen{n}@obec.test", "first_name": "Člen", "last_name": f"Číslo {n}",
         "organisation_id": organisation.id, "search_key": f"clen cislo {n}",
         "sort_key": czech_key(f"Číslo {n}"), "password_hash": "x"} for n in range(count)])
    db.session.commit()


@pytest.fixture
def announced(create_organisation):
    """A message to the territory's list of RECIPIENTS members, queued."""
    add_members(create_organisation(), RECIPIENTS)
    territory = db.session.scalar(sa.select(MailingList).filter_by(kind=ListKind.TERRITORY))
    author = db.session.scalar(sa.select(Member).order_by(Member.id))
    services.post(territory, author, "Oznámení", "Zítra je úřad zavřený.")
    return {f"clen{n}@obec.test" for n in range(RECIPIENTS)}


def copies(server) -> Counter:
    return Counter(rcpt for envelope in server.recorder.envelopes for rcpt in envelope.rcpt_tos)


def swap_handler(server, handler) -> None:
    server.stop()
    server.recorder = handler
    server.start()


class FailingPartWay(Recorder):
    """Accepts `accept` messages, then answers every recipient with `reply` (until fixed)."""

    def __init__(self, accept: int, reply: str):
        super().__init__()
        self.accept, self.reply, self.fixed = accept, reply, False

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if not self.fixed and len(self.envelopes) >= self.accept:
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"


class FailingAtMail(FailingPartWay):
    """FailingPartWay, refusing at MAIL FROM rather than at RCPT TO."""

    async def handle_MAIL(self, server, session, envelope, address, options):  # noqa: N802
        if not self.fixed and len(self.envelopes) >= self.accept:
            return self.reply
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.mark.parametrize("failing", [FailingPartWay, FailingAtMail], ids=["rcpt", "mail"])
def test_421_part_way_then_recovering_gives_each_recipient_one_copy(smtp_server, announced,
                                                                     failing):
    handler = failing(accept=300, reply="421 closing the connection")
    swap_handler(smtp_server, handler)
    first = deliver_due()  # (over several connections: a few may pass before the refusals)
    assert 300 <= first["sent"] < 320
    # 421: the server is closing, no message's fault: nothing failed, no attempt counted
    # (issue #25: the message being sent was charged one), the rest waits for the next pass.
    assert first["failed"] == 0
    waiting = sa.select(sa.func.count()).where(OutboxDelivery.status == DeliveryStatus.PENDING)
    assert db.session.scalar(waiting.where(OutboxDelivery.attempts == 0)) \
        == RECIPIENTS - first["sent"]
    handler.fixed = True
    assert deliver_due()["sent"] == RECIPIENTS - first["sent"]
    assert copies(smtp_server) == Counter(dict.fromkeys(announced, 1))


class RefusingOneConnection(Recorder):
    """Answers 421 (closing) once, to one connection, at its 30th recipient."""

    def __init__(self):
        super().__init__()
        self.seen, self.refused = Counter(), False

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        self.seen[id(session)] += 1
        if not self.refused and self.seen[id(session)] == 30:
            self.refused = True
            return "421 closing the connection"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_connection_refused_part_way_leaves_its_batch_to_the_others(smtp_server, announced):
    """The connections take a batch's messages one by one: when the server closes one, the
    others send the rest of its batch, the pass goes on, and the message refused goes again
    in a later batch: everyone gets one copy in the one pass, no attempt counted."""
    swap_handler(smtp_server, RefusingOneConnection())
    assert deliver_due() == {"sent": RECIPIENTS, "failed": 0, "bounced": 0, "cancelled": 0}
    assert copies(smtp_server) == Counter(dict.fromkeys(announced, 1))
    assert db.session.scalar(sa.select(sa.func.max(OutboxDelivery.attempts))) == 1


def test_451_part_way_is_retried_later_and_each_recipient_gets_one_copy(smtp_server, announced):
    handler = FailingPartWay(accept=500, reply="451 try again later")
    swap_handler(smtp_server, handler)
    first = deliver_due()
    assert 500 <= first["sent"] < 520 and first["sent"] + first["failed"] == RECIPIENTS
    handler.fixed = True
    assert deliver_due()["sent"] == 0  # backing off
    assert deliver_due(now=utcnow() + timedelta(minutes=2))["sent"] == RECIPIENTS - first["sent"]
    assert copies(smtp_server) == Counter(dict.fromkeys(announced, 1))


def test_refused_connections_lose_nobody(smtp_server, announced):
    smtp_server.stop()
    assert deliver_due() == {"sent": 0, "failed": 0, "bounced": 0, "cancelled": 0}
    smtp_server.start()
    assert deliver_due()["sent"] == RECIPIENTS
    assert copies(smtp_server) == Counter(dict.fromkeys(announced, 1))


class BouncingSome(Recorder):
    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if address.endswith("7@obec.test"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_5xx_recipients_bounce_and_are_not_retried(smtp_server, announced):
    swap_handler(smtp_server, BouncingSome())
    result = deliver_due()
    bounced = {a for a in announced if a.endswith("7@obec.test")}
    assert result["bounced"] == len(bounced) and result["sent"] == RECIPIENTS - len(bounced)
    assert deliver_due(now=utcnow() + timedelta(days=1)) == {
        "sent": 0, "failed": 0, "bounced": 0, "cancelled": 0}
    assert copies(smtp_server) == Counter(dict.fromkeys(announced - bounced, 1))
    errors = db.session.scalars(sa.select(OutboxDelivery.last_error).where(
        OutboxDelivery.status == DeliveryStatus.BOUNCED)).all()
    assert len(errors) == len(bounced) and all("550" in e for e in errors)


class Slow(Recorder):
    def __init__(self, seconds: float = 0.005):
        super().__init__()
        self.seconds = seconds

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        time.sleep(self.seconds)
        return await super().handle_DATA(server, session, envelope)


def test_two_deliverers_at_once_send_nothing_twice(app, smtp_server, announced):
    swap_handler(smtp_server, Slow(0.001))  # slow enough for both to have work
    db.session.commit()
    results, errors, start = [], [], threading.Barrier(2)

    def run():
        try:
            start.wait()
            with app.app_context():
                results.append(deliver_due(batch=50))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r["sent"] for r in results) == RECIPIENTS
    assert all(r["sent"] > 0 for r in results), results  # both worked
    assert copies(smtp_server) == Counter(dict.fromkeys(announced, 1))


DELIVERER = """
import sys
from intranet import create_app
from intranet.mail.deliverer import deliver_due
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "test-secret",
                  "MAIL_SMTP_HOST": "127.0.0.1", "MAIL_SMTP_PORT": int(sys.argv[2]),
                  "MAIL_BATCH_SIZE": 50, "SERVER_NAME": "intranet.test",
                  "MAIL_FROM": "Intranet <intranet@intranet.test>"})
with app.app_context():
    print("started", flush=True)
    deliver_due()
"""


def test_a_deliverer_killed_mid_batch_loses_nobody(app, smtp_server, announced):
    swap_handler(smtp_server, Slow())
    db.session.commit()
    process = subprocess.Popen(
        [sys.executable, "-c", DELIVERER, app.config["SQLALCHEMY_DATABASE_URI"],
         str(smtp_server.port)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 30
    while len(smtp_server.recorder.envelopes) < 120 and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    sent_before_kill = len(smtp_server.recorder.envelopes)
    assert 120 <= sent_before_kill < RECIPIENTS, "the deliverer was not killed mid-delivery"
    db.session.expire_all()
    assert release_stale_claims() == 0  # the claim is fresh: its deliverer might be alive
    assert release_stale_claims(now=utcnow() + timedelta(hours=1)) > 0
    deliver_due()
    received = copies(smtp_server)
    assert set(received) == announced  # nobody lost
    duplicates = sum(n - 1 for n in received.values())
    # At most the batch in flight and the one before it, if it was being recorded
    # (MAIL_BATCH_SIZE in the deliverer: 50).
    assert duplicates <= 100


def test_administrators_see_why_mail_bounced_and_who_receives_nothing(
        client, smtp_server, announced, create_member):
    swap_handler(smtp_server, BouncingSome())
    deliver_due()
    territory = db.session.scalar(sa.select(MailingList).filter_by(kind=ListKind.TERRITORY))
    author = db.session.scalar(sa.select(Member).order_by(Member.id))
    services.post(territory, author, "Druhé oznámení", "Text")  # bounces a second time
    deliver_due()
    admin = create_member(Role.ADMIN)
    client.login(admin)
    post = db.session.scalar(sa.select(ListPost).order_by(ListPost.id))
    page = client.get(f"/lists/{territory.id}/posts/{post.id}/progress").get_data(as_text=True)
    assert "Komu zpráva nedošla a proč" in page
    assert "clen7@obec.test" in page and "Adresa neexistuje" in page
    assert "clen8@obec.test" not in page
    outbox = client.get("/admin/mail?status=bounced").get_data(as_text=True)
    assert "Komu pošta přestala docházet" in outbox
    assert "clen17@obec.test" in outbox and "2 odmítnuté zprávy od" in outbox
    assert "clen18@obec.test" not in outbox


def test_a_message_that_gets_through_ends_the_streak_of_refusals(
        client, smtp_server, announced, create_member):
    territory = db.session.scalar(sa.select(MailingList).filter_by(kind=ListKind.TERRITORY))
    author = db.session.scalar(sa.select(Member).order_by(Member.id))
    swap_handler(smtp_server, BouncingSome())
    deliver_due()
    services.post(territory, author, "Druhé oznámení", "Text")
    deliver_due()
    streaks = {s.email: s for s in unreachable_members()}
    assert set(streaks) == {a for a in announced if a.endswith("7@obec.test")}
    assert streaks["clen7@obec.test"].bounces == 2
    assert "550" in streaks["clen7@obec.test"].last_error
    assert unreachable_members(days=30, bounces=3) == []
    swap_handler(smtp_server, Recorder())  # the addresses were put right
    services.post(territory, author, "Třetí oznámení", "Text")
    deliver_due()
    assert unreachable_members() == []
    client.login(create_member(Role.ADMIN))
    assert "Komu pošta přestala docházet" not in client.get("/admin/mail").get_data(as_text=True)


def test_refusals_long_ago_are_no_longer_listed(smtp_server, announced):
    swap_handler(smtp_server, BouncingSome())
    deliver_due()
    territory = db.session.scalar(sa.select(MailingList).filter_by(kind=ListKind.TERRITORY))
    author = db.session.scalar(sa.select(Member).order_by(Member.id))
    services.post(territory, author, "Druhé oznámení", "Text")
    deliver_due()
    refused = {a for a in announced if a.endswith("7@obec.test")}
    assert len(unreachable_members()) == len(refused)
    db.session.execute(sa.update(BounceStreak).values(last_at=utcnow() - timedelta(days=40)))
    assert unreachable_members() == []
    assert len(unreachable_members(days=60)) == len(refused)


@pytest.mark.parametrize("error, meaning", [
    ("(550, b'5.1.1 no such mailbox')", "Adresa neexistuje"),
    ("552 5.2.2 Mailbox full", "Schránka příjemce je plná"),
    ("554 5.7.1 rejected as spam", "odmítl (např. jako nevyžádanou)"),
    ("451 try again later", "dočasně odmítl"),
    ("[Errno 111] Connection refused", "nebyl dostupný"),
    ("Zprávu nelze sestavit: header contains newline", "nelze sestavit"),
])
def test_causes_are_told_in_plain_czech(app, error, meaning):
    from intranet.mail.causes import cause_in_czech

    with app.test_request_context():
        assert meaning in cause_in_czech(error)


def test_a_batch_counts_only_refusals_after_the_last_message_that_got_through(
        app, create_member):
    from intranet.mail.deliverer import Claimed, Outcome, _keep_bounce_streaks

    member = create_member()
    claimed = [Claimed(n, 1, member.email, member.id, 0) for n in range(1, 5)]
    refused = "550 5.1.1 no such mailbox"
    # the connections' shares come back one after the other: 2 was sent after 1 bounced
    _keep_bounce_streaks(Outcome(sent=[claimed[1]], failed=[
        (claimed[0], refused, DeliveryStatus.BOUNCED)], cancelled=[], unclaimed=[]))
    assert db.session.scalars(sa.select(BounceStreak)).all() == []
    _keep_bounce_streaks(Outcome(sent=[claimed[1]], failed=[
        (claimed[3], refused, DeliveryStatus.BOUNCED), (claimed[2], "451 later", None),
        (claimed[0], refused, DeliveryStatus.BOUNCED)], cancelled=[], unclaimed=[]))
    streak = db.session.scalars(sa.select(BounceStreak)).one()
    assert (streak.member_id, streak.bounces) == (member.id, 1)  # only 4: after 2, refused


# --- exactly once when the database or the server stalls (issue #25) ----------------------

def hold_write_lock(url: str, seconds: float, held: threading.Event,
                    whole_table: bool = False) -> threading.Thread:
    """Another connection keeps the deliveries locked for `seconds`: SQLite's write lock,
    PostgreSQL's row locks of the deliveries being sent (or the whole table against any
    change). `held` is set once it holds them."""
    def run():
        if url.startswith("sqlite"):
            connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
            connection.execute("BEGIN IMMEDIATE")
        else:
            connection = psycopg.connect(url.replace("postgresql+psycopg", "postgresql"))
            connection.execute(
                "LOCK TABLE outbox_delivery IN SHARE ROW EXCLUSIVE MODE" if whole_table else
                "SELECT id FROM outbox_delivery WHERE status = 'sending' FOR UPDATE")
        held.set()
        time.sleep(seconds)
        connection.rollback()
        connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


class LockingAtFirstMessage(Recorder):
    """Accepts every message; at the first, another connection starts holding the lock."""

    def __init__(self, url: str, seconds: float):
        super().__init__()
        self.url, self.seconds, self.held, self.holder = url, seconds, threading.Event(), None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.holder is None:
            self.holder = hold_write_lock(self.url, self.seconds, self.held)
            self.held.wait(5)
        return await super().handle_DATA(server, session, envelope)


def brief_lock_waits(url: str) -> dict:
    """Engine options under which a lock held for 0.2 s makes a statement fail."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 0.2}}
    return {"connect_args": {"options": "-c lock_timeout=200"}}


def test_a_lock_held_longer_than_the_busy_timeout_sends_nothing_twice(
        make_app, app, smtp_server, announced, caplog):
    """Recording the batch fails while the lock is held (longer than the busy timeout); it
    is retried with the outcome in memory, so the batch is not sent again."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    handler = LockingAtFirstMessage(url, seconds=2.0)
    swap_handler(smtp_server, handler)
    db.session.commit()
    stalled = make_app(**smtp_config(smtp_server), MAIL_BATCH_SIZE=100,
                       SQLALCHEMY_ENGINE_OPTIONS=brief_lock_waits(url))
    with stalled.app_context():
        first = deliver_due()
        release_stale_claims(now=utcnow() + timedelta(hours=1))  # as if long after
        second = deliver_due()
    handler.holder.join()
    assert "recording a batch failed" in caplog.text  # the lock did bite
    sent_once_each(smtp_server, announced, first, second)


def sent_once_each(smtp_server, announced: set, *passes: dict) -> None:
    """Every recipient got one copy over the passes, and every delivery is recorded sent."""
    assert sum(counts["sent"] for counts in passes) == RECIPIENTS
    assert copies(smtp_server) == Counter(dict.fromkeys(announced, 1))
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).where(
        OutboxDelivery.status != DeliveryStatus.SENT)) == 0


def test_a_lock_when_the_next_batch_is_claimed_sends_nothing_twice(
        make_app, app, smtp_server, announced, caplog, monkeypatch):
    """The lock starts just as the next batch is claimed, while the first goes out: the claim
    is given up (the next pass makes it), the first batch is still recorded once the lock
    goes, and nothing is sent twice."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    stalled = make_app(**smtp_config(smtp_server), MAIL_BATCH_SIZE=100,
                       SQLALCHEMY_ENGINE_OPTIONS=brief_lock_waits(url))
    claim, held, claims, holders = deliverer._claim_batch, threading.Event(), [], []

    def locked_at_second_claim(*args):
        claims.append(args)
        if len(claims) == 2:  # the first batch is going out
            holders.append(hold_write_lock(url, 2.0, held, whole_table=True))
            held.wait(5)
        return claim(*args)

    monkeypatch.setattr(deliverer, "_claim_batch", locked_at_second_claim)
    db.session.commit()
    with stalled.app_context():
        first = deliver_due()
        monkeypatch.undo()
        release_stale_claims(now=utcnow() + timedelta(hours=1))  # as if long after
        second = deliver_due()
    holders[0].join()
    assert "claiming the next batch failed" in caplog.text
    assert "recording a batch failed" in caplog.text
    assert first["sent"] == 100
    sent_once_each(smtp_server, announced, first, second)


def test_a_slow_server_and_two_deliverers_send_nothing_twice(
        make_app, app, smtp_server, create_member, create_group):
    """Scaled down: a claim is stale after 1.5 s and a batch of 8 takes 4 s to go out. The
    deliverer renews its claim meanwhile (every 0.375 s), so the other one, releasing stale
    claims all the while, finds nothing to send again. (At 0.5 s a busy machine, e.g. the
    whole suite on two cores, once delayed a renewal past the stale time.)"""
    members = [create_member(first_name="Člen", last_name=f"Pomalý {n}") for n in range(7)]
    group = create_group(number=9, name="Pomalá", members=members)
    mailing_list = db.session.scalar(sa.select(MailingList).filter_by(group_id=group.id))
    services.post(mailing_list, members[0], "Pomalá pošta", "Text.")
    swap_handler(smtp_server, Slow(0.5))
    db.session.commit()
    slow = make_app(**smtp_config(smtp_server), MAIL_STALE_CLAIM_SECONDS=1.5,
                    MAIL_BATCH_SIZE=8, MAIL_SMTP_CONNECTIONS=1)
    finished, errors = threading.Event(), []

    def first():
        with slow.app_context():
            try:
                deliver_due()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                finished.set()

    def second():
        with slow.app_context():
            while not finished.is_set():
                release_stale_claims()
                deliver_due()
                time.sleep(0.05)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    time.sleep(0.1)  # the first claims the whole batch
    threads[1].start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert copies(smtp_server) == Counter(dict.fromkeys((m.email for m in members), 1))


def test_8bit_mail_is_announced_as_8bitmime_or_sent_as_7bit(smtp_server, create_member,
                                                           create_group, create_meeting):
    """RFC 6152: a personal (8-bit) message says BODY=8BITMIME where the server offers it,
    and travels as 7-bit where it does not."""
    member = create_member(first_name="Žofie", last_name="Šťastná")
    meeting = create_meeting(create_group(members=[member]), invited=False)
    send_invitations(meeting)
    deliver_due()
    [envelope] = smtp_server.recorder.envelopes
    assert "BODY=8BITMIME" in envelope.mail_options and not envelope.original_content.isascii()
    smtp_server.stop()
    smtp_server.controller = Controller(smtp_server.recorder, hostname="127.0.0.1",
                                        port=smtp_server.port, decode_data=True)
    smtp_server.controller.start()
    resend(meeting, member.id)
    db.session.commit()
    deliver_due()
    envelope = smtp_server.recorder.envelopes[-1]
    assert "BODY=8BITMIME" not in envelope.mail_options
    data = envelope.content.encode() if isinstance(envelope.content, str) else envelope.content
    assert data.isascii()
    copy = message_from_bytes(data, policy=policy.default)
    assert "Radnice, zasedací místnost" in copy.get_body(("plain",)).get_content()
