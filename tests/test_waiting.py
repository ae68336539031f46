"""Work that waits is seen (#27): "Čeká na vás" on the dashboard of whoever can act (minutes
to approve, posts to moderate, a review to answer, one's own unfinished minutes), and by
mail, at most once a day per person: when minutes are submitted, and each morning while
posts wait for a moderator (received by a real SMTP server)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet.extensions import db
from intranet.i18n import today_in_prague
from intranet.mail.deliverer import deliver_due
from intranet.mail.models import DailyNotice
from intranet.mailing import services as lists
from intranet.mailing import waiting as list_waiting
from intranet.mailing.models import MailingList
from intranet.meetings import attendance
from intranet.meetings.models import Presence
from intranet.minutes import review, services
from intranet.policy import Role

from .conftest import smtp_config
from .mailbox_helpers import received


@pytest.fixture
def app_overrides(smtp_server):
    return smtp_config(smtp_server)


@pytest.fixture
def team(create_member, create_group, create_meeting):
    secretary = create_member(Role.SECRETARY, first_name="Zuzana", last_name="Zapisová")
    coordinator = create_member(first_name="Karel", last_name="Koordinátor")
    member = create_member(first_name="Anna", last_name="Členová")
    admin = create_member(Role.ADMIN, first_name="Alena", last_name="Správcová")
    group = create_group(number=4, members=[member], coordinators=[coordinator])
    meetings = [create_meeting(group, starts_in=-timedelta(days=d)) for d in (9, 2)]
    for meeting in meetings:
        attendance.record_presence(meeting, member.id, Presence.PRESENT)
    drafts = [services.start(m, secretary) for m in meetings]
    for draft in drafts:
        services.save(draft, secretary, "Projednáno.", draft.version)
    return {"secretary": secretary, "coordinator": coordinator, "member": member,
            "admin": admin, "group": group, "drafts": drafts}


def waiting_on_dashboard(client, member) -> list[str]:
    client.login(member)
    page = client.get("/").get_data(as_text=True)
    if "Čeká na vás" not in page:
        return []
    card = page.split('id="waiting-heading"', 1)[1].split("</section>", 1)[0]
    return [item.split(">", 1)[1].split("</a>", 1)[0].strip()
            for item in card.split("<li>")[1:]]


def test_each_role_sees_what_waits_for_them_and_nobody_else_does(client, team):
    first, second = team["drafts"]
    services.submit(first)
    review.start(second, today_in_prague() + timedelta(days=7))
    group_list = db.session.scalar(sa.select(MailingList).filter_by(group_id=team["group"].id))
    group_list.moderated = True
    db.session.commit()
    for subject in ("Nabídka stáže", "Pozvánka"):
        lists.post(group_list, team["member"], subject, "Text")
    db.session.commit()

    assert waiting_on_dashboard(client, team["coordinator"]) == [
        "Schválit zápis: č. 4 – Sociální služby, schůzka " + day(first),
        "2 příspěvky čekají na schválení v rozesílači PS č. 4 Sociální služby"]
    assert waiting_on_dashboard(client, team["secretary"]) == [
        "Dopsat zápis: č. 4 – Sociální služby, schůzka " + day(second)]
    deadline = today_in_prague() + timedelta(days=7)
    assert waiting_on_dashboard(client, team["member"]) == [
        f"Připomínky k zápisu: č. 4 – Sociální služby, schůzka {day(second)} "
        f"(do {deadline.day}. {deadline.month}. {deadline.year})"]
    assert waiting_on_dashboard(client, team["admin"]) == [  # all lists; others' minutes
        "Schválit zápis: č. 4 – Sociální služby, schůzka " + day(first),
        "2 příspěvky čekají na schválení v rozesílači PS č. 4 Sociální služby"]
    services.approve(first, team["coordinator"])
    assert waiting_on_dashboard(client, team["coordinator"])[0].startswith("2 příspěvky")


def day(minutes) -> str:
    from intranet.i18n import in_prague

    moment = in_prague(minutes.meeting.starts_at)
    return f"{moment.day}. {moment.month}. {moment.year}"


def test_submitted_minutes_mail_the_approver_at_most_once_a_day(team, smtp_server):
    first, second = team["drafts"]
    services.submit(first)
    services.submit(second)  # the same day: no second mail, the dashboard lists both
    deliver_due()
    mail = received(smtp_server)
    assert list(mail) == [team["coordinator"].email]
    (message,) = mail[team["coordinator"].email]
    assert message["Subject"] == "Čeká na vás 1 věc v intranetu"
    text = message.get_body(("plain",)).get_content()
    assert "Schválit zápis: č. 4 – Sociální služby" in text and f"/minutes/{first.id}" in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DailyNotice)) == 1


def test_moderators_are_told_each_day_while_posts_wait(team, smtp_server, monkeypatch):
    group_list = db.session.scalar(sa.select(MailingList).filter_by(group_id=team["group"].id))
    group_list.moderated = True
    db.session.commit()
    lists.post(group_list, team["member"], "Nabídka stáže", "Text")
    db.session.commit()
    monkeypatch.setattr(list_waiting, "MORNING", 0)  # whatever the hour the test runs at
    assert list_waiting.tell_moderators() == 2  # the coordinator and the administrator
    assert list_waiting.tell_moderators() == 0  # not twice a day
    deliver_due()
    mail = received(smtp_server)
    assert set(mail) == {team["coordinator"].email, team["admin"].email}
    text = mail[team["admin"].email][0].get_body(("plain",)).get_content()
    assert "1 příspěvek čeká na schválení v rozesílači PS č. 4 Sociální služby" in text
    db.session.execute(sa.update(DailyNotice).values(day=today_in_prague() - timedelta(days=1)))
    db.session.commit()
    assert list_waiting.tell_moderators() == 2  # the next day, still waiting
