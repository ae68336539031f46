"""The yearly report (#28, "Výroční zpráva"): a small territory's year with meetings, minutes,
tasks, visits and indicators inside and just outside it (Prague's midnights), and the exact
figures on the page and in the CSV; the year's choice and bad input; constant queries."""

import csv
import io
import re
from datetime import date, datetime, time, timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from intranet.extensions import db
from intranet.i18n import local_to_utc, today_in_prague
from intranet.meetings.models import Guest, Meeting, MeetingStatus, Participation, Presence
from intranet.minutes.models import ActionItem, Minutes, MinutesState
from intranet.policy import Role
from intranet.report.yearly import default_year
from intranet.strategy.models import Better, Goal, Indicator, IndicatorValue, Priority
from intranet.visits.models import Registration, Status, Visit, VisitKind, VisitSlot

from .queries import queries_for

TODAY = today_in_prague()
Y = TODAY.year - 2  # the reported year, and the whole next one, are over


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A moment in Prague, as UTC."""
    return local_to_utc(day, time(hour, minute))


def d(month: int, day: int, year: int = Y) -> date:
    return date(year, month, day)


# --- the world ----------------------------------------------------------------------------

class World:
    def __init__(self, create_member, create_organisation, create_municipality, create_group):
        self.lipova, self.dubnice = create_municipality("Lipová"), create_municipality("Dubnice")
        self.office = create_organisation("Obecní úřad Lipová", municipality=self.lipova)
        self.care = create_organisation("Pečovatelská služba Lipová", municipality=self.lipova)
        self.charity = create_organisation("Charita Dubnice", municipality=self.dubnice)
        self.a = create_member(organisation=self.office, first_name="Alena")
        self.b = create_member(organisation=self.charity, first_name="Bohdana")
        self.c = create_member(organisation=self.care, first_name="Cyril")
        self.seniors = create_group(number=1, name="Senioři", members=[self.a, self.b])
        self.families = create_group(number=2, name="Rodiny s dětmi", members=[self.c])

    def meeting(self, group, starts_at, present=(), guests=0, taken=True,
                status=MeetingStatus.SCHEDULED) -> Meeting:
        group.last_meeting_number += 1
        meeting = Meeting(group=group, number=group.last_meeting_number, starts_at=starts_at,
                          ends_at=starts_at + timedelta(hours=2), place="Radnice",
                          status=status, attendance_taken_at=starts_at if taken else None)
        meeting.participations = [
            Participation(member=m, presence=Presence.PRESENT if m in present else
                          Presence.ABSENT if taken else None)
            for m in (ms.member for ms in group.memberships)]
        meeting.guests = [Guest(name=f"Host {n}") for n in range(guests)]
        db.session.add(meeting)
        return meeting

    def minutes(self, meeting, published_at=None) -> Minutes:
        minutes = Minutes(meeting=meeting, created_by=self.a, text="Zápis",
                          state=MinutesState.PUBLISHED if published_at else MinutesState.DRAFT,
                          published_at=published_at)
        db.session.add(minutes)
        return minutes

    def task(self, minutes, created_at, due_on=None, done_on=None) -> ActionItem:
        task = ActionItem(minutes=minutes, group_id=minutes.meeting.group.id, title="Úkol",
                          member_id=self.a.id, created_at=created_at, due_on=due_on,
                          done_on=done_on)
        db.session.add(task)
        return task

    def visit(self, kind, title, first, last, going, host=None, host_name="",
              country="Česko", cancelled=()) -> Visit:
        visit = Visit(kind=kind, title=title, host_organisation=host, host_name=host_name,
                      country=country, deadline=first - timedelta(days=10), starts_on=first,
                      ends_on=last, organiser=self.a)
        slot = VisitSlot(visit=visit, starts_on=first, ends_on=last, capacity=10,
                         taken=len(going))
        people = [(m, Status.CONFIRMED) for m in going] + [(m, Status.CANCELLED)
                                                          for m in cancelled]
        db.session.add_all([visit, slot, *(
            Registration(visit=visit, slot=slot, member=m, organisation_id=m.organisation_id,
                         status=status, number=n) for n, (m, status) in enumerate(people, 1))])
        return visit

    def indicator(self, goal, name, baseline, baseline_on, target, target_on, values=(),
                  better=Better.HIGHER, months=12, unit="") -> Indicator:
        indicator = Indicator(goal=goal, name=name, unit=unit, baseline=baseline,
                              baseline_on=baseline_on, target=target, target_on=target_on,
                              better=better, months_between_values=months)
        indicator.values = [IndicatorValue(measured_on=day, value=value) for day, value in values]
        db.session.add(indicator)
        return indicator


@pytest.fixture
def world(app, create_member, create_organisation, create_municipality, create_group):
    w = World(create_member, create_organisation, create_municipality, create_group)
    a, b, c, seniors, families = w.a, w.b, w.c, w.seniors, w.families
    # Meetings: 5 held in Y (seniors 2 with 5 attendances, families 3 with 6); around them
    # one at 23:30 on New Year's Eve before, one at 0:30 on New Year's Day after (in UTC
    # still the 31st), a cancelled one and one without attendance.
    m_prev = w.meeting(seniors, at(d(12, 31, Y - 1), 23, 30), [a, b])
    m1 = w.meeting(seniors, at(d(3, 10)), [a, b], guests=1)
    w.meeting(seniors, at(d(4, 1)), [a], status=MeetingStatus.CANCELLED)
    m2 = w.meeting(seniors, at(d(11, 5)), [a, b])
    m3 = w.meeting(families, at(d(6, 1)), [c], guests=2)
    m4 = w.meeting(families, at(d(9, 1)), [c])
    unrecorded = w.meeting(families, at(d(10, 1)), taken=False)
    m5 = w.meeting(families, at(d(12, 31), 23, 30), [c], guests=1)
    m_next = w.meeting(seniors, at(d(1, 1, Y + 1), 0, 30), [b])
    # Minutes: 5 published in Y (seniors 2, families 3), one on New Year's Eve before, one
    # in January after, a draft.
    prev = w.minutes(m_prev, at(d(12, 31, Y - 1), 23, 50))
    minutes1, minutes2 = w.minutes(m1, at(d(3, 12))), w.minutes(m2, at(d(11, 7)))
    minutes3, minutes4 = w.minutes(m3, at(d(6, 3))), w.minutes(m4, at(d(9, 3)))
    w.minutes(m5, at(d(12, 31), 23, 55))
    w.minutes(m_next, at(d(1, 2, Y + 1)))
    draft = w.minutes(unrecorded)
    # Tasks: seniors 6 created, 3 done, 4 overdue at the year's end; families 4, 2, 1.
    w.task(minutes1, at(d(3, 12)), d(4, 30), d(4, 20))  # created, done
    w.task(minutes1, at(d(3, 12)), d(6, 30))  # created, overdue
    w.task(minutes1, at(d(3, 12)), d(12, 31), d(1, 10, Y + 1))  # created, overdue at the end
    w.task(minutes1, at(d(3, 12)), d(2, 1, Y + 1))  # created, not yet due
    w.task(minutes1, at(d(3, 12)), None, d(5, 5))  # created, done
    w.task(minutes2, at(d(11, 6)), d(11, 20))  # created, overdue
    w.task(prev, at(d(12, 31, Y - 1), 21), d(2, 1))  # overdue
    w.task(prev, at(d(12, 31, Y - 1), 21), d(1, 31), d(1, 15))  # done
    w.task(minutes3, at(d(6, 3)))  # created
    w.task(minutes3, at(d(6, 3)), d(7, 1), d(6, 20))  # created, done
    w.task(minutes3, at(d(6, 3)), d(8, 1), d(7, 30))  # created, done
    w.task(minutes4, at(d(9, 3)), d(10, 1), d(3, 1, Y + 1))  # created, overdue
    w.task(draft, at(d(10, 2)), d(10, 10))  # a draft's: not counted
    # Visits: in Y an internship at the charity (Alena, Cyril; Bohdana cancelled) and a
    # study visit abroad (Alena); one on 30 December before, one on 1 January after.
    w.visit(VisitKind.INTERNSHIP, "Stáž v Dubnici", d(5, 10), d(5, 12), [a, c], w.charity,
            cancelled=[b])
    w.visit(VisitKind.STUDY_VISIT, "Exkurze do Vídně", d(9, 20), d(9, 20), [a],
            host_name="Fonds Soziales Wien", country="Rakousko")
    w.visit(VisitKind.STUDY_VISIT, "Loňská exkurze", d(12, 30, Y - 1), d(12, 30, Y - 1), [b],
            host_name="Diakonie Brno")
    w.visit(VisitKind.INTERNSHIP, "Novoroční stáž", d(1, 1, Y + 1), d(1, 3, Y + 1), [c],
            w.charity)
    # The strategy: on track with a value in June (the one of the next year not counted),
    # a lower-is-better one behind plan and late, one without values, one begun after Y.
    goal = Goal(priority=Priority(number=1, title="Dostupné služby"), number=1,
                title="Zvýšení nabídky sociálních služeb", municipalities=[w.lipova])
    db.session.add(goal)
    w.indicator(goal, "Lůžka odlehčovací služby", 10, d(1, 1, Y - 1), 20, d(12, 31, Y + 2),
                [(d(6, 30), 15), (d(2, 1, Y + 1), 21)], unit="lůžek")
    w.indicator(goal, "Čekací doba na pečovatelskou službu", 60, d(1, 1, Y - 1), 30,
                d(12, 31, Y + 2), [(d(3, 1), 70)], better=Better.LOWER, months=6, unit="dní")
    w.indicator(goal, "Informační kampaně", 0, d(1, 1), 4, d(12, 31, Y + 1))
    w.indicator(goal, "Indikátor až z dalšího roku", 0, d(6, 1, Y + 1), 1, d(12, 31, Y + 3))
    db.session.commit()
    return w


# --- reading the page ---------------------------------------------------------------------

class Tables(HTMLParser):
    """The page's tables by caption (its text before any note in parentheses): rows of the
    cells' texts, the header row first, the footer last."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.caption = self.row = self.cell = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "caption":
            self.caption = []
        elif tag == "tr":
            self.row = []
        elif tag in ("th", "td") and self.row is not None:
            self.cell = []
        elif tag == "table":
            self.rows = []

    def handle_endtag(self, tag):
        if tag == "caption":
            name = " ".join("".join(self.caption).split())
            self.name, self.caption = re.sub(r" \(.*\)$", "", name), None
            self.tables[self.name] = self.rows
        elif tag in ("th", "td") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr":
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data):
        for part in (self.cell, self.caption):
            if part is not None:
                part.append(data)


