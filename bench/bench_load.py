"""Load benchmark (issue #26): gunicorn with the shipped configuration (gunicorn.conf.py)
serving the bench data, on SQLite and on PostgreSQL.

1. The mix: locust (headless), 50 users each keeping one request in flight for 30 s, logged
   in, going through the dashboard, a meeting, the minutes archive and a search, the visits,
   the directory and a list archive. Then the floor route (the layout around content in
   memory) under the same server. Goals: 0 errors, the mix's throughput at least 50 % of
   the floor's, p99 under 1 s.
2. A Monday-morning burst: 50 members log in at once, with passwords hashed at the
   production parameters (PASSWORD_HASH's default), while 8 others keep loading pages.
   Goals: every log-in within 3 s, the other pages' p95 under 1 s.
3. A sign-up race: 1,000 members, logged in with the visit's page open, send the sign-up
   form for 5 places at the same moment (from 4 client processes × 250 threads: all 1,000
   in flight at once). Goals: exactly 5 places and 995 on the waitlist in order, every form
   answered, p95 under 2 s on PostgreSQL (printed for SQLite too). Then the same 1,000 send
   the floor form (the member loaded and the token checked, nothing saved): what this
   machine can do for 1,000 forms at once, whatever they save.

Run with `make bench` (after the page bench, on its data), or `python bench/bench_load.py
[--db sqlite|postgresql] [--keep DIR] [--quick] [--burst] [--sign-ups]` (--keep: the page
bench's kept data; --quick: small data, 10 s; --burst, --sign-ups: that part alone). Exits
with 1 when a goal is missed.
"""

import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent.parent))
from bench.bench_pages import (  # noqa: E402
    LOGIN,
    QUICK_SIZES,
    SIZES,
    bench_database,
    build_app,
    option,
    selected_databases,
    start_cluster,
)
from bench.cpu import Meter, per_request  # noqa: E402
from intranet.accounts.models import Member  # noqa: E402
from intranet.config import DEFAULTS  # noqa: E402
from intranet.extensions import db  # noqa: E402
from intranet.mail.models import OutboxAttachment, OutboxDelivery, OutboxMessage  # noqa: E402
from intranet.policy import Role  # noqa: E402
from intranet.visits.models import Registration, Status, Visit, VisitSlot  # noqa: E402
from tests.http_browser import Browser, host_env, start_gunicorn  # noqa: E402
from tests.http_race import errors_of, offer_visit, percentile, run_clients  # noqa: E402

ROOT = Path(__file__).parent.parent
USERS, SECONDS, BURST, BROWSERS = 50, 30, 50, 8
RACERS, PLACES, RACE_PROCESSES = 1000, 5, 4
RACE_TITLE = "Závod o místa (bench)"


def serve(url: str, folder: Path, stack: ExitStack) -> tuple[int, str]:
    """gunicorn with the shipped configuration on the database: its main process, its
    address."""
    server, base = start_gunicorn(host_env(url, folder, INTRANET_SECRET_KEY="bench"), folder,
                                  "bench.bench_wsgi:app")
    stack.callback(server.wait, 30)
    stack.callback(server.terminate)
    return server.pid, base


def locust(base: str, target: str, seconds: int, folder: Path, meter: Meter) -> dict:
    """Locust's aggregated figures for the target (mix or floor), and where the CPU went."""
    prefix = folder / f"locust-{target}"
    before = meter()
    subprocess.run(
        [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench/locustfile.py"),
         "--headless", "-u", str(USERS), "-r", str(USERS), "-t", f"{seconds}s", "--host", base,
         "--csv", str(prefix), "--only-summary"],
        env={**os.environ, "LOAD_TARGET": target}, capture_output=True, check=False)
    spent = meter() - before
    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    browsing = [row for name, row in rows.items() if name not in ("Aggregated", "log-in")]
    count = sum(int(row["Request Count"]) for row in browsing)
    return {"rps": sum(float(row["Requests/s"]) for row in browsing),
            "failures": sum(int(row["Failure Count"]) for row in browsing),
            "count": count, "p50": _percentile(browsing, "50%"),
            "p95": _percentile(browsing, "95%"), "p99": _percentile(browsing, "99%"),
            "cpu": per_request(spent, count)}


def _percentile(rows: list[dict], column: str) -> float:
    """A request-weighted percentile across the pages (ms): each page's own, weighted."""
    weighted = sorted((float(row[column]), int(row["Request Count"])) for row in rows)
    total, seen = sum(count for _, count in weighted), 0
    for value, count in weighted:
        seen += count
        if seen >= total * float(column.rstrip("%")) / 100:
            return value
    return 0.0


