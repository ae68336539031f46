"""The provider catalogue in a real browser (#28): a member of an NGO adds a service of her
organisation through the form; a mayor finds it by filtering the catalogue by municipality
and kind and typing part of its name (without diacritics), as she types, on a desktop and on
a 360 px phone, and prints it on A4."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from intranet.catalogue.models import ProviderService
from intranet.demo import DEMO_PASSWORD, load_demo
from intranet.extensions import db
from intranet.organisations.models import Municipality

from ..conftest import writing_request
from .conftest import ARTIFACTS, DESKTOP, assert_accessible, logged_in_page, main_nav

NARROW = {"width": 360, "height": 740}
MEMBER, MAYOR = "clen@vranov.example", "starosta@vranov.example"  # Most k domovu; Lipová
NAME = "Klub Přístřešek"


@pytest.fixture
def demo(app):
    with writing_request(app):
        load_demo()
    db.session.commit()
    zalesi = db.session.scalar(sa.select(Municipality.id).filter_by(name="Zálesí"))
    db.session.commit()
    return {"zalesi": zalesi}


def test_a_member_adds_a_service_and_a_mayor_finds_and_prints_it(browser, live_server, demo):
    ARTIFACTS.mkdir(exist_ok=True)
    context, page, errors = logged_in_page(browser, live_server, MEMBER, DESKTOP, DEMO_PASSWORD)
    main_nav(page).get_by_role("link", name="Katalog služeb").click()
    page.get_by_role("link", name="Přidat službu mé organizace").click()
    expect(page.get_by_role("heading", name="Přidat službu do katalogu")).to_be_visible()
    page.get_by_label("Druh služby", exact=True).select_option(
        label="nízkoprahová zařízení pro děti a mládež")
    page.get_by_label("Název služby").fill(NAME)
    page.get_by_role("checkbox", name="děti a mládež").check()
    page.get_by_role("checkbox", name="Zálesí").check()
    page.get_by_label("Adresa").fill("Za Školou 4, Zálesí")
    page.get_by_label("Telefon").fill("+420 602 333 444")
    page.get_by_label("Provozní doba").fill("po–čt 14:00–19:00")
    page.screenshot(path=ARTIFACTS / "catalogue-form.png", full_page=True)
    page.get_by_role("button", name="Uložit do katalogu").click()
    expect(page.get_by_role("heading", name=NAME)).to_be_visible()
    expect(page.get_by_text("Služba Klub Přístřešek je uložená v katalogu.")).to_be_visible()
    assert_accessible(page)
    context.close()
    assert errors == []
    db.session.commit()
    assert db.session.scalar(sa.select(ProviderService.address).filter_by(name=NAME)) == \
        "Za Školou 4, Zálesí"
    db.session.commit()

    for viewport, name in ((DESKTOP, "desktop"), (NARROW, "phone")):
        context, page, errors = logged_in_page(browser, live_server, MAYOR, viewport,
                                               DEMO_PASSWORD)
        main_nav(page).get_by_role("link", name="Katalog služeb").click()
        results = page.locator("#catalogue-results")
        expect(results).to_contain_text("Nalezeno 6 služeb")
        page.wait_for_load_state("networkidle")  # the boosted page settled: htmx listens
        # two services work everywhere, one in Zálesí, and the new one: filtered at once
        page.get_by_label("Obec", exact=True).select_option(label="Zálesí")
        expect(results).to_contain_text(re.compile(r"Nalezen\w* 4 služ"))
        page.get_by_label("Druh služby", exact=True).select_option(
            label="nízkoprahová zařízení pro děti a mládež")
        expect(results).to_contain_text("Nalezena 1 služba")
        page.get_by_label("Hledat službu, organizaci nebo obec").press_sequentially(
            "pristres", delay=40)  # no button pressed: it filters as she types
        expect(results.get_by_role("heading", name=NAME)).to_be_visible()
        expect(page).to_have_url(re.compile(rf"municipality={demo['zalesi']}.*q=pristres|"
                                            rf"q=pristres.*municipality={demo['zalesi']}"))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], width
        page.screenshot(path=ARTIFACTS / f"catalogue-mayor-{name}.png", full_page=True)
        page.get_by_label("Hledat službu, organizaci nebo obec").fill("xyz")
        expect(results).to_contain_text("Takovou službu v katalogu nemáme")
        page.get_by_label("Hledat službu, organizaci nebo obec").fill("")
        expect(results).to_contain_text("Nalezena 1 služba")
        if name == "desktop":
            assert_accessible(page)
            _print(page)
        context.close()
        assert errors == []


def _print(page) -> None:
    """The printed catalogue of the chosen filters: the service under its kind, on A4."""
    page.get_by_role("link", name="Vytisknout katalog").click()
    expect(page.get_by_role("heading", name="nízkoprahová zařízení pro děti a mládež")) \
        .to_be_visible()
    expect(page.locator(".print-entry")).to_have_count(1)
    expect(page.locator(".print-head")).to_contain_text("Obec: Zálesí")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Vytisknout")).to_be_hidden()
    page.screenshot(path=ARTIFACTS / "catalogue-print.png", full_page=True)
    pdf = page.pdf(prefer_css_page_size=True)
    (ARTIFACTS / "catalogue-print.pdf").write_bytes(pdf)
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert boxes and all(abs(float(w) - 595) < 1 and abs(float(h) - 842) < 1
                         for w, h in boxes), boxes  # A4 portrait: 210 × 297 mm
    assert len(boxes) == 1  # one short catalogue, one page
    page.emulate_media(media="screen")
