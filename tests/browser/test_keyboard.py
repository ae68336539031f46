"""The main tasks by keyboard alone (#27): after every boosted page change the focus is on
the page's heading (or on the error summary of a form sent back), never on <body>, and the
flash messages are in a live region that screen readers announce."""

from playwright.sync_api import expect

from intranet.extensions import db

from ..conftest import PASSWORD
from .conftest import DESKTOP

FOCUSED = ("(() => { const e = document.activeElement; return e.tagName.toLowerCase() + "
           "(e.className ? '.' + e.className : '') + ' ' + (e.textContent || e.name || '')"
           ".trim().slice(0, 40); })()")


def tab_to(page, matches, limit: int = 60) -> None:
    """Press Tab until the focused element matches (a JS predicate of `e`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(e => {matches})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {matches}; at {page.evaluate(FOCUSED)}")


def test_log_in_move_around_correct_a_form_and_hear_the_result(browser, live_server,
                                                               create_member):
    member = create_member(first_name="Jana", last_name="Klávesová")
    email = member.email
    db.session.commit()  # the server's requests write (SQLite: one writer at a time)
    context = browser.new_context(viewport=DESKTOP, locale="cs-CZ")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    tab_to(page, "e.name === 'email'")
    page.keyboard.type(email)
    tab_to(page, "e.name === 'password'")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/")
    expect(page.locator("h1")).to_be_focused()  # "Dobrý den", not <body>

    tab_to(page, "e.textContent.trim() === 'Adresář'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Adresář členů", level=1)).to_be_focused()

    page.goto(f"{live_server}/profile")
    tab_to(page, "e.name === 'first_name'")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.press("Enter")  # sent without a first name: back with the error
    expect(page.locator("main .form-errors")).to_be_focused()
    tab_to(page, "e.name === 'first_name'")
    page.keyboard.type("Jana")
    page.keyboard.press("Enter")
    live = page.locator("main .flashes[aria-live=polite]")
    expect(live.locator(".flash")).to_have_count(1)
    expect(page.locator("h1")).to_be_focused()
    context.close()
