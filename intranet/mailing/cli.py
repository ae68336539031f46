"""`flask mail receive`: the SMTP server for the lists' incoming mail."""

import logging
import time

import click
from flask import current_app

from ..extensions import db
from ..heartbeats import RECEIVER, RECEIVER_BEAT_SECONDS, beat
from .inbound import receiver

log = logging.getLogger(__name__)


@click.command("receive")
@click.option("--host", default=None, help="Adresa, na které naslouchat (MAIL_RECEIVE_HOST).")
@click.option("--port", default=None, type=int, help="Port (MAIL_RECEIVE_PORT).")
def receive_command(host: str | None, port: int | None):
    """Receive the lists' mail over SMTP (for the mail server to hand it over)."""
    app = current_app._get_current_object()
    host = host or app.config["MAIL_RECEIVE_HOST"]
    port = port or app.config["MAIL_RECEIVE_PORT"]
    server = receiver(app, host, port)
    server.start()
    click.echo(f"přijímám poštu rozesílačů na {host}:{port}")
    try:
        while True:
            _beat(app)
            time.sleep(RECEIVER_BEAT_SECONDS)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def _beat(app) -> None:
    """The receiver's heartbeat (/healthz): it is up and its database answers."""
    with app.app_context():
        try:
            beat(RECEIVER)
        except Exception:  # noqa: BLE001 - the next beat tries again; /healthz will tell
            log.exception("receiver heartbeat failed")
            db.session.rollback()
