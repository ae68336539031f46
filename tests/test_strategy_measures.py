"""Measures under a goal linked to the meetings and minutes' tasks that moved them, and the
owners of goals and indicators decided at a meeting (issue #28): recorded by those who write
its minutes, they change the owners and show on the meeting's page and in its minutes."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from intranet.extensions import db
from intranet.minutes import services as minutes_services
from intranet.minutes.models import ActionItem
from intranet.policy import Role
from intranet.strategy import services
from intranet.strategy.models import (
    Better,
    Goal,
    Indicator,
    Measure,
    MeasureState,
    OwnerDecision,
    Priority,
)

from .conftest import field_error, writing_request
from .queries import queries_for


@pytest.fixture
def plan(create_member, create_organisation, create_municipality, create_group,
         create_meeting):
    """A goal followed by a group, owned by Lipová, with an indicator owned by an NGO; the
    group's held meeting with published minutes and two tasks; a coordinator, a minute-taker
    (secretary), a member and a mayor."""
    coordinator = create_member(first_name="Karel", last_name="Koordinátor")
    member = create_member(first_name="Marie", last_name="Členská")
    group = create_group(coordinators=[coordinator], members=[member])
    secretary = create_member(Role.SECRETARY, first_name="Zdena", last_name="Zapisovatelka")
    lipova, dubnice = create_municipality(name="Lipová"), create_municipality(name="Dubnice")
    ngo, charity = create_organisation(name="Spolek Pomoc"), create_organisation(name="Charita")
    mayor = create_member(Role.READER, first_name="Jan", last_name="Starosta")
    goal = Goal(priority=Priority(number=1, title="Dostupné služby"), number=1,
                title="Zvýšení nabídky sociálních služeb", municipalities=[lipova], group=group)
    indicator = Indicator(goal=goal, name="Místa v odlehčovací službě", unit="míst",
                          baseline=4, baseline_on=date(2025, 1, 1), target=12,
                          target_on=date(2029, 1, 1), better=Better.HIGHER,
                          owner_organisation=ngo, months_between_values=12)
    db.session.add_all([goal, indicator])
    db.session.commit()
    held = create_meeting(group, starts_in=-timedelta(hours=3))
    minutes = minutes_services.start(held, secretary)
    tasks = [ActionItem(minutes_id=minutes.id, group_id=group.id, title=title)
             for title in ("Zjistit zájem o odlehčovací službu", "Oslovit Charitu")]
    db.session.add_all(tasks)
    db.session.commit()
    minutes_services.submit(minutes)
    minutes_services.approve(minutes, create_member(Role.ADMIN))
    minutes_services.publish(minutes, secretary)
    return {"goal": goal, "indicator": indicator, "held": held, "minutes": minutes,
            "tasks": tasks, "coordinator": coordinator, "secretary": secretary,
            "member": member, "mayor": mayor, "lipova": lipova, "dubnice": dubnice,
            "ngo": ngo, "charity": charity, "group": group}


MEASURE = {"title": "Odlehčovací služba v Lipové", "description": "Pro pečující rodiny.",
           "state": "running", "responsible_organisation_id": "0", "responsible_id": "0"}


def test_a_coordinator_records_a_measure_linked_to_a_meeting_and_a_task(client, plan):
    client.login(plan["coordinator"])
    goal = plan["goal"]
    form = client.get(f"/strategy/goals/{goal.id}/measures/new").get_data(as_text=True)
    assert "Zjistit zájem o odlehčovací službu" in form and "schůzka č. 1" in form
    response = client.submit(f"/strategy/goals/{goal.id}/measures/new", {
        **MEASURE, "responsible_organisation_id": plan["ngo"].id,
        "meeting_ids": [plan["held"].id], "task_ids": [plan["tasks"][0].id]})
    measure = db.session.scalar(sa.select(Measure))
    assert response.location.endswith(f"/strategy/goals/{goal.id}#opatreni-{measure.id}")
    assert measure.state is MeasureState.RUNNING
    assert [t.title for t in measure.tasks] == ["Zjistit zájem o odlehčovací službu"]
    page = client.get(f"/strategy/goals/{goal.id}").get_data(as_text=True)
    shown = page.split(f'id="opatreni-{measure.id}"', 1)[1].split("</article>", 1)[0]
    assert "Odlehčovací služba v Lipové" in shown and "probíhá" in shown
    assert "Spolek Pomoc" in shown and f"/meetings/{plan['held'].id}" in shown
    assert f"/minutes/{plan['minutes'].id}" in shown and "Oslovit Charitu" not in shown


def test_the_minutes_show_the_goal_their_task_moves(client, plan):
    services.save_measure(None, plan["goal"], {**MEASURE, "responsible_organisation_id": None,
                                               "responsible_id": None},
                          [], [plan["tasks"][1].id])
    client.login(plan["mayor"])
    page = client.get(f"/minutes/{plan['minutes'].id}").get_data(as_text=True)
    linked = page.split("Úkoly a cíle strategie", 1)[1].split("</section>", 1)[0]
    assert "Oslovit Charitu" in linked and "Zjistit zájem" not in linked
    assert "Cíl 1.1: Zvýšení nabídky sociálních služeb" in linked
    assert "Odlehčovací služba v Lipové" in linked


def test_a_measure_is_changed_and_its_links_replaced(client, plan):
    measure = services.save_measure(None, plan["goal"], {**MEASURE, "state": "planned",
                                                        "responsible_organisation_id": None,
                                                        "responsible_id": None},
                                    [plan["held"].id], [plan["tasks"][0].id])
    client.login(plan["coordinator"])
    form = client.get(f"/strategy/measures/{measure.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{plan["tasks"][0].id}">' in form
    client.submit(f"/strategy/measures/{measure.id}/edit", {
        **MEASURE, "state": "done", "task_ids": [plan["tasks"][1].id]})
    db.session.expire_all()
    measure = db.session.get(Measure, measure.id)
    assert measure.state is MeasureState.DONE and measure.meetings == []
    assert [t.title for t in measure.tasks] == ["Oslovit Charitu"]


@pytest.mark.parametrize("changes, field, message", [
    ({"title": "  "}, "title", "Toto pole je povinné."),
    ({"state": "hotovo"}, "state", "Neplatná volba"),
    ({"responsible_id": "999999"}, "responsible_id", "Vyberte jednu z nabízených"),
])
def test_a_bad_measure_is_answered_at_the_field_and_kept(client, plan, changes, field,
                                                        message):
    client.login(plan["coordinator"])
    response = client.submit(f"/strategy/goals/{plan['goal'].id}/measures/new",
                             {**MEASURE, "description": "Co jsme napsali", **changes})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in field_error(page, field)
    assert "Co jsme napsali" in page
    assert db.session.scalar(sa.select(sa.func.count(Measure.id))) == 0


def test_members_and_mayors_may_not_record_measures(client, plan):
    measure = services.save_measure(None, plan["goal"], {**MEASURE,
                                                        "responsible_organisation_id": None,
                                                        "responsible_id": None}, [], [])
    for who in ("member", "mayor", "secretary"):
        client.login(plan[who])
        for url in (f"/strategy/goals/{plan['goal'].id}/measures/new",
                    f"/strategy/measures/{measure.id}/edit"):
            assert client.get(url).status_code == 403, (who, url)
        page = client.get(f"/strategy/goals/{plan['goal'].id}").get_data(as_text=True)
        assert "Odlehčovací služba v Lipové" in page and "Přidat opatření" not in page


def test_the_goal_page_runs_a_constant_number_of_queries_as_measures_grow(client, plan):
    client.login(plan["mayor"])
    url = f"/strategy/goals/{plan['goal'].id}"
    values = {**MEASURE, "responsible_organisation_id": plan["ngo"].id,
              "responsible_id": plan["member"].id}
    services.save_measure(None, plan["goal"], values, [plan["held"].id],
                          [plan["tasks"][0].id])
    before = queries_for(client, url)
    for _ in range(4):
        services.save_measure(None, plan["goal"], values, [plan["held"].id],
                              [task.id for task in plan["tasks"]])
    assert queries_for(client, url) == before


# --- owners decided at a meeting ----------------------------------------------------------

def test_the_minute_taker_records_a_new_goal_owner_and_the_owners_change(client, plan):
    client.login(plan["secretary"])
    meeting_page = client.get(f"/meetings/{plan['held'].id}").get_data(as_text=True)
    assert f"/strategy/meetings/{plan['held'].id}/owners" in meeting_page
    response = client.submit(f"/strategy/meetings/{plan['held'].id}/owners/goal", {
        "cil-goal_id": plan["goal"].id,
        "cil-municipality_ids": [plan["lipova"].id, plan["dubnice"].id],
        "cil-answerable_id": plan["mayor"].id})
    assert response.status_code == 302
    db.session.expire_all()
    goal = db.session.get(Goal, plan["goal"].id)
    assert sorted(m.name for m in goal.municipalities) == ["Dubnice", "Lipová"]
    assert goal.answerable_id == plan["mayor"].id
    decision = db.session.scalar(sa.select(OwnerDecision))
    assert decision.before == "Lipová"
    assert decision.after == "Dubnice, Lipová · Jan Starosta"
    assert decision.recorded_by_id == plan["secretary"].id


def test_an_indicator_owner_decided_at_a_meeting_shows_in_its_minutes(client, plan):
    services.decide_indicator_owner(plan["held"].id, plan["indicator"].id,
                                    plan["charity"].id, plan["member"].id, plan["secretary"])
    assert plan["indicator"].owner_id == plan["member"].id  # the new owner enters values
    client.login(plan["mayor"])
    minutes = client.get(f"/minutes/{plan['minutes'].id}").get_data(as_text=True)
    approved, text = minutes.split('class="card minutes-text"', 1)[1].split("</article>", 1)
    assert "Rozhodnutí o gestorech" not in approved  # beside the text, which stays as approved
    assert "Rozhodnutí o gestorech" in text.split("<aside>", 1)[0]
    assert "Gestor indikátoru" in text and "Místa v odlehčovací službě" in text
    assert "Charita · Marie Členská" in text and "dosud: Spolek Pomoc" in text
    meeting = client.get(f"/meetings/{plan['held'].id}").get_data(as_text=True)
    assert "Charita · Marie Členská" in meeting
    assert "/owners" not in meeting  # a mayor reads, the minute-taker records


@pytest.mark.parametrize("form, field, message", [
    ({"cil-goal_id": "0"}, "cil-goal_id", "Vyberte cíl, o jehož gestorovi se rozhodlo."),
    ({"cil-goal_id": "999999"}, "cil-goal_id", "Vyberte jednu z nabízených"),
])
def test_a_bad_goal_decision_is_answered_at_the_field(client, plan, form, field, message):
    client.login(plan["secretary"])
    response = client.submit(f"/strategy/meetings/{plan['held'].id}/owners/goal",
                             {"cil-municipality_ids": [plan["dubnice"].id],
                              "cil-answerable_id": "0", **form})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert f'<option selected value="{plan["dubnice"].id}">' in page  # kept
    assert db.session.scalar(sa.select(sa.func.count(OwnerDecision.id))) == 0


def test_an_indicator_decision_needs_an_owner(client, plan):
    client.login(plan["secretary"])
    response = client.submit(f"/strategy/meetings/{plan['held'].id}/owners/indicator", {
        "indikator-indicator_id": plan["indicator"].id,
        "indikator-owner_organisation_id": "0", "indikator-owner_id": "0"})
    assert response.status_code == 400
    assert "Vyberte organizaci nebo osobu, která bude gestorem." in response.get_data(
        as_text=True)
    assert plan["indicator"].owner_organisation_id == plan["ngo"].id


def test_only_those_who_write_the_minutes_record_owner_decisions(client, plan):
    url = f"/strategy/meetings/{plan['held'].id}/owners"
    for who, status in (("member", 403), ("mayor", 403), ("coordinator", 200),
                        ("secretary", 200)):
        client.login(plan[who])
        assert client.get(url).status_code == status, who
    client.login(plan["member"])
    refused = client.submit(url + "/goal", {"cil-goal_id": plan["goal"].id,
                                            "cil-answerable_id": "0"})
    assert refused.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(OwnerDecision.id))) == 0


def test_owners_are_recorded_only_from_a_meeting_that_has_begun(client, plan, create_meeting):
    planned = create_meeting(plan["group"], starts_in=timedelta(days=7))
    client.login(plan["secretary"])
    page = client.get(f"/strategy/meetings/{planned.id}/owners").get_data(as_text=True)
    assert "Rozhodnutí o gestorech se zapisují ze schůzky, která už začala" in page
    assert "Zapsat gestora cíle" not in page
    refused = client.submit(f"/strategy/meetings/{planned.id}/owners/goal", {
        "cil-goal_id": plan["goal"].id, "cil-answerable_id": "0"})
    assert refused.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count(OwnerDecision.id))) == 0
    meeting_page = client.get(f"/meetings/{planned.id}").get_data(as_text=True)
    assert f"/strategy/meetings/{planned.id}/owners" not in meeting_page


def test_a_meeting_with_a_decision_is_kept(plan, app, create_meeting):
    from intranet.meetings.services import deletable

    meeting = create_meeting(plan["group"], starts_in=-timedelta(hours=1), invited=False)
    with writing_request(app):
        assert deletable(meeting)
        services.decide_indicator_owner(meeting.id, plan["indicator"].id, plan["charity"].id,
                                        None, plan["secretary"])
        assert not deletable(meeting)


def test_a_group_decides_on_its_goals_and_those_no_group_follows(client, plan, create_group,
                                                                 create_member):
    other = Goal(priority_id=plan["goal"].priority_id, number=2, title="Cíl jiné skupiny",
                 group=create_group(name="Senioři"))
    free = Goal(priority_id=plan["goal"].priority_id, number=3, title="Cíl bez skupiny")
    db.session.add_all([other, free])
    db.session.commit()
    client.login(plan["secretary"])
    page = client.get(f"/strategy/meetings/{plan['held'].id}/owners").get_data(as_text=True)
    assert "1.1 Zvýšení nabídky" in page and "1.3 Cíl bez skupiny" in page
    assert "Cíl jiné skupiny" not in page
    refused = client.submit(f"/strategy/meetings/{plan['held'].id}/owners/goal", {
        "cil-goal_id": other.id, "cil-answerable_id": "0"})
    assert refused.status_code == 400
    stranger = create_member()
    create_group(coordinators=[stranger])
    client.login(stranger)  # coordinates another group
    assert client.get(f"/strategy/meetings/{plan['held'].id}/owners").status_code == 403


def test_a_new_indicator_owner_closes_the_former_owner_s_link(plan):
    from intranet.strategy.models import ValueRequest

    asked = ValueRequest(indicator_id=plan["indicator"].id, due_on=date(2026, 1, 1),
                         member_id=None)
    db.session.add(asked)
    db.session.commit()
    services.decide_indicator_owner(plan["held"].id, plan["indicator"].id, plan["charity"].id,
                                    None, plan["secretary"])
    db.session.refresh(asked)
    assert asked.used_at is not None


def test_tasks_of_drafts_are_not_offered_and_links_not_offered_are_kept(
        client, plan, create_group, create_meeting, create_member):
    elsewhere = create_meeting(create_group(name="Senioři"), starts_in=-timedelta(days=3))
    draft = minutes_services.start(elsewhere, plan["secretary"])
    hidden = ActionItem(minutes_id=draft.id, group_id=elsewhere.group_id,
                        title="Úkol z nezveřejněného zápisu")
    db.session.add(hidden)
    db.session.commit()
    plan["goal"].group_id = None  # every group's meetings and tasks are offered
    db.session.commit()
    client.login(plan["coordinator"])
    form = client.get(f"/strategy/goals/{plan['goal'].id}/measures/new").get_data(as_text=True)
    assert "Zjistit zájem o odlehčovací službu" in form
    assert "Úkol z nezveřejněného zápisu" not in form  # only published minutes' tasks
    plan["goal"].group_id = plan["group"].id
    db.session.commit()
    measure = services.save_measure(None, plan["goal"], {**MEASURE,
                                                        "responsible_organisation_id": None,
                                                        "responsible_id": None},
                                    [elsewhere.id], [])  # another group's meeting
    client.submit(f"/strategy/measures/{measure.id}/edit", {
        **MEASURE, "state": "done", "meeting_ids": [elsewhere.id]})
    db.session.expire_all()
    saved = db.session.get(Measure, measure.id)
    assert saved.state is MeasureState.DONE
    assert [m.id for m in saved.meetings] == [elsewhere.id]
