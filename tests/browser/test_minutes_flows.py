"""Real-browser flows of minutes (issue #8): writing with live preview and autosave, the way to
publication through three people, a mayor finding them by searching without diacritics, and
nothing lost when the session expires."""

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from intranet.accounts.models import Member
from intranet.extensions import db
from intranet.meetings import attendance
from intranet.meetings.models import Meeting, Presence
from intranet.minutes import services, tasks
from intranet.minutes.models import MinutesState
from intranet.policy import Role

from ..conftest import PASSWORD
from .conftest import ARTIFACTS, DESKTOP, PHONE, assert_accessible, logged_in_page


@pytest.fixture
def people(create_member, create_group, create_meeting):
    secretary = create_member(Role.SECRETARY, first_name="Zuzana", last_name="Zapisová")
    coordinator = create_member(first_name="Karel", last_name="Koordinátor")
    present = create_member(first_name="Petra", last_name="Přítomná")
    mayor = create_member(Role.READER, first_name="Marie", last_name="Starostová",
                          organisation=present.organisation)  # her town works in the group
    group = create_group(number=4, name="Sociální služby", members=[present],
                         coordinators=[coordinator])
    meeting = create_meeting(group, starts_in=-timedelta(hours=2), agenda=["Dluhová poradna"])
    attendance.record_presence(meeting, present.id, Presence.PRESENT)
    found = {"secretary": secretary.email, "coordinator": coordinator.email,
             "present": present.email, "mayor": mayor.email, "meeting_id": meeting.id}
    db.session.commit()  # the reads above began a transaction that would hold the write lock
    return found


@contextmanager
def logged_in_as(browser, live_server, email, viewport=DESKTOP):
    """A page of a new browser session logged in as `email`; no script errors allowed."""
    context, page, errors = logged_in_page(browser, live_server, email, viewport, PASSWORD)
    yield context, page
    context.close()
    assert errors == []


def open_minutes(page, live_server, meeting_id):
    page.goto(f"{live_server}/meetings/{meeting_id}")
    page.get_by_role("link", name="Zápis ze schůzky č. 1").click()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_write_submit_approve_publish_and_read(browser, live_server, people, viewport):
    with logged_in_as(browser, live_server, people["secretary"], viewport) as (_, page):
        page.goto(f"{live_server}/meetings/{people['meeting_id']}")
        page.get_by_role("button", name="Napsat zápis").click()
        text = page.get_by_label("Text zápisu")
        assert "Dluhová poradna" in text.input_value()
        assert "- Petra Přítomná" in text.input_value()
        text.press("Control+End")
        text.press_sequentially("\n\n## Závěr\n\nDohodnuto **sdílení** kontaktů.", delay=5)
        preview = page.locator("#minutes-preview")
        expect(preview.locator("strong", has_text="sdílení")).to_be_visible()  # live
        expect(page.locator("#save-status")).to_contain_text("Uloženo")  # saved while typing
        page.get_by_role("textbox", name="Úkol", exact=True).fill("Poslat přehled služeb")
        page.get_by_label("Kdo").select_option(label="Petra Přítomná")
        page.get_by_role("button", name="Přidat úkol").click()
        expect(page.locator("#tasks tbody tr").first).to_contain_text("Poslat přehled služeb")
        assert_accessible(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"minutes-editor-{viewport['width']}.png",
                        full_page=True)
        page.get_by_role("button", name="Uložit").click()
        expect(page.get_by_text("Zápis je uložen.")).to_be_visible()
        page.get_by_role("button", name="Odeslat ke schválení").click()
        expect(page.get_by_text("Zápis byl odeslán ke schválení.")).to_be_visible()

    with logged_in_as(browser, live_server, people["coordinator"], viewport) as (_, page):
        page.goto(f"{live_server}/")  # what waits for the coordinator is on the dashboard
        waiting = page.locator("section", has=page.get_by_role("heading", name="Čeká na vás"))
        page.screenshot(path=ARTIFACTS / f"dashboard-waiting-{viewport['width']}.png")
        waiting.get_by_role("link", name="Schválit zápis: č. 4 – Sociální služby").click()
        expect(page.locator("article strong", has_text="sdílení")).to_be_visible()
        page.get_by_role("button", name="Schválit zápis").click()
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        page.get_by_role("button", name="Zveřejnit zápis").click()  # mail to all: asked first
        expect(page.get_by_text("Zápis je zveřejněn")).to_be_visible()
        assert asked == ["Zveřejnit zápis a rozeslat ho e-mailem 2 lidem ze skupiny?"]
        expect(page.get_by_text("E-mailem odchází 2 lidem ze skupiny.")).to_be_visible()

    with logged_in_as(browser, live_server, people["mayor"], viewport) as (_, page):
        expect(page.get_by_text("nový")).to_be_visible()  # on the dashboard
        page.get_by_role("link", name="Všechny zápisy a hledání").click()
        page.get_by_label("Hledat v zápisech").press_sequentially("sdileni kontaktu", delay=20)
        expect(page.locator("#archive-results mark").first).to_have_text("sdílení")  # as typed
        assert_accessible(page)
        page.locator("#archive-results").get_by_role("link").first.click()
        expect(page.get_by_text("Dohodnuto sdílení kontaktů.")).to_be_visible()
        expect(page.get_by_role("button", name="Schválit zápis")).to_have_count(0)
        assert_accessible(page)
    with logged_in_as(browser, live_server, people["mayor"], viewport) as (_, page):
        expect(page.locator("#newest-minutes-heading")).to_be_visible()
        expect(page.get_by_text("nový")).to_have_count(0)  # read now
    with logged_in_as(browser, live_server, people["present"], viewport) as (context, page):
        read_on_the_meeting_page(context, page, live_server, people["meeting_id"], viewport)
    minutes = services.minutes_of(people["meeting_id"])
    assert minutes.state is MinutesState.PUBLISHED and "## Závěr" in minutes.text


