"""The administrator's view of the outbox: what is waiting, what failed, and a retry."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_number

from ..database import prebuilt
from ..i18n import gettext as _
from ..policy import requires
from ..web import paginate
from . import bp, services
from .models import DeliveryStatus, OutboxDelivery, OutboxMessage

SHOWN = {"failed": DeliveryStatus.FAILED, "bounced": DeliveryStatus.BOUNCED,
         "pending": DeliveryStatus.PENDING, "sent": DeliveryStatus.SENT,
         "cancelled": DeliveryStatus.CANCELLED}


@bp.get("/admin/mail")
@requires("mail.manage")
def outbox():
    counts = services.outbox_counts()
    status = SHOWN.get(request.args.get("status", "")) or _first_with_messages(counts)
    return render_template("mail/outbox.html", counts=counts, status=status,
                           cap=services.COUNT_CAP, cap_text=format_number(services.COUNT_CAP),
                           pagination=paginate(_deliveries(), {"status": status},
                                               count=counts.get(status.value, 0)),
                           unreachable=services.unreachable_members())


def _first_with_messages(counts: dict[str, int]) -> DeliveryStatus:
    """The tab the outbox opens on when none is chosen: the first (in the tabs' order) that has
    messages; undelivered ones when there are none at all."""
    return next((status for status in SHOWN.values() if counts.get(status.value)),
                DeliveryStatus.FAILED)


@prebuilt
def _deliveries() -> sa.Select:
    """The deliveries in a state (:status), the newest first, as rows: recipient, attempts,
    last_error, and their message's subject and created_at."""
    return (sa.select(OutboxDelivery.recipient, OutboxDelivery.attempts,
                      OutboxDelivery.last_error, OutboxMessage.subject, OutboxMessage.created_at)
            .join(OutboxMessage, OutboxMessage.id == OutboxDelivery.message_id)
            .where(OutboxDelivery.status == sa.bindparam("status"))
            .order_by(OutboxDelivery.id.desc()))


@bp.post("/admin/mail/retry")
@requires("mail.manage")
def retry():
    count = services.retry_failed()
    flash(_("Znovu k odeslání zařazeno zpráv: %(n)d.", n=count), "success")
    return redirect(url_for("mail.outbox"))
