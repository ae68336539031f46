"""Benchmark: the member list at 10,000 recipients (issue #9).

1. Publishing minutes to a group of 10,000 members, and sending a meeting's invitations to
   them: the request only writes the outbox (one stored message, one delivery row per
   recipient). Target: under 100 ms.
2. Delivering a member's announcement, those minutes and the invitation (each member's
   answer links and calendar attendee filled in), each to 10,000 recipients
   with the real deliverer through a local aiosmtpd server (in a process of its own, as a
   mail server is), each copy personalised (To, its own unsubscribe link in a header and in
   both text parts), against plain smtplib sending the same 10,000 copies, made ready
   beforehand (the same bytes), over one reused connection to the same server, measured
   side by side. Targets: at least 1,000 messages per second, and at least 0.7× plain
   smtplib.
3. The server's ceiling: the same ready-made copies over as many connections at once as
   the deliverer uses (MAIL_SMTP_CONNECTIONS). Target: the deliverer at least 0.9× of it.

Everything on SQLite and on PostgreSQL (a throwaway cluster), one after the other. Run with
`make bench` or `python bench/bench_mail.py [--db sqlite|postgresql] [--profile]` (a cProfile
of the delivery).
"""

import contextlib
import cProfile
import os
import pstats
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).parent.parent))
from bench.bench_pages import analyze, option, selected_databases, start_cluster  # noqa: E402
from bench.cpu import process_seconds, tree_seconds  # noqa: E402
from intranet import create_app, words  # noqa: E402
from intranet.accounts.models import Member  # noqa: E402
from intranet.database import utcnow  # noqa: E402
from intranet.extensions import db  # noqa: E402
from intranet.groups.models import GroupMembership, WorkingGroup  # noqa: E402
from intranet.mail.deliverer import (  # noqa: E402
    build_email,
    built_message,
    deliver_due,
    personalised,
)
from intranet.mail.models import DeliveryStatus, OutboxDelivery, OutboxMessage  # noqa: E402
from intranet.mailing import services as lists  # noqa: E402
from intranet.mailing.models import ListKind, MailingList  # noqa: E402
from intranet.meetings.models import Meeting, Participation  # noqa: E402
from intranet.meetings.notifications import send_invitations  # noqa: E402
from intranet.minutes import services as minutes  # noqa: E402
from intranet.organisations.models import Municipality, Organisation  # noqa: E402
from intranet.policy import Role  # noqa: E402
from intranet.text import czech_key  # noqa: E402

RECIPIENTS = 10_000
PUBLICATIONS = 5
MAX_PUBLISH_MS, MIN_RATE, MIN_SHARE = 100, 1000, 0.7
MIN_CEILING_SHARE = 0.9  # of the server's own ceiling over as many connections
ANNOUNCEMENT = ("Dobrý den,\n\nzveme vás na **školení o dluhovém poradenství** pro sociální "
                "pracovnice a pracovníky obcí. Koná se 12. 1. 2027 od 9:00 na radnici.\n\n"
                "- přihlášky do 5. 1.\n- občerstvení zajištěno\n- kapacita 30 míst\n\n"
                + "Program a podklady pošleme přihlášeným týden předem. " * 10)
TEXT = ("# Zápis z jednání pracovní skupiny\n\n## Program\n\n1. Zahájení\n2. Dluhová poradna\n\n"
        + "Projednány služby pro seniory v obcích, terénní práce a dluhové poradenství. " * 40)