def burst(base: str, app) -> dict:
    """BURST members log in at once (production hashes) while BROWSERS others load pages."""
    with app.app_context():
        from argon2 import PasswordHasher

        real = PasswordHasher(**DEFAULTS["PASSWORD_HASH"]).hash(LOGIN["password"])
        emails = db.session.scalars(sa.select(Member.email).where(
            Member.deactivated_at.is_(None)).order_by(Member.id).limit(BURST + BROWSERS)).all()
        db.session.execute(sa.update(Member).where(Member.email.in_(emails[:BURST]))
                           .values(password_hash=real))
        db.session.commit()
    browsers = [Browser(base) for _ in range(BROWSERS)]
    for browser, email in zip(browsers, emails[BURST:], strict=True):
        browser.log_in(email, LOGIN["password"])
    start, done = threading.Barrier(BURST + 1), threading.Event()
    logins, pages = [], []

    def log_in(email):
        browser = Browser(base)
        token = browser.token("GET /login", "/login")
        start.wait()
        started = time.perf_counter()
        status, _ = browser.send("/login", {"csrf_token": token, "email": email,
                                            "password": LOGIN["password"]})
        logins.append((time.perf_counter() - started, status))

    def browse(browser):
        while not done.is_set():
            started = time.perf_counter()
            status, _ = browser.send("/minutes")
            pages.append((time.perf_counter() - started, status))

    threads = [threading.Thread(target=log_in, args=(email,)) for email in emails[:BURST]]
    threads += [threading.Thread(target=browse, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    start.wait()
    for thread in threads[:BURST]:
        thread.join()
    done.set()
    for thread in threads[BURST:]:
        thread.join()
    return {"login_max": max(t for t, _ in logins), "login_p50": statistics.median(
        t for t, _ in logins), "logins_ok": sum(s == 302 for _, s in logins),
        "pages_p95": statistics.quantiles([t for t, _ in pages], n=20)[-1],
        "pages": len(pages), "pages_ok": sum(s == 200 for _, s in pages)}


def sign_up_race(base: str, app, meter: Meter) -> dict:
    """RACERS members send the sign-up form for PLACES places at once; the outcome checked,
    then the visit and its mail removed (the kept data stays as it was)."""
    with app.app_context():
        remove_race(app)
        organiser = db.session.scalar(sa.select(Member).where(Member.email == LOGIN["email"]))
        visit_id, slot_id = offer_visit(organiser, RACE_TITLE, PLACES)
        emails = db.session.scalars(sa.select(Member.email).where(
            Member.deactivated_at.is_(None), Member.activated_at.is_not(None),
            Member.role.in_([Role.MEMBER, Role.SECRETARY]))
            .order_by(Member.id.desc()).limit(RACERS)).all()
        db.session.commit()
    jobs = [{"kind": "sign_up", "email": email, "password": LOGIN["password"],
             "visit_id": visit_id, "slot_id": slot_id} for email in emails]
    statuses, latencies, _, seconds, spent = run_clients(base, jobs, RACE_PROCESSES,
                                                         RACERS // RACE_PROCESSES, meter)
    with app.app_context():
        rows = db.session.execute(sa.select(Registration.status, Registration.number).where(
            Registration.slot_id == slot_id).order_by(Registration.number)).all()
        exact = (len(rows) == RACERS and [n for _, n in rows] == list(range(1, RACERS + 1))
                 and [s for s, _ in rows] == [Status.CONFIRMED] * PLACES
                 + [Status.WAITING] * (RACERS - PLACES))
    floor = [{**job, "kind": "floor_form", "path": "/_bench/floor-form"} for job in jobs]
    floor_statuses, floor_latencies, _, _, floor_spent = run_clients(
        base, floor, RACE_PROCESSES, RACERS // RACE_PROCESSES, meter)
    with app.app_context():
        remove_race(app)
    return {"answered": statuses["POST sign-up 302"], "errors": errors_of(statuses)[:5],
            "exact": exact, "per_second": len(latencies) / seconds if seconds else 0,
            "p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95),
            "max": latencies[-1] if latencies else 0,
            "floor_p95": percentile(floor_latencies, 0.95),
            "floor_answered": floor_statuses["POST floor 302"],
            "cpu": per_request(spent, RACERS), "floor_cpu": per_request(floor_spent, RACERS)}


def remove_race(app) -> None:
    """The race's visit, sign-ups and mail, if a run left them."""
    visits = sa.select(Visit.id).where(Visit.title == RACE_TITLE).scalar_subquery()
    messages = sa.select(OutboxMessage.id).where(OutboxMessage.category == "visits",
                                                  OutboxMessage.subject.contains(RACE_TITLE))
    for model in (OutboxAttachment, OutboxDelivery):
        db.session.execute(sa.delete(model).where(model.message_id.in_(messages)))
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id.in_(messages)))
    for model in (Registration, VisitSlot):
        db.session.execute(sa.delete(model).where(model.visit_id.in_(visits)))
    db.session.execute(sa.delete(Visit).where(Visit.title == RACE_TITLE))
    db.session.commit()


def main(argv: list[str]) -> int:
    global SECONDS
    kinds = selected_databases(option(argv, "--db"))
    kept = option(argv, "--keep")
    sizes = QUICK_SIZES if "--quick" in argv else SIZES["large"]
    if "--quick" in argv:
        SECONDS = 10
    failures = 0
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as stack:
        folder = Path(kept or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        cluster = start_cluster(folder, bool(kept), stack) if "postgresql" in kinds else None
        for kind in kinds:
            url, built = bench_database(kind, "large", folder, cluster)
            app = build_app(url, built, sizes)
            with ExitStack() as server:
                app_pid, base = serve(url, folder, server)
                meter = Meter(app_pid, cluster.server_pid() if kind == "postgresql" else None)
                if "--sign-ups" in argv:  # the race alone
                    failures += report_race(kind, sign_up_race(base, app, meter))
                    continue
                crowd = burst(base, app)
                if "--burst" in argv:  # the burst alone
                    print(crowd)
                    continue
                mix = locust(base, "mix", SECONDS, folder, meter)
                floor = locust(base, "floor", SECONDS, folder, meter)
                race = sign_up_race(base, app, meter)
            failures += report(kind, mix, floor, crowd) + report_race(kind, race)
    return 1 if failures else 0


def report(kind: str, mix: dict, floor: dict, crowd: dict) -> int:
    share = mix["rps"] / floor["rps"] if floor["rps"] else 0
    missed = [goal for goal, ok in (
        ("errors", mix["failures"] == 0), ("mix/floor ≥ 0.5", share >= 0.5),
        ("p99 < 1 s", mix["p99"] < 1000), ("log-ins ≤ 3 s", crowd["login_max"] <= 3),
        ("pages p95 < 1 s in the burst", crowd["pages_p95"] < 1),
        ("every log-in and page answered", crowd["logins_ok"] == BURST
         and crowd["pages_ok"] == crowd["pages"])) if not ok]
    print(f"--- {kind}: gunicorn.conf.py, {USERS} users, {SECONDS} s")
    print(f"mix:   {mix['rps']:7.1f} req/s  p50 {mix['p50']:.0f} ms  p95 {mix['p95']:.0f} ms  "
          f"p99 {mix['p99']:.0f} ms  errors {mix['failures']} of {mix['count']}")
    print(f"       {mix['cpu']}")
    print(f"floor: {floor['rps']:7.1f} req/s  (mix/floor {share:.2f})")
    print(f"       {floor['cpu']}")
    print(f"burst: {BURST} log-ins at once: p50 {crowd['login_p50']:.2f} s, max "
          f"{crowd['login_max']:.2f} s ({crowd['logins_ok']} ok); meanwhile {crowd['pages']} "
          f"pages, p95 {crowd['pages_p95'] * 1000:.0f} ms")
    print("on target" if not missed else f"<-- missed: {', '.join(missed)}")
    print(json.dumps({"kind": kind, "mix": mix, "floor": floor, "burst": crowd}))
    return bool(missed)


def report_race(kind: str, race: dict) -> int:
    missed = [goal for goal, ok in (
        ("every form answered", race["answered"] == RACERS and not race["errors"]),
        ("exactly the places given, the rest waiting in order", race["exact"]),
        ("p95 < 2 s", race["p95"] < 2 or kind != "postgresql")) if not ok]
    print(f"sign-ups: {RACERS} at once for {PLACES} places: {race['per_second']:.0f}/s, p50 "
          f"{race['p50']:.2f} s, p95 {race['p95']:.2f} s, max {race['max']:.2f} s "
          f"({race['answered']} answered{', exact' if race['exact'] else ', NOT EXACT'}); "
          f"the floor form, {RACERS} at once: p95 {race['floor_p95']:.2f} s "
          f"({race['floor_answered']} answered)")
    print(f"  sign-ups: {race['cpu']}\n  the floor form: {race['floor_cpu']}")
    if race["errors"]:
        print("  e.g.", *race["errors"], sep="\n  ")
    print("on target" if not missed else f"<-- missed: {', '.join(missed)}")
    return bool(missed)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