def read_on_the_meeting_page(context, page, live_server, meeting_id, viewport):
    """A member comes from the invitation to the meeting's page and reads the minutes and
    their tasks there; they count as read; "Vytisknout zápis" opens the minutes to print."""
    expect(page.get_by_text("nový")).to_be_visible()  # on the dashboard
    with page.expect_response(lambda response: response.url.endswith("/read")):
        page.goto(f"{live_server}/meetings/{meeting_id}")
    panel = page.locator("section", has=page.get_by_role("heading", name="Zápis", exact=True))
    expect(panel.get_by_text("Dohodnuto sdílení kontaktů.")).to_be_visible()
    expect(panel.get_by_role("cell", name="Poslat přehled služeb")).to_be_visible()
    expect(panel.get_by_role("link", name="splněno?")).to_have_count(0)  # read-only here
    assert_accessible(page)
    page.screenshot(path=ARTIFACTS / f"meeting-with-minutes-{viewport['width']}.png",
                    full_page=True)
    context.add_init_script("window.print = () => { window.printed = true; };")
    panel.get_by_role("link", name="Vytisknout zápis").click()
    printed(page)
    assert "/minutes/" in page.url and "#" not in page.url  # "#tisk" dropped once printed
    expect(page.locator("article strong", has_text="sdílení")).to_be_visible()
    page.goto(f"{live_server}/")
    expect(page.locator("#newest-minutes-heading")).to_be_visible()
    expect(page.get_by_text("nový")).to_have_count(0)


def test_text_typed_after_the_session_expired_is_offered_back(browser, live_server, people):
    with logged_in_as(browser, live_server, people["secretary"]) as (context, page):
        page.goto(f"{live_server}/meetings/{people['meeting_id']}")
        page.get_by_role("button", name="Napsat zápis").click()
        text = page.get_by_label("Text zápisu")
        text.press("Control+End")
        text.press_sequentially("\nPrvní věta.", delay=5)
        expect(page.locator("#save-status")).to_contain_text("Uloženo")
        context.clear_cookies()  # the session ends (expired, or logged out elsewhere)
        text.press_sequentially("\nDruhá věta, psaná po vypršení.", delay=5)
        page.wait_for_url("**/login**")  # the autosave found no session
        page.get_by_label("E-mail").fill(people["secretary"])
        page.get_by_label("Heslo").fill(PASSWORD)
        page.get_by_role("button", name="Přihlásit se").click()
        page.wait_for_url("**/edit")  # back at the editor, not at a part of it
        expect(page.get_by_role("alert")).to_contain_text("neuložený text")
        page.get_by_role("button", name="Obnovit neuložený text").click()
        assert "Druhá věta, psaná po vypršení." in text.input_value()
        expect(page.locator("#save-status")).to_contain_text("Uloženo")
    assert "Druhá věta, psaná po vypršení." in services.minutes_of(people["meeting_id"]).text