@contextmanager
def smtp_server():
    """A local aiosmtpd server that accepts and discards everything, in a process of its own
    (as a real mail server is): its port and process id."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-c",
                               "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"])
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                break
            time.sleep(0.05)
        yield port, server.pid
    finally:
        server.terminate()
        server.wait()


def build(url: str, port: int):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "MAIL_SMTP_HOST": "127.0.0.1", "MAIL_SMTP_PORT": port,
                      "MAIL_FROM": "Intranet <intranet@obce.example>",
                      "PUBLIC_URL": "https://intranet.obce.example", "MAIL_BATCH_SIZE": 500})
    with app.app_context():
        upgrade()
        _members_and_group()
        analyze()  # as autovacuum (PostgreSQL) or the worker (SQLite) would after the import
    words.prepare()  # as wsgi.py does when a server starts: the Czech words' forms loaded
    return app


def _members_and_group() -> None:
    town = Municipality(name="Obec", orp="ORP")
    organisation = Organisation(name="Úřad", kind="municipality", municipality=town)
    db.session.add(organisation)
    db.session.flush()
    db.session.execute(sa.insert(Member), [
        {"email": f"clen{n}@obce.example", "first_name": "Jana", "last_name": f"Nováková {n}",
         "organisation_id": organisation.id, "search_key": f"jana novakova {n}",
         "sort_key": czech_key(f"Nováková {n}"), "password_hash": "x",
         "role": Role.SECRETARY if n == 0 else Role.MEMBER} for n in range(RECIPIENTS)])
    group = WorkingGroup(number=4, name="Sociální služby", last_meeting_number=PUBLICATIONS)
    db.session.add(group)
    db.session.flush()
    db.session.execute(sa.insert(GroupMembership), [
        {"group_id": group.id, "member_id": member_id, "is_coordinator": member_id == 2}
        for member_id in db.session.scalars(sa.select(Member.id))])
    start = utcnow() - timedelta(days=30)
    for number in range(1, PUBLICATIONS + 1):
        db.session.add(Meeting(group=group, number=number, place="Radnice",
                               starts_at=start + timedelta(days=number),
                               ends_at=start + timedelta(days=number, hours=2)))
    db.session.commit()


def approved_minutes() -> list:
    """Minutes of each meeting, written and approved, ready to be published."""
    writer, approver = db.session.get(Member, 1), db.session.get(Member, 2)
    ready = []
    for meeting in db.session.scalars(sa.select(Meeting).order_by(Meeting.id)):
        item = minutes.start(meeting, writer)
        minutes.save(item, writer, TEXT, item.version)
        minutes.submit(item)
        minutes.approve(item, approver)
        ready.append(item)
    return ready


def time_publishing(app) -> list[float]:
    """Milliseconds of each publication, as the request runs it (signal, outbox, commit)."""
    timings = []
    with app.app_context():
        publisher = db.session.get(Member, 1)
        for item in approved_minutes():
            with app.test_request_context("/", method="POST"):
                started = time.perf_counter()
                assert minutes.publish(item, publisher)
                timings.append((time.perf_counter() - started) * 1000)
    return timings


def announce(app) -> None:
    """A member's announcement (about 1 KB of text) to the territory's list of everyone."""
    with app.app_context():
        territory = db.session.scalar(sa.select(MailingList).filter_by(kind=ListKind.TERRITORY))
        with app.test_request_context("/", method="POST"):
            lists.post(territory, db.session.get(Member, 3), "Školení: dluhové poradenství",
                       ANNOUNCEMENT)


def time_invitations(app) -> float:
    """Milliseconds of sending a meeting's invitations to the group's 10,000 members, as the
    request runs it (rendered once; each member's links and calendar filled in later)."""
    with app.app_context():
        group = db.session.scalar(sa.select(WorkingGroup))
        start = utcnow() + timedelta(days=20)
        meeting = Meeting(group=group, number=PUBLICATIONS + 1, place="Radnice",
                          starts_at=start, ends_at=start + timedelta(hours=2),
                          organiser_id=1)
        db.session.add(meeting)
        db.session.flush()
        db.session.execute(sa.insert(Participation), [
            {"meeting_id": meeting.id, "member_id": member_id}
            for member_id in db.session.scalars(sa.select(Member.id))])
        db.session.commit()
        with app.test_request_context("/", method="POST"):
            started = time.perf_counter()
            assert send_invitations(meeting) == RECIPIENTS
            return (time.perf_counter() - started) * 1000


def messages_to_deliver(app) -> list[tuple[str, int]]:
    """(what, outbox message id) of the announcement, the last minutes and the invitation; the
    deliveries of every other message are set aside, so that each is measured on its own."""
    with app.app_context():
        rows = db.session.execute(sa.select(OutboxMessage.id, OutboxMessage.subject)
                                  .order_by(OutboxMessage.id.desc())).all()
        announcement = next(i for i, subject in rows if subject.startswith("Školení"))
        last_minutes = next(i for i, subject in rows if subject.startswith("Zápis"))
        invitation = next(i for i, subject in rows if subject.startswith("Pozvánka"))
        db.session.execute(sa.update(OutboxDelivery).values(status=DeliveryStatus.CANCELLED))
        db.session.commit()
    return [("announcement", announcement), ("minutes", last_minutes),
            ("meeting invitation", invitation)]


def time_delivery(app, message_id: int, profile: bool) -> float:
    """Messages per second of the real deliverer sending one message to every recipient."""
    with app.app_context():
        db.session.execute(sa.update(OutboxDelivery).where(OutboxDelivery.message_id == message_id)
                           .values(status=DeliveryStatus.PENDING))
        db.session.commit()
        profiler = cProfile.Profile() if profile else contextlib.nullcontext()
        started = time.perf_counter()
        with profiler:
            counts = deliver_due()
        elapsed = time.perf_counter() - started
    assert counts["sent"] == RECIPIENTS, counts
    if profile:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return RECIPIENTS / elapsed


def ready_made(app, message_id: int) -> list[tuple[str, bytes]]:
    """(recipient, message) of each delivery of the message, personalised as the deliverer
    sends it (To, the list's unsubscribe link and footer, the answer links): ready to send,
    the same bytes."""
    with app.app_context():
        built = built_message(message_id, {})
        deliveries = db.session.execute(
            sa.select(OutboxDelivery.id, OutboxDelivery.recipient, OutboxDelivery.member_id)
            .where(OutboxDelivery.message_id == message_id)).all()
        return [(delivery.recipient, personalised(built, delivery)) for delivery in deliveries]


def time_plain_smtplib(app, port: int, message_id: int, connections: int = 1) -> float:
    """Messages per second of smtplib sending the same message, ready-made for each
    recipient, over `connections` connections at once (more than one: the server's
    ceiling for as many connections as the deliverer uses)."""
    ready = ready_made(app, message_id)
    assert len(ready) == RECIPIENTS, len(ready)

    def send(share):
        with smtplib.SMTP("127.0.0.1", port) as connection:
            for recipient, data in share:  # raises unless the server accepts each
                connection.sendmail("intranet@obce.example", [recipient], data)

    started = time.perf_counter()
    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(send, [ready[k::connections] for k in range(connections)]))
    return RECIPIENTS / (time.perf_counter() - started)


