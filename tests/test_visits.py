"""Exchange internships and study visits (issue #10): offering, signing up with a waitlist,
promotion by e-mail (a real aiosmtpd server), the organiser's side, reports, the register and
its CSV, and what each role may do."""

import csv
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet.data_versions import DataVersion
from intranet.database import utcnow
from intranet.extensions import db
from intranet.mail.deliverer import deliver_due
from intranet.mailing.models import ListKind, ListPost, MailingList
from intranet.organisations.models import OrganisationKind
from intranet.policy import Role
from intranet.visits import reports, services
from intranet.visits.models import Registration, Status, Visit, VisitKind, VisitSlot

from .conftest import smtp_config
from .mailbox_helpers import received
from .queries import queries_for


@pytest.fixture
def app_overrides(smtp_server):
    return smtp_config(smtp_server)


def visit_values(**changes) -> dict:
    values = {"kind": VisitKind.INTERNSHIP, "title": "Stáž v terénní službě",
              "host_organisation_id": None, "host_name": "Charita Dolní Lhota", "address": "",
              "country": "Česko", "description": "Dva dny **v terénu**.", "contact": "",
              "practical": "", "deadline": services.today() + timedelta(days=10),
              "org_limit": None}
    return values | changes


@pytest.fixture
def make_visit(create_member):
    """A visit offered through the service: `places` on one date `start_in` days ahead."""

    def factory(places=2, start_in=20, days=1, organiser=None, slots=None, **changes):
        organiser = organiser or create_member(first_name="Olga", last_name="Organizátorová")
        start = services.today() + timedelta(days=start_in)
        slots = slots or [services.SlotDetails(None, start, start + timedelta(days=days - 1),
                                               places)]
        return services.save_visit(None, organiser, visit_values(**changes), slots)

    return factory


def rows(visit_id):
    return db.session.execute(sa.select(Registration.member_id, Registration.status,
                                        Registration.number)
                              .where(Registration.visit_id == visit_id)
                              .order_by(Registration.number)).all()


def sign_up(client, visit, note="", slot=None):
    slot = slot or visit.slots[0]
    return client.submit(f"/visits/{visit.id}/sign-up", {"slot_id": slot.id, "note": note})


def plain_mail(smtp_server) -> dict[str, dict[str, str]]:
    """What the test SMTP server received: recipient → subject → the plain-text body."""
    return {to: {m["Subject"]: m.get_body(("plain",)).get_content() for m in messages}
            for to, messages in received(smtp_server).items()}


def assert_no_guessed_forms(body: str, organiser) -> None:
    """A visit's mail names its organiser and writes no "(a)" forms (the recipient and the
    organiser are known people; the text is neutral instead)."""
    assert "(a)" not in body and "(ka)" not in body, body
    assert f"Nabízí: {organiser.full_name}" in body, body


# --- signing up, the waitlist, cancelling -------------------------------------------------

def test_the_last_place_then_the_waitlist_then_promotion_by_mail(
        client, make_visit, create_member, smtp_server):
    visit = make_visit(places=1)
    first, second = create_member(first_name="Anna"), create_member(first_name="Běla")
    client.login(first)
    response = sign_up(client, visit, note="bezlepková strava")
    assert response.status_code == 302
    assert "máte místo" in client.get(f"/visits/{visit.id}").get_data(as_text=True)
    client.login(second)
    sign_up(client, visit)
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "Jste 1. na čekací listině" in page
    assert "plno – čekací listina" in page

    client.login(first)
    assert client.submit(f"/visits/{visit.id}/cancel", {"confirmed": "1"}).status_code == 302
    statuses = {member: status for member, status, _ in rows(visit.id)}
    assert statuses == {first.id: Status.CANCELLED, second.id: Status.CONFIRMED}
    assert db.session.get(VisitSlot, visit.slots[0].id).taken == 1

    deliver_due()
    mail = {to: {m["Subject"]: m for m in messages}
            for to, messages in received(smtp_server).items()}
    assert set(mail[first.email]) == {"Máte místo: Stáž v terénní službě",
                                      "Přihláška zrušena: Stáž v terénní službě"}
    assert set(mail[second.email]) == {"Čekací listina: Stáž v terénní službě",
                                       "Uvolnilo se místo a je vaše: Stáž v terénní službě"}
    promotion = mail[second.email]["Uvolnilo se místo a je vaše: Stáž v terénní službě"]
    calendar = next(part for part in promotion.iter_attachments()
                    if part.get_content_type() == "text/calendar")
    ics = calendar.get_content()
    assert "DTSTART;VALUE=DATE:" in ics and "STATUS:CONFIRMED" in ics
    cancelled = mail[first.email]["Přihláška zrušena: Stáž v terénní službě"]
    cancel_ics = next(cancelled.iter_attachments()).get_content()
    assert "METHOD:CANCEL" in cancel_ics and f"ATTENDEE:mailto:{first.email}" in cancel_ics
    waitlisted = mail[second.email]["Čekací listina: Stáž v terénní službě"]
    assert "jste 1. v pořadí" in waitlisted.get_body(("plain",)).get_content()


