"""What differs per recipient of a list message, lent to the outbox's deliverer.

The deliverer builds a list message once and asks here, for each recipient, for the
unsubscribe link (List-Unsubscribe, RFC 8058) and the footer that carries it. The link is
signed, so it works without logging in, for that list and that member only.
"""

from html import escape

import sqlalchemy as sa

from ..extensions import db
from ..mail.deliverer import ListLinks
from ..web import external_url
from . import services
from .models import MailingList

TOKEN_MARK = "TOKEN-MARK"


class ListDelivery:
    """app.extensions["mail_lists"]: the deliverer's questions about lists."""

    def receiving(self, list_id: int, member_ids: set[int] | sa.Select) -> set[int]:
        return services.receiving(list_id, member_ids)

    def links_for(self, list_id: int):
        """A function member id → ListLinks for this list (the list's part made once)."""
        mailing_list = db.session.get(MailingList, list_id)
        archive = external_url("mailing.archive", list_id=list_id)
        settings = external_url("mailing.subscriptions")
        prefix, _, suffix = external_url("mailing.unsubscribe", token=TOKEN_MARK).partition(
            TOKEN_MARK)
        name = mailing_list.name if mailing_list else ""
        signer = services.unsubscribe_signer()

        def links(member_id: int) -> ListLinks:
            url = f"{prefix}{services.unsubscribe_token(list_id, member_id, signer)}{suffix}"
            text = (f"-- \nZprávu dostáváte z rozesílače {name}.\n"
                    f"Archiv: {archive}\nNastavení odběru: {settings}\nOdhlásit odběr: {url}")
            html = (f'<hr><p style="font-size:small;color:#555">Zprávu dostáváte z rozesílače '
                    f'{escape(name)}. <a href="{archive}">Archiv</a> · '
                    f'<a href="{settings}">Nastavení odběru</a> · '
                    f'<a href="{url}">Odhlásit odběr</a></p>')
            return ListLinks(url, text, html)

        return links

