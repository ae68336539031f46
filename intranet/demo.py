"""Fictional demo data: a territory, its municipalities, organisations and members."""

from datetime import time, timedelta

import sqlalchemy as sa

from .accounts.models import Member
from .accounts.passwords import hash_password
from .database import utcnow
from .extensions import db
from .i18n import local_to_utc, today_in_prague
from .organisations.models import Municipality, Organisation, OrganisationKind, Side
from .policy import Role

DEMO_PASSWORD = "demo-heslo-2026"
ORP = "ORP Vranov nad Bystrou"
MUNICIPALITIES = ["Vranov nad Bystrou", "Lipová", "Dubnice", "Horní Lhota", "Podhradí",
                  "Zálesí", "Rybníček", "Kamenná Ves"]
K = OrganisationKind
ORGANISATIONS = [
    ("Městský úřad Vranov nad Bystrou", K.MUNICIPALITY, "Vranov nad Bystrou"),
    ("Obecní úřad Lipová", K.MUNICIPALITY, "Lipová"),
    ("Obecní úřad Dubnice", K.MUNICIPALITY, "Dubnice"),
    ("Obecní úřad Horní Lhota", K.MUNICIPALITY, "Horní Lhota"),
    ("Obecní úřad Podhradí", K.MUNICIPALITY, "Podhradí"),
    ("Obecní úřad Zálesí", K.MUNICIPALITY, "Zálesí"),
    ("Úřad práce – kontaktní pracoviště Vranov", K.PUBLIC_OFFICE, "Vranov nad Bystrou"),
    ("Probační a mediační služba – středisko Vranov", K.PUBLIC_OFFICE, "Vranov nad Bystrou"),
    ("Spolek Most k domovu", K.NGO, "Vranov nad Bystrou"),
    ("Azylový dům Přístav, z. ú.", K.NGO, "Dubnice"),
    ("Mateřské centrum Sluníčko", K.NGO, "Lipová"),
    ("Farní charita Vranov", K.CHURCH, "Vranov nad Bystrou"),
    ("Základní škola Kamenná Ves", K.SCHOOL, "Kamenná Ves"),
]
# (e-mail, titles before, first, last, titles after, role, organisation index, position)
NAMED_MEMBERS = [
    ("spravce@vranov.example", "Ing.", "Petra", "Horáková", "", Role.ADMIN, 0,
     "správkyně intranetu"),
    ("zapisovatel@vranov.example", "Mgr.", "Tomáš", "Beneš", "", Role.SECRETARY, 0,
     "koordinátor komunitního plánování"),
    ("clen@vranov.example", "Bc.", "Lucie", "Dvořáková", "", Role.MEMBER, 8,
     "sociální pracovnice"),
    ("starosta@vranov.example", "", "Karel", "Vondráček", "", Role.READER, 1, "starosta"),
]
FEMALE = (["Jana", "Eva", "Hana", "Kateřina", "Lenka", "Veronika", "Alena", "Zuzana", "Monika"],
          ["Nováková", "Černá", "Kučerová", "Marková", "Králová", "Fialová", "Zelená",
           "Bartošová", "Kolářová"])
MALE = (["Martin", "Pavel", "Jiří", "Michal", "Ondřej", "David", "Roman", "Filip", "Radek"],
        ["Svoboda", "Procházka", "Veselý", "Pokorný", "Růžička", "Šimek", "Holub", "Sedlák",
         "Urban"])
TITLES = ["", "Bc.", "Mgr.", "", "Ing.", ""]
POSITIONS = ["sociální pracovnice", "sociální pracovník", "terénní pracovnice", "vedoucí služby",
             "koordinátorka", "metodik"]
EXTRA_MEMBERS = 36


# Sides in community planning: the municipalities' offices commission services, the NGOs and
# the Charity provide them; the state offices and the school sit at the table without a side.
SIDE_OF_KIND = {K.MUNICIPALITY: Side.COMMISSIONER, K.NGO: Side.PROVIDER,
                K.CHURCH: Side.PROVIDER}


