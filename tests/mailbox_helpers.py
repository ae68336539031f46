"""Reading what the app queued and delivered."""

import re

import sqlalchemy as sa

from intranet.extensions import db
from intranet.mail.models import OutboxDelivery, OutboxMessage

LINK_RE = re.compile(r"https?://\S+")


def queued_to(email: str) -> list[OutboxMessage]:
    """Messages in the outbox addressed to this e-mail, oldest first."""
    return db.session.scalars(
        sa.select(OutboxMessage).join(OutboxMessage.deliveries)
        .where(OutboxDelivery.recipient == email).order_by(OutboxMessage.id)
    ).all()


def link_in_last_mail(email: str) -> str:
    """The path of the link in the newest message to this e-mail (as a test-client URL)."""
    body = queued_to(email)[-1].body_text
    url = LINK_RE.search(body).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


def received(smtp_server) -> dict[str, list]:
    """What a test SMTP server received: recipient → their messages."""
    found = {}
    for recipients, message in smtp_server.recorder.messages():
        for recipient in recipients:
            found.setdefault(recipient, []).append(message)
    return found