def page(client, query: str, status: int = 200) -> tuple[str, dict[str, list[list[str]]]]:
    response = client.get(f"/report{query}")
    assert response.status_code == status
    html = response.get_data(as_text=True)
    return " ".join(unescape(html).split()), Tables(html).tables


def csv_rows(client, table: str, year: int = Y) -> list[list[str]]:
    response = client.get(f"/report.csv?year={year}&table={table}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


@pytest.fixture
def reader(client, create_member):
    """A mayor (the role that reads only) logged in."""
    client.login(create_member(Role.READER))
    return client


# --- the figures --------------------------------------------------------------------------

def test_meetings_per_group_and_attendance_per_municipality(reader, world):
    text, tables = page(reader, f"?year={Y}")
    assert f"V roce {Y} proběhlo 5 schůzek 2 pracovních skupin." in text
    assert "Zapsáno je 11 účastí (členové i hosté), v průměru 2,2 na schůzku." in text
    assert tables["Schůzky podle pracovních skupin"] == [
        ["Pracovní skupina", "Schůzek", "Účastí celkem", "Průměrná účast"],
        ["č. 1 – Senioři", "2", "5", "2,5"],
        ["č. 2 – Rodiny s dětmi", "3", "6", "2"],
        ["Celkem", "5", "11", "2,2"]]
    assert tables["Účast podle obcí"] == [
        ["Obec", "Účastí", "Lidí", "Schůzek s někým z obce"],
        ["Lipová", "5", "2", "5"],
        ["Dubnice", "2", "1", "2"]]
    assert csv_rows(reader, "meetings") == [
        ["Pracovní skupina", "Schůzek", "Účastí celkem (členové i hosté)",
         "Průměrná účast na schůzce"],
        ["č. 1 – Senioři", "2", "5", "2,5"], ["č. 2 – Rodiny s dětmi", "3", "6", "2"]]
    assert csv_rows(reader, "municipalities") == [
        ["Obec", "Účastí", "Lidí", "Schůzek s někým z obce"],
        ["Lipová", "5", "2", "5"], ["Dubnice", "2", "1", "2"]]


def test_minutes_published_in_the_year(reader, world):
    text, tables = page(reader, f"?year={Y}")
    assert f"V roce {Y} bylo zveřejněno 5 zápisů ze schůzek." in text
    assert tables["Zveřejněné zápisy podle pracovních skupin"] == [
        ["Pracovní skupina", "Zápisů"], ["č. 1 – Senioři", "2"],
        ["č. 2 – Rodiny s dětmi", "3"], ["Celkem", "5"]]
    assert csv_rows(reader, "minutes")[1:] == [["č. 1 – Senioři", "2"],
                                               ["č. 2 – Rodiny s dětmi", "3"]]


def test_tasks_created_done_and_overdue_at_the_years_end(reader, world):
    text, tables = page(reader, f"?year={Y}")
    assert f"V roce {Y} vzniklo 10 úkolů." in text
    assert "Během roku bylo splněno 5 úkolů." in text
    assert f"K 31. 12. {Y} bylo po termínu 5 úkolů." in text
    assert tables["Úkoly podle pracovních skupin"] == [
        ["Pracovní skupina", "Nových", "Splněných", f"Po termínu k 31. 12. {Y}"],
        ["č. 1 – Senioři", "6", "3", "4"], ["č. 2 – Rodiny s dětmi", "4", "2", "1"],
        ["Celkem", "10", "5", "5"]]
    assert csv_rows(reader, "tasks") == [
        ["Pracovní skupina", "Nových úkolů", "Splněných úkolů", f"Po termínu k 31. 12. {Y}"],
        ["č. 1 – Senioři", "6", "3", "4"], ["č. 2 – Rodiny s dětmi", "4", "2", "1"]]


def test_visits_and_who_learned_from_whom(reader, world):
    text, tables = page(reader, f"?year={Y}")
    assert f"V roce {Y} proběhly 2 výměnné stáže a exkurze." in text
    assert "Zúčastnili se jich 2 lidé. Lidi na ně vyslaly 2 organizace." in text
    assert tables["Stáže a exkurze podle druhu"] == [
        ["Druh", "Počet", "Účastí", "Lidí", "Vysílajících organizací"],
        ["Výměnná stáž", "1", "2", "2", "2"], ["Exkurze", "1", "1", "1", "1"],
        ["Celkem", "2", "3", "2", "2"]]
    assert tables[f"Stáže a exkurze roku {Y}"] == [
        ["Název", "Kdy", "Hostitel", "Účastí"],
        ["Stáž v Dubnici (výměnná stáž)", f"10. 5. {Y} – 12. 5. {Y}", "Charita Dubnice", "2"],
        ["Exkurze do Vídně (exkurze)", f"20. 9. {Y}", "Fonds Soziales Wien, Rakousko", "1"]]
    assert tables["Kdo se učil u koho"] == [
        ["Organizace účastníků / hostitelé", "Fonds Soziales Wien", "Charita Dubnice",
         "Celkem"],  # ch after h
        ["Obecní úřad Lipová", "1", "1", "2"], ["Pečovatelská služba Lipová", "·", "1", "1"],
        ["Celkem", "1", "2", "3"]]
    assert csv_rows(reader, "visit_kinds")[1:] == [["výměnná stáž", "1", "2", "2", "2"],
                                                   ["exkurze", "1", "1", "1", "1"]]
    assert csv_rows(reader, "visits")[1:] == [
        [f"10. 5. {Y}", f"12. 5. {Y}", "výměnná stáž", "Stáž v Dubnici", "Charita Dubnice",
         "Česko", "2"],
        [f"20. 9. {Y}", f"20. 9. {Y}", "exkurze", "Exkurze do Vídně", "Fonds Soziales Wien",
         "Rakousko", "1"]]
    assert csv_rows(reader, "learned")[1:] == [["Obecní úřad Lipová", "1", "1", "2"],
                                               ["Pečovatelská služba Lipová", "0", "1", "1"]]


def test_indicators_against_target_at_the_years_end(reader, world):
    text, tables = page(reader, f"?year={Y}")
    assert (f"Stav k 31. 12. {Y} – cíle dosaženo: 0, podle plánu: 1, zaostává za plánem: 1, "
            "zatím bez hodnot: 1.") in text
    rows = tables["Cíl 1.1: Zvýšení nabídky sociálních služeb"]
    assert [row[:4] for row in rows] == [
        ["Indikátor", "Výchozí", f"K 31. 12. {Y}", "Cíl"],
        ["Lůžka odlehčovací služby", f"10 lůžek (1. 1. {Y - 1})",
         f"15 lůžek (30. 6. {Y})", f"20 lůžek (do 31. 12. {Y + 2})"],
        ["Čekací doba na pečovatelskou službu", f"60 dní (1. 1. {Y - 1})",
         f"70 dní (1. 3. {Y})", f"30 dní (do 31. 12. {Y + 2})"],
        ["Informační kampaně", f"0 (1. 1. {Y})", "–", f"4 (do 31. 12. {Y + 1})"]]
    assert "50 % cesty k cíli" in rows[1][4] and "podle plánu" in rows[1][4]
    assert "-33 % cesty k cíli" in rows[2][4] and "zaostává za plánem" in rows[2][4]
    assert f"hodnota chybí od 1. 9. {Y}" in rows[2][4]
    assert "zatím bez hodnot" in rows[3][4]
    assert "Indikátor až z dalšího roku" not in text and "21" not in str(rows)
    assert csv_rows(reader, "indicators")[1:] == [
        ["1.1 Zvýšení nabídky sociálních služeb", "Lůžka odlehčovací služby", "lůžek", "10",
         f"1. 1. {Y - 1}", "15", f"30. 6. {Y}", "20", f"31. 12. {Y + 2}", "50",
         "podle plánu", ""],
        ["1.1 Zvýšení nabídky sociálních služeb", "Čekací doba na pečovatelskou službu", "dní",
         "60", f"1. 1. {Y - 1}", "70", f"1. 3. {Y}", "30", f"31. 12. {Y + 2}", "-33",
         "zaostává za plánem", f"1. 9. {Y}"],
        ["1.1 Zvýšení nabídky sociálních služeb", "Informační kampaně", "", "0", f"1. 1. {Y}",
         "", "", "4", f"31. 12. {Y + 1}", "", "zatím bez hodnot", ""]]


def test_the_next_year_counts_what_fell_into_it(reader, world):
    """The meeting at 0:30 on New Year's Day, the minutes of 2 January, the tasks done late,
    the indicator's later value: the year after Y has them."""
    text, tables = page(reader, f"?year={Y + 1}")
    assert (f"V roce {Y + 1} proběhla 1 výměnná stáž nebo exkurze. Zúčastnil se jí 1 člověk. "
            "Lidi na ni vyslala 1 organizace.") in text  # one visit: "jí", "na ni"
    assert tables["Schůzky podle pracovních skupin"][1:] == [
        ["č. 1 – Senioři", "1", "1", "1"], ["Celkem", "1", "1", "1"]]
    assert tables["Zveřejněné zápisy podle pracovních skupin"][1:] == [
        ["č. 1 – Senioři", "1"], ["Celkem", "1"]]
    assert tables["Úkoly podle pracovních skupin"][1:] == [  # done late; the open ones
        ["č. 1 – Senioři", "0", "1", "4"], ["č. 2 – Rodiny s dětmi", "0", "1", "0"],
        ["Celkem", "0", "2", "4"]]
    assert tables["Stáže a exkurze podle druhu"][1:] == [
        ["Výměnná stáž", "1", "1", "1", "1"], ["Celkem", "1", "1", "1", "1"]]
    assert tables["Cíl 1.1: Zvýšení nabídky sociálních služeb"][1][2] == f"21 lůžek (1. 2. {Y + 1})"
    assert "Indikátor až z dalšího roku" in text


def test_an_empty_year_says_so(reader, app):
    text, tables = page(reader, f"?year={TODAY.year}")
    assert f"V roce {TODAY.year} neproběhla žádná schůzka pracovní skupiny." in text
    assert f"V roce {TODAY.year} nebyl zveřejněn žádný zápis." in text
    assert f"V roce {TODAY.year} nevznikl žádný úkol." in text
    assert "neproběhla žádná výměnná stáž ani exkurze" in text
    assert "strategie neměla žádné indikátory" in text
    assert tables == {}


# --- the year's choice and bad input ------------------------------------------------------

@pytest.mark.parametrize(("today", "year"), [
    (date(2027, 1, 5), 2026), (date(2027, 3, 31), 2026), (date(2027, 4, 1), 2027),
    (date(2027, 12, 31), 2027)])
def test_the_default_year_is_the_last_one_until_march(today, year):
    assert default_year(today) == year


def test_the_year_select_offers_the_years_with_data(reader, world):
    text, _tables = page(reader, "")
    assert f"<h1 id=\"report-heading\">Výroční zpráva {default_year(TODAY)}</h1>" in text
    options = re.findall(r'<option (?:selected )?value="(\d+)"', text)
    assert options == [str(year) for year in range(TODAY.year, Y - 2, -1)]
    text, _tables = page(reader, f"?year={Y}")
    assert f'<option selected value="{Y}">' in text


@pytest.mark.parametrize("year", ["abc", "1990", "", "2026.5", "-1"])
def test_a_year_without_a_report_is_said_at_the_field(reader, world, year):
    text, _tables = page(reader, f"?year={year}", status=400)
    assert "Za takový rok zpráva není; vyberte rok ze seznamu." in text
    assert 'aria-invalid="true"' in text
    default = default_year(TODAY)
    assert f"Výroční zpráva {default}</h1>" in text
    assert f'<option selected value="{default}">' in text


def test_csv_of_an_unknown_table_or_year_is_not_found(reader, world):
    assert reader.get(f"/report.csv?year={Y}&table=nope").status_code == 404
    assert reader.get(f"/report.csv?year={Y}").status_code == 404
    assert reader.get("/report.csv?year=abc&table=meetings").status_code == 404
    response = reader.get(f"/report.csv?year={Y}&table=tasks")
    assert "V%C3%BDro%C4%8Dn%C3%AD%20zpr%C3%A1va%20" in response.headers["Content-Disposition"]


def test_the_csv_neutralises_formula_cells(reader, world):
    world.dubnice.name = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    rows = csv_rows(reader, "municipalities")
    assert rows[2][0] == "'=HYPERLINK(\"http://x\")"


# --- the page's place and cost ------------------------------------------------------------

def test_the_dashboard_and_the_statistics_lead_to_the_report(reader):
    assert 'href="/report"' in reader.get("/").get_data(as_text=True)
    assert 'href="/report"' in reader.get("/meetings/stats").get_data(as_text=True)


def test_the_report_costs_the_same_queries_whatever_the_data(reader, world, create_group,
                                                            create_member):
    few = queries_for(reader, f"/report?year={Y}")
    for n in range(3):
        person = create_member(organisation=world.charity)
        group = create_group(number=10 + n, name=f"Skupina {n}", members=[person, world.c])
        meeting = world.meeting(group, at(d(7, 1 + n)), [person, world.c], guests=1)
        minutes = world.minutes(meeting, at(d(7, 2 + n)))
        world.task(minutes, at(d(7, 2 + n)), d(8, 1))
        world.visit(VisitKind.STUDY_VISIT, f"Exkurze {n}", d(8, 1 + n), d(8, 1 + n),
                    [person], world.charity)
        goal = Goal(priority_id=db.session.scalar(sa.select(Priority.id)), number=2 + n,
                    title=f"Cíl {n}")
        db.session.add(goal)
        world.indicator(goal, f"Indikátor {n}", 0, d(1, 1), 10, d(12, 31, Y + 1),
                        [(d(5, 1), 3)])
    db.session.commit()
    assert queries_for(reader, f"/report?year={Y}") == few
