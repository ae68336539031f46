"""Real-browser flow of the member lists (issue #9): a member posts an announcement with a
live preview, it reaches a real aiosmtpd server once for every subscriber, and the
administrator watches the progress bar reach 100 %."""

import re
import smtplib
from email.message import EmailMessage

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from intranet.extensions import db
from intranet.groups.models import GroupMembership
from intranet.mail.deliverer import deliver_due
from intranet.mailing.inbound import receiver
from intranet.mailing.models import MailingList
from intranet.policy import Role

from ..conftest import PASSWORD, free_port, smtp_config
from .conftest import ARTIFACTS, DESKTOP, assert_accessible, logged_in_page

SUBJECT = "Pozvánka na školení první pomoci"


@pytest.fixture
def app_overrides(smtp_server):
    return {"SERVER_NAME": None, **smtp_config(smtp_server)}


@pytest.fixture
def people(create_member, create_group):
    coordinator = create_member(first_name="Karel", last_name="Koordinátor")
    members = [create_member(first_name=name, last_name="Členová")
               for name in ("Petra", "Olga", "Jana")]
    admin = create_member(Role.ADMIN, first_name="Alena", last_name="Správcová")
    group = create_group(number=4, name="Sociální služby", members=members,
                         coordinators=[coordinator])
    mailing_list = db.session.scalar(sa.select(MailingList).filter_by(group_id=group.id))
    found = {"author": members[0].email, "admin": admin.email, "list_id": mailing_list.id,
             "list_name": mailing_list.name,
             "recipients": {coordinator.email, *(m.email for m in members)}}
    db.session.commit()  # the reads above began a transaction that would hold the write lock
    return found


def log_in(page, live_server, email):
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Heslo").fill(PASSWORD)
    page.get_by_role("button", name="Přihlásit se").click()
    page.wait_for_url(f"{live_server}/")


