"""The long-running worker: each pass runs the jobs the features registered, in stages:
first what writes mail (reminders, digests, "Čeká na vás"), then delivery, so that it goes
out in the same pass; then tidying. A feature registers its jobs from its package's
`init_app(app)`, the way features register panels (panels.py):

    def init_app(app):
        register_job(app, send_due_reminders)

A job takes no arguments and runs in an app context of its own (no request): it reads the
clock itself and does at most what is due, so a pass may run at any moment and twice.
"""

import logging
import time
from collections.abc import Callable

from .extensions import db

log = logging.getLogger(__name__)

WRITE_MAIL, DELIVER, TIDY = 0, 1, 2  # the stages of a pass, in this order


def register_job(app, job: Callable[[], object], stage: int = WRITE_MAIL) -> None:
    """A job every pass of this app's worker runs, in its stage (in the order registered)."""
    app.extensions.setdefault("worker_jobs", []).append((stage, job))


def jobs_of(app) -> list[Callable]:
    """The app's jobs in the order a pass runs them (the statistics' refresh last)."""
    registered = sorted(app.extensions.get("worker_jobs", []), key=lambda entry: entry[0])
    return [job for _stage, job in registered] + [_refresh_statistics]


STATISTICS_EVERY = 24 * 3600  # seconds
_statistics_refreshed = [float("-inf")]  # when this worker last refreshed them


def _refresh_statistics():
    """Once a day (and when the worker starts), as the data grows."""
    from .database import refresh_statistics

    if time.monotonic() - _statistics_refreshed[0] >= STATISTICS_EVERY:
        refresh_statistics()
        _statistics_refreshed[0] = time.monotonic()


def run_once(app) -> None:
    """Run every job once, each in its own app context; one job's failure spares the others."""
    for job in jobs_of(app):
        with app.app_context():
            try:
                job()
            except Exception:
                log.exception("worker job %s failed", job.__name__)
                db.session.rollback()


def run_worker(app, interval: float) -> None:
    """Run the jobs for ever, pausing `interval` seconds between passes."""
    log.info("worker started, interval %s s", interval)
    while True:
        run_once(app)
        _beat(app)
        time.sleep(interval)


def _beat(app) -> None:
    """The worker's heartbeat (/healthz), after every pass."""
    from .heartbeats import WORKER, beat

    with app.app_context():
        try:
            beat(WORKER)
        except Exception:
            log.exception("worker heartbeat failed")
            db.session.rollback()
