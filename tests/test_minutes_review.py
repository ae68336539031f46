"""The review round before approval (issue #8): the draft goes to the attendees, who answer
"bez připomínek" or with a comment from a signed link; the coordinator sees who said what."""

import re
from datetime import timedelta

import pytest

from intranet.i18n import today_in_prague
from intranet.meetings import attendance
from intranet.meetings.models import Presence
from intranet.minutes import services
from intranet.policy import Role

from .conftest import smtp_config
from .mailbox_helpers import link_in_last_mail, queued_to
from .test_meetings import received


@pytest.fixture
def team(create_member, create_group, create_meeting):
    secretary = create_member(Role.SECRETARY)
    coordinator = create_member(first_name="Karel", last_name="Koordinátor")
    present = [create_member(first_name="Anna", last_name="Přítomná"),
               create_member(first_name="Bára", last_name="Přítomná")]
    absent = create_member(first_name="Cyril", last_name="Nepřítomný")
    group = create_group(members=[*present, absent], coordinators=[coordinator])
    meeting = create_meeting(group, starts_in=-timedelta(hours=3))
    for member in present:
        attendance.record_presence(meeting, member.id, Presence.PRESENT)
    attendance.record_presence(meeting, absent.id, Presence.ABSENT)
    minutes = services.start(meeting, secretary)
    services.save(minutes, secretary, "Koncept: **rozpočet** schválen.", minutes.version)
    return {"secretary": secretary, "coordinator": coordinator, "present": present,
            "absent": absent, "minutes": minutes}


def send(client, team, deadline):
    client.login(team["secretary"])
    return client.submit(f"/minutes/{team['minutes'].id}/review",
                         {"deadline": deadline.isoformat()})


def test_the_draft_goes_to_those_present_with_a_link(client, team):
    response = send(client, team, today_in_prague() + timedelta(days=7))
    assert response.status_code == 302
    for member in team["present"]:
        mail = queued_to(member.email)[-1]
        assert "Připomínky k zápisu" in mail.subject and "/review/" in mail.body_text
    assert queued_to(team["absent"].email) == []
    again = send(client, team, today_in_prague() + timedelta(days=9))  # nobody gets it twice
    assert again.status_code == 302
    assert len(queued_to(team["present"][0].email)) == 1


def test_attendees_answer_without_logging_in_and_the_coordinator_sees_it(client, team, app):
    send(client, team, today_in_prague() + timedelta(days=7))
    first, second = (link_in_last_mail(m.email) for m in team["present"])
    client.submit("/logout")
    page = client.get(first)
    assert page.status_code == 200 and "<strong>rozpočet</strong>" in page.get_data(as_text=True)
    assert client.submit(first, {"no_remarks": "1"}).status_code == 200
    empty = client.submit(second, {"comment": ""})
    assert empty.status_code == 400 and "Bez připomínek" in empty.get_data(as_text=True)
    done = client.submit(second, {"comment": "Doplnit jméno hosta."})
    assert "Vaše připomínky uvidí" in done.get_data(as_text=True)
    client.login(team["coordinator"])
    minutes_page = client.get(f"/minutes/{team['minutes'].id}").get_data(as_text=True)
    assert "odpovědi: 2 z 2" in minutes_page
    assert "Anna Přítomná</strong>: bez připomínek" in minutes_page
    assert "Bára Přítomná</strong>: Doplnit jméno hosta." in minutes_page


def test_the_review_page_shows_the_tasks_as_the_minutes_page_does(client, team):
    from intranet.minutes import tasks

    doer = team["present"][0]
    tasks.add(team["minutes"], "Poslat rozpočet obcím", f"m:{doer.id}", None)
    send(client, team, today_in_prague() + timedelta(days=7))
    client.submit("/logout")
    page = client.get(link_in_last_mail(doer.email)).get_data(as_text=True)
    assert "Úkoly" in page and "Poslat rozpočet obcím" in page and doer.full_name in page
    assert "splněno?" not in page  # read-only here


def test_answers_close_at_the_deadline_and_at_approval(client, team):
    send(client, team, today_in_prague())
    link = link_in_last_mail(team["present"][0].email)
    services.submit(team["minutes"])
    assert client.get(link).status_code == 200  # waiting for approval: still open
    services.approve(team["minutes"], team["coordinator"])
    closed = client.get(link)
    assert closed.status_code == 410 and "už nepřijímají" in closed.get_data(as_text=True)


def test_a_past_deadline_and_a_bad_link_are_refused(client, team):
    past = today_in_prague() - timedelta(days=1)
    response = send(client, team, past)
    assert response.status_code == 400  # the page again, the mistake at the date
    assert queued_to(team["present"][0].email) == []
    page = response.get_data(as_text=True)
    field = page.split('id="deadline-error"', 1)[1].split("</", 1)[0]
    assert "Termín už minul" in field
    assert f'value="{past.isoformat()}"' in page  # what was typed stays
    bad = client.get("/review/not-a-token")
    assert bad.status_code == 404 and "Odkaz není platný" in bad.get_data(as_text=True)


def test_the_review_round_offers_a_week_to_read(client, team):
    client.login(team["secretary"])
    page = client.get(f"/minutes/{team['minutes'].id}").get_data(as_text=True)
    week = today_in_prague() + timedelta(days=7)
    assert re.search(rf'<input[^>]*name="deadline"[^>]*value="{week.isoformat()}"', page)


def test_only_drafts_go_for_review_and_only_writers_send(client, team):
    client.login(team["present"][0])
    assert client.submit(f"/minutes/{team['minutes'].id}/review",
                         {"deadline": today_in_prague().isoformat()}).status_code == 403
    services.submit(team["minutes"])
    response = send(client, team, today_in_prague())
    assert response.status_code == 303 and queued_to(team["present"][0].email) == []


@pytest.fixture
def app_overrides(smtp_server):
    return smtp_config(smtp_server)


def test_the_review_mail_reaches_a_real_smtp_server(client, team, smtp_server):
    send(client, team, today_in_prague() + timedelta(days=3))
    mails = received(smtp_server)
    assert sorted(rcpt for rcpt, _, _ in mails) == sorted(m.email for m in team["present"])
    body = mails[0][1].get_body(("plain",)).get_content()
    assert "/review/" in body and "Bez připomínek" in body
