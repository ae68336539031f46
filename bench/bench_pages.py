"""Benchmark: each list page against the framework's floor, and its SQL query count, on SQLite
and on PostgreSQL side by side.

Run with `make bench` (or `python bench/bench_pages.py [URL…]` for some pages only; `--db sqlite`
or `--db postgresql` for one database only, else both: PostgreSQL on a throwaway cluster of
tests/postgres.py, or SQLite alone if its server's binaries are missing; `--profile URL` for a
cProfile of one page, sorted by cumulative time or by $BENCH_SORT, e.g. tottime; `--cpu`
measures CPU time instead of wall-clock time, when other work shares the machine; `--keep DIR`
keeps the databases in DIR, PostgreSQL's cluster in DIR/pg, and reuses them on the next run,
which then starts in seconds; `--quick` checks the plumbing: small data, one short round). The
data, the same on both databases: 5,000 members, 625 organisations, 200 municipalities, 20
groups of 50 members with 25 meetings each, 20,000 more held meetings with published minutes of
about 5 KB each, every one with the word "zápis" (the small database: 1,300), and 3,000 visits
with 10–13 sign-ups each (the small database: 20), and 20,000 messages on the list of all
members, in threads, the newest 100 of them mailed to every member: 500,000 deliveries (the
small database: 30 messages). PostgreSQL's are vacuumed and analysed once built (autovacuum's
work in production), SQLite's analysed (refresh_statistics, the worker's daily work).

The floor of a page is what Flask, the login and the layout cost anyway: a route that exists
only in this benchmark's app renders templates/base.html for the same logged-in member, with
the page's own content (same bytes) given as a ready string. Page and floor requests alternate
in one process, so both see the same machine; each page in three rounds, its median round
kept (ROUNDS). Targets, each on each database:
- a page that is not a search: p95 within 2× its floor's p50 on SQLite, 3× on PostgreSQL;
- a search page (any URL with q=: the minutes and list archives, the directory, the visits,
  the members' administration; also as typed, letter by letter, "z" to "zapis" in every
  minutes): p95 within 4× its floor's p50 on SQLite, 5× on PostgreSQL;
- the same number of SQL queries on the large database as on an almost empty one;
- the minutes search's SQL (count and first page), measured on its own, at least 20× faster
  than the same query with `LIKE '%…%'` instead of the word index.
A page that misses is marked "<-- over …", and the run then exits with 1.
"""

import cProfile
import gc
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import NamedTuple

import sqlalchemy as sa
from flask import Flask, current_app, render_template
from flask.testing import FlaskClient
from flask_migrate import upgrade
from jinja2 import ChoiceLoader, DictLoader
from markupsafe import Markup

sys.path.insert(0, str(Path(__file__).parent.parent))
from bench.cluster import KeptCluster, database, free_port  # noqa: E402
from bench.data import (  # noqa: E402
    generate,
    generate_list_posts,
    generate_minutes,
    generate_outbox,
    generate_visits,
)
from intranet import create_app  # noqa: E402
from intranet.accounts.models import Member  # noqa: E402
from intranet.database import refresh_statistics  # noqa: E402
from intranet.extensions import db  # noqa: E402
from intranet.meetings.models import Meeting  # noqa: E402
from intranet.minutes.archive import Filters, archive, count_of, counted  # noqa: E402
from intranet.minutes.archive import _rows as archive_rows  # noqa: E402  # the LIKE scan's rows
from intranet.minutes.models import Minutes  # noqa: E402
from tests.postgres import Cluster, server_binaries  # noqa: E402

PAGES = ["/", "/directory", "/directory?q=n", "/directory?q=no", "/directory?q=nov",
         "/directory?q=obec%201", "/organisations",
         "/municipalities", "/municipalities/1", "/organisations/1", "/admin/members",
         "/admin/members?role=reader&q=mar", "/admin/audit", "/admin/mail", "/groups", "/groups/1",
         "/meetings", "/meetings/13", "/meetings/13/attendance", "/meetings/13/sheet",
         "/meetings/stats", "/meetings/stats?municipality=1",
         # Issue #10's pages: 3,000 visits, 34,500 sign-ups (the small database: 20).
         "/visits", "/visits?q=stáž+1", "/visits/1", "/visits/1/participants",
         "/visits/register", "/visits/register?organisation=1", "/visits/matrix"]
