"""Benchmark: response time and SQL query count of the list pages on a large territory.

Run with `make bench`. Targets: every page answers in under 150 ms (median) with 5,000
members, 600 organisations, 200 municipalities, 20 groups of 50 members and 500 meetings,
and issues the same number of SQL queries as on an almost empty database.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).parent.parent))
from bench.data import generate  # noqa: E402
from intranet import create_app  # noqa: E402
from intranet.extensions import db  # noqa: E402

PAGES = ["/", "/directory", "/directory?q=nov", "/directory?q=obec%201", "/organisations",
         "/municipalities", "/municipalities/1", "/organisations/1", "/admin/members",
         "/admin/members?role=reader&q=mar", "/admin/audit", "/groups", "/groups/1",
         "/meetings", "/meetings/13", "/meetings/13/attendance", "/meetings/13/sheet",
         "/meetings/stats"]
TARGET_MS = 150
REPEAT = 20


def build_app(path: Path, members: int):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}})
    with app.app_context():
        upgrade()
        generate(members=members, organisations=max(members // 8, 2),
                 municipalities=max(members // 25, 1))
    return app


def measure(app, url):
    client = app.test_client()
    client.post("/login", data={"email": "bench0@example.org", "password": "bench-heslo-123"})
    queries, timings = [], []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: queries.append(1)  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    for _ in range(REPEAT):
        queries.clear()
        started = time.perf_counter()
        assert client.get(url).status_code == 200, url
        timings.append((time.perf_counter() - started) * 1000)
    sa.event.remove(engine, "before_cursor_execute", listener)
    return statistics.median(timings), len(queries)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        small = build_app(Path(tmp) / "small.sqlite", members=16)
        large = build_app(Path(tmp) / "large.sqlite", members=5000)
        failures = 0
        print(f"{'page':40} {'median ms':>10} {'queries':>8} {'(small db)':>10}")
        for url in PAGES:
            median, queries = measure(large, url)
            _, small_queries = measure(small, url)
            ok = median < TARGET_MS and queries == small_queries
            failures += not ok
            print(f"{url:40} {median:10.1f} {queries:8d} {small_queries:10d}"
                  f"{'' if ok else '  <-- over target'}")
        sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
