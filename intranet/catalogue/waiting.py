"""What waits in the catalogue (waiting.py): the member's organisation's entries that nobody
confirmed as current for a year, as one line with their number."""

from ..i18n import gettext
from ..policy import can
from ..waiting import Waiting
from .services import stale_count


def waiting_for_me(member) -> list[Waiting]:
    if not can(member, "catalogue.edit_own"):
        return []
    count = stale_count(member.organisation_id)
    if not count:
        return []
    return [Waiting(gettext("Ověřit údaje v katalogu poskytovatelů: služby vaší organizace "
                            "neověřené déle než rok (%(num)d)", num=count),
                    "organisations.organisation", {"organisation_id": member.organisation_id})]
