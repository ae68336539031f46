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

Run with `make bench` (after the page bench, on its data), or `python bench/bench_load.py
[--db sqlite|postgresql] [--keep DIR] [--quick] [--burst]` (--keep: the page bench's kept
data; --quick: small data, 10 s; --burst: the log-in burst alone). Exits with 1 when a goal
is missed.
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
from intranet.accounts.models import Member  # noqa: E402
from intranet.config import DEFAULTS  # noqa: E402
from intranet.extensions import db  # noqa: E402
from tests.http_browser import Browser, host_env, start_gunicorn  # noqa: E402

ROOT = Path(__file__).parent.parent
USERS, SECONDS, BURST, BROWSERS = 50, 30, 50, 8


def serve(url: str, folder: Path, stack: ExitStack) -> str:
    """gunicorn with the shipped configuration on the database; its address."""
    server, base = start_gunicorn(host_env(url, folder, INTRANET_SECRET_KEY="bench"), folder,
                                  "bench.bench_wsgi:app")
    stack.callback(server.wait, 30)
    stack.callback(server.terminate)
    return base


def locust(base: str, target: str, seconds: int, folder: Path) -> dict:
    """Locust's aggregated figures for the target (mix or floor)."""
    prefix = folder / f"locust-{target}"
    subprocess.run(
        [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench/locustfile.py"),
         "--headless", "-u", str(USERS), "-r", str(USERS), "-t", f"{seconds}s", "--host", base,
         "--csv", str(prefix), "--only-summary"],
        env={**os.environ, "LOAD_TARGET": target}, capture_output=True, check=False)
    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    browsing = [row for name, row in rows.items() if name not in ("Aggregated", "log-in")]
    count = sum(int(row["Request Count"]) for row in browsing)
    return {"rps": sum(float(row["Requests/s"]) for row in browsing),
            "failures": sum(int(row["Failure Count"]) for row in browsing),
            "count": count, "p50": _percentile(browsing, "50%"),
            "p95": _percentile(browsing, "95%"), "p99": _percentile(browsing, "99%")}


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
                base = serve(url, folder, server)
                crowd = burst(base, app)
                if "--burst" in argv:  # the burst alone
                    print(crowd)
                    continue
                mix = locust(base, "mix", SECONDS, folder)
                floor = locust(base, "floor", SECONDS, folder)
            failures += report(kind, mix, floor, crowd)
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
    print(f"floor: {floor['rps']:7.1f} req/s  (mix/floor {share:.2f})")
    print(f"burst: {BURST} log-ins at once: p50 {crowd['login_p50']:.2f} s, max "
          f"{crowd['login_max']:.2f} s ({crowd['logins_ok']} ok); meanwhile {crowd['pages']} "
          f"pages, p95 {crowd['pages_p95'] * 1000:.0f} ms")
    print("on target" if not missed else f"<-- missed: {', '.join(missed)}")
    print(json.dumps({"kind": kind, "mix": mix, "floor": floor, "burst": crowd}))
    return bool(missed)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