def test_a_new_place_on_the_waitlist_comes_after_those_still_waiting(client, make_visit,
                                                                       create_member):
    """The position is counted under the visit's lock: after three waiting, the second of
    them leaves; the next to sign up is third (the flash and the mail say so)."""
    visit = make_visit(places=1)
    people = [create_member(first_name=name) for name in ("Anna", "Běla", "Cyril", "Dana",
                                                           "Eva")]
    for person in people[:4]:
        client.login(person)
        sign_up(client, visit)
    client.login(people[2])  # 2nd on the waitlist
    client.submit(f"/visits/{visit.id}/cancel", {"confirmed": "1"})
    client.login(people[4])
    sign_up(client, visit)
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "jste 3. na čekací listině" in page
    assert "Jste 3. na čekací listině" in page


def test_leaving_the_waitlist_is_asked_as_leaving_the_waitlist(client, make_visit,
                                                                create_member):
    visit = make_visit(places=1)
    holder, waiting = create_member(), create_member()
    services.sign_up(visit, visit.slots[0], holder)
    services.sign_up(visit, visit.slots[0], waiting)
    client.login(waiting)
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "Z čekací listiny vás vyřadíme." in page
    assert "Místo dostane další v pořadí" not in page  # a waiting member frees no place
    client.login(holder)
    assert "Místo dostane další v pořadí" in client.get(f"/visits/{visit.id}").get_data(
        as_text=True)


def test_signing_up_twice_keeps_one_place(client, make_visit, create_member):
    visit = make_visit(places=3)
    member = create_member()
    client.login(member)
    sign_up(client, visit)
    response = sign_up(client, visit)
    assert response.status_code == 302
    assert "Přihlášku na tuto akci už máte" in client.get(response.location).get_data(as_text=True)
    assert len(rows(visit.id)) == 1
    assert db.session.get(VisitSlot, visit.slots[0].id).taken == 1


def test_a_cancelled_member_signs_up_again_at_the_end_of_the_queue(make_visit, create_member):
    visit = make_visit(places=1)
    first, second = create_member(), create_member()
    mine = services.sign_up(visit, visit.slots[0], first)
    assert mine.confirmed and mine.position is None
    services.sign_up(visit, visit.slots[0], second)
    services.cancel(services.registration_of(visit.id, first.id))
    again = services.sign_up(visit, visit.slots[0], first)
    assert (again.registration_id, again.confirmed, again.position) == (
        mine.registration_id, False, 1)
    assert services.registration_of(visit.id, first.id).number == 3


def test_the_mail_rendered_before_the_lock_says_what_the_lock_decided(make_visit,
                                                                      create_member):
    """The sign-up's mail is rendered before the visit is locked, as the free places then
    suggested; when a place went meanwhile, or the member had signed up before, it is
    rendered again as it came out."""
    from sqlalchemy.orm.attributes import set_committed_value

    from intranet.mail.models import OutboxMessage

    visit = make_visit(places=2)
    slot = visit.slots[0]
    anna, bela, cyril = create_member(), create_member(), create_member()
    services.sign_up(visit, slot, anna)
    services.sign_up(visit, slot, bela)
    set_committed_value(slot, "taken", 1)  # as read before Běla took the last place
    late = services.sign_up(visit, slot, cyril)
    services.cancel(services.registration_of(visit.id, anna.id))  # Cyril gets her place
    services.cancel(services.registration_of(visit.id, bela.id))
    again = services.sign_up(visit, slot, anna)  # the 3rd calendar change: in, out, in
    assert (late.confirmed, late.position, again.confirmed) == (False, 1, True)

    def mail_to(member):
        return [(m.subject, m.body_text, [a.content for a in m.attachments])
                for m in db.session.scalars(sa.select(OutboxMessage).join(
                    OutboxMessage.deliveries).where(OutboxMessage.category == "visits")
                    .order_by(OutboxMessage.id)) if m.deliveries[0].member_id == member.id]

    (subject, text, files), _promoted = mail_to(cyril)
    assert subject.startswith("Čekací listina:") and "jste 1. v pořadí" in text
    assert files == []
    *_, (subject, _, (ics,)) = mail_to(anna)
    assert subject.startswith("Máte místo:") and "SEQUENCE:3" in ics


@pytest.mark.parametrize("change, message", [
    ({"deadline": -1}, "Přihlášky skončily"),
    ({"start": 0}, "Akce už začala"),
    ({"confirmed": True}, "Konečný seznam účastníků je už potvrzen; přihlásit se nelze."),
])
def test_no_sign_up_after_the_deadline_the_start_or_the_final_list(
        client, make_visit, create_member, change, message):
    visit = make_visit(places=5)
    today = services.today()
    if "deadline" in change:
        db.session.execute(sa.update(Visit).values(deadline=today + timedelta(days=-1)))
    if "start" in change:
        db.session.execute(sa.update(VisitSlot).values(starts_on=today, ends_on=today))
        db.session.execute(sa.update(Visit).values(deadline=today - timedelta(days=1)))
    if "confirmed" in change:
        services.confirm_list(visit)
    member = create_member()
    client.login(member)
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert message in page and "Přihlásit se</button>" not in page
    response = sign_up(client, visit, note="moje poznámka")
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert message in body
    assert rows(visit.id) == []


