"""Real-browser flow of the strategy (issue #28): the indicator's owner enters a value from
the indicator's page; the chart gains a point, and the overview and "Naše obec" the mayor
reads move to '56 % cesty k cíli', 'podle plánu'."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from intranet.extensions import db
from intranet.i18n import today_in_prague
from intranet.policy import Role
from intranet.strategy.models import Better, Goal, Indicator, Priority

from ..conftest import PASSWORD
from .conftest import ARTIFACTS, DESKTOP, PHONE, assert_accessible, logged_in_page, main_nav


@pytest.fixture
def world(create_member, create_organisation, create_municipality):
    ngo = create_organisation(name="Spolek Most")
    owner = create_member(first_name="Olga", last_name="Gestorová", organisation=ngo)
    lipova = create_municipality(name="Lipová")
    mayor = create_member(Role.READER, first_name="Karel", last_name="Starosta",
                          organisation=create_organisation(name="Obecní úřad Lipová",
                                                           municipality=lipova))
    today = today_in_prague()
    goal = Goal(priority=Priority(number=1, title="Dostupné služby"), number=1,
                title="Zvýšení nabídky sociálních služeb", municipalities=[lipova])
    indicator = Indicator(goal=goal, name="Místa v odlehčovací službě", unit="míst",
                          baseline=4, baseline_on=today - timedelta(days=730), target=12,
                          target_on=today + timedelta(days=730), better=Better.HIGHER,
                          owner_organisation=ngo, owner=owner, months_between_values=12)
    db.session.add(goal)
    db.session.commit()
    found = {"owner": owner.email, "mayor": mayor.email, "indicator_id": indicator.id}
    db.session.commit()
    return found


def test_an_owner_enters_a_value_and_the_mayor_sees_the_overview_move(browser, live_server,
                                                                        world):
    mayor, mayor_page, mayor_errors = logged_in_page(browser, live_server, world["mayor"],
                                                     PHONE, PASSWORD)
    main_nav(mayor_page).get_by_role("link", name="Strategie").click()
    row = mayor_page.get_by_role("row", name="Místa v odlehčovací službě")
    expect(row).to_contain_text("zatím bez hodnot")
    expect(row).to_contain_text("hodnota chybí od")

    context, page, errors = logged_in_page(browser, live_server, world["owner"], DESKTOP,
                                           PASSWORD)
    page.goto(f"{live_server}/strategy")
    page.get_by_role("link", name="Místa v odlehčovací službě").click()
    page.locator("#value").fill("třeba devět")
    page.get_by_role("button", name="Zapsat hodnotu").click()
    expect(page.locator("#value-error")).to_have_text("Zadejte číslo, např. 120 nebo 12,5.")
    page.locator("#value").fill("8,5")
    page.get_by_label("Zdroj (nepovinné)").fill("výkaz poskytovatele")
    page.get_by_role("button", name="Zapsat hodnotu").click()
    expect(page.locator(".flashes")).to_contain_text("Hodnota je zapsaná.")
    expect(page.get_by_role("row", name="výkaz poskytovatele")).to_contain_text("8,5")
    expect(page.locator("svg polyline.value-line")).to_have_count(1)
    expect(page.locator("svg circle.value-point")).to_have_count(1)
    assert_accessible(page)
    page.screenshot(path=ARTIFACTS / "strategy-indicator.png", full_page=True)
    context.close()
    assert errors == []

    mayor_page.reload()
    row = mayor_page.get_by_role("row", name="Místa v odlehčovací službě")
    expect(row).to_contain_text("56 % cesty k cíli")
    expect(row).to_contain_text("podle plánu")
    expect(row).not_to_contain_text("hodnota chybí")
    assert mayor_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(mayor_page)
    mayor_page.screenshot(path=ARTIFACTS / "strategy-overview-phone.png", full_page=True)
    main_nav(mayor_page).get_by_role("link", name="Přehled").click()
    mayor_page.get_by_role("link", name="Naše obec: Lipová").click()
    goals = mayor_page.locator("#obec-cile")
    expect(goals).to_contain_text("Cíl 1.1: Zvýšení nabídky sociálních služeb")
    expect(goals).to_contain_text("56 % cesty k cíli")
    assert_accessible(mayor_page)
    mayor.close()
    assert mayor_errors == []
