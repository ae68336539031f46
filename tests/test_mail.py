"""The outbox: mail is written with the change, delivered later, retried, never twice."""

import mailbox
import secrets
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet.accounts.models import Member
from intranet.database import utcnow
from intranet.extensions import db
from intranet.mail import deliverer, services
from intranet.mail.models import DeliveryStatus, OutboxDelivery
from intranet.policy import Role

from .conftest import smtp_config, writing_request


@pytest.fixture
def app_overrides(smtp_server):
    return smtp_config(smtp_server)


NOTHING = {"sent": 0, "failed": 0, "bounced": 0, "cancelled": 0}


def statuses() -> list[str]:
    return db.session.scalars(sa.select(OutboxDelivery.status).order_by(OutboxDelivery.id)).all()


def message_created(delivery_id: int) -> float:
    return db.session.get(OutboxDelivery, delivery_id).message.created_at.timestamp()


def queue_reset_mail(member):
    with db.session.no_autoflush:
        return services.queue_mail(member, services.ACCOUNT, "password_reset", member=member,
                                   link="https://intranet.test/x", valid_until=utcnow())


def test_rolled_back_change_sends_nothing(app, smtp_server, create_member):
    member = create_member()
    with writing_request(app):
        queue_reset_mail(member)
        db.session.rollback()
    assert deliverer.deliver_due() == NOTHING
    assert smtp_server.recorder.envelopes == []


def test_committed_mail_is_delivered_once_over_smtp(app, smtp_server, create_member):
    member = create_member(first_name="Olga")
    with writing_request(app):
        queue_reset_mail(member)
        db.session.commit()
    assert deliverer.deliver_due() == {**NOTHING, "sent": 1}
    assert deliverer.deliver_due() == NOTHING
    [(recipients, message)] = smtp_server.recorder.messages()
    assert recipients == [member.email]
    assert message["To"] == member.email
    assert "nové heslo" in message.get_content()
    assert message["Message-ID"] == f"<outbox.1.{int(message_created(1))}@intranet.test>"


def test_smtp_down_then_up_delivers_everything_exactly_once(app, smtp_server, create_member):
    members = [create_member() for _ in range(3)]
    with writing_request(app):
        for member in members:
            queue_reset_mail(member)
        db.session.commit()
    smtp_server.stop()
    for hours in (0, 1, 5, 30):  # a long outage: nothing is given up, no attempt is counted
        assert deliverer.deliver_due(now=utcnow() + timedelta(hours=hours)) == NOTHING
    assert statuses() == ["pending"] * 3
    assert db.session.scalars(sa.select(OutboxDelivery.attempts)).all() == [0, 0, 0]
    smtp_server.start()
    assert deliverer.deliver_due() == {**NOTHING, "sent": 3}
    assert deliverer.deliver_due(now=utcnow() + timedelta(hours=2)) == NOTHING
    received = sorted(rcpt for rcpts, _ in smtp_server.recorder.messages() for rcpt in rcpts)
    assert received == sorted(m.email for m in members)


def test_an_outage_with_the_next_batch_claimed_gives_it_back(app, smtp_server, create_member):
    """The next batch is claimed while one goes out: when the server is gone, it is given
    back at once, unsent and with no attempt counted, not left to a stale claim."""
    members = [create_member() for _ in range(5)]
    with writing_request(app):
        for member in members:
            queue_reset_mail(member)
        db.session.commit()
    smtp_server.stop()
    assert deliverer.deliver_due(batch=2) == NOTHING
    assert statuses() == ["pending"] * 5
    assert db.session.scalars(sa.select(OutboxDelivery.claimed_by)).all() == [None] * 5
    smtp_server.start()
    assert deliverer.deliver_due(batch=2) == {**NOTHING, "sent": 5}


class Refusing:
    """An SMTP handler that refuses recipients with the given reply."""

    def __init__(self, reply):
        self.reply, self.envelopes = reply, []

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        return self.reply


