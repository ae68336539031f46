"""Mail coming in (issue #9): posting to a list by e-mail through the real SMTP receiver,
held mail from strangers, threading, bad mail refused with an SMTP error, and calendar
replies to invitations recorded as the member's answer. Issue #25: a member's post counts
only with the trusted mail server's stamp (Authentication-Results), unreadable mail gets
554, attachments are kept (or the post held)."""

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import icalendar
import pytest
import sqlalchemy as sa

from intranet.accounts.models import Member
from intranet.extensions import db
from intranet.mail.deliverer import deliver_due
from intranet.mailing.inbound import receiver
from intranet.mailing.models import (
    HeldBecause,
    ListPost,
    MailingList,
    PostSource,
    PostStatus,
    SenderRule,
)
from intranet.meetings.calendar import reply_token
from intranet.meetings.models import Answer, Participation
from intranet.meetings.notifications import send_invitations
from intranet.policy import Role

from .conftest import free_port, smtp_config
from .mailbox_helpers import received

TRUSTED = "mx.intranet.test"  # the territory's mail server, which checks DKIM and DMARC


@pytest.fixture
def app_overrides(smtp_server):
    return {**smtp_config(smtp_server), "MAIL_RECEIVE_MAX_BYTES": 50_000,
            "MAIL_TRUSTED_AUTHSERV_ID": TRUSTED}


@pytest.fixture
def inbox(app):
    """The intranet's SMTP receiver on a free port; yields a function that sends to it."""
    port = free_port()
    server = receiver(app, "127.0.0.1", port)
    server.start()
    db.session.commit()

    def send(message: EmailMessage, to: list[str] | None = None):
        db.session.commit()  # the receiver writes: hold no transaction meanwhile
        with smtplib.SMTP("127.0.0.1", port) as connection:
            connection.send_message(message, from_addr="obalka@obec.test", to_addrs=to)
        db.session.expire_all()

    send.port = port
    yield send
    server.stop()


@pytest.fixture
def team(create_member, create_group):
    coordinator = create_member(first_name="Karel", last_name="Koordinátor")
    members = [create_member(first_name=n, last_name="Členová") for n in ("Petra", "Olga")]
    group = create_group(number=4, name="Sociální služby", members=members,
                         coordinators=[coordinator])
    mailing_list = db.session.scalar(sa.select(MailingList).filter_by(group_id=group.id))
    return {"coordinator": coordinator, "members": members, "group": group,
            "list": mailing_list}


def stamp(sender: str, dmarc="pass", server=TRUSTED) -> str:
    """The Authentication-Results a mail server writes on top of a message from `sender`."""
    domain = sender.rpartition("@")[2].strip(">").lower()
    return (f"{server}; dkim={dmarc} header.d={domain} header.s=s1;"
            f" spf=pass smtp.mailfrom={domain}; dmarc={dmarc} header.from={domain}")


def mail(sender: str, subject="Dotaz", text="Dobrý den, máte zkušenost s dluhy?",
         to="ps4@intranet.test", verified=True, **headers) -> EmailMessage:
    """A message as the trusted server hands it over: stamped on top, unless not verified."""
    message = EmailMessage()
    if verified:
        message["Authentication-Results"] = stamp(sender)
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Message-ID"] = make_msgid(domain="obec.test")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message


def posts() -> list[ListPost]:
    return db.session.scalars(sa.select(ListPost).order_by(ListPost.id)).all()


def test_a_subscriber_posts_by_e_mail_and_everybody_receives_it(inbox, team, smtp_server):
    author = team["members"][0]
    original = mail(f"Petra <{author.email.upper()}>", subject="Pozvánka na setkání")
    inbox(original)
    [item] = posts()
    assert item.status is PostStatus.POSTED and item.source is PostSource.EMAIL
    assert item.author_id == author.id and item.message_id == original["Message-ID"]
    assert "<p>Dobrý den, máte zkušenost s dluhy?</p>" in item.body_html
    assert deliver_due()["sent"] == 3
    copies = smtp_server.recorder.messages()
    assert sorted(r for rcpts, _ in copies for r in rcpts) == sorted(
        [team["coordinator"].email, *(m.email for m in team["members"])])
    _, copy = copies[0]
    assert copy["From"].addresses[0].addr_spec == "ps4@intranet.test"
    assert copy["Subject"] == "Pozvánka na setkání"
    assert copy["Message-ID"] == original["Message-ID"]  # replies thread in every mail client


