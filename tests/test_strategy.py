"""The strategy (issue #28): goals owned by municipalities, indicators with owners who enter
values; progress toward the target whichever way is better; late values; bad input answered
at the field."""

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from intranet.extensions import db
from intranet.i18n import today_in_prague
from intranet.policy import Role
from intranet.strategy import services
from intranet.strategy.chart import chart_of
from intranet.strategy.models import (
    Better,
    Goal,
    Indicator,
    IndicatorValue,
    Priority,
    goal_municipality,
)
from intranet.strategy.progress import State, add_months, progress_of

from .conftest import field_error
from .queries import queries_for

TODAY = date(2027, 1, 1)


def indicator_like(baseline=10.0, target=20.0, better=Better.HIGHER, months=12,
                   baseline_on=date(2025, 1, 1), target_on=date(2029, 1, 1)):
    return SimpleNamespace(baseline=baseline, target=target, better=better,
                           baseline_on=baseline_on, target_on=target_on,
                           months_between_values=months)


def values(*pairs):
    return [SimpleNamespace(measured_on=day, value=value) for day, value in pairs]


# --- progress, as pure arithmetic ---------------------------------------------------------

def test_progress_toward_a_higher_target():
    progress = progress_of(indicator_like(), values((date(2026, 6, 1), 15.0)), TODAY)
    assert progress.share == 0.5 and progress.percent == 50 and progress.bar == 50
    assert progress.expected == pytest.approx(0.5, abs=0.01)  # two of four years gone
    assert progress.state == State.ON_TRACK and not progress.late


def test_progress_of_a_lower_is_better_indicator_goes_down():
    waiting = indicator_like(baseline=30.0, target=10.0, better=Better.LOWER)
    assert progress_of(waiting, values((date(2026, 6, 1), 20.0)), TODAY).share == 0.5
    worse = progress_of(waiting, values((date(2026, 6, 1), 35.0)), TODAY)
    assert worse.share == -0.25 and worse.bar == 0 and worse.state == State.BEHIND
    assert progress_of(waiting, values((date(2026, 6, 1), 8.0)), TODAY).state == State.REACHED


def test_an_indicator_without_values_is_late_after_its_first_period():
    progress = progress_of(indicator_like(months=6), [], TODAY)
    assert progress.state == State.NO_VALUES and progress.share is None
    assert progress.percent is None and progress.bar == 0
    assert progress.next_due == date(2025, 7, 1) and progress.late


def test_a_value_is_due_a_period_after_the_newest():
    progress = progress_of(indicator_like(), values((date(2025, 6, 1), 12.0),
                                                    (date(2026, 3, 31), 13.0)), TODAY)
    assert progress.latest == 13.0 and progress.latest_on == date(2026, 3, 31)
    assert progress.next_due == date(2027, 3, 31) and not progress.late
    assert progress.state == State.BEHIND  # 30 % of the way, half the time gone


def test_a_target_equal_to_the_baseline_is_kept_or_not():
    keep = indicator_like(baseline=5.0, target=5.0, better=Better.LOWER)
    assert progress_of(keep, values((date(2026, 1, 1), 4.0)), TODAY).state == State.REACHED
    assert progress_of(keep, values((date(2026, 1, 1), 6.0)), TODAY).share == 0.0


def test_months_are_added_as_a_calendar_counts_them():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)


def test_the_chart_puts_later_and_higher_values_right_and_up():
    chart = chart_of(indicator_like(), values((date(2026, 1, 1), 12.0), (date(2027, 1, 1), 18.0)))
    baseline, first, second = chart.values
    assert baseline.x < first.x < second.x
    assert baseline.y > first.y > second.y  # SVG's y grows downwards
    assert chart.target_y < second.y  # the target (20) above the newest value
    assert [year for _x, year in chart.axis_years] == [2025, 2026, 2027, 2028, 2029]


# --- on the web ---------------------------------------------------------------------------

