"""Action items (issue #8): recorded beside the text, shown as a table, carried into the next
program and minutes while open, marked done, listed for the people they are for."""

from datetime import date, timedelta

import pytest

from intranet.extensions import db
from intranet.i18n import today_in_prague
from intranet.minutes import services, tasks
from intranet.minutes.models import ActionItem
from intranet.policy import Role

from .test_meetings import HTMX


@pytest.fixture
def team(create_member, create_group):
    secretary = create_member(Role.SECRETARY)
    coordinator = create_member(first_name="Karel", last_name="Koordinátor")
    doer = create_member(first_name="Dana", last_name="Dělná")
    colleague = create_member(first_name="Olga", last_name="Kolegyně",
                              organisation=doer.organisation)
    outsider = create_member(first_name="Xenie", last_name="Cizí")
    group = create_group(number=4, members=[doer, colleague], coordinators=[coordinator])
    return {"secretary": secretary, "coordinator": coordinator, "doer": doer,
            "colleague": colleague, "outsider": outsider, "group": group}


@pytest.fixture
def minutes(team, create_meeting):
    meeting = create_meeting(team["group"], starts_in=-timedelta(days=14))
    return services.start(meeting, team["secretary"])


def publish(minutes, team):
    services.submit(minutes)
    services.approve(minutes, team["coordinator"])
    services.publish(minutes, team["secretary"])


