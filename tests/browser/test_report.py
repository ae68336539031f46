"""The yearly report in a real browser (#28): a mayor opens it from the dashboard, switches
to the reported year, sees it on a desktop and on a 360 px phone, and prints it on A4: each
section begins a page, the navigation and the buttons stay off the paper, a table that runs
over a page repeats its header, and the pages are numbered."""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from intranet.extensions import db
from intranet.policy import Role

from ..conftest import PASSWORD
from ..test_report import Y, at, d, world  # noqa: F401  (the world: a fixture)
from .conftest import ARTIFACTS, DESKTOP, assert_accessible, logged_in_page

NARROW = {"width": 360, "height": 740}
SECTIONS = ["1. Schůzky pracovních skupin", "2. Zveřejněné zápisy", "3. Úkoly ze schůzek",
            "4. Výměnné stáže a exkurze", "5. Cíle strategie a jejich indikátory"]
TOWNS = 45  # municipalities at one meeting: their table runs over a page


def many_towns(territory, create_member, create_organisation, create_municipality,
               create_group):
    """People of TOWNS more municipalities at one meeting of Y."""
    people = [create_member(organisation=create_organisation(
        f"Obecní úřad Obec {n:02}", municipality=create_municipality(f"Obec {n:02}")))
        for n in range(TOWNS)]
    territory.meeting(create_group(number=3, name="Starostové", members=people), at(d(10, 20)),
                  people)
    db.session.commit()


def printed(page) -> list[str]:
    """The page printed to A4 as Chromium prints it: each page's text (the PDF is kept)."""
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    page.emulate_media(media="screen")
    (ARTIFACTS / "report.pdf").write_bytes(pdf)
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


def test_a_mayor_opens_switches_and_prints_the_report(
        browser, live_server, world, create_member, create_organisation,  # noqa: F811
        create_municipality, create_group):
    many_towns(world, create_member, create_organisation, create_municipality, create_group)
    mayor = create_member(Role.READER, organisation=world.office)
    email = mayor.email
    db.session.commit()
    ARTIFACTS.mkdir(exist_ok=True)
    context, page, errors = logged_in_page(browser, live_server, email, DESKTOP, PASSWORD)
    page.get_by_role("link", name=re.compile("^Výroční zpráva")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Výroční zpráva \d+$"))
    page.get_by_label("Rok", exact=True).select_option(str(Y))
    page.get_by_role("button", name="Zobrazit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Výroční zpráva {Y}")
    assert f"year={Y}" in page.url
    expect(page.get_by_text(f"V roce {Y} proběhlo 6 schůzek 3 pracovních skupin.")).to_be_visible()
    expect(page.get_by_role("button", name="Vytisknout")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=ARTIFACTS / "report-desktop.png", full_page=True)

    pages = printed(page)
    text = "\n".join(pages)
    where = [next(n for n, p in enumerate(pages) if heading in p) for heading in SECTIONS]
    assert f"Výroční zpráva {Y}" in pages[0] and where[0] == 0
    assert where == sorted(set(where)), where  # each section on a page of its own, in order
    assert all(f"{n} / {len(pages)}" in p for n, p in enumerate(pages, 1))
    for absent in ("Hlavní nabídka", "Vytisknout", "Zobrazit", "Tabulka pro Excel", "Odhlásit"):
        assert absent not in text, absent
    town_pages = [p for p in pages if "Obec 0" in p or "Obec 4" in p]
    assert len(town_pages) >= 2  # the municipalities' table runs over a page …
    assert all("Schůzek s někým z obce" in p for p in town_pages)  # … and repeats its header
    assert "Kdo se učil u koho" in pages[where[3]] or "Kdo se učil u koho" in pages[where[3] + 1]
    assert "Lůžka odlehčovací služby" in " ".join(pages[where[4]].split())
    context.close()
    assert errors == []

    context, page, errors = logged_in_page(browser, live_server, email, NARROW, PASSWORD)
    page.goto(f"{live_server}/report?year={Y}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Výroční zpráva {Y}")
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    page.screenshot(path=ARTIFACTS / "report-phone.png", full_page=True)
    page.screenshot(path=ARTIFACTS / "report-phone-top.png")
    for section in ("staze", "strategie"):
        page.locator(f"#{section}").screenshot(path=ARTIFACTS / f"report-phone-{section}.png")
    context.close()
    assert errors == []