def test_a_visit_that_is_over_says_so(client, make_visit, create_member):
    """Not "zbývá 5 míst z 8", "Přidat do kalendáře" or "Akce už začala" after it ended."""
    visit = make_visit(places=5)
    member = create_member()
    services.sign_up(visit, visit.slots[0], member)
    last_week = services.today() - timedelta(days=7)
    db.session.execute(sa.update(VisitSlot).values(starts_on=last_week, ends_on=last_week))
    db.session.execute(sa.update(Visit).values(deadline=last_week - timedelta(days=1)))
    db.session.commit()
    client.login(member)
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "proběhlo" in page
    assert "zbývají" not in page and "Přidat do kalendáře" not in page
    client.login(create_member())
    other = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "Akce už proběhla." in other and "Akce už začala" not in other


def test_a_reader_cannot_sign_up(client, make_visit, create_member):
    visit = make_visit()
    client.login(create_member(Role.READER))
    assert "hlásí členové a členky" in client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert sign_up(client, visit).status_code == 403
    assert rows(visit.id) == []


def test_an_organisation_limit_is_kept(client, make_visit, create_member, create_organisation):
    visit = make_visit(places=5, org_limit=1)
    office = create_organisation()
    first, colleague = create_member(organisation=office), create_member(organisation=office)
    services.sign_up(visit, visit.slots[0], first)
    client.login(colleague)
    response = sign_up(client, visit, note="ráda bych jela")
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Z vaší organizace je na tuto akci přihlášeno tolik lidí, kolik akce dovoluje (1)" \
        in body
    assert "ráda bych jela" in body
    assert len(rows(visit.id)) == 1


def test_choosing_no_date_of_several_is_an_error_at_the_field(client, make_visit, create_member):
    start = services.today() + timedelta(days=20)
    visit = make_visit(slots=[services.SlotDetails(None, start, start, 2),
                              services.SlotDetails(None, start + timedelta(days=7),
                                                   start + timedelta(days=8), 2)])
    client.login(create_member())
    response = client.submit(f"/visits/{visit.id}/sign-up", {"note": "poznámka"})
    assert response.status_code == 400
    assert "Vyberte termín." in response.get_data(as_text=True)
    response = sign_up(client, visit, slot=visit.slots[1])
    assert response.status_code == 302
    assert rows(visit.id)[0].status is Status.CONFIRMED


# --- offering and changing ----------------------------------------------------------------

def offer_form(**changes) -> dict:
    start = services.today() + timedelta(days=30)
    form = {"kind": "study_visit", "title": "Exkurze do Drážďan", "host_organisation_id": "0",
            "host_name": "Jugendhaus Elbe", "country": "Německo", "address": "Elbstraße 1",
            "slots-0-starts_on": start.isoformat(), "slots-0-ends_on": "",
            "slots-0-capacity": "12", "deadline": (start - timedelta(days=7)).isoformat(),
            "org_limit": "", "description": "Návštěva **klubu**.", "contact": "Eva, 777 111 222",
            "practical": "Vlakem z Vranova."}
    return form | changes


def test_a_coordinator_offers_a_visit_abroad(client, create_member, create_group):
    coordinator = create_member()
    create_group(coordinators=[coordinator])
    client.login(coordinator)
    response = client.submit("/visits/new", offer_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    visit = db.session.scalar(sa.select(Visit))
    assert (visit.host_name, visit.country, visit.organiser_id) == (
        "Jugendhaus Elbe", "Německo", coordinator.id)
    assert visit.slots[0].capacity == 12 and visit.slots[0].ends_on == visit.slots[0].starts_on
    page = client.get(response.location).get_data(as_text=True)
    assert "<strong>klubu</strong>" in page and "zbývá 12 míst z 12" in page


def test_a_member_offers_only_at_their_own_organisation(client, create_member,
                                                         create_organisation):
    member, elsewhere = create_member(), create_organisation()
    client.login(member)
    page = client.get("/visits/new").get_data(as_text=True)
    assert "hostitel mimo adresář" not in page
    response = client.submit("/visits/new", offer_form(host_organisation_id=str(elsewhere.id)))
    assert response.status_code == 400
    response = client.submit("/visits/new", offer_form(
        host_organisation_id=str(member.organisation_id), host_name=""))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Visit.host_organisation_id)) == member.organisation_id


@pytest.mark.parametrize("changes, message", [
    ({"slots-0-ends_on": "2000-01-01"}, "Konec musí být stejný den jako začátek, nebo později."),
    ({"slots-0-capacity": "0"}, "Počet míst musí být od 1 do 500."),
    ({"slots-0-capacity": "-3"}, "Počet míst musí být od 1 do 500."),
    ({"slots-0-capacity": "hodně"}, "Zadejte počet míst číslem."),
    ({"deadline": "__start__"}, "Přihlášky musí skončit před prvním dnem akce"),
    ({"slots-0-starts_on": "2020-05-05", "deadline": "2020-05-01"}, "už je v minulosti"),
    ({"slots-0-starts_on": "2099-05-05"}, "nejvýše dva roky dopředu"),
    ({"host_name": ""}, "Vyberte hostitele ze seznamu, nebo napište jeho název."),
    ({"slots-0-starts_on": "2027-02-30"}, "Takové datum neexistuje"),
])
def test_bad_offers_are_refused_at_the_field_keeping_what_was_typed(
        client, create_member, changes, message):
    admin = create_member(Role.ADMIN)
    client.login(admin)
    form = offer_form(**changes)
    if form["deadline"] == "__start__":
        form["deadline"] = form["slots-0-starts_on"]
    response = client.submit("/visits/new", form)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert message in body
    assert 'value="Exkurze do Drážďan"' in body and "Vlakem z Vranova." in body
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 0


