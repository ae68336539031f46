"""Security and robustness: exports, single-line fields, throttling, caching, member pages."""

import csv
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet.accounts.auth import purge_login_attempts
from intranet.accounts.models import LoginAttempt, Member
from intranet.audit.models import AuditEvent
from intranet.database import utcnow
from intranet.exports import csv_text
from intranet.extensions import db
from intranet.groups.models import WorkingGroup
from intranet.i18n import PRAGUE, in_prague
from intranet.mail import services as mail
from intranet.mail.deliverer import deliver_due
from intranet.mail.models import DeliveryStatus, OutboxDelivery, OutboxMessage
from intranet.policy import Role

from .conftest import PASSWORD, smtp_config, writing_request
from .mailbox_helpers import queued_to
from .queries import queries_for

CONFIRMED = {"confirmed": "1"}
HOST_A, HOST_B = {"REMOTE_ADDR": "10.0.0.1"}, {"REMOTE_ADDR": "10.0.0.2"}
FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-1+1", "@SUM(A1)"]


def csv_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def log_in(client, member, password=PASSWORD, address=HOST_A):
    return client.submit("/login", {"email": member.email, "password": password},
                         environ_base=address)


# --- CSV exports --------------------------------------------------------------------------

def test_csv_cells_that_look_like_formulas_are_neutralised():
    text = csv_text(["Název", "Počet"], [[name, -3] for name in FORMULAS + ["\tx", "\rx"]]
                    + [["Obec Lipová", 2]])
    rows = csv_rows(text)
    assert rows[0] == ["Název", "Počet"]
    assert [row[0] for row in rows[1:]] == ["'" + name for name in FORMULAS] + [
        "'\tx", "'\rx", "Obec Lipová"]
    assert {row[1] for row in rows[1:-1]} == {"-3"}  # a number stays a number


def test_statistics_csv_neutralises_names_and_carries_a_czech_name(
        client, create_member, create_organisation, create_municipality, create_meeting):
    town = create_municipality("=1+1")
    people = [create_member(organisation=create_organisation(name, municipality=town))
              for name in FORMULAS]
    meeting = create_meeting(members=people, starts_in=-timedelta(days=2))
    secretary = create_member(Role.SECRETARY)
    client.login(secretary)
    for person in people:
        client.submit(f"/meetings/{meeting.id}/attendance/{person.id}", {"presence": "present"})
    day = in_prague(utcnow() - timedelta(days=2)).date()
    period = f"start={day - timedelta(days=30)}&end={day}"
    response = client.get(f"/meetings/stats.csv?table=organisations&{period}")
    names = {row[0] for row in csv_rows(response.get_data(as_text=True))[1:]}
    assert names == {"'" + name for name in FORMULAS}
    towns = client.get("/meetings/stats.csv?table=municipalities").get_data(as_text=True)
    assert [row[0] for row in csv_rows(towns)[1:]] == ["'=1+1"]
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"ucast-organizaci-")
    assert ("filename*=UTF-8''%C3%BA%C4%8Dast-organizac%C3%AD-"
            f"{day - timedelta(days=30)}%E2%80%93{day}.csv") in disposition
    assert response.headers["Cache-Control"] == "no-store"
    everything = client.get("/meetings/stats.csv").headers["Content-Disposition"]
    assert "%C3%BA%C4%8Dast-na-sch%C5%AFzk%C3%A1ch-v%C5%A1e.csv" in everything


# --- single-line fields and mail that cannot be built -------------------------------------

