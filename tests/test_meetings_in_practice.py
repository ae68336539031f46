"""Meetings as minute-takers and mayors use them (issue #7): each bug found by walking the
roles through the app has a test here that failed before its fix."""

from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa

from intranet.database import utcnow
from intranet.extensions import db
from intranet.groups.models import GroupMembership
from intranet.i18n import in_prague
from intranet.meetings import attendance, notifications, services
from intranet.meetings.models import Answer, Meeting, MeetingState, Participation, Presence
from intranet.policy import Role
from intranet.text import czech_key

from .conftest import smtp_config, writing_request
from .test_meetings import CONFIRMED, HTMX, received, schedule_and_send, schedule_form


@pytest.fixture
def app_overrides(smtp_server):
    return smtp_config(smtp_server)


@pytest.fixture
def team(create_member, create_group):
    secretary = create_member(Role.SECRETARY, first_name="Zapisovatelka")
    keen = create_member(first_name="Klára", last_name="Horlivá")
    other = create_member(first_name="Ota", last_name="Ostatní")
    group = create_group(number=4, name="Sociální služby", members=[keen, other])
    return {"secretary": secretary, "keen": keen, "other": other, "group": group}


def shift(meeting, delta):
    """Let time pass: the meeting moves by -delta relative to now."""
    meeting.starts_at -= delta
    meeting.ends_at -= delta
    db.session.commit()


def held_count(client) -> str:
    page = client.get("/meetings/stats").get_data(as_text=True)
    return page.split('<div class="tile"><strong>')[1].split("</strong>")[0]


# --- 1. held: begun and with attendance, whenever the attendance was taken ---------------

def test_attendance_taken_before_the_start_makes_the_meeting_held_once_it_begins(
        client, team, create_meeting):
    meeting = create_meeting(team["group"], starts_in=timedelta(minutes=3))
    client.login(team["secretary"])
    for member in (team["keen"], team["other"]):  # ticked off as they arrive
        client.submit(f"/meetings/{meeting.id}/attendance/{member.id}", {"presence": "present"})
    db.session.refresh(meeting)
    assert meeting.state is MeetingState.PLANNED and held_count(client) == "0"
    shift(meeting, timedelta(hours=2))  # the meeting has begun and ended
    assert meeting.state is MeetingState.HELD
    assert held_count(client) == "1"
    client.submit("/logout")
    client.login(team["keen"])
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Přijdete?" not in page and "proběhla" in page


def test_a_past_meeting_without_attendance_is_not_counted_as_held(client, team, create_meeting):
    meeting = create_meeting(team["group"], starts_in=-timedelta(days=2))
    client.login(team["secretary"])
    assert meeting.state is MeetingState.UNRECORDED and held_count(client) == "0"
    assert "bez zapsané docházky" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


# --- 2. dates in the past or too far ahead --------------------------------------------