def test_adding_a_date_keeps_the_form(client, create_member):
    client.login(create_member(Role.ADMIN))
    response = client.submit("/visits/new", offer_form(add_slot="1"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="slots-1-starts_on"' in body and 'value="Exkurze do Drážďan"' in body
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 0


def edit_form(visit, **changes) -> dict:
    slot = visit.slots[0]
    return offer_form(**{"title": visit.title, "slots-0-slot_id": str(slot.id),
                         "slots-0-starts_on": slot.starts_on.isoformat(),
                         "slots-0-capacity": str(slot.capacity),
                         "deadline": visit.deadline.isoformat(), **changes})


def test_capacity_below_the_confirmed_is_refused_and_more_places_promote(
        client, make_visit, create_member, smtp_server):
    organiser = create_member()
    visit = make_visit(places=2, organiser=organiser)
    people = [create_member() for _ in range(4)]
    for person in people:
        services.sign_up(visit, visit.slots[0], person)
    client.login(organiser)
    response = client.submit(f"/visits/{visit.id}/edit", edit_form(visit, **{
        "slots-0-capacity": "1"}))
    assert response.status_code == 400
    assert "jsou už potvrzeni 2 lidé; méně míst nastavit nelze" in response.get_data(as_text=True)
    response = client.submit(f"/visits/{visit.id}/edit", edit_form(visit, **{
        "slots-0-capacity": "3"}))
    assert response.status_code == 302
    confirmed = [m for m, status, _ in rows(visit.id) if status is Status.CONFIRMED]
    assert confirmed == [p.id for p in people[:3]]
    deliver_due()
    promoted = plain_mail(smtp_server)[people[2].email][
        "Uvolnilo se místo a je vaše: Stáž v terénní službě"]
    assert "na akci přibyla místa a jedno z nich je teď vaše" in promoted
    assert_no_guessed_forms(promoted, organiser)


def test_a_date_with_people_cannot_be_removed(client, make_visit, create_member):
    organiser = create_member()
    start = services.today() + timedelta(days=20)
    visit = make_visit(organiser=organiser, slots=[
        services.SlotDetails(None, start, start, 2),
        services.SlotDetails(None, start + timedelta(days=3), start + timedelta(days=3), 2)])
    services.sign_up(visit, visit.slots[0], create_member())
    client.login(organiser)
    form = edit_form(visit, **{"slots-0-remove": "y", "slots-1-slot_id": str(visit.slots[1].id),
                               "slots-1-starts_on": visit.slots[1].starts_on.isoformat(),
                               "slots-1-capacity": "2"})
    response = client.submit(f"/visits/{visit.id}/edit", form)
    assert response.status_code == 409
    assert "nelze odebrat" in response.get_data(as_text=True)
    form = form | {"slots-0-remove": "", "slots-1-remove": "y"}
    form.pop("slots-0-remove")
    assert client.submit(f"/visits/{visit.id}/edit", form).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(VisitSlot.id))) == 1


# --- the organiser ------------------------------------------------------------------------

def test_the_organiser_adds_after_the_deadline_removes_and_confirms_the_list(
        client, make_visit, create_member, smtp_server):
    organiser = create_member()
    visit = make_visit(places=1, organiser=organiser)
    db.session.execute(sa.update(Visit).values(deadline=services.today() - timedelta(days=1)))
    first, second, third = create_member(), create_member(), create_member()
    client.login(organiser)
    url = f"/visits/{visit.id}/participants"
    slot = {"slot_id": visit.slots[0].id}
    for member in (first, second, third):
        assert client.submit(url, {"email": member.email, **slot}).status_code == 302
    response = client.submit(url, {"email": "nikdo@example.org", **slot})
    assert response.status_code == 400
    assert "s touto adresou neznáme" in response.get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert first.full_name in page and second.full_name in page
    first_row = db.session.scalar(sa.select(Registration.id).where(
        Registration.member_id == first.id))
    response = client.submit(f"{url}/{first_row}/remove", {"confirmed": "1"})
    assert response.status_code == 302
    assert [s for _, s, _ in rows(visit.id)] == [Status.CANCELLED, Status.CONFIRMED,
                                                 Status.WAITING]
    asked = client.submit(f"/visits/{visit.id}/confirm")  # without JavaScript: asked first
    assert asked.status_code == 200 and "Potvrdit konečný seznam" in asked.get_data(as_text=True)
    assert db.session.get(Visit, visit.id).confirmed_at is None
    assert client.submit(f"/visits/{visit.id}/confirm", {"confirmed": "1"}).status_code == 302
    assert client.submit(f"/visits/{visit.id}/confirm", {"confirmed": "1"}).status_code == 302
    deliver_due()
    subjects = [m["Subject"] for m in received(smtp_server)[second.email]]
    assert subjects.count("Seznam účastníků je potvrzen: Stáž v terénní službě") == 1
    assert "Přihláška zrušena: Stáž v terénní službě" in [
        m["Subject"] for m in received(smtp_server)[first.email]]
    printed = client.get(f"/visits/{visit.id}/print").get_data(as_text=True)
    assert second.full_name in printed and first.full_name not in printed
    title = ": Stáž v terénní službě"
    told = [(first, "Máte místo", "přihlásili jsme vás na akci a máte potvrzené místo:"),
            (first, "Přihláška zrušena", "vaši přihlášku jsme zrušili:"),
            (second, "Čekací listina", "zapsali jsme vás na akci, všechna místa jsou ale"),
            (second, "Seznam účastníků je potvrzen",
             "konečný seznam účastníků je potvrzen a vy na něm jste."),
            (third, "Na akci se místo neuvolnilo",
             "konečný seznam účastníků je potvrzen. Místo se pro vás bohužel neuvolnilo")]
    mail = plain_mail(smtp_server)
    for member, subject, text in told:
        assert text in mail[member.email][subject + title]
        assert_no_guessed_forms(mail[member.email][subject + title], organiser)
    assert "odpovězte prosím na tento e-mail" in mail[first.email]["Přihláška zrušena" + title]