def test_a_task_is_added_beside_the_text_and_shown_as_a_table(client, minutes, team):
    client.login(team["secretary"])
    editor = client.get(f"/minutes/{minutes.id}/edit").get_data(as_text=True)
    assert "Dana Dělná" in editor and "Přidat úkol" in editor
    response = client.submit(f"/minutes/{minutes.id}/tasks", {
        "title": "Poslat přehled služeb", "assignee": f"m:{team['doer'].id}",
        "due_on": "2027-01-31"}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert "Poslat přehled služeb" in body and "31. 1. 2027" in body
    publish(minutes, team)
    page = client.get(f"/minutes/{minutes.id}").get_data(as_text=True)
    assert "<h2 id=\"minutes-tasks-heading\">Úkoly</h2>" in page
    assert ('<td data-label="Úkol" class="breaks-anywhere">Poslat přehled služeb</td>'
            '<td data-label="Kdo">Dana Dělná</td><td data-label="Do kdy" class="nowrap">'
            '31. 1. 2027</td>') in page  # labelled on a phone


@pytest.mark.parametrize("fields, message", [
    ({"title": "", "due_on": ""}, "Toto pole je povinné."),
    ({"title": "Úkol", "due_on": "2027-02-30"}, "Takové datum neexistuje"),
    ({"title": "Úkol", "due_on": "zítra"}, "Takové datum neexistuje"),
    ({"title": "Úkol", "due_on": "3000-01-01"}, "Zadejte datum mezi roky"),
])
def test_bad_task_input_is_shown_at_the_field_and_kept(client, minutes, team, fields, message):
    client.login(team["secretary"])
    response = client.submit(f"/minutes/{minutes.id}/tasks", fields, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and message in body
    assert 'aria-invalid="true"' in body
    if fields["title"]:
        assert f'value="{fields["title"]}"' in body
    assert tasks.items_of(minutes.id) == []


def test_a_deadline_before_the_meeting_is_refused_at_the_field(client, minutes, team):
    client.login(team["secretary"])
    day = minutes.meeting.local_day
    response = client.submit(f"/minutes/{minutes.id}/tasks", {
        "title": "Poslat přehled", "assignee": f"m:{team['doer'].id}",
        "due_on": (day - timedelta(days=1)).isoformat()}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and 'aria-invalid="true"' in body
    assert (f"Termín úkolu je dřív než schůzka ({day.day}. {day.month}. {day.year}); "
            "zkontrolujte datum.") in body
    assert 'value="Poslat přehled"' in body
    assert f'value="m:{team["doer"].id}" selected>' in body
    assert tasks.items_of(minutes.id) == []
    same_day = client.submit(f"/minutes/{minutes.id}/tasks", {
        "title": "Poslat přehled", "due_on": day.isoformat()}, headers=HTMX)
    assert same_day.status_code == 200 and len(tasks.items_of(minutes.id)) == 1


def test_bad_task_input_without_javascript_shows_the_editor(client, minutes, team):
    client.login(team["secretary"])
    response = client.submit(f"/minutes/{minutes.id}/tasks", {"title": "Úkol",
                                                               "due_on": "2027-02-30"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Takové datum neexistuje" in page
    assert "Text zápisu" in page  # the whole editor, the text kept


def test_tasks_of_published_minutes_are_not_changed(client, minutes, team):
    item = tasks.add(minutes, "Úkol", "", None)
    publish(minutes, team)
    client.login(team["secretary"])
    response = client.submit(f"/minutes/{minutes.id}/tasks/{item.id}/remove", headers=HTMX)
    assert response.status_code == 303
    assert db.session.get(ActionItem, item.id) is not None


def test_open_tasks_are_carried_into_the_next_meeting_and_its_minutes(
        client, minutes, team, create_meeting):
    tasks.add(minutes, "Zjistit počty seniorů", f"o:{team['doer'].organisation_id}",
              date(2020, 1, 31))
    done = tasks.add(minutes, "Hotová věc", "", None)
    publish(minutes, team)
    tasks.mark_done(db.session.get(ActionItem, done.id), team["doer"], today_in_prague(), "")
    following = create_meeting(team["group"], starts_in=-timedelta(hours=1))
    client.login(team["doer"])
    page = client.get(f"/meetings/{following.id}").get_data(as_text=True)
    assert "Kontrola úkolů" in page and "Zjistit počty seniorů" in page
    assert "po termínu" in page and "Hotová věc" not in page
    text = services.start(following, team["secretary"]).text
    assert "## Kontrola úkolů" in text and "Zjistit počty seniorů" in text
    assert "Hotová věc" not in text
    earlier = client.get(f"/meetings/{minutes.meeting_id}").get_data(as_text=True)
    assert "Kontrola úkolů" not in earlier  # not its own tasks


def test_the_people_a_task_is_for_see_it_and_mark_it_done(client, minutes, team):
    item = tasks.add(minutes, "Zjistit počty seniorů", f"o:{team['doer'].organisation_id}",
                     today_in_prague() + timedelta(days=10))
    publish(minutes, team)
    client.login(team["colleague"])  # of the same organisation
    dashboard = client.get("/").get_data(as_text=True)
    assert "Moje úkoly" in dashboard and "Zjistit počty seniorů" in dashboard
    bad = client.submit(f"/tasks/{item.id}/done", {"done_on": "", "comment": "Hotovo"})
    assert bad.status_code == 400 and "Zadejte datum splnění." in bad.get_data(as_text=True)
    assert 'value="Hotovo"' in bad.get_data(as_text=True)
    response = client.submit(f"/tasks/{item.id}/done", {"done_on": today_in_prague().isoformat(),
                                                         "comment": "Poslali jsme tabulku."})
    assert response.status_code == 302
    assert "Zjistit počty seniorů" not in client.get("/").get_data(as_text=True)
    page = client.get(f"/minutes/{minutes.id}").get_data(as_text=True)
    assert "splněno" in page and "Poslali jsme tabulku." in page


def test_others_may_not_mark_a_task_done(client, minutes, team):
    item = tasks.add(minutes, "Úkol pro Danu", f"m:{team['doer'].id}", None)
    publish(minutes, team)
    client.login(team["outsider"])
    assert client.get(f"/tasks/{item.id}/done").status_code == 403
    client.login(team["coordinator"])  # who writes the group's minutes may
    assert client.get(f"/tasks/{item.id}/done").status_code == 200


def test_overdue_tasks_are_marked_on_the_dashboard(client, minutes, team):
    tasks.add(minutes, "Zapomenutý úkol", f"m:{team['doer'].id}", date(2020, 5, 1))
    publish(minutes, team)
    client.login(team["doer"])
    dashboard = client.get("/").get_data(as_text=True)
    assert "Zapomenutý úkol" in dashboard and "po termínu" in dashboard


def test_assignee_choices_are_the_group_and_its_organisations(team):
    choices = dict(tasks.assignee_choices(team["group"].id))
    assert choices[f"m:{team['doer'].id}"] == "Dana Dělná"
    assert f"o:{team['doer'].organisation_id}" in choices
    assert f"m:{team['outsider'].id}" not in choices
    assert tasks.parse_assignee("m:5") == (5, None)
    assert tasks.parse_assignee("o:7") == (None, 7)
    assert tasks.parse_assignee("x:1") == tasks.parse_assignee("m:") == (None, None)


def test_an_assignee_outside_the_group_is_refused_in_czech(client, minutes, team):
    client.login(team["secretary"])
    response = client.submit(f"/minutes/{minutes.id}/tasks", {
        "title": "Úkol", "assignee": f"m:{team['outsider'].id}"}, headers=HTMX)
    assert response.status_code == 400
    assert "Not a valid" not in response.get_data(as_text=True)
    assert tasks.items_of(minutes.id) == []
