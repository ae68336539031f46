"""The triad at the table in a real browser (#28): an administrator gives the seniors' club its
side ('uživatelé a jejich zástupci'), and the attendance statistics then show that yesterday's
meeting had all three sides at the table, on a desktop and on a 360 px phone; the group's
page marks the meeting too."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from intranet.extensions import db
from intranet.meetings import attendance
from intranet.organisations.models import OrganisationKind, Side
from intranet.policy import Role

from ..conftest import PASSWORD
from .conftest import ARTIFACTS, DESKTOP, assert_accessible, logged_in_page

NARROW = {"width": 360, "height": 740}
ADMIN = "spravce@example.org"
ALL_THREE = "zadavatelé ano, poskytovatelé ano, uživatelé ano"
NO_USERS = "zadavatelé ano, poskytovatelé ano, uživatelé ne"


@pytest.fixture
def table(create_organisation, create_member, create_group, create_meeting):
    """A meeting held yesterday with the mayor's office, the charity and the seniors' club
    present; the club has no side yet."""
    office = create_organisation("Obecní úřad Lipová", OrganisationKind.MUNICIPALITY)
    charity = create_organisation("Farní charita Dubnice", OrganisationKind.CHURCH)
    club = create_organisation("Klub seniorů Lipová", OrganisationKind.OTHER,
                               municipality=office.municipality)
    office.side, charity.side = Side.COMMISSIONER, Side.PROVIDER
    create_member(Role.ADMIN, email=ADMIN, organisation=office)
    people = [create_member(organisation=o) for o in (office, charity, club)]
    group = create_group(name="Senioři a zdravotně postižení", members=people)
    meeting = create_meeting(group, starts_in=-timedelta(days=1))
    attendance.mark_everyone_present(meeting)
    ids = {"club": club.id, "group": group.id}
    db.session.commit()  # outside a request a transaction takes the write lock: end it
    return ids


def test_an_administrator_sets_a_side_and_the_statistics_show_all_three(
        browser, live_server, table):
    ARTIFACTS.mkdir(exist_ok=True)
    context, page, errors = logged_in_page(browser, live_server, ADMIN,
                                           DESKTOP, PASSWORD)
    page.goto(f"{live_server}/meetings/stats")
    meetings = page.locator("section[aria-labelledby=meetings-heading]")
    expect(meetings.get_by_text(NO_USERS)).to_be_attached()
    page.screenshot(path=ARTIFACTS / "triad-stats-without-users-1280.png", full_page=True)
    page.goto(f"{live_server}/organisations/{table['club']}")
    page.get_by_role("link", name="Upravit").click()
    side = page.get_by_label("Strana v komunitním plánování")
    expect(side).to_have_value("")
    side.select_option(label="uživatelé a jejich zástupci")
    page.screenshot(path=ARTIFACTS / "triad-organisation-form.png", full_page=True)
    page.get_by_role("button", name="Uložit organizaci").click()
    expect(page.get_by_text("Organizace Klub seniorů Lipová byla uložena.")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("uživatelé a jejich zástupci")
    context.close()
    assert errors == []

    for viewport, name in ((DESKTOP, "1280"), (NARROW, "360")):
        context, page, errors = logged_in_page(browser, live_server, ADMIN,
                                               viewport, PASSWORD)
        page.goto(f"{live_server}/meetings/stats")
        meetings = page.locator("section[aria-labelledby=meetings-heading]")
        expect(meetings.get_by_text(ALL_THREE)).to_be_attached()
        expect(meetings.get_by_text(NO_USERS)).to_have_count(0)
        tile = page.locator(".tile", has_text="se všemi třemi stranami")
        expect(tile.locator("strong")).to_have_text("1")
        marks = meetings.locator(".triad-yes")
        expect(marks).to_have_count(3)
        expect(marks.first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert_accessible(page)
        page.screenshot(path=ARTIFACTS / f"triad-stats-{name}.png", full_page=True)
        page.goto(f"{live_server}/groups/{table['group']}")
        expect(page.locator(".meeting-list .triad-all")).to_have_count(1)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=ARTIFACTS / f"triad-group-{name}.png", full_page=True)
        context.close()
        assert errors == []
