"""Owners reminded when a value is due (issue #28): once per due date, from the morning on,
received by a real SMTP server; the mail's one-click link enters the value without logging
in, once, and refuses tampering and expiry."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from intranet.extensions import db
from intranet.i18n import today_in_prague
from intranet.mail.deliverer import deliver_due
from intranet.strategy import reminders
from intranet.strategy.models import Better, Goal, Indicator, IndicatorValue, Priority

from .conftest import smtp_config
from .mailbox_helpers import received

PRAGUE = ZoneInfo("Europe/Prague")


@pytest.fixture
def app_overrides(smtp_server):
    return smtp_config(smtp_server)


def at(hour: int, day: date | None = None) -> datetime:
    """That hour of the day (today) in Prague, as the UTC moment the app keeps."""
    local = datetime.combine(day or today_in_prague(), datetime.min.time(), PRAGUE)
    return local.replace(hour=hour).astimezone(ZoneInfo("UTC"))


@pytest.fixture
def owned(create_member):
    """An indicator whose owner's value was due a month ago (its last one 13 months ago)."""
    owner = create_member(first_name="Olga", last_name="Gestorová")
    today = today_in_prague()
    indicator = Indicator(
        goal=Goal(priority=Priority(number=1, title="Služby"), number=1,
                  title="Zvýšení nabídky sociálních služeb"),
        name="Místa v odlehčovací službě", unit="míst", baseline=4,
        baseline_on=today - timedelta(days=800), target=12,
        target_on=today + timedelta(days=800), better=Better.HIGHER, owner=owner,
        months_between_values=12)
    indicator.values = [IndicatorValue(measured_on=today - timedelta(days=400), value=6)]
    db.session.add(indicator)
    db.session.commit()
    return {"owner": owner, "indicator": indicator}


def the_link(smtp_server, email: str) -> str:
    [mail] = received(smtp_server)[email]
    return re.search(r"http\S+/strategy/value/\S+", mail.get_content()).group(0)


def test_the_owner_is_reminded_once_per_due_date_from_the_morning(owned, smtp_server):
    assert reminders.remind_owners(at(6)) == 0  # not before the morning
    assert reminders.remind_owners(at(8)) == 1
    assert reminders.remind_owners(at(9)) == 0  # never twice for one due date
    assert reminders.remind_owners(at(8, today_in_prague() + timedelta(days=3))) == 0
    deliver_due()
    [mail] = received(smtp_server)[owned["owner"].email]
    assert mail["Subject"] == "Čas zapsat hodnotu: Místa v odlehčovací službě"
    text = mail.get_content()
    assert "Zvýšení nabídky sociálních služeb" in text and "lze jej použít jednou" in text


def test_an_owner_with_a_value_not_yet_due_or_deactivated_gets_nothing(owned, create_member):
    indicator = owned["indicator"]
    db.session.add(IndicatorValue(indicator_id=indicator.id,
                                  measured_on=today_in_prague() - timedelta(days=10), value=7))
    other = Indicator(goal_id=indicator.goal_id, name="Jiný", baseline=1, target=2,
                      baseline_on=date(2020, 1, 1), target_on=date(2030, 1, 1),
                      better=Better.HIGHER, months_between_values=1,
                      owner=create_member(deactivated=True))
    db.session.add(other)
    db.session.commit()
    assert reminders.remind_owners(at(8)) == 0


def test_the_link_enters_the_value_once_without_logging_in(client, owned, smtp_server):
    reminders.remind_owners(at(8))
    deliver_due()
    path = re.sub(r"^https?://[^/]+", "", the_link(smtp_server, owned["owner"].email))
    page = client.get(path).get_data(as_text=True)
    assert "Zapsat hodnotu: Místa v odlehčovací službě" in page and "Gestorová" in page
    bad = client.submit(path, {"measured_on": today_in_prague().isoformat(), "value": "osm"})
    assert bad.status_code == 400 and "Zadejte číslo" in bad.get_data(as_text=True)
    done = client.submit(path, {"measured_on": today_in_prague().isoformat(), "value": "8"})
    assert "Děkujeme, hodnota je zapsaná" in done.get_data(as_text=True)
    value = db.session.scalar(sa.select(IndicatorValue).filter_by(value=8.0))
    assert value.entered_by_id == owned["owner"].id
    again = client.get(path)
    assert again.status_code == 410 and "už byla hodnota zapsána" in again.get_data(as_text=True)
    again = client.submit(path, {"measured_on": "2026-01-02", "value": "9"})
    assert again.status_code == 410
    assert db.session.scalar(sa.select(sa.func.count(IndicatorValue.id))) == 2


def test_an_indicator_owned_by_an_organisation_alone_reminds_its_address(
        client, owned, smtp_server, create_organisation):
    """No owner person: the organisation's address gets the reminder, and its link enters
    the value for the organisation; an organisation without an address gets none."""
    indicator = owned["indicator"]
    indicator.owner = None
    indicator.owner_organisation = create_organisation(name="Spolek Pomoc")
    indicator.owner_organisation.email = "info@pomoc.example"
    db.session.commit()
    assert reminders.remind_owners(at(8)) == 1
    deliver_due()
    path = re.sub(r"^https?://[^/]+", "", the_link(smtp_server, "info@pomoc.example"))
    page = client.get(path).get_data(as_text=True)
    assert "Zapisujete za organizaci, která je gestorem indikátoru: Spolek Pomoc." in page
    done = client.submit(path, {"measured_on": today_in_prague().isoformat(), "value": "8"})
    assert "Děkujeme, hodnota je zapsaná" in done.get_data(as_text=True)
    value = db.session.scalar(sa.select(IndicatorValue).filter_by(value=8.0))
    assert value.entered_by_id is None
    silent = Indicator(goal_id=indicator.goal_id, name="Bez adresy", baseline=1, target=2,
                       baseline_on=date(2020, 1, 1), target_on=date(2030, 1, 1),
                       better=Better.HIGHER, months_between_values=1,
                       owner_organisation=create_organisation(name="Bez adresy"))
    db.session.add(silent)
    db.session.commit()
    assert reminders.remind_owners(at(8, today_in_prague() + timedelta(days=1))) == 0


def test_a_deactivated_owner_person_leaves_the_reminder_to_the_organisation(
        owned, smtp_server, create_organisation):
    from intranet.strategy.models import ValueRequest

    indicator = owned["indicator"]
    owned["owner"].deactivated_at = at(6)
    indicator.owner_organisation = create_organisation(name="Spolek Pomoc")
    indicator.owner_organisation.email = "info@pomoc.example"
    db.session.commit()
    assert reminders.remind_owners(at(8)) == 1
    deliver_due()
    assert set(received(smtp_server)) == {"info@pomoc.example"}
    assert db.session.scalar(sa.select(ValueRequest.member_id)) is None


def test_a_tampered_or_expired_link_is_refused(app, client, owned, smtp_server):
    reminders.remind_owners(at(8))
    deliver_due()
    path = re.sub(r"^https?://[^/]+", "", the_link(smtp_server, owned["owner"].email))
    tampered = client.get(path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB"))
    assert tampered.status_code == 404 and "není celý" in tampered.get_data(as_text=True)
    app.config["STRATEGY_LINK_DAYS"] = -1  # as if the link were older than its lifetime
    expired = client.get(path)
    assert expired.status_code == 410 and "vypršela" in expired.get_data(as_text=True)