def test_a_reply_joins_the_thread(inbox, team):
    first = mail(team["members"][0].email, subject="Dotaz")
    inbox(first)
    inbox(mail(team["coordinator"].email, subject="Re: Dotaz", text="Ano, máme.",
               In_Reply_To=first["Message-ID"], References=first["Message-ID"]))
    question, answer = posts()
    assert answer.thread_id == question.id and answer.parent_id == question.id


def test_mail_from_a_stranger_or_an_auto_reply_is_held_never_sent(inbox, team, smtp_server):
    inbox(mail("neznamy@spam.test", subject="Výhodná nabídka"))
    inbox(mail(team["members"][1].email, subject="Nepřítomnost", Auto_Submitted="auto-replied"))
    assert [p.status for p in posts()] == [PostStatus.HELD, PostStatus.HELD]
    assert posts()[0].author_id is None and posts()[0].sender_email == "neznamy@spam.test"
    assert deliver_due()["sent"] == 0 and smtp_server.recorder.envelopes == []


def test_the_moderator_lets_a_held_e_mail_through(client, inbox, team, smtp_server):
    inbox(mail("host@kraj.test", subject="Nabídka stáže"))
    [item] = posts()
    client.login(team["coordinator"])
    assert "Nabídka stáže" in client.get(f"/lists/{team['list'].id}/held").get_data(as_text=True)
    client.submit(f"/lists/{team['list'].id}/posts/{item.id}/approve")
    assert deliver_due()["sent"] == 4  # the 3 on the list, and the writer is told
    assert sorted(received(smtp_server)) == sorted(
        ["host@kraj.test", team["coordinator"].email, *(m.email for m in team["members"])])


def test_a_stranger_turned_away_gets_the_explanation(client, inbox, team, smtp_server):
    """Issue #25: the rejection form promises the writer an explanation; a stranger (no
    member) got none."""
    inbox(mail("host@kraj.test", subject="Nabídka stáže", verified=False))
    [item] = posts()
    client.login(team["coordinator"])
    client.submit(f"/lists/{team['list'].id}/posts/{item.id}/reject",
                  {"reason": "Pošlete nabídku prosím koordinátorce stáží."})
    assert deliver_due()["sent"] == 1
    [(recipients, explanation)] = smtp_server.recorder.messages()
    assert recipients == ["host@kraj.test"]
    assert explanation["Subject"] == "Zpráva nebyla rozeslána: Nabídka stáže"
    assert "Pošlete nabídku prosím koordinátorce stáží." in explanation.get_content()


def test_the_same_message_handed_over_twice_is_one_post(inbox, team):
    message = mail(team["members"][0].email)
    inbox(message)
    inbox(message)
    assert len(posts()) == 1


def test_unknown_addresses_oversized_and_malformed_mail_get_an_smtp_error(inbox, team):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        inbox(mail(team["members"][0].email, to="nikdo@intranet.test"))
    assert next(iter(refused.value.recipients.values()))[0] == 550
    with pytest.raises(smtplib.SMTPResponseException) as too_big:
        inbox(mail(team["members"][0].email, text="x" * 60_000))
    assert too_big.value.smtp_code == 552
    broken = mail("", subject="Bez odesílatele")  # no address in From
    with pytest.raises(smtplib.SMTPResponseException) as malformed:
        inbox(broken, to=["ps4@intranet.test"])
    assert malformed.value.smtp_code == 554
    assert posts() == []


