"""Real-browser flows of exchange internships and study visits: one member takes the last
place, the next lands on the waitlist, the first cancels and the second is promoted (and the
mail about it reaches a real aiosmtpd server); an organiser offers a visit through the form,
fixing a mistake on the way."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from playwright.sync_api import expect

from intranet.accounts.models import Member
from intranet.extensions import db
from intranet.mail.deliverer import deliver_due
from intranet.visits import services
from intranet.visits.models import Registration, Status, Visit, VisitKind
from intranet.visits.services import SlotDetails

from ..conftest import PASSWORD, smtp_config
from .conftest import ARTIFACTS, DESKTOP, PHONE, assert_accessible, logged_in_page, main_nav

TITLE = "Terénní práce s rodinami"
NOTE = "Ráda bych viděla práci v terénu; jím vegetariánsky."


@pytest.fixture
def app_overrides(smtp_server):
    return {"SERVER_NAME": None, **smtp_config(smtp_server)}


def visit_values(organiser, **changes) -> dict:
    return {"kind": VisitKind.INTERNSHIP, "title": TITLE,
            "host_organisation_id": organiser.organisation_id, "host_name": "",
            "address": "Masarykova 12, Testov", "country": "Česko",
            "description": "Tři dny s **terénními pracovnicemi** v rodinách.",
            "contact": "Eva Hostitelová, 601 123 456", "practical": "",
            "deadline": services.today() + timedelta(days=10), "org_limit": None, **changes}


@pytest.fixture
def people(create_member, create_organisation):
    organiser = create_member(first_name="Olga", last_name="Organizátorová",
                              organisation=create_organisation("Rodinné centrum Testov"))
    third = create_member(first_name="Tereza", last_name="Třetí")
    first = create_member(first_name="Alena", last_name="Přihlášená")
    second = create_member(first_name="Bára", last_name="Čekající")
    start = services.today() + timedelta(days=20)
    visit = services.save_visit(None, organiser, visit_values(organiser),
                                [SlotDetails(None, start, start, 2)])
    services.sign_up(visit, visit.slots[0], third)  # one of the two places is taken
    found = {"visit_id": visit.id, "organiser": organiser.email, "third": third.email,
             "first": first.email, "second": second.email,
             "first_name": first.full_name, "second_name": second.full_name,
             "third_name": third.full_name}
    db.session.commit()  # the test holds no transaction while the browser writes
    return found


def statuses(visit_id: int) -> dict[str, Status]:
    db.session.commit()  # a fresh snapshot: the live server has written since
    found = dict(db.session.execute(
        sa.select(Member.email, Registration.status)
        .join(Registration, Registration.member_id == Member.id)
        .where(Registration.visit_id == visit_id)).all())
    db.session.commit()  # and no read transaction left open while the browser writes
    return found


def test_the_last_place_the_waitlist_a_cancellation_and_a_promotion(
        browser, live_server, people, smtp_server):
    ARTIFACTS.mkdir(exist_ok=True)
    visit_url = f"{live_server}/visits/{people['visit_id']}"

    # Alena finds the visit through the main menu: one of two places is left.
    first_context, first, first_errors = logged_in_page(
        browser, live_server, people["first"], DESKTOP, PASSWORD)
    main_nav(first).get_by_role(
        "link", name="Stáže a exkurze").click()
    first.wait_for_url(f"{live_server}/visits")
    item = first.locator(".meeting-item", has_text=TITLE)
    expect(item).to_contain_text("zbývá 1 místo z 2")
    item.get_by_role("link", name=re.compile(TITLE)).click()
    first.wait_for_url(visit_url)
    expect(first.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(first.locator(".facts")).to_contain_text("zbývá 1 místo z 2")
    expect(first.get_by_role("region", name="O akci").locator(
        "strong", has_text="terénními pracovnicemi")).to_be_visible()
    people_going = first.get_by_role("region", name="Kdo jede")
    expect(people_going).to_contain_text(people["third_name"])
    assert_accessible(first)

    # She takes the last place, with a note for the organiser.
    first.get_by_label("Poznámka k přihlášce").fill(NOTE)
    first.get_by_role("button", name="Přihlásit se", exact=True).click()
    expect(first.get_by_role("status").filter(has_text="Máte potvrzené místo.")).to_be_visible()
    first.wait_for_url(visit_url)
    sign_up = first.get_by_role("region", name="Přihláška")
    expect(sign_up.locator(".badge")).to_have_text("máte místo")
    expect(sign_up).to_contain_text("Máte potvrzené místo na termín")
    expect(sign_up.get_by_role("link", name="Přidat do kalendáře")).to_be_visible()
    expect(first.locator(".facts")).to_contain_text("plno – čekací listina")
    expect(people_going).to_contain_text(people["first_name"])
    first.screenshot(path=ARTIFACTS / "visit-place-desktop.png", full_page=True)
    assert statuses(people["visit_id"])[people["first"]] is Status.CONFIRMED
    note = db.session.scalar(sa.select(Registration.note).where(
        Registration.visit_id == people["visit_id"], Registration.status == Status.CONFIRMED,
        Registration.note != ""))
    db.session.commit()
    assert note == NOTE

    # Bára, on her phone, finds the visit full and joins the waitlist.
    second_context, second, second_errors = logged_in_page(
        browser, live_server, people["second"], PHONE, PASSWORD)
    main_nav(second).get_by_role(
        "link", name="Stáže a exkurze").click()
    second.wait_for_url(f"{live_server}/visits")
    item = second.locator(".meeting-item", has_text=TITLE)
    expect(item).to_contain_text("plno – čekací listina")
    item.get_by_role("link", name=re.compile(TITLE)).click()
    second.wait_for_url(visit_url)
    expect(second.locator(".facts")).to_contain_text("plno – čekací listina")
    second.get_by_role("button", name="Přihlásit se na čekací listinu").click()
    expect(second.get_by_role("status").filter(
        has_text="Všechna místa jsou obsazená: jste 1. na čekací listině.")).to_be_visible()
    waiting = second.get_by_role("region", name="Přihláška")
    expect(waiting.locator(".badge")).to_have_text("čekací listina: 1. v pořadí")
    expect(waiting).to_contain_text("Jste 1. na čekací listině")
    expect(second.locator(".facts")).to_contain_text("plno – čekací listina (čeká 1 člověk)")
    assert_accessible(second)
    second.screenshot(path=ARTIFACTS / "visit-waitlist-phone.png", full_page=True)
    assert second.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert statuses(people["visit_id"])[people["second"]] is Status.WAITING

    # Alena cancels, confirming the question; her place goes to Bára.
    questions = []
    first.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    first.get_by_role("button", name="Zrušit přihlášku").click()
    expect(first.get_by_role("status").filter(
        has_text="Přihláška je zrušená; místo dostane další člověk v pořadí.")).to_be_visible()
    assert questions == ["Opravdu zrušit přihlášku? Místo dostane další v pořadí."]
    expect(first.get_by_role("button", name="Přihlásit se na čekací listinu")).to_be_visible()
    expect(first.locator(".facts")).to_contain_text("plno – čekací listina")
    expect(people_going).not_to_contain_text(people["first_name"])
    expect(people_going).to_contain_text(people["second_name"])
    assert_accessible(first)

    # Bára looks again: the place is hers.
    second.reload()
    expect(waiting.locator(".badge")).to_have_text("máte místo")
    expect(waiting).to_contain_text("Máte potvrzené místo na termín")
    expect(second.get_by_role("region", name="Kdo jede")).to_contain_text(
        people["second_name"])
    second.screenshot(path=ARTIFACTS / "visit-promoted-phone.png", full_page=True)
    assert statuses(people["visit_id"]) == {
        people["third"]: Status.CONFIRMED, people["first"]: Status.CANCELLED,
        people["second"]: Status.CONFIRMED}

    first_context.close()
    second_context.close()
    assert first_errors == []
    assert second_errors == []

    # The outbox goes to a real SMTP server.
    db.session.commit()
    counts = deliver_due()
    db.session.commit()
    assert counts["failed"] == counts["bounced"] == 0
    received = {}
    for recipients, message in smtp_server.recorder.messages():
        for recipient in recipients:
            received.setdefault(recipient, []).append(message)
    subjects = {who: sorted(m["Subject"] for m in messages) for who, messages in received.items()}
    assert subjects == {  # several connections send at once: in no particular order
        people["third"]: [f"Máte místo: {TITLE}"],
        people["first"]: [f"Máte místo: {TITLE}", f"Přihláška zrušena: {TITLE}"],
        people["second"]: [f"Uvolnilo se místo a je vaše: {TITLE}",
                           f"Čekací listina: {TITLE}"]}

    def mail(who, subject_start):
        return next(m for m in received[people[who]] if m["Subject"].startswith(subject_start))

    promotion = mail("second", "Uvolnilo se místo a je vaše")
    assert promotion["Subject"].startswith("Uvolnilo se místo a je vaše")
    assert people["organiser"] in promotion["Reply-To"]
    body = promotion.get_body(("plain",)).get_content()
    assert "uvolněné místo je teď vaše" in body
    assert visit_url.removeprefix(live_server) in body
    calendars = list(promotion.iter_attachments())  # (also an alternative part, for Outlook)
    assert [(c.get_content_type(), c.get_filename()) for c in calendars] == [
        ("text/calendar", "staz-nebo-exkurze.ics")]
    event = Calendar.from_ical(calendars[0].get_content()).walk("VEVENT")[0]
    assert str(event["status"]) == "CONFIRMED"
    assert event.decoded("dtstart") == services.today() + timedelta(days=20)

    cancellation = mail("first", "Přihláška zrušena")
    assert "vaši přihlášku jsme zrušili, jak jste si přáli" in (
        cancellation.get_body(("plain",)).get_content())
    calendars = list(cancellation.iter_attachments())
    assert [(c.get_content_type(), c.get_filename()) for c in calendars] == [
        ("text/calendar", "staz-nebo-exkurze.ics")]
    cancelled = Calendar.from_ical(calendars[0].get_content())
    assert str(cancelled["method"]) == "CANCEL"
    assert str(cancelled.walk("VEVENT")[0]["status"]) == "CANCELLED"


@pytest.fixture
def organiser(create_member, create_organisation):
    member = create_member(first_name="Olga", last_name="Organizátorová",
                           organisation=create_organisation("Nízkoprahový klub Testov"))
    found = {"email": member.email, "organisation": member.organisation.name}
    db.session.commit()
    return found


def test_an_organiser_offers_a_visit_fixing_a_mistake(browser, live_server, organiser):
    start = services.today() + timedelta(days=30)
    title = "Exkurze do nízkoprahového klubu"
    context, page, errors = logged_in_page(browser, live_server, organiser["email"], DESKTOP,
                                           PASSWORD)
    main_nav(page).get_by_role(
        "link", name="Stáže a exkurze").click()
    page.wait_for_url(f"{live_server}/visits")
    page.get_by_role("link", name="Nabídnout stáž nebo exkurzi").click()
    page.wait_for_url(f"{live_server}/visits/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nabídnout stáž nebo exkurzi")
    expect(page.get_by_label("Hostitelská organizace")).to_have_value(re.compile(r"\d+"))
    expect(page.get_by_label("Hostitelská organizace").locator("option:checked")).to_have_text(
        organiser["organisation"])

    # The end is typed before the start: the mistake.
    page.get_by_label("Druh").select_option(label="exkurze")
    page.get_by_label("Název").fill(title)
    page.get_by_label("Adresa").fill("Nádražní 3, Testov")
    page.get_by_label(re.compile(r"^Od\b")).fill(start.isoformat())
    page.get_by_label("Do (nepovinné)").fill((start - timedelta(days=2)).isoformat())
    page.get_by_label("Počet míst").fill("8")
    page.get_by_label("Přihlásit se lze do").fill((start - timedelta(days=7)).isoformat())
    page.get_by_role("textbox", name="Popis").fill("Odpoledne v klubu s **pracovníky** a klienty.")
    expect(page.locator("#description-preview strong")).to_have_text("pracovníky")  # live
    page.get_by_label("Kontaktní osoba").fill("Olga, 602 000 111")
    page.get_by_role("button", name="Nabídnout", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text("Formulář obsahuje chyby")
    end = page.get_by_label("Do (nepovinné)")
    expect(end).to_have_attribute("aria-invalid", "true")
    error = page.locator(".has-error", has=end).locator(".field-error")
    expect(error).to_have_text("Konec musí být stejný den jako začátek, nebo později.")
    expect(end).to_have_value((start - timedelta(days=2)).isoformat())
    expect(page.get_by_label("Druh")).to_have_value(VisitKind.STUDY_VISIT.value)
    expect(page.get_by_label("Název")).to_have_value(title)
    expect(page.get_by_label("Adresa")).to_have_value("Nádražní 3, Testov")
    expect(page.get_by_label(re.compile(r"^Od\b"))).to_have_value(start.isoformat())
    expect(page.get_by_label("Počet míst")).to_have_value("8")
    expect(page.get_by_label("Přihlásit se lze do")).to_have_value(
        (start - timedelta(days=7)).isoformat())
    expect(page.get_by_role("textbox", name="Popis")).to_have_value(
        "Odpoledne v klubu s **pracovníky** a klienty.")
    expect(page.get_by_label("Kontaktní osoba")).to_have_value("Olga, 602 000 111")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)) == 0
    db.session.commit()  # no read transaction left open while the browser writes
    assert_accessible(page)
    page.screenshot(path=ARTIFACTS / "visit-form-error.png", full_page=True)

    # Fixed: a two-day visit.
    end.fill((start + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Nabídnout", exact=True).click()
    page.wait_for_url(re.compile(rf"{re.escape(live_server)}/visits/\d+$"))
    expect(page.get_by_role("status")).to_have_text(
        "Akce je nabídnutá; členové se mohou hlásit.")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".facts")).to_contain_text("Exkurze")
    expect(page.locator(".facts")).to_contain_text(organiser["organisation"])
    expect(page.locator(".facts")).to_contain_text("zbývá 8 míst z 8")
    expect(page.get_by_role("link", name="Účastníci")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=ARTIFACTS / "visit-offered.png", full_page=True)
    visit_id = int(page.url.rsplit("/", 1)[1])
    context.close()
    assert errors == []

    db.session.commit()
    visit = db.session.get(Visit, visit_id)
    assert (visit.title, visit.kind, visit.country) == (title, VisitKind.STUDY_VISIT, "Česko")
    assert (visit.starts_on, visit.ends_on) == (start, start + timedelta(days=1))
    assert visit.deadline == start - timedelta(days=7)
    assert [(s.starts_on, s.ends_on, s.capacity, s.taken) for s in visit.slots] == [
        (start, start + timedelta(days=1), 8, 0)]
    assert visit.organiser.email == organiser["email"]