# Issue #8's pages; a search also as typed, letter by letter, up to a word of every minutes.
MINUTES_PAGES = ["/minutes", "/minutes?page=50", "/minutes?municipality=1",
                 "/minutes?q=dluhova+poradna", "/minutes?q=socialni+sluzby+senior",
                 "/minutes?q=do", "/minutes?q=z", "/minutes?q=za", "/minutes?q=zap",
                 "/minutes?q=zapi", "/minutes?q=zapis", "/minutes/1"]
# Issue #9's list archive (20,000 messages); "kola…" begins a word of one message in seven.
LIST_PAGES = ["/lists/1", "/lists/1?q=k", "/lists/1?q=ko", "/lists/1?q=kol", "/lists/1?q=kola"]
SEARCHES = ["dluhová poradna", "sociální služby senioři"]  # LIKE: each word, as typed
DATABASES = ("sqlite", "postgresql")
MAX_RATIO = {"sqlite": 2.0, "postgresql": 3.0}  # a page's p95 / its floor's p50
MAX_SEARCH_RATIO = {"sqlite": 4.0, "postgresql": 5.0}  # the same, of a search page
MIN_SPEED_UP = 20  # the minutes search's SQL against a LIKE scan
SIZES = {"large": {"members": 5000, "minutes": 20_000, "visits": 3000, "posts": 20_000},
         "small": {"members": 16, "minutes": 1300, "visits": 20, "posts": 30}}  # 52 pages
QUICK_SIZES = {"members": 200, "minutes": 1300, "visits": 50, "posts": 500}  # --quick's large
# (as many minutes as the small database: /minutes?page=50 is on both)
WARMUP = 10
REPEAT = 100  # p95 is then the sixth slowest request, less at the mercy of one hiccup
SCAN_REPEAT = 20  # a LIKE scan of 100 MB of minutes, whose median alone counts
# Each page is measured in three rounds, minutes apart (all pages, then all again), and its
# median round counts: a burst of the shared machine's noise then spoils one round of a page,
# not its result. The worst round's ratio is printed beside it.
ROUNDS = 3
LOGIN = {"email": "bench0@example.org", "password": "bench-heslo-123"}  # the administrator

FLOOR_TEMPLATE = ("{% extends 'base.html' %}{% block title %}{{ title }}{% endblock %}"
                  "{% block content %}{{ content }}{% endblock %}")
MAIN = re.compile(r"<main[^>]*>(.*)</main>", re.S)
TITLE = re.compile(r"<title>(.*?) · ", re.S)
FLOORS = "bench_floors"  # app.extensions: page number → (title, content block)
clock = time.perf_counter  # --cpu: this thread's CPU time, for a machine busy with other work


class Bench(NamedTuple):
    """One database's large and small app, each with a logged-in client."""

    kind: str
    large: Flask
    small: Flask
    large_client: FlaskClient
    small_client: FlaskClient


def floor_view(number: int):
    """The floor: the layout around a content block that is already in memory."""
    title, content = current_app.extensions[FLOORS][number]
    return render_template("bench/floor.html", title=title, content=content)


def build_app(url: str, built: Path, sizes: dict) -> Flask:
    """The app on the database at `url`, migrated and filled with data of these sizes unless
    it was built whole before (`built` exists), its planner's statistics fresh."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}})
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"bench/floor.html": FLOOR_TEMPLATE}), app.jinja_env.loader])
    app.add_url_rule("/_bench/floor/<int:number>", "bench_floor", floor_view)
    app.extensions[FLOORS] = {}
    with app.app_context():
        upgrade()
        if not built.exists():
            generate(members=sizes["members"], organisations=max(sizes["members"] // 8, 2),
                     municipalities=max(sizes["members"] // 25, 1))
            generate_minutes(sizes["minutes"])
            generate_visits(sizes["visits"])
            generate_list_posts(sizes["posts"])
            generate_outbox(messages=sizes["posts"] // 200)  # each to every member
        analyze()
    built.touch()
    return app


def analyze() -> None:
    """The planner's statistics: SQLite's ANALYZE, as the worker does once a day; PostgreSQL's
    VACUUM ANALYZE after the bulk load, as autovacuum would do in production."""
    if db.engine.dialect.name == "sqlite":
        refresh_statistics()
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def start_cluster(folder: Path, kept: bool, stack: ExitStack) -> Cluster:
    """The run's PostgreSQL server (its cluster in folder/pg if kept), stopped with the stack."""
    cluster = KeptCluster(free_port(), folder / "pg") if kept else Cluster(free_port())
    stack.callback(cluster.stop)
    return cluster.start()


