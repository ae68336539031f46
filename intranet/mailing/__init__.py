"""The member lists (rozesílače): the territory's, each working group's and custom ones;
published minutes posted automatically, announcements from the web, an archive per list.

It reacts to the features below it (DESIGN §13): published and corrected minutes are posted
from their signals, in the publishing transaction; every working group gets its list when
the group is inserted (a mapper event, whoever creates the group). It lends the outbox's
deliverer what differs per recipient of a list message (see delivery.py).
"""

import sqlalchemy as sa
from flask import Blueprint

bp = Blueprint("mailing", __name__)


def init_app(app) -> None:
    from ..facts import ON_LIST, register_fact
    from ..groups.models import WorkingGroup
    from ..mail.cli import mail_cli
    from ..minutes import minutes_corrected, minutes_published
    from ..minutes.services import register_audience
    from ..visits import visit_report_shared
    from ..waiting import register_waiting
    from ..worker import register_job
    from .cli import receive_command
    from .delivery import ListDelivery
    from .digest import send_due_digests
    from .minutes_posts import post_correction, post_minutes
    from .searching import register_searching
    from .services import is_on, minutes_audience
    from .visit_posts import post_visit_report
    from .waiting import tell_moderators, waiting_for_me

    app.extensions["mail_lists"] = ListDelivery()
    mail_cli.add_command(receive_command)
    minutes_published.connect(post_minutes)
    minutes_corrected.connect(post_correction)
    visit_report_shared.connect(post_visit_report)
    register_waiting(app, waiting_for_me)
    register_fact(app, ON_LIST, is_on)
    register_job(app, send_due_digests)
    register_job(app, tell_moderators)
    register_audience(app, minutes_audience)
    register_searching(app)
    if not sa.event.contains(WorkingGroup, "after_insert", _group_inserted):
        sa.event.listen(WorkingGroup, "after_insert", _group_inserted)
        sa.event.listen(WorkingGroup, "after_update", _group_renamed)
        sa.event.listen(WorkingGroup, "before_delete", _group_deleted)


def _group_inserted(_mapper, connection, group) -> None:
    """Every working group has its list from the start."""
    from .models import MailingList
    from .services import group_list_values

    values = group_list_values(group)
    taken = connection.scalar(sa.select(sa.exists().where(
        MailingList.address == values["address"])))
    if taken:  # e.g. a renumbered group kept its old address
        values["address"] = f"{values['address']}-{group.id}"
    connection.execute(sa.insert(MailingList).values(**values))


def _group_renamed(_mapper, connection, group) -> None:
    from .models import MailingList
    from .services import group_list_values

    connection.execute(sa.update(MailingList).where(MailingList.group_id == group.id)
                       .values(name=group_list_values(group)["name"]))


def _group_deleted(_mapper, connection, group) -> None:
    """A group deleted by mistake takes its list along; one with messages keeps its archive
    as a list of its own."""
    from .models import ListKind, ListPost, MailingList, SenderRule, Subscription

    list_id = connection.scalar(sa.select(MailingList.id).where(MailingList.group_id == group.id))
    if list_id is None:
        return
    if connection.scalar(sa.select(sa.exists().where(ListPost.list_id == list_id))):
        connection.execute(sa.update(MailingList).where(MailingList.id == list_id)
                           .values(group_id=None, kind=ListKind.CUSTOM))
        return
    connection.execute(sa.delete(Subscription).where(Subscription.list_id == list_id))
    connection.execute(sa.delete(SenderRule).where(SenderRule.list_id == list_id))
    connection.execute(sa.delete(MailingList).where(MailingList.id == list_id))