@dataclass(frozen=True)
class Run:
    """A sending's rate and where its CPU went: the SMTP server's busy share of the time,
    and the CPU each message took in the server, in the sender (this process: the
    deliverer's connections and claims, or smtplib) and in PostgreSQL (0 on SQLite, whose
    work is the sender's)."""

    rate: float  # messages a second
    server_busy: float
    server_us: float
    sender_us: float
    database_us: float

    def cpu(self) -> str:
        database = f", PostgreSQL {self.database_us:.0f} µs" if self.database_us else ""
        return (f"server {self.server_us:.0f} µs, sender {self.sender_us:.0f} µs"
                f"{database} a message")


def busy(server_pid: int, database_pid: int | None, measure) -> Run:
    """The rate `measure()` returns, and where the CPU went meanwhile."""
    def reading():
        return (process_seconds(server_pid), process_seconds(os.getpid()),
                tree_seconds(database_pid), time.perf_counter())

    before = reading()
    rate = measure()
    server, sender, database, seconds = (b - a for a, b in zip(before, reading(), strict=True))
    messages = rate * seconds
    return Run(rate, server / seconds, server / messages * 1e6, sender / messages * 1e6,
               database / messages * 1e6)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str]) -> int:
    failures = 0
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        kinds = selected_databases(option(argv, "--db"))
        cluster = start_cluster(Path(tmp), False, stack) if "postgresql" in kinds else None
        for kind in kinds:
            url = (f"sqlite:///{Path(tmp) / 'mail.sqlite'}" if kind == "sqlite"
                   else cluster.create_database("mail"))
            print(f"--- {kind}")
            failures += measure(url, cluster.server_pid() if kind == "postgresql" else None,
                                "--profile" in argv)
    return 1 if failures else 0