def test_line_breaks_in_single_line_fields_never_reach_the_database(client, create_member):
    admin = create_member(Role.ADMIN)
    client.login(admin)
    client.submit("/admin/members/new", {
        "first_name": "Jana\r\nBcc: kdokoli", "last_name": "Nová\n", "email":
        "nova@example.org", "position": "pracovnice\rterénní", "organisation_id":
        admin.organisation_id, "role": "member"})
    member = db.session.scalar(sa.select(Member).where(Member.email == "nova@example.org"))
    assert (member.first_name, member.last_name) == ("Jana  Bcc: kdokoli", "Nová")
    assert member.position == "pracovnice terénní"
    client.submit("/groups/new", {"number": 7, "name": "Senioři\r\nBcc: x@example.org",
                                  "reminder_days": 1})
    group = db.session.scalar(sa.select(WorkingGroup).where(WorkingGroup.number == 7))
    assert group.name == "Senioři  Bcc: x@example.org"
    assert "\n" not in queued_to("nova@example.org")[0].subject
    from intranet.text import single_line

    assert single_line("Senioři\u2028Bcc:\u2029x\x85") == "Senioři Bcc: x"  # Unicode breaks


def add_message(subject: str, member) -> OutboxDelivery:
    message = OutboxMessage(category=mail.ACCOUNT, subject=subject, body_text="Dobrý den")
    delivery = OutboxDelivery(recipient=member.email, member_id=member.id)
    message.deliveries = [delivery]
    db.session.add(message)
    db.session.commit()
    return delivery


class TestMailWithLineBreaks:
    @pytest.fixture
    def app_overrides(self, smtp_server):
        return {**smtp_config(smtp_server), "SITE_NAME": "Intranet\r\nBcc: x@example.org"}

    def test_a_subject_is_one_line_when_queued(self, app, smtp_server, create_member):
        member = create_member()
        with writing_request(app):
            mail.queue_mail(member, mail.ACCOUNT, "password_reset", member=member,
                            link="https://intranet.test/x", valid_until=utcnow())
            db.session.commit()
        assert db.session.scalar(sa.select(OutboxMessage.subject)) == \
            "Nové heslo: Intranet  Bcc: x@example.org"
        assert deliver_due()["sent"] == 1
        [(recipients, _message)] = smtp_server.recorder.messages()
        assert recipients == [member.email]

    def test_a_message_that_cannot_be_built_fails_at_once(self, smtp_server, create_member):
        first, broken, last = (create_member() for _ in range(3))
        add_message("Pozvánka", first)
        bad = add_message("Pozvánka\r\nBcc: x@example.org", broken)
        add_message("Připomínka", last)
        assert deliver_due() == {"sent": 2, "failed": 1, "bounced": 0, "cancelled": 0}
        db.session.refresh(bad)
        assert bad.status is DeliveryStatus.FAILED and bad.attempts == 1
        assert bad.last_error.startswith("Zprávu nelze sestavit: ")
        assert deliver_due(now=utcnow() + timedelta(days=2))["failed"] == 0
        received = sorted(r for rcpts, _ in smtp_server.recorder.messages() for r in rcpts)
        assert received == sorted([first.email, last.email])


# --- log-in throttling --------------------------------------------------------------------

def test_failures_from_one_address_do_not_lock_the_owner_out_elsewhere(client, create_member):
    member = create_member()
    for _ in range(5):
        assert log_in(client, member, "spatne-heslo-1").status_code == 401
    refused = log_in(client, member)
    assert refused.status_code == 429
    assert 890 <= int(refused.headers["Retry-After"]) <= 900
    assert re.search(r"Znovu to můžete zkusit od ([\d. ]+ )?\d{1,2}:\d\d, nebo",
                     refused.get_data(as_text=True))
    owner = client.application.test_client()
    assert log_in(owner, member, address=HOST_B).status_code == 302
    db.session.refresh(member)
    assert member.last_login_at is not None


def test_retry_after_counts_from_the_oldest_counted_failure(client, create_member):
    member = create_member()
    for _ in range(5):
        log_in(client, member, "spatne-heslo-1")
    db.session.execute(sa.update(LoginAttempt).values(at=utcnow() - timedelta(minutes=10)))
    db.session.commit()
    assert 290 <= int(log_in(client, member).headers["Retry-After"]) <= 300