def test_no_xss_vector_executes_on_the_published_page(browser, live_server, people):
    from ..test_sanitiser import VECTORS

    meeting = db.session.get(Meeting, people["meeting_id"])
    author = db.session.scalar(sa.select(Member).where(Member.email == people["secretary"]))
    approver = db.session.scalar(sa.select(Member).where(Member.email == people["coordinator"]))
    minutes = services.start(meeting, author)
    services.save(minutes, author, "\n\n".join(VECTORS), minutes.version)
    services.submit(minutes)
    services.approve(minutes, approver)
    services.publish(minutes, author)
    minutes_id = minutes.id
    db.session.commit()
    with logged_in_as(browser, live_server, people["mayor"]) as (_, page):
        dialogs, requests = [], []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("request", lambda request: requests.append(request.url))
        page.goto(f"{live_server}/minutes/{minutes_id}")
        page.locator("article").hover()
        page.keyboard.press("Tab")
        page.wait_for_timeout(500)
        active = page.eval_on_selector_all("article *", """elements => elements.filter(e =>
            [...e.attributes].some(a => /^(on|hx-|data-)/.test(a.name))).length""")
        assert active == 0 and dialogs == []
        assert not [url for url in requests if "/logout" in url or "/admin" in url
                    or "xss.example" in url]
        page.reload()
        expect(page.get_by_role("link", name="Marie Starostová")).to_be_visible()  # logged in


def test_tasks_are_added_beside_the_text_by_keyboard_with_errors_at_the_field(
        browser, live_server, people):
    with logged_in_as(browser, live_server, people["secretary"]) as (_, page):
        page.goto(f"{live_server}/meetings/{people['meeting_id']}")
        page.get_by_role("button", name="Napsat zápis").click()
        page.get_by_role("textbox", name="Úkol", exact=True).fill("Poslat přehled služeb")
        page.get_by_label("Kdo").select_option(label="Petra Přítomná")
        page.get_by_label("Do kdy").fill("2027-01-31")
        page.get_by_role("button", name="Přidat úkol").click()
        title = page.get_by_role("textbox", name="Úkol", exact=True)
        row = page.locator("#tasks tbody tr").first
        expect(row).to_contain_text("Poslat přehled služeb")
        expect(row).to_contain_text("31. 1. 2027")
        expect(title).to_be_focused()  # ready for the next one
        expect(title).to_have_value("")
        page.get_by_label("Do kdy").fill("2027-03-15")  # but no task: said at the field
        page.get_by_role("button", name="Přidat úkol").click()
        expect(page.get_by_text("Toto pole je povinné.")).to_be_visible()
        expect(title).to_be_focused()
        expect(page.get_by_label("Do kdy")).to_have_value("2027-03-15")
        assert_accessible(page)


def test_a_file_is_attached_and_listed_on_the_meeting(browser, live_server, people, tmp_path):
    from ..test_minutes_attachments import PDF

    presentation = tmp_path / "Prezentace – dluhová poradna.pdf"
    presentation.write_bytes(PDF)
    with logged_in_as(browser, live_server, people["secretary"], PHONE) as (_, page):
        page.goto(f"{live_server}/meetings/{people['meeting_id']}")
        page.get_by_role("link", name="Přidat přílohu").click()
        page.get_by_role("button", name="Nahrát").click()  # nothing chosen yet
        expect(page.get_by_text("Vyberte soubor.")).to_be_visible()
        page.get_by_label("Soubor").set_input_files(str(presentation))
        page.get_by_role("button", name="Nahrát").click()
        expect(page.get_by_text("Příloha je uložena.")).to_be_visible()
        link = page.get_by_role("link", name="Prezentace – dluhová poradna.pdf")
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == "Prezentace – dluhová poradna.pdf"
        assert_accessible(page)


