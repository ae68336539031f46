"""Real-browser flow of owners decided at a meeting and of a goal's measures (issue #28): the
minute-taker opens the held meeting, records that a municipality owns the goal, and its
page, its minutes and the mayor's "Naše obec" show it; the group's coordinator adds a
measure linked to the meeting and to a task of its minutes, and the goal's page lists it."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from intranet.extensions import db
from intranet.minutes import services as minutes_services
from intranet.minutes.models import ActionItem
from intranet.policy import Role
from intranet.strategy.models import Goal, Priority

from ..conftest import PASSWORD
from .conftest import ARTIFACTS, DESKTOP, PHONE, assert_accessible, logged_in_page


@pytest.fixture
def world(create_member, create_organisation, create_municipality, create_group,
          create_meeting):
    coordinator = create_member(first_name="Karel", last_name="Koordinátor")
    group = create_group(coordinators=[coordinator])
    secretary = create_member(Role.SECRETARY, first_name="Zdena", last_name="Zapisovatelka")
    lipova = create_municipality(name="Lipová")
    mayor = create_member(Role.READER, first_name="Jan", last_name="Starosta",
                          organisation=create_organisation(name="Obecní úřad Lipová",
                                                           municipality=lipova))
    goal = Goal(priority=Priority(number=1, title="Dostupné služby"), number=2,
                title="Zajištění koordinace služeb", group=group)
    db.session.add(goal)
    db.session.commit()
    held = create_meeting(group, starts_in=-timedelta(hours=3))
    minutes = minutes_services.start(held, secretary)
    db.session.add(ActionItem(minutes_id=minutes.id, group_id=group.id,
                              title="Svolat kulatý stůl poskytovatelů"))
    db.session.commit()
    minutes_services.submit(minutes)
    minutes_services.approve(minutes, create_member(Role.ADMIN))
    minutes_services.publish(minutes, secretary)
    found = {"secretary": secretary.email, "coordinator": coordinator.email,
             "mayor": mayor.email, "meeting_id": held.id, "minutes_id": minutes.id,
             "goal_id": goal.id, "lipova_id": lipova.id}
    db.session.commit()
    return found


def test_owners_decided_at_a_meeting_and_a_measure_that_it_moved(browser, live_server,
                                                                  world):
    context, page, errors = logged_in_page(browser, live_server, world["secretary"], DESKTOP,
                                           PASSWORD)
    page.goto(f"{live_server}/meetings/{world['meeting_id']}")
    page.get_by_role("link", name="Zapsat rozhodnutí o gestorovi cíle nebo indikátoru").click()
    page.get_by_role("button", name="Zapsat gestora cíle").click()  # no goal chosen
    expect(page.locator("#cil-goal_id-error")).to_have_text(
        "Vyberte cíl, o jehož gestorovi se rozhodlo.")
    page.get_by_label("Cíl", exact=True).select_option(label="1.2 Zajištění koordinace služeb")
    page.get_by_label("Gestor cíle: obce").select_option(label="Lipová")
    page.get_by_label("Kdo za cíl odpovídá").select_option(
        label="Jan Starosta (Obecní úřad Lipová)")
    page.get_by_role("button", name="Zapsat gestora cíle").click()
    expect(page.locator(".flashes")).to_contain_text(
        "Cíl: Zajištění koordinace služeb – gestor nyní: Lipová · Jan Starosta")
    assert_accessible(page)
    page.screenshot(path=ARTIFACTS / "strategy-owners.png", full_page=True)
    context.close()
    assert errors == []

    context, page, errors = logged_in_page(browser, live_server, world["coordinator"],
                                           DESKTOP, PASSWORD)
    page.goto(f"{live_server}/strategy/goals/{world['goal_id']}")
    page.get_by_role("link", name="Přidat opatření").click()
    page.get_by_label("Název opatření").fill("Společný katalog služeb")
    page.get_by_label("probíhá").check()
    page.get_by_label("Schůzky, které opatření posunuly").select_option(index=0)
    page.get_by_label("Úkoly ze zápisů, které k opatření patří").select_option(index=0)
    page.get_by_role("button", name="Uložit opatření").click()
    measure = page.locator("article.measure")
    expect(measure).to_contain_text("Společný katalog služeb")
    expect(measure).to_contain_text("probíhá")
    expect(measure.get_by_role("link", name="Svolat kulatý stůl poskytovatelů")).to_have_attribute(
        "href", f"/minutes/{world['minutes_id']}")
    assert_accessible(page)
    page.screenshot(path=ARTIFACTS / "strategy-measures.png", full_page=True)
    context.close()
    assert errors == []

    mayor, page, errors = logged_in_page(browser, live_server, world["mayor"], PHONE, PASSWORD)
    page.goto(f"{live_server}/minutes/{world['minutes_id']}")
    decisions = page.get_by_role("region", name="Rozhodnutí o gestorech")
    expect(decisions).to_contain_text("Lipová · Jan Starosta")
    page.goto(f"{live_server}/municipalities/{world['lipova_id']}")
    expect(page.locator("#obec-cile")).to_contain_text("Cíl 1.2: Zajištění koordinace služeb")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    mayor.close()
    assert errors == []
