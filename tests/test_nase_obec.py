"""'Naše obec' (issue #28): a municipality's page shows what its mayor looks for first: this
year's meetings and who from the municipality came, the newest minutes of those meetings,
the goals it owns; each block links to its full list already filtered for the municipality."""

from datetime import timedelta

import pytest

from intranet.i18n import today_in_prague
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


@pytest.fixture
def tasks(town, create_member, create_organisation):
    """Tasks of the published minutes: for a Lipová office, for a person from Lipová, for
    someone from Dubnice; one of them done."""
    from intranet.extensions import db
    from intranet.minutes import tasks as minutes_tasks
    from intranet.minutes.models import ActionItem

    minutes = town["minutes"]
    office = town["mayor"].organisation
    lipova_person = create_member(first_name="Iva", last_name="Lipovská", organisation=office)
    dubnice_person = create_member(organisation=create_organisation(
        municipality=town["dubnice"]))
    made = [ActionItem(minutes_id=minutes.id, group_id=minutes.meeting.group_id, title=title,
                       **who) for title, who in [
        ("Opravit chodník u klubu", {"organisation_id": office.id}),
        ("Zjistit kapacitu odlehčovací služby", {"member_id": lipova_person.id}),
        ("Pozvat Charitu", {"member_id": dubnice_person.id}),
        ("Poslat zápis starostům", {"organisation_id": office.id})]]
    db.session.add_all(made)
    db.session.commit()
    minutes_tasks.mark_done(made[3], town["mayor"], today_in_prague(), "Hotovo.")
    return made


def test_the_municipality_s_open_tasks_and_the_full_list_filtered(client, town, tasks):
    client.login(town["mayor"])
    page = client.get(f"/municipalities/{town['lipova'].id}").get_data(as_text=True)
    panel = block(page, "obec-ukoly")
    assert "Opravit chodník u klubu" in panel and "Zjistit kapacitu" in panel
    assert "Pozvat Charitu" not in panel and "Poslat zápis starostům" not in panel  # done
    assert f"/tasks?municipality={town['lipova'].id}" in panel
    listed = client.get(f"/tasks?municipality={town['lipova'].id}").get_data(as_text=True)
    assert "2 úkoly" in listed and "Pozvat Charitu" not in listed
    assert f'<option value="{town["lipova"].id}" selected>Lipová</option>' in listed
    done = client.get(f"/tasks?municipality={town['lipova'].id}&state=done").get_data(
        as_text=True)
    assert "Poslat zápis starostům" in done and "splněno" in done
    office = town["mayor"].organisation_id
    assert "3 úkoly" in client.get(f"/tasks?organisation={office}&state=all").get_data(
        as_text=True)


def test_a_bad_task_filter_is_said_at_the_field_and_ignored(client, town, tasks):
    client.login(town["mayor"])
    page = client.get("/tasks?municipality=999999&state=nic").get_data(as_text=True)
    assert page.count("Vyberte jednu z nabízených možností.") == 2
    assert "3 úkoly" in page  # every open task: the bad filters are ignored


def past_visit(title: str, host, member, organiser) -> None:
    """A study visit a month ago at the host, the member on it (in the caller's
    transaction)."""
    from intranet.extensions import db
    from intranet.visits.models import Registration, Status, Visit, VisitKind, VisitSlot

    day = today_in_prague() - timedelta(days=30)
    visit = Visit(kind=VisitKind.STUDY_VISIT, title=title, host_organisation_id=host.id,
                  deadline=day - timedelta(days=7), starts_on=day, ends_on=day,
                  organiser=organiser, description="", search_key=title.lower(),
                  slots=[VisitSlot(starts_on=day, ends_on=day, capacity=5, taken=1,
                                   last_number=1)])
    db.session.add(visit)
    db.session.flush()
    db.session.add(Registration(visit_id=visit.id, slot_id=visit.slots[0].id,
                                member_id=member.id, organisation_id=member.organisation_id,
                                status=Status.CONFIRMED, number=1))


def test_the_visits_its_people_went_on_and_hosted(client, town, create_member,
                                                  create_organisation):
    from intranet.extensions import db

    office, mayor = town["mayor"].organisation, town["mayor"]
    traveller = create_member(first_name="Eva", last_name="Cestovatelka", organisation=office)
    elsewhere = create_organisation(name="Charita Dubnice", municipality=town["dubnice"])
    past_visit("Exkurze do Charity", elsewhere, traveller, mayor)  # its person went
    guest = create_member(organisation=elsewhere)
    past_visit("Stáž na obecním úřadě", office, guest, mayor)  # it hosted
    past_visit("Stáž jinde", elsewhere, guest, mayor)  # nothing to do with Lipová
    db.session.commit()
    client.login(town["mayor"])
    page = client.get(f"/municipalities/{town['lipova'].id}").get_data(as_text=True)
    panel = page.split('id="visit-history-heading"', 1)[1].split("</section>", 1)[0]
    assert "Exkurze do Charity" in panel and "Stáž na obecním úřadě" in panel
    assert ("Exkurze do Charity</a><br><span class=\"muted\">Exkurze · Charita Dubnice · "
            "Eva Cestovatelka</span>") in panel  # the host apart from the title
    assert "Stáž jinde" not in panel
    assert f"/visits/register?municipality={town['lipova'].id}" in panel
    register = client.get(f"/visits/register?municipality={town['lipova'].id}").get_data(
        as_text=True)
    assert "Exkurze do Charity" in register and "Stáž jinde" not in register