@pytest.fixture
def strategy(create_member, create_organisation, create_municipality, create_group):
    """A priority with a goal owned by a municipality and an indicator owned by an NGO and
    one of its people; an administrator, a coordinator, a member and a mayor."""
    ngo = create_organisation(name="Spolek Pomoc")
    owner = create_member(first_name="Olga", last_name="Gestorová", organisation=ngo)
    colleague = create_member(first_name="Kamila", last_name="Kolegyně", organisation=ngo)
    coordinator = create_member(first_name="Karel", last_name="Koordinátor")
    create_group(coordinators=[coordinator])
    town = create_municipality(name="Lipová")
    priority = Priority(number=1, title="Dostupné služby")
    goal = Goal(priority=priority, number=1, title="Zvýšení nabídky sociálních služeb",
                municipalities=[town])
    indicator = Indicator(goal=goal, name="Místa v odlehčovací službě", unit="míst",
                          baseline=4, baseline_on=today_in_prague() - timedelta(days=730),
                          target=12, target_on=today_in_prague() + timedelta(days=730),
                          better=Better.HIGHER, owner_organisation=ngo, owner=owner,
                          months_between_values=12)
    db.session.add(priority)
    db.session.commit()
    return {"admin": create_member(Role.ADMIN), "coordinator": coordinator, "owner": owner,
            "colleague": colleague, "member": create_member(), "mayor": create_member(Role.READER),
            "goal": goal, "indicator": indicator, "town": town, "ngo": ngo}


def test_the_overview_shows_each_goal_its_owners_and_progress(client, strategy):
    services.add_value(strategy["indicator"], strategy["owner"], today_in_prague(), 8)
    client.login(strategy["mayor"])
    page = client.get("/strategy").get_data(as_text=True)
    assert "Cíl 1.1: Zvýšení nabídky sociálních služeb" in page
    assert "Lipová" in page and "Spolek Pomoc" in page
    assert "50 % cesty k cíli" in page and "podle plánu" in page
    assert "Nový cíl" not in page  # a mayor reads; administrators and coordinators record


def test_an_owner_enters_a_value_and_the_progress_moves(client, strategy):
    indicator = strategy["indicator"]
    client.login(strategy["colleague"])  # of the owning organisation
    day = today_in_prague().isoformat()
    response = client.submit(f"/strategy/indicators/{indicator.id}/values",
                             {"measured_on": day, "value": "10,5", "source": "výkaz"})
    assert response.status_code == 302
    entered = db.session.scalar(sa.select(IndicatorValue))
    assert (entered.value, entered.entered_by_id) == (10.5, strategy["colleague"].id)
    page = client.get(f"/strategy/indicators/{indicator.id}").get_data(as_text=True)
    assert "10,5\xa0míst" in page.replace("&nbsp;", "\xa0") and "81 % cesty k cíli" in page
    assert 'role="img"' in page
    [points] = re.findall(r'<polyline points="([^"]*)"', page)
    assert len(points.split()) == 2  # from the baseline to the value


def test_someone_who_does_not_own_the_indicator_may_not_enter_values(client, strategy):
    url = f"/strategy/indicators/{strategy['indicator'].id}/values"
    data = {"measured_on": today_in_prague().isoformat(), "value": "9"}
    for who in ("member", "mayor", "coordinator"):
        client.login(strategy[who])
        assert client.submit(url, data).status_code == 403, who
        assert "Zapsat hodnotu" not in client.get(url.removesuffix("/values")).get_data(
            as_text=True)
    client.login(strategy["admin"])
    assert client.submit(url, data).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(IndicatorValue.id))) == 1


