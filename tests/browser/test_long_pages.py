"""Long pages on a phone (#27): the attendance statistics and a minutes page were some
5,000 and 3,000–4,000 px tall at 360×740. Each offers an in-page navigation after its
heading whose links lead, by keyboard too, to sections that exist; the statistics fold their
secondary tables (open from 900 px and in print)."""

import io

import sqlalchemy as sa
from playwright.sync_api import expect
from pypdf import PdfReader

from intranet.demo import DEMO_PASSWORD, load_demo
from intranet.extensions import db
from intranet.minutes.models import Minutes, MinutesState

from ..conftest import writing_request
from .conftest import ARTIFACTS, DESKTOP, assert_accessible, logged_in_page
from .test_phone_fit import NARROW

HEIGHT = "document.documentElement.scrollHeight"
MAYOR, ADMIN = "starosta@vranov.example", "spravce@vranov.example"
UNFOLD = "document.querySelectorAll('details.fold').forEach(d => d.open = true)"


def test_long_pages_lead_to_their_sections_by_keyboard(app, browser, live_server):
    minutes_id = demo_minutes(app)
    heights = {}
    for email in (MAYOR, ADMIN):
        context, page, errors = logged_in_page(browser, live_server, email, NARROW,
                                               DEMO_PASSWORD)
        for name, url in (("stats", "/meetings/stats"), ("minutes", f"/minutes/{minutes_id}")):
            page.goto(live_server + url)
            heights[email, name] = page.evaluate(HEIGHT)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / f"long-{name}-{email.split('@')[0]}-360-top.png")
            targets = in_page_links(page)
            assert len(targets) >= 3, targets
            for target in targets:
                expect(page.locator(target)).to_have_count(1)
            nav = page.get_by_role("navigation", name="Na této stránce")
            nav.get_by_role("link").last.focus()
            page.keyboard.press("Enter")
            expect(page.locator(targets[-1])).to_be_in_viewport()
            assert page.url.endswith(targets[-1]) and page.evaluate(HEIGHT) > 740
            assert_accessible(page)
            page.screenshot(path=ARTIFACTS / f"long-{name}-{email.split('@')[0]}-360.png",
                            full_page=True)
        context.close()
        assert errors == []
    print("heights at 360×740:", heights)


def test_statistics_fold_their_secondary_tables_on_a_phone_only(app, browser, live_server):
    demo_minutes(app)
    context, page, errors = logged_in_page(browser, live_server, MAYOR, NARROW, DEMO_PASSWORD)
    page.goto(f"{live_server}/meetings/stats")
    folded = page.evaluate(HEIGHT)
    row = page.get_by_role("link", name="Farní charita Vranov")
    expect(row).to_be_hidden()
    summary = page.locator("#organisations-heading + details > summary")
    expect(summary).to_contain_text("Tabulka (řádků:")
    summary.focus()
    page.keyboard.press("Enter")  # opened by keyboard
    expect(row).to_be_visible()
    page.evaluate(UNFOLD)
    unfolded = page.evaluate(HEIGHT)
    print(f"statistics at 360×740: {folded} px folded, {unfolded} px unfolded")
    assert folded < unfolded - 1500
    page.goto(f"{live_server}/meetings/stats?organisations_page=1")
    expect(row).to_be_visible()  # a table paged through stays open
    page.goto(f"{live_server}/meetings/stats")
    pdf = page.pdf(format="A4")  # printed: everything, without the navigation
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Farní charita Vranov" in text and "Vranov nad Bystrou" in text
    assert "Na této stránce" not in text and "Tabulka (řádků" not in text
    page.set_viewport_size(DESKTOP)  # a wide screen shows the tables unfolded
    expect(row).to_be_visible()
    expect(summary).to_be_hidden()
    page.screenshot(path=ARTIFACTS / "long-stats-1280.png", full_page=True)
    context.close()
    assert errors == []


def demo_minutes(app) -> int:
    """The demo world; the id of its first published minutes."""
    with writing_request(app):
        load_demo()
    minutes_id = db.session.scalar(sa.select(Minutes.id).where(
        Minutes.state == MinutesState.PUBLISHED).order_by(Minutes.id))
    db.session.commit()
    return minutes_id


def in_page_links(page) -> list[str]:
    """The targets ("#id") of the page's in-page navigation."""
    return page.get_by_role("navigation", name="Na této stránce").get_by_role(
        "link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