def test_temporary_refusal_backs_off_and_permanent_refusal_gives_up(app, smtp_server,
                                                                    create_member):
    member = create_member()
    with writing_request(app):
        queue_reset_mail(member)
        db.session.commit()
    smtp_server.stop()
    smtp_server.recorder = Refusing("450 mailbox busy")
    smtp_server.start()
    assert deliverer.deliver_due() == {**NOTHING, "failed": 1}
    delivery = db.session.scalar(sa.select(OutboxDelivery))
    assert delivery.status is DeliveryStatus.PENDING and delivery.attempts == 1
    assert "450" in delivery.last_error
    assert deliverer.deliver_due() == NOTHING  # not due yet: backing off
    smtp_server.stop()
    smtp_server.recorder = Refusing("550 no such user")
    smtp_server.start()
    assert deliverer.deliver_due(now=utcnow() + timedelta(minutes=2)) == {**NOTHING, "bounced": 1}
    db.session.refresh(delivery)
    assert delivery.status is DeliveryStatus.BOUNCED and "550" in delivery.last_error
    assert deliverer.deliver_due(now=utcnow() + timedelta(days=1)) == NOTHING  # never retried
    delivery.status = DeliveryStatus.FAILED  # e.g. the attempt limit, later
    db.session.commit()
    assert services.retry_failed() == 1
    db.session.refresh(delivery)
    assert delivery.status is DeliveryStatus.PENDING and delivery.attempts == 0


def test_mail_to_a_member_deactivated_after_queueing_is_cancelled(app, smtp_server,
                                                                  create_member):
    member, keen = create_member(), create_member()
    with writing_request(app):
        services.queue_to_members([member, keen], "meetings", "password_reset", member=member,
                                  link="https://intranet.test/x", valid_until=utcnow())
        db.session.commit()
    member.deactivated_at = utcnow()
    db.session.commit()
    assert deliverer.deliver_due() == {**NOTHING, "sent": 1, "cancelled": 1}
    assert [r for rcpts, _ in smtp_server.recorder.messages() for r in rcpts] == [keen.email]


def test_gives_up_after_the_attempt_limit(make_app, smtp_server, create_member):
    smtp_server.stop()
    smtp_server.recorder = Refusing("451 try later")
    smtp_server.start()
    app = make_app(**smtp_config(smtp_server), MAIL_MAX_ATTEMPTS=2)
    with app.app_context():
        member = create_member()
        with writing_request(app):
            queue_reset_mail(member)
            db.session.commit()
        deliverer.deliver_due()
        deliverer.deliver_due(now=utcnow() + timedelta(hours=1))
        assert statuses() == ["failed"]
        assert services.outbox_counts() == {"failed": 1}


def test_two_workers_cannot_claim_the_same_delivery(app, create_member):
    for _ in range(3):
        with writing_request(app):
            queue_reset_mail(create_member())
            db.session.commit()
    first = deliverer._claim_batch(utcnow(), 2, {}, secrets.token_hex(8))
    second = deliverer._claim_batch(utcnow(), 2, {}, secrets.token_hex(8))
    assert len(first) == 2 and len(second) == 1
    assert not {d.id for d in first} & {d.id for d in second}
    assert deliverer._claim_batch(utcnow(), 2, {}, secrets.token_hex(8)) == []


def test_a_claim_left_by_a_dead_deliverer_is_sent_later(app, smtp_server, create_member):
    member = create_member()
    with writing_request(app):
        queue_reset_mail(member)
        db.session.commit()
    deliverer._claim_batch(utcnow(), 10, {}, "died")  # a deliverer took it and died mid-batch
    assert deliverer.release_stale_claims() == 0  # still fresh: its deliverer may be alive
    assert deliverer.deliver_due() == NOTHING
    assert deliverer.release_stale_claims(now=utcnow() + timedelta(hours=1)) == 1
    assert deliverer.deliver_due() == {**NOTHING, "sent": 1}
    assert [r for rcpts, _ in smtp_server.recorder.messages() for r in rcpts] == [member.email]


def test_without_smtp_host_mail_goes_to_the_maildir(make_app, smtp_server, create_member):
    member = create_member()
    email, member_id = member.email, member.id
    db.session.commit()  # this app's session lets the database go before the other app writes
    plain = make_app()
    with writing_request(plain):
        queue_reset_mail(db.session.get(Member, member_id))
        db.session.commit()
    with plain.app_context():  # the deliverer works outside requests
        assert deliverer.deliver_due()["sent"] == 1
    [message] = list(mailbox.Maildir(plain.config["MAIL_MAILDIR"]))
    assert message["To"] == email
    assert smtp_server.recorder.envelopes == []


def test_members_who_opted_out_or_are_deactivated_get_nothing(app, create_member):
    keen = create_member()
    opted_out = create_member(wants_meeting_mail=False)
    gone = create_member(deactivated=True)
    assert services.wants(keen, "meetings")
    assert not services.wants(opted_out, "meetings")
    assert services.wants(opted_out, services.ACCOUNT)
    assert not services.wants(gone, services.ACCOUNT)