@pytest.mark.parametrize("value, day, message", [
    ("deset", None, "Zadejte číslo, např. 120 nebo 12,5."),
    ("", None, "Zadejte hodnotu."),
    ("5", "2099-01-01", "Hodnotu lze zadat nejvýše k dnešku."),
    ("5", "2026-02-30", "Takové datum neexistuje"),
])
def test_a_bad_value_is_answered_at_the_field_and_kept(client, strategy, value, day, message):
    client.login(strategy["owner"])
    response = client.submit(f"/strategy/indicators/{strategy['indicator'].id}/values",
                             {"measured_on": day or today_in_prague().isoformat(),
                              "value": value, "comment": "Moje poznámka"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and "Moje poznámka" in page
    assert db.session.scalar(sa.select(sa.func.count(IndicatorValue.id))) == 0


def test_a_second_value_for_the_same_day_overwrites_nothing(client, strategy):
    indicator = strategy["indicator"]
    services.add_value(indicator, strategy["owner"], today_in_prague(), 7)
    client.login(strategy["owner"])
    response = client.submit(f"/strategy/indicators/{indicator.id}/values",
                             {"measured_on": today_in_prague().isoformat(), "value": "9"})
    assert response.status_code == 400
    assert "K tomuto dni už je zapsaná hodnota 7." in response.get_data(as_text=True)
    [kept] = db.session.scalars(sa.select(IndicatorValue)).all()
    url = f"/strategy/indicators/{indicator.id}/values/{kept.id}/remove"
    assert "Odebrat tuto hodnotu?" in client.submit(url).get_data(as_text=True)  # asks first
    client.submit(url, {"confirmed": "1"})
    assert db.session.scalar(sa.select(sa.func.count(IndicatorValue.id))) == 0


def test_a_coordinator_records_a_goal_and_an_indicator(client, strategy):
    client.login(strategy["coordinator"])
    priority_id = strategy["goal"].priority_id
    form = client.get(f"/strategy/goals/new?priority={priority_id}").get_data(as_text=True)
    assert 'name="number"' in form and 'value="2"' in form  # the next free number
    response = client.submit("/strategy/goals/new", {
        "priority_id": priority_id, "number": "2", "title": "Zajištění koordinace služeb",
        "municipality_ids": [strategy["town"].id], "answerable_id": strategy["mayor"].id,
        "group_id": "0", "description": ""})
    goal = db.session.scalar(sa.select(Goal).filter_by(number=2))
    assert response.location.endswith(f"/strategy/goals/{goal.id}")
    assert [m.name for m in goal.municipalities] == ["Lipová"]
    assert goal.answerable_id == strategy["mayor"].id and goal.group_id is None
    response = client.submit(f"/strategy/goals/{goal.id}/indicators/new", {
        "name": "Setkání kulatého stolu", "unit": "", "baseline": "1", "target": "4",
        "baseline_on": "2026-01-01", "target_on": "2029-12-31", "better": "higher",
        "owner_organisation_id": strategy["ngo"].id, "owner_id": "0",
        "months_between_values": "12"})
    assert response.status_code == 302
    indicator = db.session.scalar(sa.select(Indicator).filter_by(goal_id=goal.id))
    assert (indicator.baseline, indicator.target, indicator.owner_id) == (1, 4, None)


INDICATOR = {"name": "Čekající", "unit": "", "baseline": "30", "target": "10",
             "baseline_on": "2026-01-01", "target_on": "2029-12-31", "better": "lower",
             "owner_organisation_id": "0", "owner_id": "0", "months_between_values": "12"}


@pytest.mark.parametrize("changes, field, message", [
    ({"target_on": "2025-06-30"}, "target_on", "Cíle se má dosáhnout po dni výchozí hodnoty."),
    ({"better": "higher"}, "target", "Je-li lepší vyšší hodnota, cílová nemůže být nižší"),
    ({"target": "40"}, "target", "Je-li lepší nižší hodnota, cílová nemůže být vyšší"),
    ({"baseline": "třicet"}, "baseline", "Zadejte číslo"),
    ({"owner_organisation_id": "999999"}, "owner_organisation_id", "Vyberte jednu z nabízených"),
    ({"unit": "osob"}, "unit", "Slovo za číslem se mění (1 osoba, 2 osoby, 5 osob)"),
    ({"unit": "míst"}, "unit", "U počtu nechte jednotku prázdnou"),
    ({"months_between_values": "0"}, "months_between_values", "Zadejte číslo od 1 do 60."),
])
def test_a_bad_indicator_is_answered_at_the_field_and_kept(client, strategy, changes, field,
                                                          message):
    client.login(strategy["admin"])
    response = client.submit(f"/strategy/goals/{strategy['goal'].id}/indicators/new",
                             {**INDICATOR, **changes})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in field_error(page, field)
    assert 'value="Čekající"' in page
    assert db.session.scalar(sa.select(sa.func.count(Indicator.id))) == 1


def test_a_taken_goal_number_and_a_missing_priority_are_refused(client, strategy):
    client.login(strategy["admin"])
    goal = {"number": "1", "title": "Jiný cíl", "municipality_ids": [], "answerable_id": "0",
            "group_id": "0", "description": ""}
    taken = client.submit("/strategy/goals/new",
                          {**goal, "priority_id": strategy["goal"].priority_id})
    assert taken.status_code == 400
    assert "Cíl s tímto číslem v této prioritě už existuje." in taken.get_data(as_text=True)
    missing = client.submit("/strategy/goals/new", {**goal, "priority_id": "0"})
    assert "Vyberte prioritu." in missing.get_data(as_text=True)


@pytest.mark.parametrize(("number", "message"), [
    ("0", "Zadejte číslo od 1 do 99."), ("100", "Zadejte číslo od 1 do 99."),
    ("dva", "Zadejte číslo od 1 do 99."), ("", "Toto pole je povinné.")])
def test_a_goal_number_outside_the_range_says_the_range(client, strategy, number, message):
    """0 is a number too: it gets the range, not "required" (which only an empty field gets)."""
    client.login(strategy["admin"])
    response = client.submit("/strategy/goals/new", {
        "priority_id": strategy["goal"].priority_id, "number": number, "title": "Jiný cíl",
        "municipality_ids": [], "answerable_id": "0", "group_id": "0", "description": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, "number") == message and 'value="Jiný cíl"' in page


def test_members_and_mayors_may_not_record_the_strategy(client, strategy):
    for who in ("member", "mayor", "owner"):
        client.login(strategy[who])
        for url in ("/strategy/goals/new", "/strategy/priorities/new",
                    f"/strategy/goals/{strategy['goal'].id}/indicators/new",
                    f"/strategy/indicators/{strategy['indicator'].id}/edit"):
            assert client.get(url).status_code == 403, (who, url)


def test_the_strategy_pages_run_a_constant_number_of_queries(client, strategy,
                                                             create_municipality):
    client.login(strategy["admin"])
    goal, indicator = strategy["goal"], strategy["indicator"]
    urls = ["/strategy", f"/strategy/goals/{goal.id}", f"/strategy/indicators/{indicator.id}"]
    services.add_value(indicator, strategy["owner"], date(2024, 12, 1), 1)  # who entered: read
    before = [queries_for(client, url) for url in urls]
    for n in range(5):
        town = create_municipality(name=f"Gestorská obec {n}")
        db.session.execute(sa.insert(goal_municipality).values(goal_id=goal.id,
                                                               municipality_id=town.id))
        db.session.add(Indicator(goal_id=goal.id, name=f"Indikátor {n}", baseline=0,
                                 baseline_on=date(2025, 1, 1), target=10,
                                 target_on=date(2029, 1, 1), better=Better.HIGHER,
                                 owner=strategy["owner"], months_between_values=6))
        db.session.add(Goal(priority_id=goal.priority_id, number=n + 2, title=f"Cíl {n}"))
        db.session.commit()
    for n in range(6):
        services.add_value(indicator, strategy["owner"], date(2025, 1, 1) + timedelta(days=n),
                           n)
    assert [queries_for(client, url) for url in urls] == before


def test_a_municipality_s_page_shows_the_goals_it_owns(client, strategy, create_municipality):
    services.add_value(strategy["indicator"], strategy["owner"], today_in_prague(), 8)
    other = create_municipality(name="Dubnice")
    client.login(strategy["mayor"])
    page = client.get(f"/municipalities/{strategy['town'].id}").get_data(as_text=True)
    panel = page.split('id="obec-cile"', 1)[1].split("</section>", 1)[0]
    assert "Cíl 1.1: Zvýšení nabídky sociálních služeb" in panel
    assert "Místa v odlehčovací službě" in panel and "50 % cesty k cíli" in panel
    elsewhere = client.get(f"/municipalities/{other.id}").get_data(as_text=True)
    assert "Obec zatím není gestorem žádného cíle." in elsewhere


@pytest.mark.parametrize("unit", ["%", "Kč", "km", "tis. Kč", "m²", "EUR", ""])
def test_a_unit_that_stays_the_same_after_any_number_is_kept(client, strategy, unit):
    client.login(strategy["admin"])
    response = client.submit(f"/strategy/goals/{strategy['goal'].id}/indicators/new",
                             {**INDICATOR, "unit": unit})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Indicator.unit).where(Indicator.name == "Čekající")) == unit
