"""Many members sending a form at the same moment over HTTP, from several client processes
with many threads each: the visits' sign-up race (tests/test_visits_race.py) and its
benchmark (bench/bench_load.py). Without pytest, so that the benchmark can use it too."""

import multiprocessing
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from statistics import median

from intranet.visits.models import VisitKind
from intranet.visits.services import SlotDetails, save_visit, today

from .http_browser import Browser, Unexpected


def offer_visit(organiser, title: str, places: int) -> tuple[int, int]:
    """A visit in 30 days with one date of `places` places, open for sign-ups: (visit,
    slot). In the caller's app context."""
    starts = today() + timedelta(days=30)
    values = {"kind": VisitKind.INTERNSHIP, "title": title, "host_organisation_id": None,
              "host_name": "Domov Na Výsluní", "address": "Lipová 1, Brno", "country": "Česko",
              "description": "", "contact": "", "practical": "",
              "deadline": starts - timedelta(days=7), "org_limit": None}
    visit = save_visit(None, organiser, values, [SlotDetails(None, starts, starts, places)])
    return visit.id, visit.slots[0].id


def open_visit(browser: Browser, job: dict) -> None:
    """Before the race: log in and open the visit's page (its form's CSRF token)."""
    browser.log_in(job["email"], job["password"])
    browser.form_token = browser.token("GET visit", f"/visits/{job['visit_id']}")


def sign_up(browser: Browser, job: dict) -> None:
    """Send the sign-up form: a place or a place on the waitlist, both a redirect."""
    started = time.monotonic()
    browser.step("POST sign-up", f"/visits/{job['visit_id']}/sign-up",
                 {"csrf_token": browser.form_token, "slot_id": job["slot_id"],
                  "note": "Ráda pojedu."}, expect=302)
    browser.latencies.append(time.monotonic() - started)


def floor_form(browser: Browser, job: dict) -> None:
    """Send a form that does nothing (the load benchmark's floor): a redirect."""
    started = time.monotonic()
    browser.step("POST floor", job["path"], {"csrf_token": browser.form_token}, expect=302)
    browser.latencies.append(time.monotonic() - started)


def cancel(browser: Browser, job: dict) -> None:
    """Send the cancel form twice at once (a double click): both answers are redirects."""
    form = {"csrf_token": browser.form_token, "confirmed": "1"}
    path = f"/visits/{job['visit_id']}/cancel"
    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(browser.step, "POST cancel", path, form, 302)
                       for _ in range(2)]:
            future.result()


ACTIONS = {"sign_up": sign_up, "cancel": cancel, "floor_form": floor_form}


def guarded(action, browser: Browser, job: dict) -> bool:
    """action(browser, job); an unexpected answer, a refused connection or a timeout is
    counted as an error (with the member and what happened)."""
    try:
        action(browser, job)
    except Unexpected as unexpected:
        browser.statuses[f"error {job['email']}: {unexpected}"] += 1
        return False
    except Exception as error:  # noqa: BLE001 - whatever it is, it is an error
        browser.statuses[f"error {job['email']}: {error!r}"] += 1
        return False
    return True


def client_process(base: str, jobs: list[dict], threads: int, started, ready,
                   results) -> None:
    """One client process with `threads` threads: each of its members logs in and opens
    the visit's page; when every process is ready, all send their form (the race). Puts
    on `results` the statuses seen (and "error …" entries) and the forms' latencies (s)."""
    browsers = [Browser(base) for _ in jobs]
    with ThreadPoolExecutor(threads) as pool:
        started.wait()
        prepared = list(pool.map(lambda pair: guarded(open_visit, *pair),
                                 zip(browsers, jobs, strict=True)))
        ready.wait()
        list(pool.map(lambda pair: guarded(ACTIONS[pair[1]["kind"]], *pair),
                      [pair for pair, ok in zip(zip(browsers, jobs, strict=True), prepared,
                                                strict=True) if ok]))
    statuses = Counter()
    for browser in browsers:
        statuses.update(browser.statuses)
    results.put((dict(statuses), [t for browser in browsers for t in browser.latencies]))


def run_clients(base: str, jobs: list[dict], processes: int, threads: int, meter=None):
    """Run the jobs from `processes` client processes with `threads` threads each. Returns
    the statuses, the forms' latencies (s, sorted), the seconds it took to log everyone in
    and open the page, and the seconds the race took (from the release of all forms).
    Fifth, with a meter (bench/cpu.py): the difference of its readings at the release and
    when the last answer came (None without)."""
    context = multiprocessing.get_context("spawn")  # no fork of a process with threads
    started, ready = context.Barrier(processes + 1), context.Barrier(processes + 1)
    results = context.Queue()
    workers = [context.Process(target=client_process,
                               args=(base, jobs[n::processes], threads, started, ready,
                                     results)) for n in range(processes)]
    for worker in workers:
        worker.start()
    try:
        started.wait(timeout=60)
        begin = time.monotonic()
        ready.wait(timeout=600)
        release = time.monotonic()
        before = meter() if meter else None
        statuses, latencies = Counter(), []
        for _ in workers:
            seen, times = results.get(timeout=300)
            statuses.update(seen)
            latencies.extend(times)
        end = time.monotonic()
        spent = meter() - before if meter else None
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.terminate()
    return statuses, sorted(latencies), release - begin, end - release, spent


def percentile(latencies: list[float], share: float) -> float:
    """The latency (s) below which `share` of the sorted latencies lie."""
    return latencies[min(int(len(latencies) * share), len(latencies) - 1)]


def describe(latencies: list[float]) -> str:
    if not latencies:
        return "-"
    return (f"median {median(latencies) * 1000:.0f} ms, 95th percentile "
            f"{percentile(latencies, 0.95) * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")


def errors_of(statuses: Counter) -> list[str]:
    return sorted(key for key in statuses if key.startswith("error "))