def bench_database(kind: str, name: str, folder: Path, cluster: Cluster | None) -> tuple[str, Path]:
    """The address of the benchmark's database `name` of this kind, and the file that says it
    was built whole (kept from an earlier run: --keep)."""
    if kind == "sqlite":
        return f"sqlite:///{folder / name}.sqlite", folder / f"{name}.built"
    built = cluster.folder / f"{name}.built"
    return database(cluster, name, built), built


def open_bench(kind: str, folder: Path, large_sizes: dict, cluster: Cluster | None) -> Bench:
    """The large and the small database of this kind, built (or kept), each logged in."""
    large = build_app(*bench_database(kind, "large", folder, cluster), large_sizes)
    small = build_app(*bench_database(kind, "small", folder, cluster), SIZES["small"])
    return Bench(kind, large, small, logged_in_client(large), logged_in_client(small))


def sql_times(app, list_for, repeat=None) -> list[float]:
    """Milliseconds of the count and first page of a list: list_for(reader) counts and gives
    its select with the values of its parameters and its count (a number, or a select of it,
    or None: count the select), REPEAT times (or `repeat`)."""
    timings = []
    with app.app_context():
        reader = db.session.get(Member, 1)
        for _ in range(WARMUP + (repeat or REPEAT)):
            started = clock()
            query, params, count = list_for(reader)
            if not isinstance(count, int):
                db.session.scalar(count if count is not None else sa.select(
                    sa.func.count()).select_from(query.subquery()), params)
            db.session.execute(query.limit(25), params).all()
            timings.append((clock() - started) * 1000)
    return timings[WARMUP:]


def searched(words: str, reader) -> tuple[sa.Select, dict, int | sa.Select | None]:
    """The minutes archive's search as its page runs it: its words' matches counted first
    (they decide whether it is ranked), its select, its parameters and its count."""
    filters = counted(Filters(q=words))
    return *archive(filters, reader), count_of(filters)


def scanned(words: str, reader) -> tuple[sa.Select, dict, None]:
    """The same rows found by a LIKE scan of each word, newest first (as the archive was)."""
    return (archive_rows(reader.id).where(*(Minutes.text.like(f"%{word}%")
                                            for word in words.split()))
            .order_by(Meeting.starts_at.desc(), Minutes.id.desc()), {}, None)


def search_times(app, words: str) -> tuple[list[float], list[float]]:
    """The minutes search's SQL timings, and those of a LIKE scan of the same rows."""
    return (sql_times(app, lambda reader: searched(words, reader)),
            sql_times(app, lambda reader: scanned(words, reader), repeat=SCAN_REPEAT))


def compare_search(benches: list[Bench]) -> int:
    """The word index against a LIKE scan of the same rows on each database; the number of
    searches under MIN_SPEED_UP on any."""
    failures = 0
    print(f"\n{'minutes search, SQL (ms)':36} "
          + "  ".join(f"{' ' + bench.kind + ' ':-^33}" for bench in benches))
    print(f"{'':36} " + "  ".join(f"{'p50':>6} {'p95':>6} {'LIKE p50':>9} {'speed-up':>9}"
                                  for _ in benches))
    for words in SEARCHES:
        cells, slow = [], []
        for bench in benches:
            found, scan = search_times(bench.large, words)
            speed_up = statistics.median(scan) / statistics.median(found)
            cells.append(f"{statistics.median(found):6.1f} {percentile(found, 0.95):6.1f} "
                         f"{statistics.median(scan):9.1f} {speed_up:8.0f}×")
            if speed_up < MIN_SPEED_UP:
                slow.append(bench.kind)
        failures += bool(slow)
        print(f"{words:36} " + "  ".join(cells)
              + (f"  <-- under {MIN_SPEED_UP}× on {', '.join(slow)}" if slow else ""))
    return failures


def logged_in_client(app):
    client = app.test_client()
    assert client.post("/login", data=LOGIN).status_code == 302, "bench login failed"
    return client


