"""`flask mail deliver` and `flask mail status`."""

import click
from flask import current_app
from flask.cli import AppGroup

from ..worker import run_worker
from .deliverer import deliver_due, release_stale_claims
from .services import outbox_counts, retry_failed

mail_cli = AppGroup("mail", help="Odchozí pošta (outbox).")


@mail_cli.command("deliver")
@click.option("--worker", is_flag=True, help="Běžet trvale a doručovat průběžně.")
@click.option("--interval", default=5.0, show_default=True, help="Sekundy mezi průchody.")
def deliver_command(worker: bool, interval: float):
    """Deliver the mail that is due (once, or for ever with --worker)."""
    if worker:
        run_worker(current_app._get_current_object(), interval)
        return
    release_stale_claims()
    counts = deliver_due()
    click.echo(f"odesláno: {counts['sent']}, nepodařilo se: {counts['failed']}, "
               f"odmítnuto: {counts['bounced']}, zrušeno: {counts['cancelled']}")


@mail_cli.command("status")
def status_command():
    """Show how many deliveries are pending, sent and failed."""
    counts = outbox_counts(exact=True)
    for status in ("pending", "sending", "sent", "failed", "bounced", "cancelled"):
        click.echo(f"{status}: {counts.get(status, 0)}")


@mail_cli.command("retry-failed")
def retry_failed_command():
    """Queue every failed delivery again (e.g. after fixing the SMTP settings)."""
    click.echo(f"znovu zařazeno: {retry_failed()}")