def test_someone_else_cannot_manage_the_visit(client, make_visit, create_member):
    visit = make_visit()
    client.login(create_member())
    for url in (f"/visits/{visit.id}/participants", f"/visits/{visit.id}/edit",
                f"/visits/{visit.id}/print"):
        assert client.get(url).status_code == 403
    assert client.submit(f"/visits/{visit.id}/confirm").status_code == 403


def test_only_the_organiser_and_administrators_see_the_notes(client, make_visit, create_member,
                                                             create_organisation):
    host = create_organisation(kind=OrganisationKind.NGO)
    organiser = create_member()
    visit = make_visit(host_organisation_id=host.id, host_name="", organiser=organiser)
    services.sign_up(visit, visit.slots[0], create_member(), "bezlepková strava, vozík")
    for someone in (create_member(organisation=host), create_member(Role.SECRETARY)):
        client.login(someone)
        assert client.get(f"/visits/{visit.id}/participants").status_code == 403
        assert "vozík" not in client.get(f"/visits/{visit.id}").get_data(as_text=True)
    for someone in (organiser, create_member(Role.ADMIN)):
        client.login(someone)
        assert "vozík" in client.get(f"/visits/{visit.id}/print").get_data(as_text=True)


# --- reports and the register -------------------------------------------------------------

def went(visit, member):
    """Sign the member up, then move the visit into the past."""
    services.sign_up(visit, visit.slots[0], member)


def move_to_past(visit_id, days_ago=30):
    day = services.today() - timedelta(days=days_ago)
    db.session.execute(sa.update(VisitSlot).where(VisitSlot.visit_id == visit_id)
                       .values(starts_on=day, ends_on=day))
    db.session.execute(sa.update(Visit).where(Visit.id == visit_id)
                       .values(starts_on=day, ends_on=day, deadline=day - timedelta(days=5)))
    db.session.commit()


def test_the_register_count_is_kept_but_follows_every_change(client, make_visit, create_member):
    """The register's number of rows is kept between requests, yet a date that passes, a
    cancelled place or a changed kind shows at once."""
    first, second = make_visit(title="Stáž A"), make_visit(title="Stáž B")
    ana, bob = create_member(), create_member()
    went(first, ana)
    went(second, bob)
    move_to_past(first.id)
    client.login(create_member(Role.READER))

    def count(query=""):
        page = client.get(f"/visits/register?{query}").get_data(as_text=True)
        found = re.search(r'result-count">(\d+) záznam', page)
        return found.group(1) if found else "0"  # none: the page says so instead

    assert count() == "1" and count("kind=study_visit") == "0"
    move_to_past(second.id)
    assert count() == "2"
    services.cancel(db.session.scalar(
        sa.select(Registration).where(Registration.member_id == ana.id)))
    assert count() == "1" and count("kind=study_visit") == "0"
    db.session.get(Visit, second.id).kind = VisitKind.STUDY_VISIT
    db.session.commit()
    assert count("kind=study_visit") == "1"


def register_version() -> int:
    from intranet.visits.register import REGISTER  # after the app made every mapper

    return db.session.scalar(sa.select(DataVersion.version).where(
        DataVersion.name == REGISTER)) or 0


def test_sign_ups_for_dates_not_begun_leave_the_register_counter_and_its_row_alone(
        client, make_visit, create_member):
    """The register holds dates that have begun (until midnight): a sign-up for a date after
    tomorrow cannot show in it, so it does not raise (and lock) the counter that every
    visit's sign-ups share. One for tomorrow or a date that has begun does; the latter shows
    at once."""
    coming, past = make_visit(title="Stáž C"), make_visit(title="Stáž D")
    tomorrow = make_visit(title="Stáž E", start_in=1)
    ana, bob = create_member(), create_member()
    move_to_past(past.id)
    before = register_version()
    services.sign_up(coming, coming.slots[0], ana)
    services.sign_up(coming, coming.slots[0], bob)
    assert register_version() == before
    services.sign_up(tomorrow, tomorrow.slots[0], ana)  # a day's margin (around midnight)
    assert register_version() == before + 1
    client.login(create_member(Role.READER))
    assert "Stáž D" not in client.get("/visits/register").get_data(as_text=True)
    past, before = db.session.get(Visit, past.id), register_version()
    services.sign_up(past, past.slots[0], bob, by_organiser=True)  # added afterwards
    assert register_version() == before + 1
    assert "Stáž D" in client.get("/visits/register").get_data(as_text=True)