def test_a_date_in_the_past_asks_first_and_then_sends_no_invitation(client, team, smtp_server):
    client.login(team["secretary"])
    past = (in_prague(utcnow()) - timedelta(days=30)).date().isoformat()
    url = f"/groups/{team['group'].id}/meetings/new"
    response = client.submit(url, schedule_form(day=past, place="Radnice"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Toto datum už je v minulosti" in page
    assert 'value="Radnice"' in page and "Ano, zapisuji schůzku, která už proběhla" in page
    response = client.submit(url, schedule_form(day=past, record_past="y"))
    meeting = db.session.scalar(sa.select(Meeting))
    assert response.location == f"/meetings/{meeting.id}"
    assert client.submit(f"/meetings/{meeting.id}/invitations/send").status_code == 302
    db.session.refresh(meeting)
    assert meeting.invited_at is None and received(smtp_server) == []


def test_a_date_more_than_two_years_ahead_is_refused(client, team):
    client.login(team["secretary"])
    far = (in_prague(utcnow()) + timedelta(days=800)).date().isoformat()
    response = client.submit(f"/groups/{team['group'].id}/meetings/new", schedule_form(day=far))
    assert response.status_code == 400
    assert "nejvýše dva roky dopředu" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 0


def test_meetings_keep_the_number_they_were_scheduled_with(client, team):
    """Numbers follow the order of scheduling and never change (#27: renumbering by date
    made "schůzka č. 2" in sent minutes point at another date); the group's page still
    lists them by date."""
    client.login(team["secretary"])
    today = in_prague(utcnow()).date()
    url = f"/groups/{team['group'].id}/meetings/new"
    for days, place in ((40, "Třetí"), (10, "První"), (-20, "Nulté"), (20, "Druhá")):
        client.submit(url, schedule_form(day=(today + timedelta(days=days)).isoformat(),
                                         place=place, record_past="y"))
    numbered = db.session.execute(sa.select(Meeting.place, Meeting.number)
                                  .order_by(Meeting.starts_at)).all()
    assert numbered == [("Nulté", 3), ("První", 2), ("Druhá", 4), ("Třetí", 1)]
    page = client.get(f"/groups/{team['group'].id}").get_data(as_text=True)
    assert [page.index(f"schůzka č. {n}") for n in (1, 4, 2, 3)] == sorted(
        page.index(f"schůzka č. {n}") for n in (1, 4, 2, 3))  # newest first, by date
    last = db.session.scalar(sa.select(Meeting).where(Meeting.place == "Třetí"))
    client.submit(f"/meetings/{last.id}/edit", schedule_form(
        day=(today + timedelta(days=5)).isoformat(), place="Třetí", version="1"))
    assert db.session.scalar(sa.select(Meeting.number).where(Meeting.id == last.id)) == 1


# --- 3. members who join later; resending -------------------------------------------------

def test_a_member_who_joins_later_gets_the_invitations_of_upcoming_meetings(
        client, team, create_member, create_meeting, smtp_server):
    client.login(team["secretary"])
    sent = schedule_and_send(client, team["group"])
    not_sent = client.submit(f"/groups/{team['group'].id}/meetings/new", schedule_form(
        day=(in_prague(utcnow()) + timedelta(days=70)).date().isoformat()))
    assert not_sent.status_code == 302
    create_meeting(team["group"], starts_in=-timedelta(days=3))  # over: no invitation
    received(smtp_server)
    newcomer = create_member(first_name="Nová", last_name="Členka")
    client.submit(f"/groups/{team['group'].id}/members", {"member_id": newcomer.id})
    mails = received(smtp_server)
    assert [(to, "Pozvánka" in m["Subject"]) for to, m, _ in mails] == [(newcomer.email, True)]
    assert newcomer.id in {r.member_id for r in attendance.attendance_rows(sent)}
    client.submit(f"/groups/{team['group'].id}/members/{newcomer.id}/remove", CONFIRMED)
    assert newcomer.id not in {r.member_id for r in attendance.attendance_rows(sent)}


def test_the_invitation_is_sent_again_to_one_member_or_to_all_who_have_not_answered(
        client, team, smtp_server):
    client.login(team["secretary"])
    meeting = schedule_and_send(client, team["group"])
    attendance.answer(meeting, team["keen"].id, Answer.COMING)
    received(smtp_server)
    client.submit(f"/meetings/{meeting.id}/invitations/resend", {"member_id": team["keen"].id})
    assert [to for to, _, _ in received(smtp_server)] == [team["keen"].email]
    response = client.submit(f"/meetings/{meeting.id}/invitations/resend", follow_redirects=True)
    assert "Znovu odeslána 1 pozvánka." in response.get_data(as_text=True)
    assert [to for to, _, _ in received(smtp_server)] == [team["other"].email]


def test_program_changes_after_sending_are_sent_once_on_request(client, team, smtp_server):
    client.login(team["secretary"])
    meeting = schedule_and_send(client, team["group"])
    received(smtp_server)
    for title in ("Zahájení", "Různé"):
        client.submit(f"/meetings/{meeting.id}/agenda", {"title": title})
    assert received(smtp_server) == []  # program edits do not mail everyone each time
    assert "Poslat členům aktualizaci" in client.get(f"/meetings/{meeting.id}").get_data(
        as_text=True)
    client.submit(f"/meetings/{meeting.id}/invitations/update")
    client.submit(f"/meetings/{meeting.id}/invitations/update")  # pressed twice: sent once
    mails = received(smtp_server)
    assert sorted(to for to, _, _ in mails) == sorted([team["keen"].email, team["other"].email])
    assert all("2. Různé" in m.get_body(("plain",)).get_content() for _, m, _ in mails)
    assert "Poslat členům aktualizaci" not in client.get(f"/meetings/{meeting.id}").get_data(
        as_text=True)


# --- 4. no answers once the meeting is over -----------------------------------------------

def test_answers_are_refused_once_the_meeting_is_over(client, team, create_meeting):
    meeting = create_meeting(team["group"], starts_in=-timedelta(hours=3))
    client.login(team["keen"])
    assert "Přijdete?" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    response = client.post(f"/meetings/{meeting.id}/answer", data={"answer": "coming"},
                           headers={**HTMX, "X-CSRFToken": client.csrf_token()})
    assert response.status_code == 400
    assert "Schůzka už proběhla" in response.get_data(as_text=True)
    assert attendance.answer_of(meeting, team["keen"]).answer is None


def test_an_excuse_carries_a_comment_the_minute_taker_sees(client, team, create_meeting):
    meeting = create_meeting(team["group"])
    client.login(team["keen"])
    client.submit(f"/meetings/{meeting.id}/answer",
                  {"answer": "excused", "comment": "  nemocná\r\n dcera "})
    assert attendance.answer_of(meeting, team["keen"]).comment == "nemocná dcera"
    client.submit("/logout")
    client.login(team["secretary"])
    assert "nemocná dcera" in client.get(f"/meetings/{meeting.id}/attendance").get_data(
        as_text=True)


# --- 7. Czech order ------------------------------------------------------------------------

CZECH_SURNAMES = ["Zelený", "Černá", "Úlehla", "Chalupa", "Cibulka", "Řezníček", "Hrubá",
                  "Šimek", "Sova", "Rada", "Žák", "Urban"]
CZECH_ORDER = ["Cibulka", "Černá", "Hrubá", "Chalupa", "Rada", "Řezníček", "Sova", "Šimek",
               "Úlehla", "Urban", "Zelený", "Žák"]  # Ú is no letter of its own: Úl < Ur


def test_czech_sort_key_puts_ch_after_h_and_hacek_letters_after_their_base():
    assert sorted(CZECH_SURNAMES, key=czech_key) == CZECH_ORDER
    assert sorted(["Úřad práce", "Zálesí", "Azylový dům", "Charita"], key=czech_key) == [
        "Azylový dům", "Charita", "Úřad práce", "Zálesí"]


def test_people_and_organisations_are_listed_in_czech_order(client, create_member, create_group,
                                                            create_meeting, create_organisation):
    people = [create_member(first_name="Eva", last_name=name) for name in CZECH_SURNAMES]
    for name in ("Úřad práce Vranov", "Zálesí, obecní úřad", "Charita Vranov", "Azylový dům"):
        create_organisation(name)
    secretary = create_member(Role.SECRETARY, last_name="Aaa")
    meeting = create_meeting(create_group(members=people))
    client.login(secretary)
    for url in (f"/meetings/{meeting.id}/attendance", f"/groups/{meeting.group_id}",
                "/directory?q=eva"):
        page = client.get(url).get_data(as_text=True)
        positions = [page.index(f"Eva {name}") for name in CZECH_ORDER]
        assert positions == sorted(positions), url
    page = client.get("/organisations").get_data(as_text=True)
    names = ["Azylový dům", "Charita Vranov", "Úřad práce Vranov", "Zálesí, obecní úřad"]
    assert [page.index(n) for n in names] == sorted(page.index(n) for n in names)


# --- 13. a cancelled meeting ---------------------------------------------------------------

def test_a_cancelled_meeting_offers_no_calendar_and_says_why(client, team, create_meeting):
    meeting = create_meeting(team["group"])
    client.login(team["secretary"])
    client.submit(f"/meetings/{meeting.id}/cancel", {**CONFIRMED, "reason": "Vichřice"})
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Přidat do kalendáře" not in page and "Vichřice" in page


# --- gaps: delete or archive, the list, feeds, the mayor's view, the count ---------------

def test_a_meeting_created_by_mistake_is_deleted_until_something_depends_on_it(
        client, team, smtp_server):
    client.login(team["secretary"])
    url = f"/groups/{team['group'].id}/meetings/new"
    client.submit(url, schedule_form())
    mistake = db.session.scalar(sa.select(Meeting))
    assert "Smazat schůzku" in client.get(f"/meetings/{mistake.id}").get_data(as_text=True)
    client.submit(f"/meetings/{mistake.id}/delete", CONFIRMED)
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 0
    kept = schedule_and_send(client, team["group"])
    response = client.submit(f"/meetings/{kept.id}/delete", CONFIRMED, follow_redirects=True)
    assert "Schůzku už nelze smazat" in response.get_data(as_text=True)
    assert db.session.get(Meeting, kept.id) is not None


def test_a_group_is_deleted_while_it_has_no_meetings_else_archived(client, team,
                                                                   create_group, create_meeting):
    client.login(team["secretary"])
    empty_id = create_group(number=77, name="Omylem").id
    client.submit(f"/groups/{empty_id}/delete", CONFIRMED)
    assert client.get(f"/groups/{empty_id}").status_code == 404
    coming = create_meeting(team["group"])
    refused = client.submit(f"/groups/{team['group'].id}/delete", CONFIRMED,
                            follow_redirects=True)
    assert "nelze smazat" in refused.get_data(as_text=True)
    refused = client.submit(f"/groups/{team['group'].id}/archive", CONFIRMED,
                            follow_redirects=True)
    assert "Skupina má naplánované schůzky" in refused.get_data(as_text=True)
    client.submit(f"/meetings/{coming.id}/cancel", CONFIRMED)
    client.submit(f"/groups/{team['group'].id}/archive", CONFIRMED)
    for url in (f"/meetings/{coming.id}/next", f"/groups/{team['group'].id}/members"):
        response = client.submit(url, {**schedule_form(), "member_id": team["secretary"].id},
                                 follow_redirects=True)
        assert "Skupina je v archivu" in response.get_data(as_text=True) or \
            "nelze přidat" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 1
    assert "Sociální služby" not in client.get("/groups").get_data(as_text=True)
    assert "Sociální služby" in client.get("/groups?archived=1").get_data(as_text=True)
    refused = client.get(f"/groups/{team['group'].id}/meetings/new", follow_redirects=True)
    assert "Skupina je v archivu" in refused.get_data(as_text=True)
    client.submit(f"/groups/{team['group'].id}/archive", {"archived": "0"})
    assert "Sociální služby" in client.get("/groups").get_data(as_text=True)


def test_the_meeting_list_offers_upcoming_my_groups_and_search(client, team, create_group,
                                                               create_meeting):
    other = create_group(number=9, name="Děti a mládež")
    create_meeting(team["group"], place="Knihovna Lipová", starts_in=timedelta(days=50))
    create_meeting(other, place="Fara", starts_in=timedelta(days=80))
    create_meeting(team["group"], place="Minulá", starts_in=-timedelta(days=5))
    client.login(team["keen"])
    page = client.get("/meetings?view=upcoming").get_data(as_text=True)
    assert "Knihovna Lipová" in page and "Fara" in page and "Minulá" not in page
    page = client.get("/meetings?view=upcoming&mine=1").get_data(as_text=True)
    assert "Knihovna Lipová" in page and "Fara" not in page
    page = client.get("/meetings?view=upcoming&q=lipova").get_data(as_text=True)
    assert "Knihovna Lipová" in page and "Fara" not in page
    page = client.get("/meetings?view=upcoming&q=mladez").get_data(as_text=True)
    assert "Fara" in page and "Knihovna Lipová" not in page


def test_a_group_calendar_feed_holds_only_that_groups_meetings(client, team, create_group,
                                                              create_meeting):
    create_meeting(team["group"], place="Naše")
    create_meeting(create_group(number=9, name="Jiná"), place="Cizí")
    client.login(team["keen"])
    client.submit("/profile/calendar", {"action": "renew"})
    db.session.refresh(team["keen"])
    page = client.get(f"/groups/{team['group'].id}").get_data(as_text=True)
    feed = f"/calendar/{team['keen'].calendar_token}/groups/{team['group'].id}.ics"
    assert feed in page and "webcal://" in page and "Kopírovat" in page
    client.submit("/language", {"language": "en", "next": "/"})
    english = client.get(f"/groups/{team['group'].id}").get_data(as_text=True)
    assert "Kopírovat" not in english and ">Copy<" in english  # the macro follows the page
    ics = icalendar.Calendar.from_ical(client.get(feed).data)
    assert [str(e["LOCATION"]) for e in ics.walk("VEVENT")] == ["Naše"]


def test_the_mayor_sees_who_from_the_municipality_attended_which_meeting(
        client, team, create_member, create_municipality, create_organisation, create_meeting):
    lipova = create_municipality("Lipová")
    mayor = create_member(Role.READER, first_name="Starostka",
                          organisation=create_organisation("OÚ Lipová", municipality=lipova))
    worker = create_member(first_name="Pracovnice", last_name="Lipovská",
                           organisation=create_organisation("Charita Lipová", municipality=lipova))
    team["group"].memberships.append(GroupMembership(member=worker))
    db.session.commit()
    held = create_meeting(team["group"], starts_in=-timedelta(days=4))
    attendance.record_presence(held, worker.id, Presence.PRESENT)
    attendance.record_presence(held, team["keen"].id, Presence.PRESENT)
    client.login(mayor)
    page = client.get("/meetings/stats").get_data(as_text=True)  # their own municipality
    section = page.split('id="from-heading"')[1].split("</section>")[0]
    assert "Lipová" in section and "Pracovnice Lipovská" in section
    assert team["keen"].full_name not in section
    assert "Statistika účasti" in client.get("/").get_data(as_text=True)


def test_everyone_present_marks_the_rest_and_the_count_follows(client, team, create_meeting):
    meeting = create_meeting(team["group"], starts_in=-timedelta(minutes=5))
    attendance.answer(meeting, team["other"].id, Answer.EXCUSED)
    client.login(team["secretary"])
    page = client.get(f"/meetings/{meeting.id}/attendance").get_data(as_text=True)
    assert "Přítomno: 0 z 2" in page and "Všichni ostatní přítomni" in page
    client.submit(f"/meetings/{meeting.id}/attendance/everyone")
    presences = dict(db.session.execute(sa.select(Participation.member_id,
                                                  Participation.presence)).all())
    assert presences == {team["keen"].id: Presence.PRESENT, team["other"].id: None}
    response = client.post(f"/meetings/{meeting.id}/attendance/{team['other'].id}",
                           data={"presence": "present"},
                           headers={**HTMX, "X-CSRFToken": client.csrf_token()})
    fragment = response.get_data(as_text=True)
    assert 'id="attendance-count"' in fragment and 'hx-swap-oob="true"' in fragment
    assert "Přítomno: 2 z 2" in fragment
    page = client.get(f"/meetings/{meeting.id}/attendance").get_data(as_text=True)
    assert "Všichni ostatní přítomni" not in page  # nobody is left to mark


def test_meeting_mail_carries_the_online_link(client, team, smtp_server):
    client.login(team["secretary"])
    schedule_and_send(client, team["group"], online_url="https://meet.example.org/ps4")
    [(_, message, _), *_] = received(smtp_server)
    assert "Online: https://meet.example.org/ps4" in message.get_body(("plain",)).get_content()


def test_reminders_go_only_after_the_invitation(app, team, create_meeting, smtp_server):
    create_meeting(team["group"], starts_in=timedelta(hours=20), invited=False)
    with writing_request(app):
        assert notifications.send_due_reminders() == 0


def test_expected_participants_no_longer_follow_the_group_once_it_began(
        client, team, create_member, create_meeting):
    begun = create_meeting(team["group"], starts_in=-timedelta(minutes=30))
    client.login(team["secretary"])
    late = create_member(first_name="Pozdní")
    client.submit(f"/groups/{team['group'].id}/members", {"member_id": late.id})
    assert late.id not in {r.member_id for r in attendance.attendance_rows(begun)}
    client.submit(f"/groups/{team['group'].id}/members/{team['keen'].id}/remove", CONFIRMED)
    assert team["keen"].id in {r.member_id for r in attendance.attendance_rows(begun)}


def test_demo_meetings_start_at_believable_hours(app):
    from intranet.demo import load_demo

    with writing_request(app):
        assert load_demo()
    hours = {in_prague(m.starts_at).strftime("%H:%M") for m in db.session.scalars(
        sa.select(Meeting))}
    assert hours <= {"9:00", "09:00", "13:00", "09:30"}
    admin = db.session.scalar(sa.select(GroupMembership).join(GroupMembership.member).where(
        GroupMembership.member.has(role=Role.ADMIN)))
    assert admin is not None


def test_a_meetings_number_never_changes(app, client, team, create_meeting):
    """A number shown in an invitation or minutes stays right: a meeting scheduled between
    others, or moved, gets or keeps its own; only the last one deleted by mistake gives its
    number back."""
    later = create_meeting(team["group"], starts_in=timedelta(days=30))

    def schedule(days):
        with app.test_request_context(method="POST"):
            start = utcnow() + timedelta(days=days)
            return services.schedule(team["group"], team["secretary"], services.Details(
                start, start + timedelta(hours=1), "Obec"))

    earlier = schedule(3)
    db.session.refresh(later)
    assert (later.number, earlier.number) == (1, 2)  # the next free number
    with app.test_request_context(method="POST"):
        moved = later.starts_at - timedelta(days=28)
        services.change(later, services.Details(moved, moved + timedelta(hours=1), "Obec"),
                        later.version)
    assert (later.number, earlier.number) == (1, 2)
    mistake = schedule(10)
    assert mistake.number == 3
    with app.test_request_context(method="POST"):
        services.delete(mistake)
    assert schedule(11).number == 3


def test_member_and_organisation_pages_show_their_attendance_history(client, team,
                                                                     create_meeting):
    held = [create_meeting(team["group"], starts_in=-timedelta(days=d)) for d in (30, 20, 10)]
    for meeting, presence in zip(held, (Presence.PRESENT, Presence.EXCUSED, Presence.PRESENT),
                                 strict=True):
        attendance.record_presence(meeting, team["keen"].id, presence)
    client.login(team["other"])
    page = client.get(f"/members/{team['keen'].id}").get_data(as_text=True)
    assert "Přítomnost na 2 z 3 proběhlých schůzek." in page
    page = client.get(f"/members/{team['keen'].id}/attendance").get_data(as_text=True)
    assert page.count('class="badge badge-active">účast') == 2 and "omluva" in page
    page = client.get(f"/organisations/{team['keen'].organisation_id}").get_data(as_text=True)
    assert page.count("přítomno: 1") == 2
    page = client.get(f"/organisations/{team['keen'].organisation_id}/attendance").get_data(
        as_text=True)
    assert page.count("schůzka č.") == 2


# --- found in review ----------------------------------------------------------------------

def test_a_held_meeting_cannot_be_cancelled_and_a_past_one_is_cancelled_quietly(
        client, team, create_meeting, smtp_server):
    held = create_meeting(team["group"], starts_in=-timedelta(days=3))
    attendance.record_presence(held, team["keen"].id, Presence.PRESENT)
    past = create_meeting(team["group"], starts_in=-timedelta(days=10))
    client.login(team["secretary"])
    response = client.submit(f"/meetings/{held.id}/cancel", CONFIRMED, follow_redirects=True)
    assert "zrušit ji už nelze" in response.get_data(as_text=True)
    assert held.state is MeetingState.HELD
    client.submit(f"/meetings/{past.id}/cancel", CONFIRMED)
    db.session.refresh(past)
    assert past.state is MeetingState.CANCELLED and received(smtp_server) == []


def test_everyone_present_leaves_out_deactivated_members(client, team, create_meeting):
    meeting = create_meeting(team["group"], starts_in=-timedelta(minutes=5))
    team["other"].deactivated_at = utcnow()
    db.session.commit()
    client.login(team["secretary"])
    client.submit(f"/meetings/{meeting.id}/attendance/everyone")
    presences = dict(db.session.execute(sa.select(Participation.member_id,
                                                  Participation.presence)).all())
    assert presences == {team["keen"].id: Presence.PRESENT, team["other"].id: None}


def test_a_reactivated_member_is_expected_again(client, team, create_member, create_meeting):
    admin = create_member(Role.ADMIN)
    team["other"].deactivated_at = utcnow()
    db.session.commit()
    coming = create_meeting(team["group"])
    assert team["other"].id not in {r.member_id for r in attendance.attendance_rows(coming)}
    client.login(admin)
    client.submit(f"/admin/members/{team['other'].id}/reactivate")
    assert team["other"].id in {r.member_id for r in attendance.attendance_rows(coming)}


def test_moving_a_coming_meeting_into_the_past_asks_first_and_mails_nobody(
        client, team, smtp_server):
    client.login(team["secretary"])
    meeting = schedule_and_send(client, team["group"])
    received(smtp_server)
    past = (in_prague(utcnow()) - timedelta(days=3)).date().isoformat()
    response = client.submit(f"/meetings/{meeting.id}/edit", schedule_form(day=past, version="1"))
    assert response.status_code == 400
    assert "Toto datum už je v minulosti" in response.get_data(as_text=True)
    client.submit(f"/meetings/{meeting.id}/edit",
                  schedule_form(day=past, version="1", record_past="y"))
    db.session.refresh(meeting)
    assert meeting.has_begun and received(smtp_server) == []


def test_odd_input_gets_clear_4xx_answers(client, team, create_meeting):
    meeting = create_meeting(team["group"])
    client.login(team["secretary"])
    response = client.submit(f"/meetings/{meeting.id}/cancel",
                             {**CONFIRMED, "reason": "x" * 600})
    assert response.status_code == 400 and "Nejvýše 500 znaků." in response.get_data(
        as_text=True)
    response = client.post(f"/meetings/{meeting.id}/attendance/999999",
                           data={"presence": "zz"},
                           headers={**HTMX, "X-CSRFToken": client.csrf_token()})
    assert response.status_code == 404
    response = client.submit(f"/meetings/{meeting.id}/invitations/resend", {"member_id": "abc"})
    assert response.status_code == 400


def test_a_guest_announced_in_advance_does_not_make_the_meeting_held(client, team,
                                                                     create_meeting):
    meeting = create_meeting(team["group"], starts_in=timedelta(days=2))
    client.login(team["secretary"])
    client.submit(f"/meetings/{meeting.id}/guests", {"name": "Host z kraje"})
    db.session.refresh(meeting)
    assert meeting.attendance_taken_at is None and services.deletable(meeting) is False


def test_the_state_in_sql_is_the_state_in_python(team, create_meeting):
    """Lists select the state as a column; it must be what the meeting page shows."""
    from intranet.meetings.models import MeetingStatus

    planned = create_meeting(team["group"])
    unrecorded = create_meeting(team["group"], starts_in=-timedelta(days=3))
    held = create_meeting(team["group"], starts_in=-timedelta(days=2), attendance_taken_at=utcnow())
    early = create_meeting(team["group"], starts_in=timedelta(hours=1),
                           attendance_taken_at=utcnow())  # ticked off before it begins
    cancelled = create_meeting(team["group"], starts_in=-timedelta(days=1),
                               status=MeetingStatus.CANCELLED, attendance_taken_at=utcnow())
    expected = {planned: MeetingState.PLANNED, unrecorded: MeetingState.UNRECORDED,
                held: MeetingState.HELD, early: MeetingState.PLANNED,
                cancelled: MeetingState.CANCELLED}
    for meeting, state in expected.items():
        in_sql = db.session.scalar(sa.select(Meeting.state).where(Meeting.id == meeting.id))
        assert meeting.state is state and in_sql is state, meeting.starts_at