def test_a_forged_member_post_is_held_with_the_reason_never_sent(client, inbox, team,
                                                                smtp_server):
    """Anyone can write a member's address into From; without the trusted server's pass the
    post waits, and the moderator reads why."""
    petra = team["members"][0]
    inbox(mail(petra.email, subject="Bez razítka", verified=False))
    inbox(mail(petra.email, subject="Razítko: neprošlo", verified=False,
               Authentication_Results=stamp(petra.email, dmarc="fail")))
    forged_stamp = mail(petra.email, subject="Cizí razítko", verified=False)
    forged_stamp["Authentication-Results"] = stamp(petra.email, server="mx.spam.test")
    inbox(forged_stamp)
    below = mail(petra.email, subject="Podvržené razítko pod pravým", verified=False)
    below["Authentication-Results"] = stamp(petra.email, dmarc="fail")  # the server's, on top
    below["Authentication-Results"] = stamp(petra.email)  # the sender's own, below it
    inbox(below)
    held = posts()
    assert [p.status for p in held] == [PostStatus.HELD] * 4
    assert {p.held_because for p in held} == {HeldBecause.UNVERIFIED}
    assert held[1].held_detail == f"{TRUSTED}: dkim=fail, spf=pass, dmarc=fail"
    assert deliver_due()["sent"] == 0 and smtp_server.recorder.envelopes == []
    client.login(team["coordinator"])
    page = client.get(f"/lists/{team['list'].id}/held").get_data(as_text=True)
    assert page.count("Odesílatele nelze ověřit") == 4 and "dmarc=fail" in page


def test_a_genuine_member_post_with_the_trusted_stamp_goes_out(inbox, team, smtp_server):
    petra = team["members"][0]
    inbox(mail(petra.email, verified=False, Authentication_Results=(
        f"{TRUSTED.upper()}; dkim=pass header.d=mail.{petra.email.rpartition('@')[2]};"
        " dmarc=none")))  # no DMARC policy; DKIM of the sender's mail server's subdomain
    [item] = posts()
    assert item.status is PostStatus.POSTED and item.held_because is None
    assert deliver_due()["sent"] == 3


def test_without_a_trusted_server_members_mail_waits_unless_the_list_trusts_from(
        app, inbox, team, client, create_member):
    app.config["MAIL_TRUSTED_AUTHSERV_ID"] = None
    petra = team["members"][0]
    inbox(mail(petra.email, subject="První"))  # a stamp means nothing when nobody is trusted
    assert posts()[0].held_because is HeldBecause.UNVERIFIED
    client.login(create_member(Role.ADMIN))
    page = client.get(f"/admin/lists/{team['list'].id}/settings").get_data(as_text=True)
    assert "Věřit adrese odesílatele i bez ověření" in page
    client.submit(f"/admin/lists/{team['list'].id}/settings", {
        "name": team["list"].name, "description": "", "reply_to": "list",
        "trusts_from_header": "y"})
    inbox(mail(petra.email, subject="Druhá", verified=False))
    assert posts()[1].status is PostStatus.POSTED


@pytest.mark.parametrize("data", [
    b"Content-Type: multipart/mixed; boundary=\"XYZ\"\r\n\r\nthe boundary never comes\r\n",
    b"Content-Type: text/plain; charset=x-unknown-42\r\n\r\nDobry den\r\n",
    b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    b"!!!!not base64@@@\r\n",
    b"Content-Type: text/plain\r\n\r\n \r\n",  # nothing to post
], ids=["no-boundary", "unknown-charset", "invalid-base64", "empty"])
def test_an_unreadable_message_gets_554_and_nothing_is_stored(inbox, team, data, smtp_server):
    sender = team["members"][0].email
    raw = (f"Authentication-Results: {stamp(sender)}\r\nFrom: {sender}\r\n"
           "To: ps4@intranet.test\r\nSubject: Rozbita\r\nMIME-Version: 1.0\r\n").encode() + data
    db.session.commit()
    with (pytest.raises(smtplib.SMTPDataError) as refused,
          smtplib.SMTP("127.0.0.1", inbox.port) as connection):
        connection.sendmail(sender, ["ps4@intranet.test"], raw)
    assert refused.value.smtp_code == 554
    db.session.expire_all()
    assert posts() == [] and deliver_due()["sent"] == 0


