"""The long-running worker: mail delivery now, other scheduled jobs join JOBS later."""

import logging
import time

from .extensions import db

log = logging.getLogger(__name__)


def _deliver_mail():
    from .mail.deliverer import deliver_due, release_stale_claims

    release_stale_claims()
    deliver_due()


def _send_list_digests():
    from .mailing.digest import send_due_digests

    send_due_digests()


def _tell_moderators():
    from .mailing.waiting import tell_moderators

    tell_moderators()


def _purge_login_attempts():
    from .accounts.auth import purge_login_attempts

    purge_login_attempts()


def _send_meeting_reminders():
    from .meetings.notifications import send_due_reminders

    send_due_reminders()


STATISTICS_EVERY = 24 * 3600  # seconds
_statistics_refreshed = [float("-inf")]  # when this worker last refreshed them


def _refresh_statistics():
    """Once a day (and when the worker starts), as the data grows."""
    from .database import refresh_statistics

    if time.monotonic() - _statistics_refreshed[0] >= STATISTICS_EVERY:
        refresh_statistics()
        _statistics_refreshed[0] = time.monotonic()


# Reminders and digests come before delivery, so that they go out in the same pass.
JOBS = [_send_meeting_reminders, _send_list_digests, _tell_moderators, _deliver_mail,
        _purge_login_attempts, _refresh_statistics]


def run_once(app) -> None:
    """Run every job once, each in its own app context; one job's failure spares the others."""
    for job in JOBS:
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