def test_the_register_ignores_parameters_reserved_by_its_links(client, make_visit,
                                                                create_member):
    """Parameters named as url_for's own (endpoint, _method) are not passed on to the CSV
    link: they made it fail (500)."""
    visit = make_visit()
    went(visit, create_member())
    move_to_past(visit.id)
    client.login(create_member(Role.READER))
    response = client.get("/visits/register?endpoint=visits.visits&_method=POST&kind=")
    assert response.status_code == 200
    assert 'href="/visits/register.csv?kind="' in response.get_data(as_text=True)


def test_a_participant_reports_and_the_organiser_shares_it_to_the_territory_list(
        client, make_visit, create_member, smtp_server):
    organiser = create_member()
    visit = make_visit(organiser=organiser)
    participant, other = create_member(first_name="Věra"), create_member()
    went(visit, participant)
    client.login(participant)
    assert client.get(f"/visits/{visit.id}/report").status_code == 403  # not yet
    move_to_past(visit.id)
    assert client.submit(f"/visits/{visit.id}/report", {"text": " "}).status_code == 400
    response = client.submit(f"/visits/{visit.id}/report", {"text": "Zaujala nás **supervize**."})
    assert response.status_code == 302
    client.login(other)
    assert client.get(f"/visits/{visit.id}/report").status_code == 403
    assert "<strong>supervize</strong>" in client.get(f"/visits/{visit.id}").get_data(as_text=True)
    report = db.session.scalar(sa.select(reports.VisitReport))
    assert client.submit(f"/visits/reports/{report.id}/share",
                         {"confirmed": "1"}).status_code == 403
    client.login(organiser)
    share = f"/visits/reports/{report.id}/share"
    assert client.submit(share).status_code == 200  # asked first
    assert client.submit(share, {"confirmed": "1"}).status_code == 302
    assert client.submit(share, {"confirmed": "1"}).status_code == 302
    territory = db.session.scalar(sa.select(MailingList).filter_by(kind=ListKind.TERRITORY))
    posts = db.session.scalars(sa.select(ListPost).where(ListPost.list_id == territory.id)).all()
    assert len(posts) == 1
    assert posts[0].subject == f"Zpráva z akce: Stáž v terénní službě – {participant.full_name}"
    assert "Zaujala nás **supervize**." in posts[0].body


def test_the_register_csv_and_the_matrix(client, make_visit, create_member, create_organisation):
    charity = create_organisation("Charita Dolní Lhota")
    office = create_organisation("Úřad práce Vranov")
    school = create_organisation("=HYPERLINK(\"x\")")
    first = make_visit(host_organisation_id=charity.id, host_name="", title="Stáž v Charitě")
    second = make_visit(host_name="Jugendhaus Elbe", title="Exkurze", kind=VisitKind.STUDY_VISIT)
    ana = create_member(first_name="Ana", last_name="Černá", organisation=office)
    bob = create_member(first_name="Bob", last_name="Adámek", organisation=school)
    coming = create_member(organisation=office)
    went(first, ana)
    went(first, bob)
    went(second, ana)
    move_to_past(first.id, days_ago=40)
    move_to_past(second.id, days_ago=10)
    not_yet = make_visit(host_organisation_id=charity.id, host_name="")
    went(not_yet, coming)
    client.login(create_member(Role.READER))
    year = (services.today() - timedelta(days=10)).year

    response = client.get("/visits/register.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "Stáže a exkurze.csv" in response.headers["Content-Disposition"].encode(
        "latin-1").decode("utf-8") or "filename*=UTF-8''St" in response.headers[
        "Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert table[0] == ["Od", "Do", "Druh", "Název", "Hostitel", "Země",
                        "Účastník / účastnice", "Organizace"]
    assert [(row[3], row[6], row[7]) for row in table[1:]] == [
        ("Exkurze", ana.full_name, "Úřad práce Vranov"),
        ("Stáž v Charitě", bob.full_name, "'=HYPERLINK(\"x\")"),
        ("Stáž v Charitě", ana.full_name, "Úřad práce Vranov")]
    assert table[1][2] == "exkurze" and table[1][4] == "Jugendhaus Elbe"

    history = client.get(f"/visits/register?organisation={charity.id}").get_data(as_text=True)
    assert "Stáž v Charitě" in history and "Exkurze</a>" not in history
    mine = client.get(f"/visits/register?member={bob.id}").get_data(as_text=True)
    assert mine.count("Stáž v Charitě</a>") == 1 and ana.full_name not in mine

    matrix = list(csv.reader(io.StringIO(
        client.get(f"/visits/matrix.csv?year={year}").get_data(as_text=True)[1:]), delimiter=";"))
    if (services.today() - timedelta(days=40)).year == year:
        assert matrix[0] == ["Organizace účastníků / hostitelé", "Charita Dolní Lhota",
                             "Jugendhaus Elbe", "Celkem"]
        assert matrix[1:] == [["'=HYPERLINK(\"x\")", "1", "0", "1"],
                              ["Úřad práce Vranov", "1", "1", "2"]]
    page = client.get("/visits/matrix").get_data(as_text=True)
    assert "Jugendhaus Elbe" in page and "Úřad práce Vranov" in page


def test_my_visits_on_the_dashboard(client, make_visit, create_member):
    member = create_member()
    full = make_visit(places=1, title="Plná stáž")
    services.sign_up(full, full.slots[0], create_member())
    went(full, member)
    past = make_visit(title="Loňská exkurze")
    went(past, member)
    move_to_past(past.id)
    client.login(member)
    page = client.get("/").get_data(as_text=True)
    assert "Moje stáže a exkurze" in page
    assert "Plná stáž" in page and "čekací listina: 1. v pořadí" in page
    assert "Loňská exkurze" in page
    client.login(create_member(Role.READER))
    assert "Moje stáže a exkurze" not in client.get("/").get_data(as_text=True)