@pytest.mark.parametrize("from_lines", [
    "From: a@evil.test, {member}",  # two addresses
    "From: {member}\r\nFrom: a@evil.test",  # two headers
    "From: {member} <a@evil.test>",  # an address the email package would have to guess
    "From: a@[",  # the email package fails on it
], ids=["two-addresses", "two-headers", "guessed", "broken"])
def test_anything_but_one_from_address_gets_554(inbox, team, from_lines):
    member = team["members"][0].email
    raw = (f"Authentication-Results: {stamp(member)}\r\n"
           + from_lines.format(member=member)
           + "\r\nTo: ps4@intranet.test\r\nSubject: Kdo jsem\r\n\r\nText.\r\n").encode()
    db.session.commit()
    with (pytest.raises(smtplib.SMTPDataError) as refused,
          smtplib.SMTP("127.0.0.1", inbox.port) as connection):
        connection.sendmail("obalka@obec.test", ["ps4@intranet.test"], raw)
    assert refused.value.smtp_code == 554
    db.session.expire_all()
    assert posts() == []


@pytest.mark.parametrize("stamp_text", [
    # The envelope sender (the sender's to choose) as an encoded word hiding a DMARC pass.
    "{server}; dkim=none; spf=softfail smtp.mailfrom==?us-ascii?q?x=3B_dmarc=3Dpass_header"
    "=2Efrom=3D{domain}_smtp=2Emailfrom=3Dx?=@evil.test; dmarc=fail header.from={domain}",
    "{server}; dmarc=pass header.from={domain}; dmarc=fail header.from={domain}",  # twice
    "{server}; dkim=pass header.d={domain}; dmarc=fail header.from={domain}",  # DMARC says no
    "{server}; dkim=pass header.d=evil{domain}; dmarc=none",  # not the same organisation
    "{server}; dkim=pass header.from={domain}; dmarc=none",  # DKIM's domain is header.d
])
def test_a_stamp_that_does_not_vouch_holds_the_post(inbox, team, stamp_text):
    petra = team["members"][0]
    domain = petra.email.rpartition("@")[2]
    inbox(mail(petra.email, verified=False,
               Authentication_Results=stamp_text.format(server=TRUSTED, domain=domain)))
    [item] = posts()
    assert item.status is PostStatus.HELD and item.held_because is HeldBecause.UNVERIFIED


def test_a_signed_message_is_posted_without_its_signature(inbox, team):
    """An S/MIME signature is part of the message, not a file to refuse."""
    message = mail(team["members"][0].email)
    message.add_attachment(b"0\x82\x05signature", maintype="application",
                           subtype="pkcs7-signature", filename="smime.p7s")
    inbox(message)
    [item] = posts()
    assert item.status is PostStatus.POSTED and item.attachments == []


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_pdf_sent_by_mail_is_kept_and_linked_in_every_copy(inbox, team, smtp_server, client):
    message = mail(team["members"][0].email, subject="Pozvánka s programem")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="program.pdf")
    inbox(message)
    [item] = posts()
    assert item.status is PostStatus.POSTED
    assert [(a.filename, a.size) for a in item.attachments] == [("program.pdf", len(PDF))]
    assert deliver_due()["sent"] == 3
    _, copy = smtp_server.recorder.messages()[0]
    link = f"/lists/attachments/{item.attachments[0].id}"
    assert link in copy.get_body(preferencelist=("plain",)).get_content()
    client.login(team["members"][1])
    assert client.get(link).data == PDF


def test_a_refused_attachment_holds_the_post_and_the_sender_is_told(inbox, team, smtp_server):
    petra = team["members"][0]
    message = mail(petra.email, subject="Tabulka")
    message.add_attachment(b"MZ\x90\x00 not a document", maintype="application",
                           subtype="octet-stream", filename="tabulka.exe")
    inbox(message)
    [item] = posts()
    assert item.status is PostStatus.HELD and item.held_because is HeldBecause.FILES
    assert "tabulka.exe" in item.held_detail and item.attachments == []
    assert deliver_due()["sent"] == 1  # the reply to the sender only
    [(recipients, reply)] = smtp_server.recorder.messages()
    assert recipients == [petra.email] and "tabulka.exe" in reply.get_content()
    assert reply["Subject"] == "Příloha nebyla přijata: Tabulka"


