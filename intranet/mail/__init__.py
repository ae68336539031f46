"""Outgoing mail: the outbox, its deliverer and transports, and the administrator's view."""

from flask import Blueprint

bp = Blueprint("mail", __name__)


def init_app(app) -> None:
    """The worker delivers the outbox in every pass, after the jobs that write mail; the
    metrics count what waits in it."""
    from ..metrics import register_gauge
    from ..worker import DELIVER, register_job
    from .causes import cause_in_czech
    from .cli import mail_cli
    from .deliverer import deliver_pass
    from .services import outbox_backlog

    app.cli.add_command(mail_cli)
    app.add_template_filter(cause_in_czech, "mail_cause")
    register_job(app, deliver_pass, DELIVER)
    register_gauge(app, "intranet_outbox_backlog",
                   "Deliveries waiting in the outbox or being sent", outbox_backlog)