def test_the_calendar_file(client, make_visit, create_member):
    visit = make_visit(days=3)
    client.login(create_member())
    response = client.get(f"/visits/{visit.id}/calendar.ics")
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    start = visit.slots[0].starts_on
    assert f"DTSTART;VALUE=DATE:{start:%Y%m%d}" in body
    assert f"DTEND;VALUE=DATE:{start + timedelta(days=3):%Y%m%d}" in body
    assert (f'filename="vymenna-staz-{start.isoformat()}.ics"'  # no space for old clients
            in response.headers["Content-Disposition"])


# --- pages stay fast ----------------------------------------------------------------------

def test_pages_run_the_same_number_of_queries_however_many_visits_and_people(
        client, make_visit, create_member):
    organiser = create_member()
    viewer = create_member()

    def grow(count):
        for n in range(count):
            visit = make_visit(places=2, organiser=organiser, title=f"Stáž {n}")
            for _ in range(3):
                went(visit, create_member())
            went(visit, viewer)

    grow(2)
    move_to_past(db.session.scalar(sa.select(Visit.id).order_by(Visit.id.desc())))
    client.login(organiser)
    visit_id = db.session.scalar(sa.select(Visit.id).order_by(Visit.id))
    urls = ["/visits", f"/visits/{visit_id}", f"/visits/{visit_id}/participants",
            "/visits/register", "/visits/matrix", "/"]
    few = {url: queries_for(client, url) for url in urls}
    grow(6)
    for past in db.session.scalars(sa.select(Visit.id)).all()[:5]:
        move_to_past(past)
    client.login(organiser)
    assert {url: queries_for(client, url) for url in urls} == few


def test_the_matrix_page_shows_the_busiest_hosts_and_adds_up_the_others(
        client, make_visit, create_member, create_organisation):
    from intranet.visits.register import matrix

    office = create_organisation("Úřad práce")
    for host, people in (("Alfa", 1), ("Beta", 3), ("Čeňka", 2)):
        visit = make_visit(host_name=host, places=5)
        for _ in range(people):
            went(visit, create_member(organisation=office))
        move_to_past(visit.id, days_ago=1)
    year = (services.today() - timedelta(days=1)).year
    shown = matrix(year, limit=2)
    assert shown.hosts == ["Beta", "Čeňka", "ostatní hostitelé"]
    assert shown.rows == [("Úřad práce", [3, 2, 1], 6)]
    assert shown.totals == [3, 2, 1]
    assert matrix(year).hosts == ["Alfa", "Beta", "Čeňka"]



# --- found in review ----------------------------------------------------------------------

def two_dates(make_visit, **changes):
    start = services.today() + timedelta(days=20)
    return make_visit(slots=[services.SlotDetails(None, start, start, 1),
                             services.SlotDetails(None, start + timedelta(days=7),
                                                  start + timedelta(days=7), 1)], **changes)


def test_signing_up_again_for_another_date_mails_that_date(make_visit, create_member,
                                                           smtp_server):
    visit = two_dates(make_visit)
    member = create_member()
    services.sign_up(visit, visit.slots[0], member)
    services.cancel(services.registration_of(visit.id, member.id))
    services.sign_up(visit, visit.slots[1], member)
    deliver_due()
    later = visit.slots[1].starts_on
    places = [m for m in received(smtp_server)[member.email]
              if m["Subject"].startswith("Máte místo")]
    assert len(places) == 2
    bodies = [m.get_body(("plain",)).get_content() for m in places]
    assert any(f"{later.day}. {later.month}. {later.year}" in body for body in bodies)
    ics = [next(m.iter_attachments()).get_content() for m in places]
    assert any(f"DTSTART;VALUE=DATE:{later:%Y%m%d}" in text for text in ics)


def test_a_moved_date_is_told_to_those_signed_up_and_may_not_move_into_the_past(
        client, make_visit, create_member, smtp_server):
    organiser = create_member()
    visit = make_visit(organiser=organiser, places=1)
    first, second = create_member(), create_member()
    services.sign_up(visit, visit.slots[0], first)
    services.sign_up(visit, visit.slots[0], second)
    client.login(organiser)
    moved = visit.slots[0].starts_on + timedelta(days=5)
    response = client.submit(f"/visits/{visit.id}/edit", edit_form(visit, **{
        "slots-0-starts_on": moved.isoformat()}))
    assert response.status_code == 302
    assert services.registration_of(visit.id, first.id).sequence == 2
    deliver_due()
    mail = {to: {m["Subject"]: m for m in messages}
            for to, messages in received(smtp_server).items()}
    changed = mail[first.email]["Změna termínu: Stáž v terénní službě"]
    assert f"DTSTART;VALUE=DATE:{moved:%Y%m%d}" in next(changed.iter_attachments()).get_content()
    assert "Změna termínu: Stáž v terénní službě" in mail[second.email]
    moved_text = changed.get_body(("plain",)).get_content()
    assert "termín akce, na kterou máte přihlášku, se změnil. Platí nyní:" in moved_text
    assert_no_guessed_forms(moved_text, organiser)
    past = services.today() - timedelta(days=3)
    response = client.submit(f"/visits/{visit.id}/edit", edit_form(
        db.session.get(Visit, visit.id), **{"slots-0-starts_on": past.isoformat(),
                                            "deadline": (past - timedelta(days=5)).isoformat()}))
    assert response.status_code == 400
    assert "Tento den už je v minulosti." in response.get_data(as_text=True)