# --- calendar replies ---------------------------------------------------------------------

def calendar_reply(meeting, email: str, partstat: str, token: str | None = None
                   ) -> EmailMessage:
    """A calendar's Yes/No, sent where the invitation's ORGANIZER says: the reply address
    signed for the attendee (or with the `token` given)."""
    if token is None:
        member_id = db.session.scalar(sa.select(Member.id).filter_by(email=email))
        token = reply_token(meeting.id, member_id or 0)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Outlook//EN")
    cal.add("version", "2.0")
    cal.add("method", "REPLY")
    event = icalendar.Event()
    event.add("uid", f"{meeting.uid}@intranet")
    event.add("dtstart", meeting.starts_at)
    attendee = icalendar.vCalAddress(f"mailto:{email}")
    attendee.params["partstat"] = icalendar.vText(partstat)
    event.add("attendee", attendee)
    cal.add_component(event)
    to = f"odpovedi+{token}@intranet.test" if token else "odpovedi@intranet.test"
    message = mail(email, subject="Přijato: Schůzka", to=to, verified=False)
    message.add_alternative(cal.to_ical().decode(), subtype="calendar",
                            params={"method": "REPLY"})
    return message


def answer_of(meeting, member):
    db.session.expire_all()
    return db.session.scalar(sa.select(Participation.answer).filter_by(
        meeting_id=meeting.id, member_id=member.id))


def test_a_yes_pressed_in_a_calendar_becomes_the_members_answer(inbox, team, create_meeting):
    meeting = create_meeting(team["group"])
    petra, olga = team["members"]
    inbox(calendar_reply(meeting, petra.email, "ACCEPTED"))
    assert answer_of(meeting, petra) is Answer.COMING
    inbox(calendar_reply(meeting, olga.email, "DECLINED"))
    assert answer_of(meeting, olga) is Answer.EXCUSED


def test_a_forged_calendar_reply_changes_nothing(inbox, team, create_meeting, create_member):
    """Issue #25: the meeting's UID is in every invitation a member forwards, and From is
    anyone's to write: only the reply address signed for the member counts."""
    meeting = create_meeting(team["group"])
    petra, olga = team["members"]
    for token in ("", f"{meeting.id}-{petra.id}-{'0' * 24}"):  # unsigned, a made-up signature
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            inbox(calendar_reply(meeting, petra.email, "DECLINED", token=token))
        code, reply = next(iter(refused.value.recipients.values()))
        assert code == 550 and "odkazem v e-mailu" in reply.decode()  # the sender learns
    inbox(calendar_reply(meeting, petra.email, "DECLINED",
                         token=reply_token(meeting.id, olga.id)))  # Olga's address
    assert answer_of(meeting, petra) is None
    outsider = create_member(Role.MEMBER)  # not invited to the meeting
    inbox(calendar_reply(meeting, outsider.email, "ACCEPTED"))
    assert answer_of(meeting, outsider) is None


def test_a_signed_calendar_reply_counts_whatever_its_from(inbox, team, create_meeting):
    meeting = create_meeting(team["group"])
    petra = team["members"][0]
    reply = calendar_reply(meeting, petra.email, "ACCEPTED")
    reply.replace_header("From", "petra.soukroma@seznam.test")  # sent from her phone
    inbox(reply)
    assert answer_of(meeting, petra) is Answer.COMING


def test_a_message_to_two_lists_is_posted_to_both(inbox, team, create_group):
    other = create_group(number=5, name="Senioři", members=[team["members"][0]])
    db.session.commit()
    inbox(mail(team["members"][0].email, to="ps4@intranet.test, ps5@intranet.test"))
    assert sorted(p.list_id for p in posts()) == sorted(
        [team["list"].id, db.session.scalar(sa.select(MailingList.id).filter_by(
            group_id=other.id))])


