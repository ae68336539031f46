"""Real-browser flow: schedule a meeting, build its program, reorder it, take attendance."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from intranet.extensions import db
from intranet.meetings.models import Meeting, Participation, Presence
from intranet.policy import Role

from ..conftest import PASSWORD
from ..test_meetings import DAY
from .conftest import PHONE, assert_accessible, logged_in_page
from .test_foundation_flows import field


def test_schedule_program_reorder_and_attendance_on_a_phone(browser, live_server, create_member,
                                                            create_group):
    secretary = create_member(Role.SECRETARY, first_name="Zuzana")
    alena = create_member(first_name="Alena", last_name="Přítomná")
    bohus = create_member(first_name="Bohuslav", last_name="Omluvený")
    group = create_group(number=4, name="Sociální služby", members=[alena, bohus])
    email, group_id = secretary.email, group.id
    alena_id, bohus_id = alena.id, bohus.id
    db.session.commit()  # the test holds no transaction while the browser writes

    context, page, errors = logged_in_page(browser, live_server, email, PHONE, PASSWORD)

    page.goto(f"{live_server}/groups/{group_id}")
    assert_accessible(page)
    page.get_by_role("link", name="Naplánovat schůzku").click()
    field(page, "Datum").fill(DAY.isoformat())
    field(page, "Od").fill("09:00")
    field(page, "Do").fill("08:00")  # a mistake: the end before the start
    field(page, "Místo").fill("Radnice, zasedací místnost")
    page.get_by_role("button", name="Naplánovat schůzku").click()
    expect(page.get_by_text("Konec musí být později než začátek.")).to_be_visible()
    expect(field(page, "Místo")).to_have_value("Radnice, zasedací místnost")
    assert_accessible(page)
    field(page, "Do").fill("10:00")
    page.get_by_role("button", name="Naplánovat schůzku").click()
    expect(page.get_by_role("heading", name="Pozvánka a odpovědi")).to_be_visible()
    assert_accessible(page)  # the invitation as members will get it, not sent yet
    page.get_by_role("link", name="Nejdřív upravit program").click()
    expect(page.get_by_role("heading", name="Schůzka č. 1")).to_be_visible()
    assert_accessible(page)

    for title in ("Zahájení", "Gestor cíle, gestor indikátoru", "Různé"):
        field(page, "Bod programu").fill(title)
        page.get_by_role("button", name="Přidat do programu").click()
        expect(page.locator("#agenda li.agenda-item", has_text=title)).to_be_visible()
    expect(field(page, "Bod programu")).to_have_value("")  # the form is ready for the next
    expect(field(page, "Bod programu")).to_be_focused()  # focus stays where one types
    page.get_by_role("button", name="Posunout výš: Různé").click()
    items = page.locator("#agenda li.agenda-item strong")
    expect(items).to_have_text(["Zahájení", "Různé", "Gestor cíle, gestor indikátoru"])
    assert_accessible(page)
    meeting_id = int(re.search(r"/meetings/(\d+)", page.url).group(1))

    page.get_by_role("link", name="Zobrazit a odeslat pozvánku").click()
    expect(page.locator(".mail-preview")).to_contain_text("3. Gestor cíle, gestor indikátoru")
    page.get_by_role("button", name="Odeslat pozvánku všem pozvaným (2)").tap()
    expect(page.get_by_text("Odcházejí 2 pozvánky.")).to_be_visible()
    expect(page.get_by_role("link", name="Zobrazit a odeslat pozvánku")).to_have_count(0)

    page.get_by_role("link", name="Zapsat docházku").click()
    expect(page.get_by_role("heading", name="Docházka")).to_be_visible()
    alena_row = page.locator(f"#attendance-{alena_id}")
    alena_row.get_by_role("button", name="účast", exact=True).tap()
    expect(alena_row.get_by_role("button", name="účast", exact=True)).to_have_attribute(
        "aria-pressed", "true")
    bohus_row = page.locator(f"#attendance-{bohus_id}")
    bohus_row.get_by_role("button", name="omluva", exact=True).tap()
    expect(bohus_row.get_by_role("button", name="omluva", exact=True)).to_have_attribute(
        "aria-pressed", "true")
    field(page, "Jméno hosta").fill("Ing. Hana Hostová")
    field(page, "Organizace hosta").fill("Úřad práce")
    page.get_by_role("button", name="Přidat hosta").tap()
    expect(page.locator("#guests li", has_text="Ing. Hana Hostová")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path="test-artifacts/attendance-phone.png", full_page=True)

    page.reload()  # every tap was saved
    present = page.locator(f"#attendance-{alena_id}").get_by_role("button", name="účast",
                                                                   exact=True)
    expect(present).to_have_attribute("aria-pressed", "true")
    presences = dict(db.session.execute(sa.select(Participation.member_id, Participation.presence)
                                        .where(Participation.meeting_id == meeting_id)).all())
    db.session.commit()
    assert presences == {alena_id: Presence.PRESENT, bohus_id: Presence.EXCUSED}
    assert [i.title for i in db.session.get(Meeting, meeting_id).agenda] == [
        "Zahájení", "Různé", "Gestor cíle, gestor indikátoru"]
    db.session.commit()
    context.close()
    assert errors == []


def test_coordinator_adds_a_member_from_the_directory_without_reload(browse, create_member,
                                                                    create_group):
    coordinator = create_member(first_name="Kamila", last_name="Koordinátorová")
    create_member(first_name="Norbert", last_name="Nováček")
    group = create_group(number=2, name="Rodina a děti", coordinators=[coordinator])
    email, group_id = coordinator.email, group.id
    db.session.commit()
    page = browse.page
    browse.login(email, PASSWORD)
    browse.goto(f"/groups/{group_id}")
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Jméno, organizace nebo obec").press_sequentially("novac", delay=30)
    page.get_by_role("button", name="Přidat – Norbert Nováček").click()
    members = page.locator("#group-members")
    expect(members.get_by_role("link", name="Norbert Nováček")).to_be_visible()
    expect(page.locator("#candidates").get_by_text("Norbert Nováček")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True  # swapped in place
    assert_accessible(page)
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    members.get_by_role("button", name="odebrat – Norbert Nováček").click()
    expect(members.get_by_role("link", name="Norbert Nováček")).to_have_count(0)
    assert questions == ["Odebrat ze skupiny: Norbert Nováček?"]


def test_reading_pages_are_accessible(browse, create_member, create_meeting):
    """A reader (mayor) browses meetings, statistics and their profile."""
    from datetime import timedelta

    from intranet.database import utcnow

    mayor = create_member(Role.READER, first_name="Starosta")
    held = create_meeting(members=[mayor], starts_in=-timedelta(days=3),
                          attendance_taken_at=utcnow(), agenda=["Zahájení"], guests=["Host"])
    email, meeting_id = mayor.email, held.id
    db.session.commit()
    page = browse.page
    browse.login(email, PASSWORD)
    for path, heading in ((f"/meetings/{meeting_id}", "Schůzka č. 1 proběhla"),
                          ("/meetings/stats", "Statistika účasti"),
                          ("/groups", "Pracovní skupiny"), ("/profile", "Můj profil")):
        browse.goto(path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        assert_accessible(page)
    browse.goto("/meetings")
    page.get_by_role("link", name=re.compile("^← ")).click()  # the previous month, in place
    expect(page.get_by_role("heading", level=2).first).to_be_visible()
    assert_accessible(page)
    assert page.locator("#month-input").input_value() == page.url.split("month=")[1][:7]