@pytest.mark.parametrize("slot_id", ["²", "9" * 5000, "0", "12345"])
def test_a_made_up_date_id_is_refused_not_a_500(client, make_visit, create_member, slot_id):
    organiser = create_member()
    visit = make_visit(organiser=organiser)
    client.login(organiser)
    response = client.submit(f"/visits/{visit.id}/edit", edit_form(visit, **{
        "slots-0-slot_id": slot_id}))
    assert response.status_code == 400
    assert "Tento termín se mezitím změnil" in response.get_data(as_text=True)


def test_the_same_date_twice_in_the_form_is_refused(client, make_visit, create_member):
    organiser = create_member()
    visit = make_visit(organiser=organiser)
    client.login(organiser)
    slot = visit.slots[0]
    response = client.submit(f"/visits/{visit.id}/edit", edit_form(visit, **{
        "slots-0-remove": "y", "slots-1-slot_id": str(slot.id),
        "slots-1-starts_on": slot.starts_on.isoformat(), "slots-1-capacity": "2"}))
    assert response.status_code == 400
    assert db.session.get(VisitSlot, slot.id) is not None


def test_a_deactivated_member_gives_up_the_place_and_is_never_promoted(
        client, make_visit, create_member):
    visit = make_visit(places=1)
    first, gone, third = create_member(), create_member(), create_member()
    for member in (first, gone, third):
        services.sign_up(visit, visit.slots[0], member)
    client.login(create_member(Role.ADMIN))
    assert client.submit(f"/admin/members/{gone.id}/deactivate",
                         {"confirmed": "1"}).status_code == 302
    statuses = {m: s for m, s, _ in rows(visit.id)}
    assert statuses[gone.id] is Status.CANCELLED and statuses[third.id] is Status.WAITING
    services.cancel(services.registration_of(visit.id, first.id))
    assert {m: s for m, s, _ in rows(visit.id)}[third.id] is Status.CONFIRMED
    client.login(create_member(Role.ADMIN))
    assert client.submit(f"/admin/members/{first.id}/deactivate",
                         {"confirmed": "1"}).status_code == 302
    assert db.session.get(VisitSlot, visit.slots[0].id).taken == 1


def test_someone_who_went_and_was_deactivated_later_is_named_without_a_dead_link(
        client, make_visit, create_member):
    """Their profile is for administrators only now (404 for the others): the visit's list of
    people and the register name them without a link; the others keep theirs."""
    visit = make_visit(title="Stáž do Brna")
    gone, stays = create_member(first_name="Olga"), create_member(first_name="Pavla")
    went(visit, gone)
    went(visit, stays)
    move_to_past(visit.id)
    gone.deactivated_at = utcnow()
    db.session.commit()
    client.login(create_member())
    for page in (client.get(f"/visits/{visit.id}"), client.get("/visits/register")):
        html = page.get_data(as_text=True)
        assert gone.full_name in html and stays.full_name in html
        assert f'href="/members/{gone.id}"' not in html
        assert f'href="/members/{stays.id}"' in html
    assert client.get(f"/members/{gone.id}").status_code == 404


def test_a_mayor_cannot_be_added_to_a_visit(client, make_visit, create_member):
    organiser = create_member()
    visit = make_visit(organiser=organiser)
    mayor = create_member(Role.READER)
    client.login(organiser)
    response = client.submit(f"/visits/{visit.id}/participants",
                             {"email": mayor.email, "slot_id": visit.slots[0].id})
    assert response.status_code == 400
    assert rows(visit.id) == []


@pytest.mark.parametrize("month", ["2027-13", "0000-01", "२०२७-०३", "brezen"])
def test_a_wrong_month_is_said_at_the_field(client, create_member, month):
    client.login(create_member())
    page = client.get(f"/visits?month={month}").get_data(as_text=True)
    assert "Zadejte měsíc jako rok a měsíc" in page


def test_a_visit_offered_by_mistake_is_deleted_until_someone_signs_up(
        client, make_visit, create_member):
    organiser = create_member()
    mistake, taken = make_visit(organiser=organiser), make_visit(organiser=organiser)
    services.sign_up(taken, taken.slots[0], create_member())
    client.login(create_member())
    assert client.submit(f"/visits/{mistake.id}/delete", {"confirmed": "1"}).status_code == 403
    client.login(organiser)
    assert "Smazat akci" in client.get(f"/visits/{mistake.id}/edit").get_data(as_text=True)
    assert "Smazat akci" not in client.get(f"/visits/{taken.id}/edit").get_data(as_text=True)
    assert client.submit(f"/visits/{mistake.id}/delete").status_code == 200  # asked first
    assert client.submit(f"/visits/{mistake.id}/delete", {"confirmed": "1"}).status_code == 302
    response = client.submit(f"/visits/{taken.id}/delete", {"confirmed": "1"})
    assert "nelze smazat" in client.get(response.location).get_data(as_text=True)
    assert set(db.session.scalars(sa.select(Visit.id))) == {taken.id}
    assert db.session.scalar(sa.select(sa.func.count(VisitSlot.id))) == 1
