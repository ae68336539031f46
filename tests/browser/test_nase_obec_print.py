"""'Naše obec' printed (issue #28): with every block of the municipality's page full (the
panels' most rows: meetings with who came, minutes, open tasks, goals with indicators,
providers, visits), Chromium prints it on one or two A4 pages, without the navigation."""

import io
from datetime import date, timedelta

import sqlalchemy as sa
from pypdf import PdfReader

from intranet.catalogue import services as catalogue
from intranet.catalogue.models import ServiceKind
from intranet.extensions import db
from intranet.meetings import attendance
from intranet.meetings.models import Presence
from intranet.minutes import services as minutes_services
from intranet.minutes.models import ActionItem
from intranet.policy import Role
from intranet.strategy.models import Better, Goal, Indicator, IndicatorValue, Priority

from ..conftest import PASSWORD
from ..test_nase_obec import past_visit
from .conftest import ARTIFACTS, DESKTOP, logged_in_page

MORE_THAN_SHOWN = 12  # of each: more than any panel shows


def full_town(create_member, create_organisation, create_municipality, create_group,
              create_meeting):
    """Lipová with more of everything than its page shows; its mayor's address."""
    lipova = create_municipality(name="Lipová")
    office = create_organisation(name="Obecní úřad Lipová", municipality=lipova)
    people = [create_member(first_name="Pracovnice", last_name=f"Číslo {n}",
                            organisation=office) for n in range(4)]
    secretary, admin = create_member(Role.SECRETARY), create_member(Role.ADMIN)
    group = create_group(members=people)
    for n in range(MORE_THAN_SHOWN):
        held = create_meeting(group, starts_in=-timedelta(minutes=30 * (n + 1)))
        for person in people:
            attendance.record_presence(held, person.id, Presence.PRESENT)
        minutes = minutes_services.start(held, secretary)
        db.session.add(ActionItem(minutes_id=minutes.id, group_id=group.id,
                                  organisation_id=office.id,
                                  title=f"Úkol pro obecní úřad číslo {n}, s delším popisem "
                                        "toho, co je třeba udělat do příští schůzky"))
        db.session.commit()
        minutes_services.submit(minutes)
        minutes_services.approve(minutes, admin)
        minutes_services.publish(minutes, secretary)
    kinds = db.session.scalars(sa.select(ServiceKind).order_by(ServiceKind.id)).all()
    ngo = create_organisation(name="Spolek Pomoc Lipová", municipality=lipova)
    for n in range(MORE_THAN_SHOWN):
        catalogue.save_service(None, ngo.id, secretary, {
            "kind_id": kinds[n].id, "name": "", "address": f"Hlavní {n}, Lipová",
            "whole_territory": True, "phone": "+420 600 000 000", "email": "",
            "website": "", "contact_person": "", "opening_hours": "po–pá 8–16",
            "capacity": "", "description": ""}, [], [])
    _goals(lipova, ngo)
    _visits(people, office, create_organisation(name="Charita Dubnice",
                                                municipality=create_municipality("Dubnice")))
    mayor = create_member(Role.READER, organisation=office)
    found = (lipova.id, mayor.email)
    db.session.commit()
    return found


def _goals(lipova, ngo) -> None:
    priority = Priority(number=1, title="Dostupné sociální služby")
    for number in (1, 2):
        goal = Goal(priority=priority, number=number, title=f"Cíl obce číslo {number}",
                    municipalities=[lipova])
        for n in range(3):
            indicator = Indicator(goal=goal, name=f"Indikátor {number}.{n}", unit="míst",
                                  baseline=4, baseline_on=date(2025, 1, 1), target=12,
                                  target_on=date(2030, 1, 1), better=Better.HIGHER,
                                  owner_organisation=ngo, months_between_values=12)
            indicator.values = [IndicatorValue(measured_on=date(2026, 1, 1), value=6)]
    db.session.add(priority)
    db.session.commit()


def _visits(people, office, elsewhere) -> None:
    for n in range(MORE_THAN_SHOWN):
        host, member = (elsewhere, people[n % 4]) if n % 2 else (office, people[0])
        past_visit(f"Exkurze číslo {n}", host, member, people[0])
    db.session.commit()


def test_a_full_municipality_page_prints_on_one_or_two_a4_pages(
        browser, live_server, create_member, create_organisation, create_municipality,
        create_group, create_meeting):
    town_id, mayor = full_town(create_member, create_organisation, create_municipality,
                               create_group, create_meeting)
    context, page, errors = logged_in_page(browser, live_server, mayor, DESKTOP, PASSWORD)
    page.goto(f"{live_server}/municipalities/{town_id}")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "nase-obec.pdf").write_bytes(pdf)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    text = " ".join(" ".join(pages).split())
    assert len(pages) <= 2, len(pages)
    for shown in ("Lipová", "Pracovnice Číslo 0", "Úkol pro obecní úřad číslo",
                  "Cíl obce číslo 2", "Indikátor 2.2", "Spolek Pomoc Lipová", "Exkurze číslo"):
        assert shown in text, shown
    for absent in ("Odhlásit", "Hledat", "Vytisknout"):
        assert absent not in text, absent
    context.close()
    assert errors == []