def test_an_announcement_with_preview_reaches_everyone_while_the_admin_watches(
        browser, live_server, people, smtp_server):
    context, page, errors = logged_in_page(browser, live_server, people["author"], DESKTOP,
                                           PASSWORD)
    ARTIFACTS.mkdir(exist_ok=True)

    # The member writes to the group's list, watching the preview.
    page.get_by_role("navigation", name="Hlavní nabídka").get_by_role(
        "link", name="Rozesílače").click()
    page.wait_for_url(f"{live_server}/lists")
    page.get_by_role("link", name=people["list_name"], exact=True).click()
    page.wait_for_url(f"{live_server}/lists/{people['list_id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(people["list_name"])
    page.get_by_role("link", name="Napsat zprávu", exact=True).click()
    expect(page.get_by_role("heading", name="Nová zpráva do rozesílače")).to_be_visible()
    page.get_by_label("Předmět").fill(SUBJECT)
    page.get_by_label("Text zprávy").press_sequentially("Zveme vás na **školení**.", delay=5)
    expect(page.locator("#text-preview strong")).to_have_text("školení")  # live
    assert_accessible(page)
    page.screenshot(path=ARTIFACTS / "list-post-preview.png", full_page=True)
    page.get_by_role("button", name="Odeslat do rozesílače").click()
    expect(page.get_by_text(f"Zpráva byla odeslána do rozesílače {people['list_name']}.")
           ).to_be_visible()
    expect(page.get_by_role("heading", name=SUBJECT)).to_be_visible()
    expect(page.locator("article.list-post strong", has_text="školení")).to_be_visible()
    expect(page.locator(".delivery-progress")).to_have_count(0)  # only moderators see it
    thread_url = page.url

    # The administrator opens the thread while the mail waits.
    page.get_by_role("button", name="Odhlásit").click()
    expect(page.get_by_text("Odhlášení proběhlo.")).to_be_visible()
    log_in(page, live_server, people["admin"])
    page.goto(thread_url)
    progress = page.locator(".delivery-progress")
    label, bar = progress.locator("label"), progress.locator("progress")
    expect(label).to_have_text("Rozesílání e-mailem: 0 %")
    expect(bar).to_have_attribute("value", "0")
    expect(progress).to_contain_text("čeká 4")
    assert smtp_server.recorder.envelopes == []
    assert_accessible(page)
    page.wait_for_timeout(2_500)  # a poll has replaced the bar: it must not take the focus
    assert page.evaluate("document.activeElement.closest('.delivery-progress') === null")

    # The deliverer runs; the bar, polling every 2 s, reaches 100 % without a reload.
    db.session.commit()
    counts = deliver_due()
    db.session.commit()
    assert counts == {"sent": 4, "failed": 0, "bounced": 0, "cancelled": 0}
    expect(label).to_have_text("Rozesílání e-mailem: 100 %", timeout=10_000)
    expect(bar).to_have_attribute("value", "100")
    assert bar.evaluate("element => element.value") == 100
    expect(progress).to_contain_text("doručeno 4 · čeká 0")
    expect(progress).not_to_have_attribute("hx-trigger", re.compile("every"))  # stops polling
    page.screenshot(path=ARTIFACTS / "list-thread-progress.png", full_page=True)
    context.close()
    assert errors == []

    # Every member of the group got exactly one copy, with the subject the author wrote.
    received = {}
    for recipients, message in smtp_server.recorder.messages():
        for recipient in recipients:
            received.setdefault(recipient, []).append(message)
    assert set(received) == people["recipients"]
    for recipient, messages in received.items():
        assert len(messages) == 1, recipient
        assert messages[0]["Subject"] == SUBJECT
        assert messages[0]["To"].addresses[0].addr_spec == recipient
        assert "<strong>školení</strong>" in messages[0].get_body(("html",)).get_content()


def mail_to_list(sender: str, subject: str, text: str, stamp: str | None = None):
    message = EmailMessage()
    if stamp:
        message["Authentication-Results"] = stamp
    message["From"], message["To"], message["Subject"] = sender, "ps4@intranet.test", subject
    message.set_content(text)
    return message


def send_to_list(app, *messages: EmailMessage) -> None:
    """The messages handed to the intranet's own SMTP receiver."""
    port = free_port()
    server = receiver(app, "127.0.0.1", port)
    server.start()
    try:
        with smtplib.SMTP("127.0.0.1", port) as connection:
            for message in messages:
                connection.send_message(message)
    finally:
        server.stop()


def new_moderator(create_member, people) -> str:
    """A coordinator of the list's group (its moderator); their e-mail."""
    coordinator = create_member(first_name="Marie", last_name="Moderátorová")
    group_id = db.session.scalar(sa.select(MailingList.group_id).filter_by(
        id=people["list_id"]))
    db.session.add(GroupMembership(group_id=group_id, member_id=coordinator.id,
                                   is_coordinator=True))
    email = coordinator.email
    db.session.commit()  # the reads above hold SQLite's write lock until they end
    return email


def test_a_forged_member_mail_waits_and_the_moderator_sees_why(
        browser, live_server, app, people, smtp_server, create_member):
    """Issue #25: mail in a member's name without the trusted server's pass reaches the
    moderator, with the reason, never the list; the moderator turns it away."""
    app.config["MAIL_TRUSTED_AUTHSERV_ID"] = "mx.intranet.test"
    send_to_list(app, mail_to_list(people["author"], "Změna čísla účtu",
                                   "Posílejte platby na nový účet 123456789/0100.",
                                   "mx.intranet.test; dmarc=fail header.from=obec.test"))
    moderator = new_moderator(create_member, people)
    context, page, errors = logged_in_page(browser, live_server, moderator, DESKTOP, PASSWORD)
    page.goto(f"{live_server}/lists/{people['list_id']}")
    page.get_by_role("link", name="Čeká na schválení: 1 zpráva").click()
    post = page.locator("article.list-post", has_text="Změna čísla účtu")
    expect(post.locator(".held-reason")).to_contain_text(
        "Proč čeká: Odesílatele nelze ověřit")
    expect(post.locator(".held-reason")).to_contain_text("mx.intranet.test: dmarc=fail")
    assert_accessible(page)
    page.screenshot(path=ARTIFACTS / "list-held-unverified.png", full_page=True)
    post.get_by_role("link", name="Nepustit a vysvětlit…").click()
    page.get_by_label("Proč zprávu nepouštíte").fill("Podvržená zpráva, Petra ji neposlala.")
    page.get_by_role("button", name="Nepustit").click()
    expect(page.get_by_text("Žádná zpráva nečeká na schválení.")).to_be_visible()
    context.close()
    assert errors == []
    db.session.commit()
    deliver_due()
    subjects = [message["Subject"] for _, message in smtp_server.recorder.messages()]
    assert subjects == ["Zpráva nebyla rozeslána: Změna čísla účtu"]  # the member is told


def test_the_moderator_bans_a_spammer_from_the_list_page(
        browser, live_server, app, people, smtp_server, create_member):
    """Issue #27: the held count beside the list's name leads to the posts; "Zahodit a
    adresu zablokovat" drops both of the stranger's posts without a word and lists the
    address among the list's blocked senders."""
    send_to_list(app, mail_to_list("akce@levne.test", "Výprodej", "Kupte hned."),
                 mail_to_list("akce@levne.test", "Výprodej 2", "Kupte ještě dnes."))
    moderator = new_moderator(create_member, people)
    context, page, errors = logged_in_page(browser, live_server, moderator, DESKTOP, PASSWORD)
    page.goto(f"{live_server}/lists")
    page.get_by_role("link", name="2 zprávy čekají na schválení").click()
    post = page.locator("article.list-post", has_text="Výprodej 2")
    post.get_by_text("Natrvalo pro adresu akce@levne.test").click()
    page.screenshot(path=ARTIFACTS / "list-held-sender-actions.png", full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    post.get_by_role("button", name="Zahodit a adresu zablokovat").click()
    expect(page.locator(".flashes")).to_contain_text("budou zahazovány bez odpovědi")
    expect(page.get_by_text("Žádná zpráva nečeká na schválení.")).to_be_visible()
    page.get_by_role("link", name="Vždy přijímaní a blokovaní odesílatelé").click()
    expect(page.get_by_role("row", name=re.compile("akce@levne.test"))).to_contain_text(
        "zablokováno")
    assert_accessible(page)
    page.screenshot(path=ARTIFACTS / "list-senders.png", full_page=True)
    context.close()
    assert errors == []
    db.session.commit()
    assert deliver_due()["sent"] == 0


def test_a_member_answers_a_thread_on_the_web(browser, live_server, people, smtp_server):
    """Issue #27: "Odpovědět" under a message opens the form with the subject and the
    message quoted; the answer appears in the thread and goes out threaded."""
    from intranet.accounts.models import Member
    from intranet.mailing import services

    author = db.session.scalar(sa.select(Member).filter_by(email=people["author"]))
    question = services.post(db.session.get(MailingList, people["list_id"]), author,
                             "Školení první pomoci", "Kdo pojede?\nOdjezd v 8:00.")
    question_id, question_message = question.id, question.message_id
    db.session.commit()
    replier = sorted(people["recipients"] - {people["author"]})[0]
    context, page, errors = logged_in_page(browser, live_server, replier, DESKTOP, PASSWORD)
    page.goto(f"{live_server}/lists/{people['list_id']}/threads/{question_id}")
    page.get_by_role("link", name=re.compile("^Odpovědět")).click()
    expect(page.get_by_label("Předmět")).to_have_value("Re: Školení první pomoci")
    expect(page.locator(".replied")).to_contain_text("Odjezd v 8:00.")
    page.get_by_label("Text zprávy").fill("Pojedu, mám v autě dvě volná místa.")
    page.screenshot(path=ARTIFACTS / "list-reply.png", full_page=True)
    page.get_by_role("button", name="Odeslat do rozesílače").click()
    expect(page.locator("article.list-post")).to_have_count(2)
    expect(page.locator("article.list-post").nth(1)).to_contain_text("dvě volná místa")
    assert_accessible(page)
    context.close()
    assert errors == []
    db.session.commit()
    deliver_due()
    answers = [m for _, m in smtp_server.recorder.messages()
               if m["Subject"] == "Re: Školení první pomoci"]
    assert answers and all(m["In-Reply-To"] == question_message for m in answers)
