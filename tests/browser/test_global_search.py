"""The header's search box in a real browser (#27): a member types without diacritics, presses
Enter, sees the results grouped by kind and follows one; on a phone the box is the first
thing in the folded menu and the results fit the screen; the results page searches again
as one types."""

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from intranet.extensions import db
from intranet.mailing import services as lists
from intranet.mailing.models import ListKind, MailingList
from intranet.minutes import services
from intranet.policy import Role

from ..conftest import PASSWORD
from .conftest import ARTIFACTS, DESKTOP, assert_accessible, logged_in_page

NARROW = {"width": 360, "height": 740}


@pytest.fixture
def world(create_member, create_group, create_meeting, create_organisation,
          create_municipality):
    """Published minutes of the social group, a post on the territory's list, a member and
    an organisation whose names have diacritics."""
    lhota = create_municipality("Horní Lhota")
    reader = create_member(first_name="Jana", last_name="Nováková",
                           organisation=create_organisation("Sociální poradna Lhota",
                                                            municipality=lhota))
    secretary = create_member(Role.SECRETARY, last_name="Zapisovatelová")
    coordinator = create_member(first_name="Karel", last_name="Koordinátor")
    group = create_group(number=4, name="Sociální služby", members=[reader],
                         coordinators=[coordinator])
    meeting = create_meeting(group, starts_in=-timedelta(days=7))
    minutes = services.start(meeting, secretary)
    services.save(minutes, secretary, "Projednali jsme **sociální služby** pro seniory.",
                  minutes.version)
    services.submit(minutes)
    services.approve(minutes, coordinator)
    services.publish(minutes, secretary)
    territory = db.session.scalar(sa.select(MailingList).filter_by(kind=ListKind.TERRITORY))
    lists.post(territory, reader, "Sociální šatník", "Kdo má oblečení navíc?")
    found = {"reader": reader.email, "minutes_id": minutes.id}
    db.session.commit()
    return found


@contextmanager
def logged_in_as(browser, live_server, email, viewport):
    context, page, errors = logged_in_page(browser, live_server, email, viewport, PASSWORD)
    yield page
    context.close()
    assert errors == []


def test_type_in_the_header_press_enter_and_follow_a_hit(browser, live_server, world):
    with logged_in_as(browser, live_server, world["reader"], DESKTOP) as page:
        box = page.get_by_role("searchbox", name="Hledat v intranetu")
        box.fill("socialni")
        box.press("Enter")
        page.wait_for_url(f"{live_server}/search?q=socialni")
        headings = page.locator(".search-group h2")
        expect(headings).to_have_text(  # Jana by her organisation's name
            ["Lidé (1)", "Organizace (1)", "Zápisy (1)", "Rozesílače (2)"])
        expect(page.get_by_text(re.compile(r"^Bez výsledků: .*Stáže a exkurze"))).to_be_visible()
        expect(page.locator("mark").first).to_have_text("sociální")
        assert_accessible(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "global-search-1280.png", full_page=True)
        page.locator("#found-minutes ~ ul a").first.click()
        page.wait_for_url(f"{live_server}/minutes/{world['minutes_id']}")
        expect(page.locator("h1")).to_contain_text("Zápis")


def test_on_a_phone_the_box_is_first_in_the_menu(browser, live_server, world):
    with logged_in_as(browser, live_server, world["reader"], NARROW) as page:
        header = page.evaluate(
            "document.querySelector('.site-header').getBoundingClientRect().height")
        assert header <= 120
        box = page.get_by_role("searchbox", name="Hledat v intranetu")
        expect(box).to_be_hidden()  # folded with the menu
        page.locator("summary", has_text="Nabídka").click()
        box.fill("novakova")
        box.press("Enter")
        page.wait_for_url(f"{live_server}/search?q=novakova")
        expect(page.locator(".search-group h2")).to_have_text(["Lidé (1)"])
        people = page.get_by_role("region", name="Lidé (1)")
        expect(people.get_by_role("link", name="Jana Nováková")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        page.screenshot(path=ARTIFACTS / "global-search-360.png", full_page=True)


def test_the_results_page_searches_as_one_types(browser, live_server, world):
    with logged_in_as(browser, live_server, world["reader"], DESKTOP) as page:
        page.goto(f"{live_server}/search")
        expect(page.get_by_text("Napište, co hledáte")).to_be_visible()
        field = page.get_by_label("Hledat v zápisech, rozesílačích, lidech, organizacích "
                                  "a stážích")
        field.press_sequentially("satnik", delay=30)
        expect(page.locator(".search-group h2")).to_have_text(["Rozesílače (1)"])
        expect(page).to_have_url(f"{live_server}/search?q=satnik")
        page.get_by_role("link", name="Sociální šatník").click()
        expect(page.locator(".list-post")).to_contain_text("Kdo má oblečení navíc?")