def get(client, url) -> tuple[float, bytes]:
    started = clock()
    response = client.get(url)
    elapsed = (clock() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, response.data


def count_queries(app, client, url) -> int:
    """The SQL statements one request for the URL issues (after a warm-up request)."""
    queries = []
    with app.app_context():
        engine = db.engine
    get(client, url)
    listener = lambda *args: queries.append(1)  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        get(client, url)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return len(queries)


def percentile(timings: list[float], share: float) -> float:
    return statistics.quantiles(timings, n=100, method="inclusive")[round(share * 100) - 1]


def measure(app, client, number: int, url: str) -> dict:
    """The page and its floor, requested alternately after a warm-up."""
    _, body = get(client, url)
    html = body.decode()
    app.extensions[FLOORS][number] = (Markup(TITLE.search(html).group(1)),
                                      Markup(MAIN.search(html).group(1)))
    floor_url = f"/_bench/floor/{number}"
    page_times, floor_times = [], []
    for _ in range(WARMUP):
        get(client, url), get(client, floor_url)
    for _ in range(REPEAT):
        page_time, body = get(client, url)
        floor_time, floor_body = get(client, floor_url)
        page_times.append(page_time)
        floor_times.append(floor_time)
    return {"p50": statistics.median(page_times), "p95": percentile(page_times, 0.95),
            "size": len(body), "floor_p50": statistics.median(floor_times),
            "floor_p95": percentile(floor_times, 0.95),
            "floor_size": len(floor_body)}


def median_round(rounds: list[dict]) -> dict:
    """A page's figures over its rounds: the median of each, and of the ratios of each round
    (its page and floor measured together); the worst round's p95 / floor p50 too, and the
    floor's own p95 / p50: how much the machine alone spreads the timings."""
    ratios = [r["p95"] / r["floor_p50"] for r in rounds]
    return {**{key: statistics.median(r[key] for r in rounds)
               for key in ("p50", "p95", "floor_p50")},
            "size": rounds[-1]["size"], "floor_size": rounds[-1]["floor_size"],
            "p50_ratio": statistics.median(r["p50"] / r["floor_p50"] for r in rounds),
            "ratio": statistics.median(ratios), "worst": max(ratios),
            "jitter": statistics.median(r["floor_p95"] / r["floor_p50"] for r in rounds)}


def is_search(url: str) -> bool:
    """A search page: a URL with a query (q=) of words."""
    return re.search(r"[?&]q=", url) is not None


def target(kind: str, url: str) -> float:
    """The most a page's p95 may be, in multiples of its floor's p50, on this database."""
    return (MAX_SEARCH_RATIO if is_search(url) else MAX_RATIO)[kind]


def misses(kind: str, url: str, result: dict) -> list[str]:
    """What a page misses of its targets on this database (nothing: on target)."""
    missed = [f"over {target(kind, url):g}×"] if result["ratio"] > target(kind, url) else []
    if result["queries"] != result["small_queries"]:
        missed.append("queries differ")
    return missed


def results(bench: Bench, pages: list[str], rounds: dict, failed: dict) -> dict[str, dict]:
    """Each measured page's figures on this database, with its query counts (a page that
    fails on the small database joins the failed)."""
    found = {}
    for url in pages:
        if (bench.kind, url) in failed:
            continue
        try:
            found[url] = {**median_round(rounds[bench.kind, url]),
                          "queries": count_queries(bench.large, bench.large_client, url),
                          "small_queries": count_queries(bench.small, bench.small_client, url)}
        except Exception as error:  # noqa: BLE001
            failed[bench.kind, url] = error
    return found


def cell(result: dict | None) -> str:
    """A page's figures on one database: a column group of the table."""
    if result is None:
        return f"{'failed':^46}"
    return (f"{result['p50']:6.1f} {result['p95']:6.1f} {result['floor_p50']:6.1f} "
            f"{result['ratio']:6.1f}× ({result['worst']:4.1f}×) "
            f"{result['queries']:>4}/{result['small_queries']:<4}")


def print_table(kinds: list[str], pages: list[str], found: dict, failed: dict) -> int:
    """The table of pages, a column group per database; the number of pages that miss a
    target (or fail) on any."""
    print(f"{'':36} " + "  ".join(f"{' ' + kind + ' ':-^46}" for kind in kinds))
    print(f"{'page':36} " + "  ".join(
        f"{'p50':>6} {'p95':>6} {'floor':>6} {'p95/fl':>7} {'(worst)':>7} {'queries':>9}"
        for _ in kinds))
    failures = 0
    for url in pages:
        missed = [f"{miss} on {kind}" for kind in kinds
                  for miss in (["failed"] if (kind, url) in failed
                               else misses(kind, url, found[kind][url]))]
        failures += bool(missed)
        print(f"{url:36} " + "  ".join(cell(found[kind].get(url)) for kind in kinds)
              + (f"  <-- {', '.join(missed)}" if missed else ""))
    for (kind, url), error in failed.items():
        print(f"{url} failed on {kind}: {error!r}")
    return failures


def print_summary(bench: Bench, pages: list[str], found: dict) -> None:
    """How many pages are on target on this database, and the floor's own figures."""
    on_target = sum(not misses(bench.kind, url, found[url]) for url in found)
    floors = bench.large.extensions[FLOORS]
    floor_queries = (count_queries(bench.large, bench.large_client, f"/_bench/floor/{min(floors)}")
                     if floors else 0)
    print(f"{bench.kind}: {on_target} of {len(pages)} pages on target: p95 within "
          f"{MAX_RATIO[bench.kind]:g}× their floor's p50 (a search within "
          f"{MAX_SEARCH_RATIO[bench.kind]:g}×), unchanged query counts; the floor: p50 "
          f"{statistics.median(r['floor_p50'] for r in found.values()):.1f} ms, p95/p50 "
          f"{statistics.median(r['jitter'] for r in found.values()):.2f}×, "
          f"SQL queries: {floor_queries}." if found else f"{bench.kind}: no page measured.")


def profile(app, url: str) -> None:
    """cProfile of REPEAT requests for one page, the 40 most expensive calls by own+sub time."""
    client = logged_in_client(app)
    for _ in range(WARMUP):
        get(client, url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(REPEAT):
        get(client, url)
    profiler.disable()
    pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(40)


def option(argv: list[str], name: str) -> str | None:
    """The value given after an option (`--db sqlite`), if it is given."""
    return argv[argv.index(name) + 1] if name in argv else None


def selected_databases(chosen: str | None) -> list[str]:
    """The databases to measure: both, or the one chosen; SQLite alone when PostgreSQL's
    server binaries are missing (said so)."""
    if chosen not in (None, *DATABASES):
        raise SystemExit(f"--db {chosen}: one of {', '.join(DATABASES)}")
    kinds = [chosen] if chosen else list(DATABASES)
    if "postgresql" in kinds and server_binaries() is None:
        print("PostgreSQL's server binaries are missing (`make postgresql` or apt-get install "
              "postgresql installs them): measuring on SQLite only.", file=sys.stderr)
        return ["sqlite"]
    return kinds


def measure_rounds(benches: list[Bench], pages: list[str]) -> tuple[dict, dict]:
    """Every page on every database, ROUNDS times: the figures of each round, and the pages
    that failed (with their error) by database."""
    rounds: dict[tuple[str, str], list[dict]] = {
        (bench.kind, url): [] for bench in benches for url in pages}
    failed: dict[tuple[str, str], Exception] = {}
    for round_number in range(1, ROUNDS + 1):
        for bench in benches:
            print(f"round {round_number} of {ROUNDS} on {bench.kind}…", file=sys.stderr,
                  flush=True)  # the table comes at the end
            for number, url in enumerate(pages):
                if (bench.kind, url) in failed:
                    continue
                try:
                    rounds[bench.kind, url].append(
                        measure(bench.large, bench.large_client, number, url))
                except Exception as error:  # noqa: BLE001  # a page that fails is reported, the rest measured
                    failed[bench.kind, url] = error
    return rounds, failed


def main(argv: list[str]) -> int:
    global clock, REPEAT, ROUNDS, WARMUP
    if "--cpu" in argv:
        clock = time.thread_time
    if "--quick" in argv:
        REPEAT, ROUNDS, WARMUP = 20, 1, 3
    profile_url, kept = option(argv, "--profile"), option(argv, "--keep")
    kinds = selected_databases(option(argv, "--db"))
    pages = ([a for a in argv if a.startswith("/") and a not in (profile_url, kept)]
             or PAGES + MINUTES_PAGES + LIST_PAGES)
    large_sizes = QUICK_SIZES if "--quick" in argv else SIZES["large"]
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as stack:
        folder = Path(kept or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        cluster = start_cluster(folder, bool(kept), stack) if "postgresql" in kinds else None
        if profile_url:
            for kind in kinds:
                print(f"--- {kind}")
                profile(build_app(*bench_database(kind, "large", folder, cluster), large_sizes),
                        profile_url)
            return 0
        benches = [open_bench(kind, folder, large_sizes, cluster) for kind in kinds]
        gc.freeze()  # as wsgi.py does once the app is built
        print(f"{'wall-clock' if clock is time.perf_counter else 'CPU'} time, load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        rounds, failed = measure_rounds(benches, pages)
        found = {bench.kind: results(bench, pages, rounds, failed) for bench in benches}
        failures = print_table(kinds, pages, found, failed)
        print()
        for bench in benches:
            print_summary(bench, pages, found[bench.kind])
        failures += compare_search(benches)
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
