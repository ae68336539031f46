"""Meetings: scheduling with invitations and calendar files, changes, answers, attendance."""

import csv
import io
import re
import threading
from datetime import date, datetime, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from intranet.database import utcnow
from intranet.extensions import db
from intranet.i18n import in_prague
from intranet.mail.deliverer import deliver_due
from intranet.meetings import attendance, notifications, services
from intranet.meetings.calendar import answer_token, reply_token
from intranet.meetings.models import Answer, Meeting, MeetingStatus, Participation, Presence
from intranet.policy import Role

from .conftest import smtp_config, writing_request
from .queries import queries_for

HTMX = {"HX-Request": "true"}
CONFIRMED = {"confirmed": "1"}


@pytest.fixture
def app_overrides(smtp_server):
    return smtp_config(smtp_server)


DAY = in_prague(utcnow()).date() + timedelta(days=60)  # a meeting two months ahead
DAY_TEXT = f"{DAY.day}. {DAY.month}. {DAY.year} 9:00"


def schedule_form(**overrides):
    return {"day": DAY.isoformat(), "time_from": "09:00", "time_to": "10:00",
            "place": "Chomutov, radnice", "map_url": "", **overrides}


def schedule_and_send(client, group, **overrides):
    """Schedule through the form, then press "send the invitation"; the new meeting."""
    response = client.submit(f"/groups/{group.id}/meetings/new", schedule_form(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting = db.session.scalars(sa.select(Meeting).order_by(Meeting.id.desc())).first()
    assert response.location == f"/meetings/{meeting.id}/invitations"
    assert client.submit(f"/meetings/{meeting.id}/invitations/send").status_code == 302
    db.session.refresh(meeting)
    return meeting


def received(smtp_server):
    """(recipient, message, parsed calendar or None) for every e-mail the SMTP server got."""
    deliver_due()
    out = []
    for rcpts, message in smtp_server.recorder.messages():
        parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        ics = icalendar.Calendar.from_ical(parts[0].get_content()) if parts else None
        out.append((rcpts[0], message, ics))
    smtp_server.recorder.envelopes.clear()
    return out


def event_of(ics):
    return next(c for c in ics.walk() if c.name == "VEVENT")


@pytest.fixture
def team(create_member, create_group):
    secretary = create_member(Role.SECRETARY, first_name="Zapisovatelka")
    keen = create_member(first_name="Klára", last_name="Horlivá")
    quiet = create_member(first_name="Tichý", wants_meeting_mail=False)
    gone = create_member(first_name="Odešlý")
    group = create_group(number=4, name="Sociální služby", members=[keen, quiet, gone])
    gone.deactivated_at = utcnow()
    db.session.commit()
    return {"secretary": secretary, "keen": keen, "quiet": quiet, "gone": gone, "group": group}


def test_scheduling_then_sending_invites_members_with_a_calendar_file(client, team,
                                                                      smtp_server):
    client.login(team["secretary"])
    response = client.submit(f"/groups/{team['group'].id}/meetings/new",
                             schedule_form(program="Zahájení\n\nGestor cíle\nRůzné"))
    meeting = db.session.scalar(sa.select(Meeting))
    assert response.location == f"/meetings/{meeting.id}/invitations"
    assert received(smtp_server) == []  # scheduled, not sent yet
    preview = client.get(response.location).get_data(as_text=True)
    assert "Jak pozvánku uvidí členové" in preview and "3. Různé" in preview
    client.submit(f"/meetings/{meeting.id}/invitations/send")
    client.submit(f"/meetings/{meeting.id}/invitations/send")  # a second click sends nothing
    assert [i.title for i in meeting.agenda] == ["Zahájení", "Gestor cíle", "Různé"]
    assert meeting.number == 1 and in_prague(meeting.starts_at).hour == 9
    mails = received(smtp_server)
    assert [to for to, _, _ in mails] == [team["keen"].email]  # opted out and deactivated: none
    _, message, ics = mails[0]
    assert "Pozvánka" in message["Subject"] and DAY_TEXT in message["Subject"]
    assert message["Reply-To"] == f"{team['secretary'].full_name} <{team['secretary'].email}>"
    assert ics["METHOD"] == "REQUEST"  # Yes/No in the calendar: the receiver records it
    event = event_of(ics)
    assert str(event["UID"]) == f"{meeting.uid}@intranet" and event["SEQUENCE"] == 0
    token = reply_token(meeting.id, team["keen"].id)  # the reply proves whose it is (#25)
    assert str(event["ORGANIZER"]) == f"mailto:odpovedi+{token}@intranet.test"
    assert event["ORGANIZER"].params["CN"] == team["secretary"].full_name
    assert str(event["ATTENDEE"]) == f"mailto:{team['keen'].email}"
    assert event["ATTENDEE"].params["RSVP"] == "TRUE"
    assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
    assert "3. Různé" in str(event["DESCRIPTION"])
    alternative = next(p for p in message.walk() if p.get_content_type() == "multipart/alternative")
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain",
                                                                       "text/calendar"]
    assert event.decoded("DTSTART") == meeting.starts_at
    body = message.get_body(("plain",)).get_content()
    assert "http://127.0.0.1:5000/answer/" in body and "2. Gestor cíle" in body


def test_change_sends_update_and_cancel_sends_cancel_with_same_uid(client, team, smtp_server):
    client.login(team["secretary"])
    meeting = schedule_and_send(client, team["group"])
    received(smtp_server)
    response = client.submit(f"/meetings/{meeting.id}/edit",
                             schedule_form(time_from="10:00", time_to="11:30", version="1"))
    assert response.status_code == 302
    [(_, message, ics)] = received(smtp_server)
    assert "Změna schůzky" in message["Subject"]
    event = event_of(ics)
    assert ics["METHOD"] == "REQUEST" and event["SEQUENCE"] == 1
    assert str(event["UID"]) == f"{meeting.uid}@intranet"
    client.submit(f"/meetings/{meeting.id}/cancel", {**CONFIRMED, "reason": "Nemoc"})
    [(_, message, ics)] = received(smtp_server)
    assert ics["METHOD"] == "CANCEL" and event_of(ics)["SEQUENCE"] == 2
    assert "Důvod: Nemoc" in message.get_body(("plain",)).get_content()
    assert [p.get_filename() for p in message.iter_attachments()] == ["zruseni-schuzky.ics"]
    assert event_of(ics)["STATUS"] == "CANCELLED"
    db.session.refresh(meeting)
    assert meeting.status is MeetingStatus.CANCELLED


def test_unchanged_save_sends_nothing(client, team, smtp_server):
    client.login(team["secretary"])
    meeting = schedule_and_send(client, team["group"])
    received(smtp_server)
    client.submit(f"/meetings/{meeting.id}/edit", schedule_form(version="1"))
    assert received(smtp_server) == []


@pytest.mark.parametrize("overrides, message", [
    ({"time_to": "08:00"}, "Konec musí být později než začátek."),
    ({"day": "2030-02-30"}, "Takové datum neexistuje"),
    ({"time_from": "25:99"}, "Zadejte čas jako hodiny a minuty"),
    ({"day": ""}, "Zadejte datum schůzky."),
    ({"place": "   "}, "Toto pole je povinné."),
    ({"map_url": "mapa"}, "Zadejte celou adresu"),
])
def test_bad_schedule_input_is_refused_at_the_field(client, team, overrides, message):
    client.login(team["secretary"])
    response = client.submit(f"/groups/{team['group'].id}/meetings/new",
                             schedule_form(place="Radnice", **overrides) if "place" not in
                             overrides else schedule_form(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0


def test_values_are_kept_after_an_error(client, team):
    client.login(team["secretary"])
    page = client.submit(f"/groups/{team['group'].id}/meetings/new",
                         schedule_form(time_to="08:00", place="Hasičárna")).get_data(as_text=True)
    assert 'value="Hasičárna"' in page and f'value="{DAY.isoformat()}"' in page
    assert 'value="09:00"' in page


def test_numbering_is_unique_under_concurrent_scheduling(app, team):
    group_id, secretary_id = team["group"].id, team["secretary"].id
    db.session.commit()  # the test thread holds no transaction while the workers write
    errors = []

    def schedule_one(n):
        try:
            with app.test_request_context(method="POST"):
                from intranet.accounts.models import Member
                from intranet.groups.models import WorkingGroup

                start = utcnow() + timedelta(days=10 + n)
                services.schedule(db.session.get(WorkingGroup, group_id),
                                  db.session.get(Member, secretary_id),
                                  services.Details(start, start + timedelta(hours=1), "Radnice"))
        except Exception as error:  # noqa: BLE001 - collected and asserted
            errors.append(error)

    threads = [threading.Thread(target=schedule_one, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(db.session.scalars(sa.select(Meeting.number)))
    assert numbers == list(range(1, 9))


def test_changing_a_held_meetings_time_asks_for_confirmation(client, team, create_meeting,
                                                            smtp_server):
    meeting = create_meeting(team["group"], attendance_taken_at=utcnow(),
                             starts_in=-timedelta(days=1))
    client.login(team["secretary"])
    page = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    data = {"day": in_prague(meeting.starts_at - timedelta(days=1)).strftime("%Y-%m-%d"),
            "time_from": "09:00", "time_to": "10:00", "place": meeting.place, "version": "1"}
    assert 'name="version" type="hidden" value="1"' in page
    response = client.submit(f"/meetings/{meeting.id}/edit", data)
    assert response.status_code == 409
    assert "Potvrďte změnu času" in response.get_data(as_text=True)
    assert received(smtp_server) == []
    response = client.submit(f"/meetings/{meeting.id}/edit", {**data, "confirmed": "y"})
    assert response.status_code == 302
    assert received(smtp_server) == []  # a meeting in the past: nobody needs an update
    db.session.refresh(meeting)
    assert in_prague(meeting.starts_at).strftime("%Y-%m-%d") == data["day"]


def test_stale_form_is_refused_with_409(client, team, create_meeting):
    meeting = create_meeting(team["group"], version=3)
    client.login(team["secretary"])
    response = client.submit(f"/meetings/{meeting.id}/edit", schedule_form(version="2"))
    assert response.status_code == 409
    assert "upravil někdo jiný" in response.get_data(as_text=True)


def test_plan_next_meeting_is_prefilled_and_linked(client, team, create_meeting):
    first = create_meeting(team["group"], place="Knihovna, sál")
    client.login(team["secretary"])
    page = client.get(f"/meetings/{first.id}/next").get_data(as_text=True)
    assert 'value="Knihovna, sál"' in page
    suggested = in_prague(first.starts_at + timedelta(weeks=4)).date()
    assert f'value="{suggested.isoformat()}"' in page
    response = client.submit(f"/meetings/{first.id}/next", schedule_form(place="Knihovna, sál"))
    second = db.session.scalar(sa.select(Meeting).where(Meeting.previous_id == first.id))
    assert response.status_code == 302 and second.number == first.number + 1
    first_page = client.get(f"/meetings/{first.id}").get_data(as_text=True)
    assert "Příští schůzka" in first_page and DAY_TEXT in first_page
    again = client.get(f"/meetings/{first.id}/next")
    assert again.status_code == 302 and again.location == f"/meetings/{second.id}"


def test_calendar_download_parses(client, team, create_meeting):
    meeting = create_meeting(team["group"], agenda=["Zahájení", "Různé"])
    client.login(team["keen"])
    response = client.get(f"/meetings/{meeting.id}/calendar.ics")
    ics = icalendar.Calendar.from_ical(response.data)
    assert ics["METHOD"] == "PUBLISH"
    assert "2. Různé" in str(event_of(ics)["DESCRIPTION"])
    day = in_prague(meeting.starts_at).date().isoformat()
    assert f"filename*=UTF-8''sch%C5%AFzka-PS-4-{day}.ics" in response.headers[
        "Content-Disposition"]


# --- answers ------------------------------------------------------------------------------

def test_answer_by_signed_link_without_logging_in(client, team, create_meeting):
    meeting = create_meeting(team["group"])
    with writing_request(client.application):
        token = answer_token(meeting, team["keen"], Answer.EXCUSED)
    page = client.get(f"/answer/{token}").get_data(as_text=True)
    assert "Potvrdit: omlouvám se" in page
    assert attendance.answer_of(meeting, team["keen"]).answer is None  # GET changes nothing
    response = client.submit(f"/answer/{token}")
    done = response.get_data(as_text=True)
    assert f"{team['keen'].full_name}: zapsali jsme vaši omluvu." in done  # whose answer
    assert "stejným odkazem" not in done
    assert attendance.answer_of(meeting, team["keen"]).answer is Answer.EXCUSED


def test_tampered_expired_or_foreign_links_are_refused(client, team, create_meeting,
                                                      create_member):
    meeting = create_meeting(team["group"])
    past = create_meeting(team["group"], starts_in=-timedelta(days=2))
    outsider = create_member()
    with writing_request(client.application):
        good = answer_token(meeting, team["keen"], Answer.COMING)
        expired = answer_token(past, team["keen"], Answer.COMING)
        foreign = answer_token(meeting, outsider, Answer.COMING)
    tampered = good[:-3] + ("abc" if not good.endswith("abc") else "xyz")
    for token in (tampered, foreign, "garbage"):
        response = client.get(f"/answer/{token}")
        assert response.status_code == 404
        assert "Odkaz už neplatí" in response.get_data(as_text=True)
    for method in (client.get, client.submit):  # a meeting that is over takes no answers
        response = method(f"/answer/{expired}")
        assert response.status_code == 409
        assert "Schůzka už proběhla" in response.get_data(as_text=True)
    assert attendance.answer_of(past, team["keen"]).answer is None


def test_member_answers_on_the_meeting_page(client, team, create_meeting, create_member):
    meeting = create_meeting(team["group"])
    client.login(team["keen"])
    response = client.post(f"/meetings/{meeting.id}/answer", data={"answer": "coming"},
                           headers={**HTMX, "X-CSRFToken": client.csrf_token()})
    assert "Odpověděli jste: přijdu." in response.get_data(as_text=True)
    assert attendance.answer_of(meeting, team["keen"]).answer is Answer.COMING
    client.submit("/logout")
    client.login(create_member())
    assert client.submit(f"/meetings/{meeting.id}/answer",
                         {"answer": "coming"}).status_code == 403


# --- attendance ---------------------------------------------------------------------------

def test_attendance_taps_persist_and_excuses_are_prefilled(client, team, create_meeting):
    meeting = create_meeting(team["group"])
    attendance.answer(meeting, team["quiet"].id, Answer.EXCUSED)
    client.login(team["secretary"])
    page = client.get(f"/meetings/{meeting.id}/attendance").get_data(as_text=True)
    assert "omluva předem" in page and "(a)" not in page  # no "omluvil(a)" beside a name
    response = client.post(f"/meetings/{meeting.id}/attendance/{team['keen'].id}",
                           data={"presence": "present"},
                           headers={**HTMX, "X-CSRFToken": client.csrf_token()})
    assert response.status_code == 200 and 'aria-pressed="true"' in response.get_data(
        as_text=True)
    client.submit(f"/meetings/{meeting.id}/attendance/{team['keen'].id}", {"presence": "absent"})
    presence = db.session.scalar(sa.select(Participation.presence).where(
        Participation.member_id == team["keen"].id))
    assert presence is Presence.ABSENT
    db.session.refresh(meeting)
    assert meeting.status is MeetingStatus.SCHEDULED  # next week: not held yet
    started = create_meeting(team["group"], starts_in=-timedelta(minutes=10))
    client.submit(f"/meetings/{started.id}/attendance/{team['keen'].id}", {"presence": "present"})
    db.session.refresh(started)
    assert started.is_held
    outsider = client.submit(f"/meetings/{started.id}/attendance/999999", {"presence": "present"})
    assert outsider.status_code == 404


def test_attendance_refused_for_a_cancelled_meeting(client, team, create_meeting):
    meeting = create_meeting(team["group"], status=MeetingStatus.CANCELLED)
    client.login(team["secretary"])
    response = client.submit(f"/meetings/{meeting.id}/attendance/{team['keen'].id}",
                             {"presence": "present"}, follow_redirects=True)
    assert "Schůzka je zrušená; už ji nelze měnit." in response.get_data(as_text=True)
    for url in (f"/meetings/{meeting.id}/edit", f"/meetings/{meeting.id}/agenda"):
        assert client.submit(url, {"title": "X"}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participation).where(
        Participation.presence.is_not(None))) == 0


def test_guests_are_added_inline_and_errors_shown(client, team, create_meeting):
    meeting = create_meeting(team["group"])
    client.login(team["secretary"])
    bad = client.submit(f"/meetings/{meeting.id}/guests", {"name": "", "organisation": "ÚP"})
    assert bad.status_code == 400 and 'value="ÚP"' in bad.get_data(as_text=True)
    client.submit(f"/meetings/{meeting.id}/guests", {"name": "Ing. Host", "organisation": "ÚP"})
    assert [g.name for g in attendance.guests_of(meeting)] == ["Ing. Host"]


def test_print_sheet_lists_every_participant_and_spare_rows(client, team, create_meeting):
    meeting = create_meeting(team["group"], guests=["Mgr. Hostující"])
    client.login(team["secretary"])
    page = client.get(f"/meetings/{meeting.id}/sheet").get_data(as_text=True)
    for member in (team["keen"], team["quiet"]):
        assert member.full_name in page and member.organisation.name in page
    assert team["gone"].full_name not in page
    assert "Mgr. Hostující" in page and "Podpis" in page
    assert page.count('class="spare"') == 8
    assert "print.css" in page


# --- reminders and the calendar feed ------------------------------------------------------

def test_reminder_goes_once_and_not_to_the_excused(app, team, create_meeting, create_member,
                                                   smtp_server):
    extra = create_member(first_name="Omluvená")
    team["group"].memberships.append(
        __import__("intranet.groups.models", fromlist=["GroupMembership"]).GroupMembership(
            member=extra))
    db.session.commit()
    soon = create_meeting(team["group"], starts_in=timedelta(hours=20))
    create_meeting(team["group"], starts_in=timedelta(days=3))  # outside the 1-day lead time
    attendance.answer(soon, extra.id, Answer.EXCUSED)
    with writing_request(app):
        assert notifications.send_due_reminders() == 1
        assert notifications.send_due_reminders() == 0
    mails = received(smtp_server)
    assert [to for to, _, _ in mails] == [team["keen"].email]
    assert "Připomínka" in mails[0][1]["Subject"]


def test_private_calendar_feed_can_be_revoked(client, team, create_meeting):
    mine = create_meeting(team["group"], place="Moje schůzka")
    create_meeting(place="Cizí schůzka")
    client.login(team["keen"])
    client.submit("/profile/calendar", {"action": "renew"})
    db.session.refresh(team["keen"])
    token = team["keen"].calendar_token
    feed = client.application.test_client().get(f"/calendar/{token}.ics")
    ics = icalendar.Calendar.from_ical(feed.data)
    assert [str(e["LOCATION"]) for e in ics.walk("VEVENT")] == [mine.place]
    client.submit("/profile/calendar", {"action": "revoke"})
    assert client.application.test_client().get(f"/calendar/{token}.ics").status_code == 404


# --- statistics and the calendar list -----------------------------------------------------

def test_statistics_match_a_hand_computed_fixture(client, team, create_meeting, create_member,
                                                  create_organisation, create_municipality):
    lipova = create_municipality("Lipová")
    office = create_organisation("OÚ Lipová", municipality=lipova)
    mayor = create_member(first_name="Starosta", organisation=office)
    from intranet.groups.models import GroupMembership

    team["group"].memberships.append(GroupMembership(member=mayor))
    db.session.commit()
    one = create_meeting(team["group"], starts_in=-timedelta(days=10), guests=["Host A"])
    two = create_meeting(team["group"], starts_in=-timedelta(days=3))
    create_meeting(team["group"], starts_in=timedelta(days=3))  # not held: not counted
    for meeting, present in ((one, [team["keen"], mayor]), (two, [team["keen"]])):
        for member in present:
            attendance.record_presence(meeting, member.id, Presence.PRESENT)
    attendance.record_presence(two, mayor.id, Presence.EXCUSED)
    client.login(team["keen"])
    page = client.get("/meetings/stats").get_data(as_text=True)
    assert '<strong>2</strong><span>proběhlé schůzky' in page  # Czech plural forms
    assert '<strong>4</strong><span>účasti celkem' in page  # 2 + guest, then 1
    response = client.get("/meetings/stats.csv?table=municipalities")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert by_name["Lipová"] == ["1", "1", "1"]
    assert by_name[team["keen"].organisation.municipality.name] == ["2", "2", "1"]
    response = client.get("/meetings/stats.csv?table=organisations")
    assert "OÚ Lipová;1;1;1" in response.get_data(as_text=True)
    start = (utcnow() - timedelta(days=5)).date().isoformat()
    page = client.get(f"/meetings/stats?start={start}").get_data(as_text=True)
    assert '<strong>1</strong><span>proběhlá schůzka' in page


def test_meeting_list_filters_by_month_and_group(client, team, create_meeting, create_group):
    other = create_group(number=9, name="Jiná")
    create_meeting(team["group"], place="V listopadu")
    create_meeting(other, place="Jiná skupina")
    client.login(team["keen"])
    month = (utcnow() + timedelta(days=7)).strftime("%Y-%m")
    page = client.get(f"/meetings?month={month}").get_data(as_text=True)
    assert "V listopadu" in page and "Jiná skupina" in page
    page = client.get(f"/meetings?month={month}&group={team['group'].id}",
                      headers=HTMX).get_data(as_text=True)
    assert "V listopadu" in page and "Jiná skupina" not in page
    assert client.get("/meetings?month=nonsense").status_code == 200
    assert date.today().year  # the default month is today's


# --- the program --------------------------------------------------------------------------

def test_program_items_added_reordered_edited_and_removed(client, team, create_meeting):
    meeting = create_meeting(team["group"])
    client.login(team["secretary"])
    token = client.csrf_token()
    for title, presenters in (("Zahájení", ""), ("Gestor cíle", "Klára Horlivá\nIng. Host"),
                              ("Různé", "")):
        response = client.post(f"/meetings/{meeting.id}/agenda",
                               data={"csrf_token": token, "title": title,
                                     "presenters": presenters}, headers=HTMX)
        assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.index("Zahájení") < html.index("Gestor cíle") < html.index("Různé")
    assert f'href="/members/{team["keen"].id}"' in html and "Ing. Host" in html
    db.session.refresh(meeting)
    items = {i.title: i for i in meeting.agenda}
    client.submit(f"/meetings/{meeting.id}/agenda/{items['Různé'].id}/move", {"direction": "up"})
    db.session.refresh(meeting)
    assert [i.title for i in meeting.agenda] == ["Zahájení", "Různé", "Gestor cíle"]
    bad = client.post(f"/meetings/{meeting.id}/agenda/{items['Zahájení'].id}/edit",
                      data={"csrf_token": token, "title": " "}, headers=HTMX)
    assert bad.status_code == 400 and bad.headers["HX-Retarget"] == f"#item-{items['Zahájení'].id}"
    client.submit(f"/meetings/{meeting.id}/agenda/{items['Zahájení'].id}/edit",
                  {"title": "Úvod", "duration": "5"})
    client.submit(f"/meetings/{meeting.id}/agenda/{items['Různé'].id}/remove", CONFIRMED)
    db.session.refresh(meeting)
    assert [(i.position, i.title) for i in meeting.agenda] == [(1, "Úvod"), (2, "Gestor cíle")]
    assert meeting.sequence == 6  # every program change is a new calendar version


def test_only_the_groups_members_presenting_link_to_their_profiles(client, team, create_member,
                                                                   create_meeting):
    """The hint says what the program does: a name of the group's member links to the profile,
    a member of another group is written as a guest."""
    outsider = create_member(first_name="Olga", last_name="Vedlejší")
    meeting = create_meeting(team["group"])
    client.login(team["secretary"])
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert ("Jména členů a členek skupiny se propojí s jejich profily, ostatní se uvedou jako "
            "hosté.") in page and "s jeho profilem" not in page
    response = client.post(f"/meetings/{meeting.id}/agenda", headers=HTMX, data={
        "csrf_token": client.csrf_token(), "title": "Gestor cíle",
        "presenters": "Klára Horlivá\nOlga Vedlejší"})
    html = response.get_data(as_text=True)
    assert f'href="/members/{team["keen"].id}"' in html
    assert f'href="/members/{outsider.id}"' not in html
    assert "Olga Vedlejší <span class=\"muted\">(host)</span>" in html


def test_wtforms_own_messages_follow_the_page_language(client, team, create_meeting):
    """WTForms' messages come from a catalogue kept per language for the process (Flask-WTF
    read it from disk on every request that built a form)."""
    from intranet.forms import _wtforms_catalogue

    meeting = create_meeting(team["group"])
    client.login(team["secretary"])
    url, data = f"/meetings/{meeting.id}/agenda", {"title": "Bod", "duration": "pět"}
    czech = client.submit(url, data, headers=HTMX)
    assert czech.status_code == 400
    assert "Neplatná hodnota pro celé číslo." in czech.get_data(as_text=True)
    team["secretary"].language = "en"
    db.session.commit()
    english = client.submit(url, data, headers=HTMX).get_data(as_text=True)
    assert "Not a valid integer value." in english and "Neplatná" not in english
    loaded = _wtforms_catalogue.cache_info().currsize
    client.submit(url, data, headers=HTMX)
    assert _wtforms_catalogue.cache_info().currsize == loaded  # not read again


@pytest.mark.parametrize("url", ["/", "/groups", "/groups/{g}", "/meetings", "/meetings/{m}",
                                 "/meetings/{m}/attendance", "/meetings/{m}/sheet",
                                 "/meetings/stats"])
def test_queries_per_page_do_not_grow_with_data(client, team, create_meeting, create_member,
                                                url):
    from intranet.groups.models import GroupMembership

    meeting = create_meeting(team["group"], starts_in=timedelta(days=1), agenda=["A"])
    client.login(team["secretary"])
    url = url.format(g=team["group"].id, m=meeting.id)

    few = queries_for(client, url)
    for n in range(4):
        member = create_member()
        team["group"].memberships.append(GroupMembership(member=member))
        extra = create_meeting(team["group"], starts_in=timedelta(days=2 + n), agenda=["B", "C"],
                               guests=["Host"])
        attendance.record_presence(extra, member.id, Presence.PRESENT)
        attendance.answer(meeting, member.id, Answer.COMING)
        attendance.record_presence(meeting, member.id, Presence.PRESENT)
    assert queries_for(client, url) == few


# --- found in review ----------------------------------------------------------------------

def test_cancelled_follow_up_is_unlinked_so_another_can_be_planned(client, team,
                                                                   create_meeting):
    first = create_meeting(team["group"])
    client.login(team["secretary"])
    client.submit(f"/meetings/{first.id}/next", schedule_form())
    follow_up = db.session.scalar(sa.select(Meeting).where(Meeting.previous_id == first.id))
    client.submit(f"/meetings/{follow_up.id}/cancel", CONFIRMED)
    assert "Příští schůzka" not in client.get(f"/meetings/{first.id}").get_data(as_text=True)
    assert client.get(f"/meetings/{first.id}/next").status_code == 200
    client.submit(f"/meetings/{first.id}/next",
                  schedule_form(day=(DAY + timedelta(days=7)).isoformat()))
    assert db.session.scalar(sa.select(Meeting.number).where(Meeting.previous_id == first.id))


def test_moving_a_meeting_reminds_again_and_fresh_invites_are_not_reminded(app, team,
                                                                           smtp_server):
    with app.test_request_context(method="POST"):
        soon = utcnow() + timedelta(hours=5)
        meeting = services.schedule(team["group"], team["secretary"],
                                    services.Details(soon, soon + timedelta(hours=1), "Radnice"))
        assert notifications.send_due_reminders() == 0  # no invitation sent yet: no reminder
        notifications.send_invitations(meeting)
        assert meeting.reminder_sent_at is not None  # the invitation is the reminder
        assert notifications.send_due_reminders() == 0
        later = soon + timedelta(days=3)
        services.change(meeting, services.Details(later, later + timedelta(hours=1), "Radnice"),
                        meeting.version)
        assert meeting.reminder_sent_at is None
        assert notifications.send_due_reminders(now=later - timedelta(hours=2)) == 1


def test_members_excused_on_the_attendance_list_get_no_reminder(app, team, create_meeting,
                                                                smtp_server):
    soon = create_meeting(team["group"], starts_in=timedelta(hours=3))
    soon.participations[0].presence = Presence.EXCUSED
    assert soon.participations[0].member_id == team["keen"].id
    db.session.commit()
    with writing_request(app):
        assert notifications.send_due_reminders() == 1
    assert received(smtp_server) == []


@pytest.mark.parametrize("overrides, message", [
    ({"day": "2027-03-28", "time_from": "02:30", "time_to": "03:30"}, "posouvají hodiny"),
    ({"day": "0001-01-01"}, "mezi roky 2000 a 2100"),
    ({"day": "9999-12-31"}, "mezi roky 2000 a 2100"),
])
def test_impossible_times_are_refused(client, team, overrides, message):
    client.login(team["secretary"])
    response = client.submit(f"/groups/{team['group'].id}/meetings/new",
                             schedule_form(**overrides))
    assert response.status_code == 400 and message in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/meetings?month=9999-12", "/meetings?month=0001-01",
                                 "/meetings?group=99999999999999999999",
                                 "/meetings/stats?start=0001-01-01&end=abc",
                                 "/meetings/stats.csv?table=nope&group=x"])
def test_odd_query_strings_do_not_fail(client, team, url):
    client.login(team["keen"])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("query", ["table=meetings", "table=nope&table=meetings",
                                   "endpoint=meetings.meetings", "_external=1&_anchor=x",
                                   "_method=POST", "start=2026-01-01&start=x&group=1&group=y"])
def test_statistics_ignore_unknown_and_repeated_parameters(client, team, query):
    """Parameters the page does not know, or gives its own value (the CSV links' table), are
    not passed on as url_for's arguments: a duplicate was a TypeError (500)."""
    client.login(team["keen"])
    response = client.get(f"/meetings/stats?{query}")
    assert response.status_code == 200
    tables = re.findall(r'href="/meetings/stats\.csv\?[^"]*\btable=(\w+)',
                        response.get_data(as_text=True))
    assert tables == ["meetings", "organisations", "municipalities"]


def test_unreadable_version_counts_as_stale(client, team, create_meeting):
    meeting = create_meeting(team["group"])
    client.login(team["secretary"])
    assert client.submit(f"/meetings/{meeting.id}/edit",
                         schedule_form(version="abc")).status_code == 409


def test_answer_links_follow_the_meeting_as_it_now_stands(client, team, create_meeting):
    meeting = create_meeting(team["group"], starts_in=timedelta(hours=1))
    with writing_request(client.application):
        token = answer_token(meeting, team["keen"], Answer.COMING)
    meeting.starts_at -= timedelta(days=1)  # moved into the past: the link has expired
    meeting.ends_at -= timedelta(days=1)
    db.session.commit()
    assert client.get(f"/answer/{token}").status_code == 409
    meeting.starts_at += timedelta(days=3)
    meeting.ends_at += timedelta(days=3)
    meeting.status = MeetingStatus.CANCELLED
    db.session.commit()
    response = client.get(f"/answer/{token}")
    assert response.status_code == 409 and "Schůzka je zrušená" in response.get_data(as_text=True)


def test_next_meeting_keeps_the_wall_clock_across_a_clock_change(app, create_meeting, team):
    from intranet.i18n import in_prague, local_to_utc

    start = local_to_utc(date(2027, 3, 16), datetime.min.time().replace(hour=9))
    meeting = create_meeting(team["group"])
    meeting.starts_at, meeting.ends_at = start, start + timedelta(hours=1)
    suggested = services.suggested_next(meeting)
    assert in_prague(suggested.starts_at).hour == 9
    assert in_prague(suggested.starts_at).date() == date(2027, 4, 13)


def test_destructive_actions_ask_first_without_javascript(client, team, create_meeting):
    meeting = create_meeting(team["group"], agenda=["Zahájení"], guests=["Host"])
    client.login(team["secretary"])
    asked = client.submit(f"/meetings/{meeting.id}/cancel")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Opravdu zrušit schůzku?" in page
    assert 'name="confirmed" value="1"' in page
    assert f'action="/meetings/{meeting.id}/cancel"' in page
    db.session.refresh(meeting)
    assert meeting.status is MeetingStatus.SCHEDULED
    item = meeting.agenda[0]
    page = client.submit(f"/meetings/{meeting.id}/agenda/{item.id}/remove").get_data(as_text=True)
    assert "Odebrat bod „Zahájení“?" in page
    client.submit(f"/meetings/{meeting.id}/agenda/{item.id}/remove", {"confirmed": "1"})
    db.session.refresh(meeting)
    assert meeting.agenda == []


def test_meeting_states_in_lists_follow_the_clock_though_their_sql_is_built_once(
        client, team, create_meeting, monkeypatch):
    """The meeting list's statement is built once per process (database.prebuilt): the
    moment its states are computed against must be read at each request, not when it was
    built."""
    meeting = create_meeting(team["group"], starts_in=timedelta(minutes=30))
    client.login(team["keen"])
    month = in_prague(meeting.starts_at).strftime("%Y-%m")
    assert "bez zapsané docházky" not in client.get(f"/meetings?month={month}").get_data(
        as_text=True)
    later = utcnow() + timedelta(hours=3)
    monkeypatch.setattr("intranet.database.utcnow", lambda: later)
    page = client.get(f"/meetings?month={month}").get_data(as_text=True)
    assert "bez zapsané docházky" in page  # over, nobody recorded attendance


def test_a_program_naming_the_old_placeholders_stays_as_typed(client, team, smtp_server):
    """Issue #25: the invitation's placeholders carry a mark new for each message."""
    client.login(team["secretary"])
    client.submit(f"/groups/{team['group'].id}/meetings/new",
                  schedule_form(program="answer-coming-x7q2\nX-INTRANET-ATTENDEE:x7q2"))
    meeting = db.session.scalar(sa.select(Meeting))
    client.submit(f"/meetings/{meeting.id}/invitations/send")
    [(_, message, ics)] = received(smtp_server)
    body = message.get_body(("plain",)).get_content()
    assert "answer-coming-x7q2" in body and body.count("http://127.0.0.1:5000/answer/") == 2
    event = event_of(ics)
    assert str(event["ATTENDEE"]) == f"mailto:{team['keen'].email}"
    assert "answer-coming-x7q2" in str(event["DESCRIPTION"])


def test_the_meetings_page_schedules_a_meeting_for_the_right_group(client, team,
                                                                   create_member, create_group):
    """"Naplánovat schůzku" where a minute-taker looks first: the group is chosen (a
    coordinator of one group goes straight to its form); a member is not offered it."""
    create_group(number=7, name="Bydlení")
    client.login(team["secretary"])
    page = client.get("/meetings").get_data(as_text=True)
    assert "Naplánovat schůzku" in page
    choice = client.get("/meetings/new").get_data(as_text=True)
    assert "Pracovní skupina č. 7 – Bydlení" in choice
    assert f'href="/groups/{team["group"].id}/meetings/new"' in choice
    coordinator = create_member()
    from intranet.groups.models import GroupMembership

    db.session.add(GroupMembership(group=team["group"], member=coordinator,
                                   is_coordinator=True))
    db.session.commit()
    client.login(coordinator)
    straight = client.get("/meetings/new")
    assert straight.status_code == 302
    assert straight.location.endswith(f"/groups/{team['group'].id}/meetings/new")
    client.login(team["keen"])
    assert "Naplánovat schůzku" not in client.get("/meetings").get_data(as_text=True)
    assert client.get("/meetings/new").status_code == 403
