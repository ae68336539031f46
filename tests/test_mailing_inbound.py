"""Mail coming in (issue #9): posting to a list by e-mail through the real SMTP receiver,
held mail from strangers, threading, bad mail refused with an SMTP error, and calendar
replies to invitations recorded as the member's answer."""

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import icalendar
import pytest
import sqlalchemy as sa

from intranet.extensions import db
from intranet.mail.deliverer import deliver_due
from intranet.mailing.inbound import receiver
from intranet.mailing.models import ListPost, MailingList, PostSource, PostStatus
from intranet.meetings.models import Answer, Participation
from intranet.policy import Role

from .conftest import free_port, smtp_config


@pytest.fixture
def app_overrides(smtp_server):
    return {**smtp_config(smtp_server), "MAIL_RECEIVE_MAX_BYTES": 50_000}


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


def mail(sender: str, subject="Dotaz", text="Dobrý den, máte zkušenost s dluhy?",
         to="ps4@intranet.test", **headers) -> EmailMessage:
    message = EmailMessage()
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
    assert deliver_due()["sent"] == 3


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


# --- calendar replies ---------------------------------------------------------------------

def calendar_reply(meeting, email: str, partstat: str) -> EmailMessage:
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
    message = mail(email, subject="Přijato: Schůzka", to="odpovedi@intranet.test")
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


def test_a_calendar_reply_from_another_address_changes_nothing(inbox, team, create_meeting,
                                                              create_member):
    meeting = create_meeting(team["group"])
    petra = team["members"][0]
    forged = calendar_reply(meeting, petra.email, "DECLINED")
    forged.replace_header("From", "podvodnik@spam.test")
    inbox(forged)
    assert answer_of(meeting, petra) is None
    outsider = create_member(Role.MEMBER)  # not invited to the meeting
    inbox(calendar_reply(meeting, outsider.email, "ACCEPTED"))
    assert answer_of(meeting, outsider) is None


def test_a_message_to_two_lists_is_posted_to_both(inbox, team, create_group):
    other = create_group(number=5, name="Senioři", members=[team["members"][0]])
    db.session.commit()
    inbox(mail(team["members"][0].email, to="ps4@intranet.test, ps5@intranet.test"))
    assert sorted(p.list_id for p in posts()) == sorted(
        [team["list"].id, db.session.scalar(sa.select(MailingList.id).filter_by(
            group_id=other.id))])