def measure(url: str, database_pid: int | None, profile: bool) -> int:
    """Publishing, inviting and delivering on the database at `url` (served by the process
    `database_pid`, if not SQLite): the goals missed."""
    with smtp_server() as (port, pid):
        app = build(url, port)
        publishing = time_publishing(app)
        announce(app)
        failures = report_publishing(publishing)
        inviting = time_invitations(app)
        failures += inviting >= MAX_PUBLISH_MS
        print(f"sending a meeting's invitations to {RECIPIENTS:,} members: {inviting:.1f} ms"
              f"{'' if inviting < MAX_PUBLISH_MS else f'  <-- over {MAX_PUBLISH_MS} ms'}")
        connections = app.config["MAIL_SMTP_CONNECTIONS"]
        for what, message_id in messages_to_deliver(app):
            plain = busy(pid, database_pid,
                         lambda m=message_id: time_plain_smtplib(app, port, m))
            ceiling = busy(pid, database_pid,
                           lambda m=message_id: time_plain_smtplib(app, port, m, connections))
            ours = busy(pid, database_pid, lambda m=message_id: time_delivery(app, m, profile))
            failures += report_delivery(what, _size(app, message_id), ours, plain)
            failures += report_ceiling(ours, ceiling, connections)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return failures


def _size(app, message_id: int) -> int:
    with app.app_context():
        return len(build_email(db.session.get(OutboxMessage, message_id), app.config).as_bytes())


def report_publishing(publishing: list[float]) -> int:
    slowest = max(publishing)
    ok = slowest < MAX_PUBLISH_MS
    print(f"publishing minutes to {RECIPIENTS:,} members: median "
          f"{statistics.median(publishing):.1f} ms, slowest {slowest:.1f} ms of "
          f"{len(publishing)}{'' if ok else f'  <-- over {MAX_PUBLISH_MS} ms'}")
    return not ok


def report_delivery(what: str, size: int, ours: Run, plain: Run) -> int:
    """Rates, their ratio, and how busy the SMTP server was meanwhile (100 %: the server,
    not the sender, sets the pace)."""
    share = ours.rate / plain.rate
    ok = ours.rate >= MIN_RATE and share >= MIN_SHARE
    print(f"delivering the {what} ({size / 1000:.1f} kB) to {RECIPIENTS:,} recipients, "
          f"personalised: {ours.rate:,.0f} messages/s (server busy {ours.server_busy:.0%}); "
          f"plain smtplib, ready-made, one connection: {plain.rate:,.0f} messages/s (server "
          f"busy {plain.server_busy:.0%}); ratio {share:.2f}×"
          f"{'' if ok else f'  <-- under {MIN_RATE}/s or under {MIN_SHARE}×'}")
    print(f"  CPU: the deliverer {ours.cpu()}; plain smtplib {plain.cpu()}")
    return not ok


def report_ceiling(ours: Run, ceiling: Run, connections: int) -> int:
    """The deliverer's share of what the server accepts over as many connections."""
    share = ours.rate / ceiling.rate
    ok = share >= MIN_CEILING_SHARE
    print(f"  the server's ceiling, ready-made copies over {connections} connections: "
          f"{ceiling.rate:,.0f} messages/s (server busy {ceiling.server_busy:.0%}; "
          f"{ceiling.cpu()}); the deliverer {share:.2f}× of it"
          f"{'' if ok else f'  <-- under {MIN_CEILING_SHARE}×'}")
    return not ok


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
