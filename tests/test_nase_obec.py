"""'Naše obec' (issue #28): a municipality's page shows what its mayor looks for first: this
year's meetings and who from the municipality came, the newest minutes of those meetings,
the goals it owns; each block links to its full list already filtered for the municipality."""

from datetime import timedelta

import pytest

from intranet.meetings import attendance
from intranet.meetings.models import Presence
from intranet.minutes import services as minutes_services
from intranet.policy import Role


@pytest.fixture
def town(create_member, create_organisation, create_municipality, create_meeting):
    lipova, dubnice = create_municipality(name="Lipová"), create_municipality(name="Dubnice")
    office = create_organisation(name="Obecní úřad Lipová", municipality=lipova)
    worker = create_member(first_name="Hana", last_name="Terénní", organisation=office)
    stranger = create_member(first_name="Petr", last_name="Odjinud",
                             organisation=create_organisation(municipality=dubnice))
    secretary = create_member(Role.SECRETARY)
    held = create_meeting(members=[worker, stranger], starts_in=-timedelta(hours=3))
    attendance.record_presence(held, worker.id, Presence.PRESENT)
    attendance.record_presence(held, stranger.id, Presence.PRESENT)
    minutes = minutes_services.start(held, secretary)
    minutes_services.submit(minutes)
    minutes_services.approve(minutes, create_member(Role.ADMIN))
    minutes_services.publish(minutes, secretary)
    return {"lipova": lipova, "dubnice": dubnice, "held": held, "minutes": minutes,
            "mayor": create_member(Role.READER, organisation=office)}


def block(page: str, block_id: str) -> str:
    return page.split(f'id="{block_id}"', 1)[1].split("</section>", 1)[0]


def test_the_municipality_page_shows_its_meetings_people_and_minutes(client, town):
    client.login(town["mayor"])
    page = client.get(f"/municipalities/{town['lipova'].id}").get_data(as_text=True)
    meetings = block(page, "obec-schuzky")
    assert f"/meetings/{town['held'].id}" in meetings
    assert "Hana Terénní" in meetings and "Odjinud" not in meetings  # only its own people
    assert f"/meetings/stats?municipality={town['lipova'].id}&amp;start=" in meetings
    minutes = block(page, "obec-zapisy")
    assert f"/minutes/{town['minutes'].id}" in minutes
    assert f"/minutes?municipality={town['lipova'].id}" in minutes


def test_the_full_lists_open_filtered_for_the_municipality(client, town):
    client.login(town["mayor"])
    archive = client.get(f"/minutes?municipality={town['lipova'].id}").get_data(as_text=True)
    assert f'<option value="{town["lipova"].id}" selected>Lipová</option>' in archive
    assert f"/minutes/{town['minutes'].id}" in archive


def test_a_municipality_whose_people_stayed_home_says_so(client, town, create_municipality):
    client.login(town["mayor"])
    empty = create_municipality(name="Zálesí")
    page = client.get(f"/municipalities/{empty.id}").get_data(as_text=True)
    assert "Letos zatím nikdo z obce na schůzce nebyl." in block(page, "obec-schuzky")
    assert "Zatím žádný zveřejněný zápis" in block(page, "obec-zapisy")


def test_the_dashboard_leads_everyone_to_their_own_municipality(client, town):
    client.login(town["mayor"])
    page = client.get("/").get_data(as_text=True)
    assert f'href="/municipalities/{town["lipova"].id}">Naše obec: Lipová' in page