def test_the_per_account_limit_stops_a_distributed_attack(make_app, create_member):
    app = make_app(LOGIN_MAX_FAILURES_PER_ACCOUNT=6)
    client = app.test_client()
    with app.app_context():
        member = create_member()
        for n in range(6):
            log_in(client, member, "hadam-heslo", {"REMOTE_ADDR": f"10.1.0.{n}"})
        response = log_in(client, member, address={"REMOTE_ADDR": "10.9.9.9"})
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) > 23 * 3600


def test_default_limits():
    from intranet.config import DEFAULTS

    assert DEFAULTS["LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP"] == 5
    assert DEFAULTS["LOGIN_MAX_FAILURES_PER_IP"] == 30
    assert DEFAULTS["LOGIN_MAX_FAILURES_PER_ACCOUNT"] == 50
    assert DEFAULTS["LOGIN_ACCOUNT_WINDOW"] == timedelta(hours=24)


# --- "forgotten password" -----------------------------------------------------------------

def ask_for_reset(client, email, address=HOST_A):
    return client.submit("/password/forgot", {"email": email}, environ_base=address,
                         follow_redirects=True)


def without_token(page: str) -> str:
    """The page without its CSRF tokens (they carry a timestamp), wherever they stand."""
    return re.sub(r'(name="csrf_token"[^>]*value="|"X-CSRFToken": ")[^"]+', r"\1", page)


def test_ten_reset_requests_send_at_most_three_mails(client, create_member):
    member = create_member()
    answers = {without_token(ask_for_reset(client, member.email).get_data(as_text=True))
               for _ in range(10)}
    assert len(queued_to(member.email)) == 3
    unknown = ask_for_reset(client, "nikdo@example.org", HOST_B)
    assert unknown.status_code == 200
    assert answers == {without_token(unknown.get_data(as_text=True))}  # the same page
    assert "Pokud u nás účet s touto adresou existuje" in unknown.get_data(as_text=True)


def test_too_many_reset_requests_from_one_address_get_429(client, create_member):
    member = create_member()
    for n in range(10):
        ask_for_reset(client, f"x{n}@example.org")
    refused = ask_for_reset(client, member.email)
    assert refused.status_code == 429
    assert 3590 <= int(refused.headers["Retry-After"]) <= 3600
    assert "Příliš mnoho žádostí o nové heslo" in refused.get_data(as_text=True)
    assert queued_to(member.email) == []
    assert ask_for_reset(client, member.email, HOST_B).status_code == 200
    assert len(queued_to(member.email)) == 1


def test_old_reset_requests_are_purged(client, create_member):
    ask_for_reset(client, create_member().email)
    db.session.execute(sa.update(LoginAttempt).values(at=utcnow() - timedelta(days=2)))
    db.session.commit()
    assert purge_login_attempts() == 1


def test_reset_mail_says_until_when_the_link_works(client, create_member):
    member = create_member()
    ask_for_reset(client, member.email)
    body = queued_to(member.email)[0].body_text
    assert "Odkaz platí do " in body and "minut" not in body
    assert "nic nedělejte; heslo zůstává beze změny" in body and "ignor" not in body


# --- caching ------------------------------------------------------------------------------

