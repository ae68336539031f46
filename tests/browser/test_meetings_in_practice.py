"""Real-browser checks of issue #7: a 360 px phone, failed taps, focus after swaps, numbers."""

from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from intranet.extensions import db
from intranet.meetings.models import Participation, Presence
from intranet.policy import Role

from ..conftest import PASSWORD
from .conftest import DESKTOP, assert_accessible, logged_in_page

SMALL_PHONE = {"width": 360, "height": 740}


def open_as(browser, live_server, email, viewport=SMALL_PHONE):
    return logged_in_page(browser, live_server, email, viewport, PASSWORD)


def test_attendance_on_a_small_phone_fits_keeps_focus_and_survives_a_lost_connection(
        browser, live_server, create_member, create_group, create_meeting):
    secretary = create_member(Role.SECRETARY)
    people = [create_member(first_name="Bohumila", last_name="Dlouhojmenná-Procházková"),
              create_member(first_name="Jan", last_name="Krátký")]
    meeting = create_meeting(create_group(members=people), starts_in=-timedelta(minutes=5))
    email, meeting_id, first_id = secretary.email, meeting.id, people[0].id
    db.session.commit()
    context, page, errors = open_as(browser, live_server, email)
    page.goto(f"{live_server}/meetings/{meeting_id}")
    page.get_by_role("link", name="Zapsat docházku").first.tap()  # at the top of the page
    row = page.locator(f"#attendance-{first_id}")
    card = row.bounding_box()
    for button in row.get_by_role("button").all():  # "absence" no longer sticks out
        box = button.bounding_box()
        assert card["x"] <= box["x"] and box["x"] + box["width"] <= card["x"] + card["width"]
    expect(page.get_by_text("Přítomno: 0 z 2")).to_be_visible()

    absent = row.get_by_role("button", name="absence", exact=True)
    absent.focus()
    page.keyboard.press("Enter")
    expect(absent).to_have_attribute("aria-pressed", "true")
    expect(row.get_by_role("button", name="absence", exact=True)).to_be_focused()

    page.route("**/attendance/*", lambda route: route.abort())  # the network drops
    present = row.get_by_role("button", name="účast", exact=True)
    present.tap()
    expect(row.get_by_text("Neuloženo – zkontrolujte připojení.")).to_be_visible()
    expect(present).to_have_attribute("aria-pressed", "false")  # nothing unsaved is shown
    expect(absent).to_have_attribute("aria-pressed", "true")
    page.unroute("**/attendance/*")
    page.route("**/attendance/*", lambda route: route.fulfill(status=503, body="Bad gateway"))
    present.tap()  # a proxy's error page never replaces the row
    expect(row.get_by_text("Neuloženo – zkontrolujte připojení.")).to_be_visible()
    expect(page.get_by_text("Bad gateway")).to_have_count(0)
    expect(absent).to_have_attribute("aria-pressed", "true")
    page.unroute("**/attendance/*")
    row.get_by_role("button", name="Zkusit znovu").tap()
    expect(row.get_by_role("button", name="účast", exact=True)).to_have_attribute(
        "aria-pressed", "true")
    expect(page.get_by_text("Přítomno: 1 z 2")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Všichni ostatní přítomni").tap()
    expect(page.get_by_text("Přítomno: 2 z 2")).to_be_visible()
    page.screenshot(path="test-artifacts/attendance-360.png", full_page=True)
    presences = set(db.session.scalars(sa.select(Participation.presence)))
    db.session.commit()
    assert presences == {Presence.PRESENT}
    context.close()
    assert errors == []


def test_statistics_tables_are_readable_on_a_small_phone(browser, live_server, create_member,
                                                         create_group, create_meeting):
    from intranet.meetings import attendance

    mayor = create_member(Role.READER)
    worker = create_member(first_name="Věra")
    meeting = create_meeting(create_group(members=[worker]), starts_in=-timedelta(days=2))
    attendance.record_presence(meeting, worker.id, Presence.PRESENT)
    email = mayor.email
    db.session.commit()
    context, page, errors = open_as(browser, live_server, email)
    page.get_by_role("link", name="Statistika účasti").first.tap()
    expect(page.get_by_role("heading", name="Statistika účasti")).to_be_visible()
    cell = page.locator("table.list td.num").first
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Členů: "', label  # every number says what it counts
    assert_accessible(page)
    page.screenshot(path="test-artifacts/stats-360.png", full_page=True)
    context.close()
    assert errors == []


def test_program_items_show_their_numbers_on_a_desktop(browser, live_server, create_member,
                                                       create_meeting):
    reader = create_member(Role.READER)
    meeting = create_meeting(agenda=["Zahájení", "Kontrola úkolů", "Různé"])
    email, meeting_id = reader.email, meeting.id
    db.session.commit()
    context, page, errors = open_as(browser, live_server, email, viewport=DESKTOP)
    page.goto(f"{live_server}/meetings/{meeting_id}")
    items = page.locator("#agenda li.agenda-item")
    expect(items).to_have_count(3)
    assert items.nth(2).evaluate("li => getComputedStyle(li).display") == "list-item"
    marker = items.nth(2).evaluate("li => getComputedStyle(li, '::marker').content")
    assert marker != "none", marker  # people refer to "bod 3"
    context.close()
    assert errors == []


def test_an_invalid_guest_moves_focus_to_the_field_with_the_error(browser, live_server,
                                                                 create_member, create_meeting):
    secretary = create_member(Role.SECRETARY)
    meeting = create_meeting(members=[create_member()])
    email, meeting_id = secretary.email, meeting.id
    db.session.commit()
    context, page, errors = open_as(browser, live_server, email, viewport=DESKTOP)
    page.goto(f"{live_server}/meetings/{meeting_id}/attendance")
    page.get_by_role("button", name="Přidat hosta").click()
    expect(page.get_by_text("Toto pole je povinné.")).to_be_visible()
    expect(page.get_by_label("Jméno hosta")).to_be_focused()
    page.get_by_label("Jméno hosta").fill("Host Hostovský")
    page.keyboard.press("Enter")
    expect(page.locator("#guests li", has_text="Host Hostovský")).to_be_visible()
    expect(page.get_by_label("Jméno hosta")).to_be_focused()  # ready for the next guest
    context.close()
    assert errors == []


def test_enter_in_the_excuse_note_sends_the_excuse(browser, live_server, create_member,
                                                  create_meeting):
    member = create_member()
    meeting = create_meeting(members=[member])
    email, meeting_id = member.email, meeting.id
    db.session.commit()
    context, page, errors = open_as(browser, live_server, email, viewport=DESKTOP)
    page.goto(f"{live_server}/meetings/{meeting_id}")
    page.get_by_label("Poznámka k omluvě (nepovinné)").fill("jsem nemocná")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Odpověděli jste: omlouvám se.")).to_be_visible()
    expect(page.get_by_text("(jsem nemocná)")).to_be_visible()
    context.close()
    assert errors == []