def load_demo() -> bool:
    """Insert the demo data unless the database already has members; True when loaded."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Member)):
        return False
    municipalities = {name: Municipality(name=name, orp=ORP) for name in MUNICIPALITIES}
    organisations = [Organisation(name=name, kind=kind, municipality=municipalities[seat],
                                  email=f"info{i}@vranov.example",
                                  side=SIDE_OF_KIND.get(kind))
                     for i, (name, kind, seat) in enumerate(ORGANISATIONS)]
    db.session.add_all([*municipalities.values(), *organisations])
    password_hash = hash_password(DEMO_PASSWORD)
    db.session.add_all(_named_members(organisations, password_hash))
    members = list(_generated_members(organisations, password_hash))
    db.session.add_all(members)
    db.session.flush()
    _groups_and_meetings(db.session.scalars(sa.select(Member).order_by(Member.id)).all())
    _users_at_the_table(municipalities["Lipová"], password_hash)
    db.session.commit()
    _minutes()
    _list_posts()
    _visits()
    _catalogue()
    _strategy()
    return True


def _named_members(organisations, password_hash):
    now = utcnow()
    for email, before, first, last, after, role, org, position in NAMED_MEMBERS:
        yield Member(email=email, titles_before=before, first_name=first, last_name=last,
                     titles_after=after, role=role, organisation=organisations[org],
                     position=position, phone="+420 600 000 000",
                     password_hash=password_hash, activated_at=now)


def _generated_members(organisations, password_hash):
    for i in range(EXTRA_MEMBERS):
        first, last = _person_name(i)
        organisation = organisations[(i * 5) % len(organisations)]
        role = _generated_role(i, organisation)
        member = Member(email=f"clen{i + 1:02d}@vranov.example", titles_before=TITLES[i % 6],
                        first_name=first, last_name=last, role=role,
                        organisation=organisation, position=POSITIONS[i % len(POSITIONS)],
                        phone=f"+420 601 {i:03d} {100 + i:03d}")
        if i < EXTRA_MEMBERS - 3:  # the last three are still invited, not active
            member.password_hash, member.activated_at = password_hash, utcnow()
        if i == 7:
            member.deactivated_at = utcnow()
        yield member


def _person_name(i: int) -> tuple[str, str]:
    """A distinct fictional name for the i-th generated member, women and men in turn."""
    firsts, lasts = FEMALE if i % 2 == 0 else MALE
    k = i // 2
    return firsts[k % 9], lasts[(k + k // 9) % 9]


def _generated_role(i: int, organisation: Organisation) -> Role:
    if organisation.kind is OrganisationKind.MUNICIPALITY and i % 3 == 0:
        return Role.READER
    return Role.SECRETARY if i % 11 == 0 else Role.MEMBER


GROUPS = [
    (1, "Senioři a zdravotně postižení", "Péče o seniory a lidi se zdravotním postižením."),
    (2, "Rodina, děti a mládež", "Děti a mládež ohrožené sociálním vyloučením, podpora rodin."),
    (4, "Sociální služby", "Síť sociálních služeb v území, komunitní plánování."),
]
RULES = "- Dochvilnost\n- Svoboda názoru\n- Moderovaná diskuze\n- Hledání shody\n"
AGENDA = [("Zahájení a kontrola úkolů", 10), ("Aktualizace katalogu poskytovatelů", 30),
          ("Výměnné stáže v příštím roce", 20), ("Různé", 10)]


HOURS = [time(9, 0), time(13, 0), time(9, 30)]  # believable meeting hours, Prague time


def _groups_and_meetings(members) -> None:
    """Three working groups with members, a held meeting with attendance and a planned one.

    The administrator belongs to the first group, so that her dashboard is not empty."""
    from .groups.models import GroupMembership, WorkingGroup
    from .meetings.models import AgendaItem, Meeting, Participation, Presence

    secretary = next(m for m in members if m.email == "zapisovatel@vranov.example")
    admin = next(m for m in members if m.role is Role.ADMIN)
    active = [m for m in members if m.password_hash and not m.deactivated_at]
    today = today_in_prague()
    for index, (number, name, description) in enumerate(GROUPS):
        group = WorkingGroup(number=number, name=name, description=description, rules=RULES,
                             last_meeting_number=2)
        chosen = list(dict.fromkeys([secretary] + ([admin] if index == 0 else [])
                                    + active[index * 7 + 1:index * 7 + 12]))
        group.memberships = [GroupMembership(member=m, is_coordinator=m is secretary)
                             for m in chosen]
        held_at = local_to_utc(today - timedelta(days=20 + index), HOURS[index])
        held = Meeting(group=group, number=1, starts_at=held_at,
                       ends_at=held_at + timedelta(hours=1, minutes=30),
                       place="Městský úřad Vranov, zasedací místnost", organiser=secretary,
                       invited_at=held_at - timedelta(days=14), attendance_taken_at=held_at)
        held.agenda = [AgendaItem(position=n, title=title, duration_minutes=minutes)
                       for n, (title, minutes) in enumerate(AGENDA, start=1)]
        held.participations = [Participation(member=m, presence=Presence.PRESENT if n % 4
                                             else Presence.EXCUSED, invited_at=held.invited_at)
                               for n, m in enumerate(chosen)]
        planned_at = local_to_utc(today + timedelta(days=7 + index), HOURS[index])
        planned = Meeting(group=group, number=2, previous=held, organiser=secretary,
                          starts_at=planned_at, ends_at=planned_at + timedelta(hours=1, minutes=30),
                          place="Městský úřad Vranov, zasedací místnost")
        planned.agenda = [AgendaItem(position=n, title=title, duration_minutes=minutes)
                          for n, (title, minutes) in enumerate(AGENDA, start=1)]
        planned.participations = [Participation(member=m) for m in chosen]
        db.session.add_all([group, held, planned])


def _users_at_the_table(lipova: Municipality, password_hash: str) -> None:
    """The seniors' club of Lipová speaks for the people who use the services: its chair is
    in the seniors' group and was at its held meeting, so that one meeting had all three
    sides of the triad at the table (the other groups' lacked the users)."""
    from .groups.models import GroupMembership, WorkingGroup
    from .meetings.models import Meeting, Participation, Presence

    club = Organisation(name="Klub seniorů Lipová", kind=K.OTHER, municipality=lipova,
                        email="klub@lipova.example", side=Side.USER,
                        description="Spolek seniorů z Lipové a okolí (smyšlený).")
    chair = Member(email="klub.senioru@vranov.example", first_name="Marie",
                   last_name="Dobešová", organisation=club, role=Role.MEMBER,
                   position="předsedkyně klubu", password_hash=password_hash,
                   activated_at=utcnow())
    db.session.add_all([club, chair])
    seniors = db.session.scalar(sa.select(WorkingGroup).where(WorkingGroup.number == 1))
    seniors.memberships.append(GroupMembership(member=chair))
    for meeting in db.session.scalars(sa.select(Meeting).where(Meeting.group == seniors)):
        held = meeting.attendance_taken_at is not None
        meeting.participations.append(Participation(
            member=chair, presence=Presence.PRESENT if held else None,
            invited_at=meeting.invited_at))


# What the held meetings discussed (fictional), in the form of the territory's minutes.
PROCEEDINGS = {
    1: ("Koordinátorka přivítala přítomné a shrnula výsledky dotazníku mezi seniory v obcích "
        "Lipová a Dubnice. Nejčastěji chybí **odlehčovací služba** a doprava k lékaři.\n\n"
        "Zástupkyně Charity Vranov představila plán terénní pečovatelské služby pro menší "
        "obce; starostové Horní Lhoty a Podhradí nabídli prostory obecních úřadů.",
        "- Charita připraví rozpočet terénní služby do příští schůzky.\n"
        "- Obce pošlou počty seniorů nad 80 let."),
    2: ("Jednání se věnovalo dětem ohroženým sociálním vyloučením. Nízkoprahový klub "
        "v Dubnici hlásí o třetinu více návštěv než loni; chybí mu víkendový provoz.\n\n"
        "Úřad práce připomněl možnost dotace na **sociálně aktivizační služby** pro rodiny "
        "s dětmi a nabídl konzultace.",
        "- Klub pošle návrh víkendového provozu.\n- Úřad práce rozešle podmínky dotace."),
    4: ("Skupina prošla aktualizaci katalogu poskytovatelů sociálních služeb. Šest "
        "organizací doplnilo kontakty, dvě služby ukončily činnost.\n\n"
        "Dluhová poradna informovala o rostoucím počtu exekucí v regionu a navrhla "
        "společný informační den pro obce.",
        "- Realizační tým zveřejní katalog do konce měsíce.\n"
        "- Poradna navrhne termín informačního dne."),
}


def _minutes() -> None:
    """Minutes of each group's held meeting: published, but the second group's still a draft."""
    from .meetings.models import Meeting
    from .minutes import services

    secretary = db.session.scalar(sa.select(Member).where(
        Member.email == "zapisovatel@vranov.example"))
    held = db.session.scalars(sa.select(Meeting).where(Meeting.number == 1)
                              .order_by(Meeting.group_id)).all()
    for index, meeting in enumerate(held):
        minutes = services.start(meeting, secretary)
        proceedings, outcomes = PROCEEDINGS[meeting.group.number]
        text = (minutes.text.replace("Sem napište, co se na schůzce projednalo.", proceedings)
                .replace("Sem napište, na čem jste se dohodli a kdo co do kdy udělá.", outcomes))
        services.save(minutes, secretary, text, minutes.version)
        _demo_tasks(minutes, secretary, index)
        if index != 1:
            services.submit(minutes)
            services.approve(minutes, secretary)  # she coordinates the demo groups
            services.publish(minutes, secretary)


def _demo_tasks(minutes, secretary, index: int) -> None:
    """Tasks of the demo minutes: the first group's for an organisation (due in a fortnight),
    the last one's for the minute-taker (already overdue)."""
    from .minutes import tasks

    today = today_in_prague()
    if index == 0:
        charity = db.session.scalar(sa.select(Organisation.id).where(
            Organisation.name == "Farní charita Vranov"))
        tasks.add(minutes, "Připravit rozpočet terénní pečovatelské služby", f"o:{charity}",
                  today + timedelta(days=14))
    if index == 2:
        tasks.add(minutes, "Zveřejnit aktualizovaný katalog poskytovatelů",
                  f"m:{secretary.id}", today - timedelta(days=2))


LIST_POSTS = [  # (author, subject, text) on the territory's list (fictional)
    ("clen@vranov.example", "Nabídka: seminář o dluhovém poradenství",
     "Dobrý den,\n\nCharita pořádá **seminář o dluhovém poradenství** pro sociální pracovnice "
     "a pracovníky obcí.\n\n- kdy: 14. 1. 2027 od 9:00\n- kde: fara ve Vranově\n- přihlášky: "
     "odpovědí na tuto zprávu do 7. 1.\n\nS pozdravem"),
    ("zapisovatel@vranov.example", "Aktualizovaný katalog poskytovatelů",
     "Dobrý den,\n\nna webu obce je nová verze katalogu poskytovatelů sociálních služeb. "
     "Prosíme o kontrolu kontaktů vašich organizací do konce měsíce."),
]


def _list_posts() -> None:
    """Two announcements on the territory's list (their mail goes to the demo maildir)."""
    from .mailing import services
    from .mailing.models import ListKind, MailingList

    territory = db.session.scalar(sa.select(MailingList).filter_by(kind=ListKind.TERRITORY))
    for email, subject, text in LIST_POSTS:
        author = db.session.scalar(sa.select(Member).where(Member.email == email))
        services.post(territory, author, subject, text)


VISITS = [  # kind, title, host (in the directory, or abroad), country, days ahead,
    # days long, places, how many sign up, description
    ("study_visit", "Exkurze do nízkoprahového klubu pro mládež v Drážďanech",
     "Jugendhaus Elbbrücke (fiktivní)", "Německo", 40, 1, 12, 8,
     "Celodenní exkurze: jak klub pracuje s dospívajícími z ulice.\n\n- prohlídka klubu\n"
     "- beseda s terénními pracovníky\n- společný oběd"),
    ("internship", "Výměnná stáž v azylovém domě", "Azylový dům Přístav, z. ú.", "Česko", 21,
     2, 2, 3,
     "Dva dny v provozu azylového domu: příjem klienta, individuální plánování, "
     "spolupráce s úřadem práce."),
]


def _visits() -> None:
    """Two offers to sign up for and one past study visit with its participants and a report
    (the sign-ups' mail goes to the demo maildir)."""
    from .visits import services
    from .visits.models import Registration, Status, Visit, VisitKind, VisitReport, VisitSlot

    members = db.session.scalars(sa.select(Member).order_by(Member.id)).all()
    organisations = {o.name: o for o in db.session.scalars(sa.select(Organisation))}
    organiser, today = members[1], services.today()
    eligible = [m for m in members[2:] if m.role is not Role.READER and not m.deactivated_at]
    for kind, title, host, country, ahead, days, places, signing, text in VISITS:
        start = today + timedelta(days=ahead)
        values = {"kind": VisitKind(kind), "title": title, "country": country,
                  "host_organisation_id": organisations[host].id if host in organisations
                  else None, "host_name": "" if host in organisations else host,
                  "address": "", "description": text, "contact": organiser.email,
                  "practical": "Doprava společně vlakem; cestovné hradí projekt.",
                  "deadline": start - timedelta(days=7), "org_limit": None}
        visit = services.save_visit(None, organiser, values, [services.SlotDetails(
            None, start, start + timedelta(days=days - 1), places)])
        for member in eligible[:signing]:
            services.sign_up(visit, visit.slots[0], member, "")
    past_day = today - timedelta(days=60)
    past = Visit(kind=VisitKind.STUDY_VISIT, title="Exkurze do mateřského centra",
                 host_organisation_id=organisations["Mateřské centrum Sluníčko"].id,
                 deadline=past_day - timedelta(days=7),
                 starts_on=past_day, ends_on=past_day, organiser=organiser,
                 description="Jak mateřské centrum pomáhá rodinám v obtížné situaci.",
                 search_key="exkurze do materskeho centra materske centrum slunicko",
                 slots=[VisitSlot(starts_on=past_day, ends_on=past_day, capacity=8, taken=3,
                                  last_number=3)])
    db.session.add(past)
    db.session.flush()
    for number, member in enumerate(members[4:7], start=1):
        db.session.add(Registration(visit_id=past.id, slot_id=past.slots[0].id,
                                    member_id=member.id, organisation_id=member.organisation_id,
                                    status=Status.CONFIRMED, number=number))
    db.session.add(VisitReport(visit_id=past.id, member_id=members[4].id, text=(
        "Zaujalo nás **sdílené hlídání dětí** během poradenství. Rádi bychom to zkusili "
        "i u nás.")))
    db.session.commit()


# (priority, goal, owning municipalities, [(indicator, unit, baseline, target, better, owner
# organisation, [values by years after the baseline])])
STRATEGY = [
    ("Dostupné sociální služby", [
        ("Zvýšení nabídky sociálních služeb", ["Lipová", "Dubnice"], [
            ("Počet míst v odlehčovací službě", "", 4, 12, "higher", "Farní charita Vranov",
             [6, 7]),
            ("Počet lidí čekajících na pečovatelskou službu", "", 30, 10, "lower",
             "Městský úřad Vranov nad Bystrou", [27, 29]),
        ]),
        ("Zajištění koordinace služeb", ["Vranov nad Bystrou", "Podhradí"], [
            ("Počet setkání kulatého stolu za rok", "", 1, 4, "higher", "Spolek Most k domovu",
             [3]),
        ]),
    ]),
    ("Informovanost a prevence", [
        ("Zvýšení informovanosti o sociálních službách", ["Horní Lhota"], [
            ("Počet obcí s aktuálním katalogem služeb na webu", "", 1, 8, "higher",
             "Obecní úřad Horní Lhota", []),
        ]),
    ]),
]


def _strategy() -> None:
    """A fictional strategy: two priorities, three goals owned by municipalities, indicators
    with owners and a few yearly values (one late, one behind, one on track)."""
    from datetime import date

    from .strategy.models import Better, Goal, Indicator, IndicatorValue, Priority

    municipalities = {m.name: m for m in db.session.scalars(sa.select(Municipality))}
    organisations = {o.name: o for o in db.session.scalars(sa.select(Organisation))}
    mayor = db.session.scalar(sa.select(Member).where(Member.role == Role.READER))
    owner = db.session.scalar(sa.select(Member).where(Member.email == "clen@vranov.example"))
    this_year = today_in_prague().year
    start, end = date(this_year - 2, 1, 1), date(this_year + 3, 12, 31)
    for p_number, (p_title, goals) in enumerate(STRATEGY, start=1):
        priority = Priority(number=p_number, title=p_title)
        for g_number, (g_title, owners, indicators) in enumerate(goals, start=1):
            goal = Goal(priority=priority, number=g_number, title=g_title, answerable=mayor,
                        municipalities=[municipalities[name] for name in owners])
            for name, unit, baseline, target, better, organisation, values in indicators:
                indicator = Indicator(
                    goal=goal, name=name, unit=unit, baseline=baseline, baseline_on=start,
                    target=target, target_on=end, better=Better(better),
                    owner_organisation=organisations[organisation],
                    owner=owner if organisation == "Spolek Most k domovu" else None,
                    months_between_values=12)
                indicator.values = [IndicatorValue(measured_on=date(start.year + n, 1, 15),
                                                   value=value, source="výkaz za minulý rok")
                                    for n, value in enumerate(values, start=1)]
            db.session.add(priority)
    db.session.commit()
    _measures_and_decisions()


def _measures_and_decisions() -> None:
    """Two measures of the coordination goal, moved by the newest held meeting with minutes
    and one of its tasks; that meeting decided who owns the catalogue's indicator."""
    from .meetings.models import Meeting
    from .minutes.models import ActionItem, Minutes
    from .strategy.models import Goal, Indicator, Measure, MeasureState, OwnerDecision
    from .strategy.services import indicator_owner_text

    held = db.session.scalar(sa.select(Meeting).join(Minutes, Minutes.meeting_id == Meeting.id)
                             .order_by(Meeting.starts_at.desc()).limit(1))
    task = db.session.scalar(sa.select(ActionItem).join(Minutes).where(
        Minutes.meeting_id == held.id).limit(1)) if held else None
    goal = db.session.scalar(sa.select(Goal).where(Goal.title == "Zajištění koordinace služeb"))
    most = db.session.scalar(sa.select(Organisation).where(
        Organisation.name == "Spolek Most k domovu"))
    db.session.add_all([
        Measure(goal=goal, title="Pravidelný kulatý stůl poskytovatelů a obcí",
                description="Čtyřikrát ročně, pokaždé v jiné obci.", state=MeasureState.RUNNING,
                responsible_organisation=most, meetings=[held] if held else [],
                tasks=[task] if task else []),
        Measure(goal=goal, title="Společný katalog služeb na webech obcí",
                state=MeasureState.PLANNED)])
    indicator = db.session.scalar(sa.select(Indicator).where(
        Indicator.name == "Počet obcí s aktuálním katalogem služeb na webu"))
    if held is not None:
        before = indicator_owner_text(indicator)
        indicator.owner_organisation = most
        db.session.add(OwnerDecision(meeting_id=held.id, indicator_id=indicator.id,
                                     before=before, after=indicator_owner_text(indicator)))
    db.session.commit()


# (organisation, kind, name, target groups, municipalities served or None for the whole
# territory, address, phone, opening hours, capacity, days since confirmed) – fictional
CATALOGUE = [
    ("Spolek Most k domovu", "terénní programy", "Terénní program Most",
     ["lidé bez domova", "lidé ohrožení závislostí"], None, "", "+420 602 111 001",
     "po–pá 8:00–16:00 v terénu", "", 40),
    ("Spolek Most k domovu", "odborné sociální poradenství", "Dluhová poradna Most",
     ["lidé v dluhové pasti"], ["Vranov nad Bystrou", "Lipová", "Dubnice"],
     "Náměstí Míru 12, Vranov nad Bystrou", "+420 602 111 002",
     "po a st 9:00–17:00, jinak po dohodě", "", 420),
    ("Azylový dům Přístav, z. ú.", "azylové domy", "",
     ["lidé bez domova", "oběti domácího násilí"], None, "Nádražní 5, Dubnice",
     "+420 602 111 003", "nonstop", "14 lůžek, z toho 4 pro matky s dětmi", 90),
    ("Mateřské centrum Sluníčko", "sociálně aktivizační služby pro rodiny s dětmi", "",
     ["rodiny s dětmi"], ["Lipová", "Zálesí", "Rybníček"], "Školní 3, Lipová",
     "+420 602 111 004", "út a čt 8:00–12:00", "", 200),
    ("Farní charita Vranov", "pečovatelská služba", "Pečovatelská služba Charity",
     ["senioři", "lidé se zdravotním postižením"],
     ["Vranov nad Bystrou", "Horní Lhota", "Podhradí", "Kamenná Ves"],
     "Farní 1, Vranov nad Bystrou", "+420 602 111 005", "denně 7:00–19:00",
     "volná místa od září", 10),
]


def _catalogue() -> None:
    """A few services in the catalogue; the debt counselling not confirmed for over a year
    (the organisation's members see it waiting)."""
    from .catalogue.models import ProviderService, ServiceKind, TargetGroup, search_text

    kinds = {k.name: k for k in db.session.scalars(sa.select(ServiceKind))}
    groups = {g.name: g for g in db.session.scalars(sa.select(TargetGroup))}
    municipalities = {m.name: m for m in db.session.scalars(sa.select(Municipality))}
    organisations = {o.name: o for o in db.session.scalars(sa.select(Organisation))}
    now = utcnow()
    for (organisation, kind, name, whom, where, address, phone, hours, capacity,
         age) in CATALOGUE:
        service = ProviderService(
            organisation=organisations[organisation], kind=kinds[kind], name=name,
            whole_territory=where is None, address=address, phone=phone,
            email=organisations[organisation].email, opening_hours=hours, capacity=capacity,
            description="Ukázková služba: všechny údaje jsou smyšlené.",
            target_groups=[groups[g] for g in whom],
            municipalities=[municipalities[m] for m in where or []],
            confirmed_at=now - timedelta(days=age))
        service.search_key = search_text(service)
        db.session.add(service)
    db.session.commit()