def test_downloads_and_the_calendar_feed_are_never_cached(client, create_member,
                                                          create_meeting):
    member = create_member(calendar_token="feed-token")
    meeting = create_meeting(members=[member])
    client.login(member)
    for url in (f"/meetings/{meeting.id}/calendar.ics", "/meetings/stats.csv",
                "/calendar/feed-token.ics", "/profile"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


# --- the administrator and member pages ---------------------------------------------------

def test_reactivation_does_not_revive_an_old_calendar_address(client, create_member,
                                                              create_meeting):
    admin, member = create_member(Role.ADMIN), create_member(calendar_token="old-token")
    create_meeting(members=[member])
    anonymous = client.application.test_client()
    assert anonymous.get("/calendar/old-token.ics").status_code == 200
    client.login(admin)
    client.submit(f"/admin/members/{member.id}/deactivate", CONFIRMED)
    client.submit(f"/admin/members/{member.id}/reactivate")
    assert anonymous.get("/calendar/old-token.ics").status_code == 404
    db.session.refresh(member)
    assert member.calendar_token is None and member.is_active


def test_admin_sends_a_password_reset_link(client, create_member):
    admin = create_member(Role.ADMIN)
    member = create_member(first_name="Jana", last_name="Nováková")
    client.login(admin)
    page = client.get(f"/admin/members/{member.id}").get_data(as_text=True)
    assert "Poslat odkaz pro nové heslo" in page
    response = client.submit(f"/admin/members/{member.id}/password-reset",
                             follow_redirects=True)
    assert "Odkaz pro nové heslo odeslán: Jana Nováková" in response.get_data(as_text=True)
    [message] = queued_to(member.email)
    assert "/password/reset/" in message.body_text
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "password_reset_requested"))
    assert (event.actor_id, event.subject_id) == (admin.id, member.id)


def test_admin_cannot_send_a_reset_link_to_an_invited_member(client, create_member):
    invited = create_member(active=False)
    client.login(create_member(Role.ADMIN))
    assert "Poslat odkaz pro nové heslo" not in client.get(
        f"/admin/members/{invited.id}").get_data(as_text=True)
    page = client.submit(f"/admin/members/{invited.id}/password-reset",
                         follow_redirects=True).get_data(as_text=True)
    assert "lze poslat jen na aktivní účet" in page
    assert queued_to(invited.email) == []


def test_member_pages_show_last_log_in_and_working_groups(client, create_member, create_group):
    admin, member = create_member(Role.ADMIN), create_member()
    seniors = create_group(number=3, name="Senioři", members=[member])
    create_group(number=5, name="Bydlení")
    client.login(admin)
    page = client.get(f"/admin/members/{member.id}").get_data(as_text=True)
    assert "zatím se nepřihlásil(a)" in page
    assert f'href="/groups/{seniors.id}"' in page and "č. 3 – Senioři" in page
    assert "Bydlení" not in page
    client.application.test_client().login(member)
    page = client.get(f"/admin/members/{member.id}").get_data(as_text=True)
    assert "zatím se nepřihlásil(a)" not in page and "Poslední přihlášení" in page
    public = client.get(f"/members/{member.id}").get_data(as_text=True)
    assert "Pracovní skupiny" in public and "č. 3 – Senioři" in public


def test_member_pages_run_the_same_queries_however_many_groups(client, create_member,
                                                               create_group):
    admin, member = create_member(Role.ADMIN), create_member()
    create_group(number=1, members=[member])
    client.login(admin)
    urls = (f"/admin/members/{member.id}", f"/members/{member.id}")
    before = [queries_for(client, url) for url in urls]
    for number in range(2, 6):
        create_group(number=number, members=[member])
    assert [queries_for(client, url) for url in urls] == before


def test_role_labels_name_women_too(app):
    labels = [str(role.label) for role in Role]
    assert labels == ["správce / správkyně", "zapisovatel(ka)", "člen / členka",
                      "čtenář(ka) – starosta / starostka"]


def test_invitation_mail_says_until_when_the_link_works(client, create_member):
    admin = create_member(Role.ADMIN)
    client.login(admin)
    client.submit("/admin/members/new", {"first_name": "Petr", "last_name": "Nový",
                                         "email": "petr@example.org", "role": "member",
                                         "organisation_id": admin.organisation_id})
    body = queued_to("petr@example.org")[0].body_text
    week = (utcnow() + timedelta(days=7)).astimezone(PRAGUE)
    assert f"Odkaz platí do {week.day}. {week.month}. {week.year} " in body
    assert "intranetu Intranet" not in body and "dní" not in body
    assert f"pozvánku posílá: {admin.full_name}." in body