def test_the_yes_to_a_delivered_invitation_goes_to_its_signed_address(
        inbox, team, create_meeting, smtp_server):
    """End to end: the invitation as delivered names the member's own reply address as its
    ORGANIZER; the calendar's reply to it is recorded."""
    meeting = create_meeting(team["group"], invited=False)
    send_invitations(meeting)
    db.session.commit()
    deliver_due()
    petra = team["members"][0]
    [invitation] = received(smtp_server)[petra.email]
    ics = next(p for p in invitation.walk() if p.get_content_type() == "text/calendar")
    event = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    organizer = str(event["ORGANIZER"]).removeprefix("mailto:")
    assert organizer == f"odpovedi+{reply_token(meeting.id, petra.id)}@intranet.test"
    assert str(event["ATTENDEE"]) == f"mailto:{petra.email}"
    reply = calendar_reply(meeting, petra.email, "DECLINED", token="")
    reply.replace_header("To", organizer)
    inbox(reply, to=[organizer])
    assert answer_of(meeting, petra) is Answer.EXCUSED


def test_an_unverified_sender_is_not_told_about_refused_files(inbox, team, smtp_server):
    """A forged From must not make the intranet mail the member it names (backscatter)."""
    message = mail(team["members"][0].email, subject="Faktura", verified=False)
    message.add_attachment(b"MZ\x90\x00", maintype="application", subtype="octet-stream",
                           filename="faktura.exe")
    inbox(message)
    [item] = posts()
    assert item.held_because is HeldBecause.UNVERIFIED and "faktura.exe" in item.held_detail
    assert deliver_due()["sent"] == 0


# --- a moderator's standing decisions about a sender (issue #27) ---------------------------

def test_a_sender_always_accepted_skips_moderation_but_not_the_proof(client, inbox, team,
                                                                     smtp_server):
    """"Schválit a vždy přijímat" for a stranger: their next proven mail goes to the list at
    once; a forged one (no proof from the mail server) still waits."""
    inbox(mail("host@kraj.test", subject="Nabídka stáže"))
    [first] = posts()
    client.login(team["coordinator"])
    client.submit(f"/lists/{team['list'].id}/posts/{first.id}/approve", {"always": "1"})
    inbox(mail("Host@Kraj.test", subject="Druhá nabídka"))
    inbox(mail("host@kraj.test", subject="Podvržená", verified=False))
    statuses = {p.subject: (p.status, p.held_because) for p in posts()}
    assert statuses == {"Nabídka stáže": (PostStatus.POSTED, HeldBecause.STRANGER),
                        "Druhá nabídka": (PostStatus.POSTED, None),
                        "Podvržená": (PostStatus.HELD, HeldBecause.STRANGER)}


def test_a_banned_sender_is_discarded_without_a_word(client, inbox, team, smtp_server):
    """"Zahodit a adresu zablokovat": this post and the sender's other held ones are dropped,
    later ones too (any letter case), nobody gets mail; forgetting the rule holds them again."""
    inbox(mail("spam@kraj.test", subject="Výhodná nabídka"))
    inbox(mail("spam@kraj.test", subject="Ještě výhodnější"))
    first, second = posts()
    client.login(team["coordinator"])
    client.submit(f"/lists/{team['list'].id}/posts/{first.id}/discard",
                  {"ban": "1", "confirmed": "1"})
    inbox(mail("Spam@Kraj.test", subject="Poslední šance"))
    assert [p.status for p in posts()] == [PostStatus.DISCARDED] * 3
    held_page = client.get(f"/lists/{team['list'].id}/held").get_data(as_text=True)
    assert "Žádná zpráva nečeká na schválení." in held_page
    assert deliver_due()["sent"] == 0 and smtp_server.recorder.envelopes == []
    senders = client.get(f"/lists/{team['list'].id}/senders").get_data(as_text=True)
    assert "spam@kraj.test" in senders and "zablokováno" in senders
    [rule_id] = db.session.scalars(sa.select(SenderRule.id)).all()
    client.submit(f"/lists/{team['list'].id}/senders/{rule_id}/forget")
    inbox(mail("spam@kraj.test", subject="Po odblokování"))
    assert posts()[-1].status is PostStatus.HELD