def test_one_rendering_per_language(app, create_member):
    czech, english = create_member(), create_member(language="en")
    with writing_request(app):
        messages = services.queue_to_members(
            [czech, english], services.ACCOUNT, "password_reset", member=czech,
            link="https://intranet.test/x", valid_until=utcnow())
        db.session.commit()
    subjects = {m.deliveries[0].recipient: m.subject for m in messages}
    assert "Nové heslo" in subjects[czech.email]
    assert "Nové heslo" not in subjects[english.email]


def test_mail_deliver_cli(app, create_member, create_organisation):
    admin = create_member(Role.ADMIN)
    with writing_request(app):
        queue_reset_mail(admin)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "deliver"])
    assert "odesláno: 1" in result.output
    status = app.test_cli_runner().invoke(args=["mail", "status"])
    assert "sent: 1" in status.output
    assert db.session.scalar(sa.select(OutboxDelivery.status)) is DeliveryStatus.SENT


def test_admin_sees_failed_mail_and_queues_it_again(client, create_member, smtp_server):
    admin = create_member(Role.ADMIN)
    with writing_request(client.application):
        queue_reset_mail(admin)
        db.session.commit()
    delivery = db.session.scalar(sa.select(OutboxDelivery))
    delivery.status, delivery.last_error = DeliveryStatus.FAILED, "550 no such user"
    db.session.commit()
    client.login(admin)
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "550 no such user" in page and admin.email in page
    client.submit("/admin/mail/retry")
    db.session.refresh(delivery)
    assert delivery.status is DeliveryStatus.PENDING
    assert deliverer.deliver_due()["sent"] == 1


def test_the_outbox_opens_on_the_first_tab_with_messages(client, create_member):
    admin = create_member(Role.ADMIN)
    with writing_request(client.application):
        for _ in range(2):
            queue_reset_mail(admin)
        db.session.commit()
    client.login(admin)
    page = client.get("/admin/mail").get_data(as_text=True)  # none failed: the waiting ones
    assert 'href="/admin/mail?status=pending" aria-current="page">čeká (2)' in page
    assert page.count(f"<tr><td>{admin.email}</td>") == 2
    assert "Žádné zprávy v tomto stavu." not in page
    chosen = client.get("/admin/mail?status=failed").get_data(as_text=True)  # a choice stays
    assert 'href="/admin/mail?status=failed" aria-current="page">nedoručeno (0)' in chosen
    assert "Žádné zprávy v tomto stavu." in chosen
    db.session.execute(sa.delete(OutboxDelivery))
    db.session.commit()
    empty = client.get("/admin/mail").get_data(as_text=True)  # nothing at all: undelivered
    assert 'href="/admin/mail?status=failed" aria-current="page">nedoručeno (0)' in empty


def test_outbox_counts_stop_at_a_cap_and_the_list_stays_paged(client, create_member,
                                                                monkeypatch):
    """Sent deliveries only grow: the outbox counts each state up to a cap ("více než …")
    instead of reading every delivery on each view; the pages follow the capped count."""
    admin = create_member(Role.ADMIN)
    with writing_request(client.application):
        for _ in range(4):
            queue_reset_mail(admin)
        db.session.commit()
    deliveries = db.session.scalars(sa.select(OutboxDelivery).order_by(OutboxDelivery.id)).all()
    for delivery in deliveries[:3]:
        delivery.status = DeliveryStatus.SENT
    db.session.commit()
    monkeypatch.setattr("intranet.mail.services.COUNT_CAP", 2)
    assert services.outbox_counts() == {"sent": 3, "pending": 1}  # the cap + 1: over it
    status = client.application.test_cli_runner().invoke(args=["mail", "status"]).output
    assert "sent: 3" in status and "pending: 1" in status  # the command counts exactly
    monkeypatch.setattr("intranet.mail.services.COUNT_CAP", 1)
    status = client.application.test_cli_runner().invoke(args=["mail", "status"]).output
    assert "sent: 3" in status  # issue #25: it printed the capped count (2)
    monkeypatch.setattr("intranet.mail.services.COUNT_CAP", 2)
    client.login(admin)
    page = client.get("/admin/mail?status=sent").get_data(as_text=True)
    assert "odesláno (více než 2)" in page and "čeká (1)" in page
    assert page.count(f"<tr><td>{admin.email}</td>") == 3  # the list itself is not capped