def test_an_attendee_answers_the_review_with_one_click_without_logging_in(
        browser, live_server, people):
    from intranet.minutes import review

    meeting = db.session.get(Meeting, people["meeting_id"])
    author = db.session.scalar(sa.select(Member).where(Member.email == people["secretary"]))
    minutes = services.start(meeting, author)
    review.start(minutes, date.today() + timedelta(days=5))
    link = review.review_url(review.overview(minutes.id)[0].id).split("/review/", 1)[1]
    db.session.commit()
    context = browser.new_context(viewport=PHONE, locale="cs-CZ")
    page = context.new_page()
    page.goto(f"{live_server}/review/{link}")
    expect(page.get_by_text("Dluhová poradna").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Bez připomínek").click()
    expect(page.get_by_role("heading", name="Děkujeme")).to_be_visible()
    context.close()
    answered = review.overview(minutes.id)[0]
    assert answered.answered_at is not None and answered.comment == ""


def test_published_minutes_print_on_a4_without_the_site_around_them(browser, live_server,
                                                                     people):
    import io

    from pypdf import PdfReader

    meeting = db.session.get(Meeting, people["meeting_id"])
    author = db.session.scalar(sa.select(Member).where(Member.email == people["secretary"]))
    approver = db.session.scalar(sa.select(Member).where(Member.email == people["coordinator"]))
    minutes = services.start(meeting, author)
    services.submit(minutes)
    services.approve(minutes, approver)
    services.publish(minutes, author)
    minutes_id = minutes.id
    db.session.commit()
    with logged_in_as(browser, live_server, people["mayor"]) as (_, page):
        page.goto(f"{live_server}/minutes/{minutes_id}")
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Dluhová poradna" in text and "Zapsal(a): Zuzana Zapisová" in text
    for chrome in ("Statistika účasti", "Odhlásit", "Historie změn", "Čeština"):
        assert chrome not in text, chrome


def printed(page, seconds: float = 10) -> None:
    """Wait until the page called window.print (replaced by the test's init script). Polled
    with evaluate: wait_for_function would compile its predicate in the page, which the
    Content-Security-Policy (no unsafe-eval) refuses."""
    for _ in range(int(seconds * 20)):
        if page.evaluate("() => window.printed === true"):
            return
        page.wait_for_timeout(50)
    raise AssertionError("the page did not open the print dialog")



LINES = """(element) => {  // how many lines the element's own text takes (no hidden label)
    const tops = new Set();
    for (const node of element.childNodes) {
        if (node.nodeType !== Node.TEXT_NODE || !node.textContent.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const rect of range.getClientRects()) tops.add(Math.round(rect.top));
    }
    return tops.size;
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, {"width": 360, "height": 740}],
                         ids=["desktop", "phone"])
def test_a_long_task_title_breaks_in_its_cell_and_leaves_the_others_whole(
        browser, live_server, people, viewport):
    meeting = db.session.get(Meeting, people["meeting_id"])
    author = db.session.scalar(sa.select(Member).where(Member.email == people["secretary"]))
    present = db.session.scalar(sa.select(Member).where(Member.email == people["present"]))
    minutes = services.start(meeting, author)
    tasks.add(minutes, "x" * 300, f"m:{present.id}", date(2027, 1, 31))
    minutes_id = minutes.id
    db.session.commit()
    name = "desktop" if viewport == DESKTOP else "phone"
    with logged_in_as(browser, live_server, people["secretary"], viewport) as (_, page):
        page.goto(f"{live_server}/minutes/{minutes_id}/edit")
        table = page.locator("#tasks table")
        page.locator("#tasks").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"minutes-long-task-{name}.png"), full_page=True)
        assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
        assert table.get_by_role("button", name="Odebrat").evaluate(LINES) == 1
        title, who = table.locator("tbody td").nth(0), table.locator("tbody td").nth(1)
        assert who.evaluate(LINES) <= 2  # "Petra Přítomná": whole words
        assert title.evaluate(LINES) > 1
        if viewport == DESKTOP:
            for header in ("Kdo", "Do kdy"):
                assert table.locator("th", has_text=header).evaluate(LINES) == 1, header
