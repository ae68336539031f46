"""The outbox: mail is written with the change, delivered later, retried, never twice."""

import mailbox
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet.database import utcnow
from intranet.extensions import db
from intranet.mail import services
from intranet.mail.models import DeliveryStatus, OutboxDelivery
from intranet.policy import Role

from .conftest import smtp_config


@pytest.fixture
def app_overrides(smtp_server):
    return smtp_config(smtp_server)


def statuses() -> list[str]:
    return db.session.scalars(sa.select(OutboxDelivery.status).order_by(OutboxDelivery.id)).all()


def message_created(delivery_id: int) -> float:
    return db.session.get(OutboxDelivery, delivery_id).message.created_at.timestamp()


def queue_reset_mail(member):
    with db.session.no_autoflush:
        return services.queue_mail(member, services.ACCOUNT, "password_reset", member=member,
                                   link="https://intranet.test/x", valid_minutes=10)


def test_rolled_back_change_sends_nothing(app, smtp_server, create_member):
    member = create_member()
    with app.test_request_context():
        queue_reset_mail(member)
        db.session.rollback()
    assert services.deliver_due() == {"sent": 0, "failed": 0}
    assert smtp_server.recorder.envelopes == []


def test_committed_mail_is_delivered_once_over_smtp(app, smtp_server, create_member):
    member = create_member(first_name="Olga")
    with app.test_request_context():
        queue_reset_mail(member)
        db.session.commit()
    assert services.deliver_due() == {"sent": 1, "failed": 0}
    assert services.deliver_due() == {"sent": 0, "failed": 0}
    [(recipients, message)] = smtp_server.recorder.messages()
    assert recipients == [member.email]
    assert message["To"] == member.email
    assert "Olga" in message.get_content()
    assert message["Message-ID"] == f"<outbox.1.{int(message_created(1))}@intranet.test>"


def test_smtp_down_then_up_delivers_everything_exactly_once(app, smtp_server,
                                                            create_member):
    members = [create_member() for _ in range(3)]
    with app.test_request_context():
        for member in members:
            queue_reset_mail(member)
        db.session.commit()
    smtp_server.stop()
    assert services.deliver_due() == {"sent": 0, "failed": 3}
    assert statuses() == ["pending"] * 3
    delivery = db.session.scalars(sa.select(OutboxDelivery)).first()
    assert delivery.attempts == 1 and delivery.last_error
    assert services.deliver_due() == {"sent": 0, "failed": 0}  # backing off, not yet due
    smtp_server.start()
    later = utcnow() + timedelta(minutes=1)
    assert services.deliver_due(now=later) == {"sent": 3, "failed": 0}
    assert services.deliver_due(now=later + timedelta(hours=2)) == {"sent": 0, "failed": 0}
    received = sorted(rcpt for rcpts, _ in smtp_server.recorder.messages() for rcpt in rcpts)
    assert received == sorted(m.email for m in members)


def test_gives_up_after_the_attempt_limit(make_app, create_member):
    app = make_app(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=1, MAIL_MAX_ATTEMPTS=2)
    with app.app_context():
        member = create_member()
        with app.test_request_context():
            queue_reset_mail(member)
            db.session.commit()
        services.deliver_due()
        services.deliver_due(now=utcnow() + timedelta(hours=1))
        assert statuses() == ["failed"]
        assert services.outbox_counts() == {"failed": 1}


def test_two_workers_cannot_claim_the_same_delivery(app, create_member):
    member = create_member()
    with app.test_request_context():
        queue_reset_mail(member)
        db.session.commit()
    delivery_id = db.session.scalar(sa.select(OutboxDelivery.id))
    now = utcnow()
    assert services._claim(delivery_id, now) is True
    assert services._claim(delivery_id, now) is False


def test_stale_claim_is_not_sent_again(app, smtp_server, create_member):
    member = create_member()
    with app.test_request_context():
        queue_reset_mail(member)
        db.session.commit()
    delivery_id = db.session.scalar(sa.select(OutboxDelivery.id))
    services._claim(delivery_id, utcnow() - timedelta(hours=1))  # a worker died mid-send
    assert services.release_stale_claims() == 1
    assert services.deliver_due() == {"sent": 0, "failed": 0}
    assert statuses() == ["failed"]
    assert smtp_server.recorder.envelopes == []


def test_without_smtp_host_mail_goes_to_the_maildir(make_app, smtp_server, create_member):
    member = create_member()
    plain = make_app()
    with plain.test_request_context():
        queue_reset_mail(member)
        db.session.commit()
        assert services.deliver_due()["sent"] == 1
    [message] = list(mailbox.Maildir(plain.config["MAIL_MAILDIR"]))
    assert message["To"] == member.email
    assert smtp_server.recorder.envelopes == []


@pytest.mark.parametrize("category, preference", [
    ("meetings", "wants_meeting_mail"), ("minutes", "wants_minutes_mail"),
    ("list", "wants_list_mail")])
def test_members_who_opted_out_or_are_deactivated_get_nothing(app, create_member, category,
                                                              preference):
    keen = create_member()
    opted_out = create_member(**{preference: False})
    gone = create_member(deactivated=True)
    assert services.wants(keen, category)
    assert not services.wants(opted_out, category)
    assert not services.wants(gone, services.ACCOUNT)


def test_one_rendering_per_language(app, create_member):
    czech, english = create_member(), create_member(language="en")
    with app.test_request_context():
        messages = services.queue_to_members(
            [czech, english], services.ACCOUNT, "password_reset", member=czech,
            link="https://intranet.test/x", valid_minutes=10)
        db.session.commit()
    subjects = {m.deliveries[0].recipient: m.subject for m in messages}
    assert "Nové heslo" in subjects[czech.email]
    assert "Nové heslo" not in subjects[english.email]


def test_mail_deliver_cli(app, create_member, create_organisation):
    admin = create_member(Role.ADMIN)
    with app.test_request_context():
        queue_reset_mail(admin)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "deliver"])
    assert "odesláno: 1" in result.output
    status = app.test_cli_runner().invoke(args=["mail", "status"])
    assert "sent: 1" in status.output
    assert db.session.scalar(sa.select(OutboxDelivery.status)) is DeliveryStatus.SENT
