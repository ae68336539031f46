"""Working groups: editing, members added and removed in place, coordinators' rights."""

import sqlalchemy as sa

from intranet.extensions import db
from intranet.groups.models import GroupMembership, WorkingGroup
from intranet.policy import Role

from .conftest import field_error

HTMX = {"HX-Request": "true"}
CONFIRMED = {"confirmed": "1"}


def members_of(group) -> set[int]:
    return set(db.session.scalars(sa.select(GroupMembership.member_id).where(
        GroupMembership.group_id == group.id)))


def test_secretary_creates_group_with_errors_at_the_fields(client, create_member, create_group):
    create_group(number=4)
    client.login(create_member(Role.SECRETARY))
    bad = client.submit("/groups/new", {"number": "4", "name": "Sociální služby",
                                        "reminder_days": "30", "rules": "- Dochvilnost"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "Skupina s tímto číslem už existuje." in page
    assert "Zadejte číslo od 0 do 14." in page and "- Dochvilnost" in page
    zero = client.submit("/groups/new", {"number": "0", "name": "Senioři", "reminder_days": "0"})
    assert field_error(zero.get_data(as_text=True), "number") == "Zadejte číslo od 1 do 999."
    assert "reminder_days-error" not in zero.get_data(as_text=True)  # 0: no reminder
    good = client.submit("/groups/new", {"number": "5", "name": "Senioři", "reminder_days": "0",
                                         "rules": "- Dochvilnost\n- Svoboda názoru"})
    assert good.status_code == 302
    page = client.get(good.location).get_data(as_text=True)
    assert "č. 5 – Senioři" in page and "<li>Svoboda názoru</li>" in page
    assert db.session.scalar(sa.select(WorkingGroup.reminder_days).where(
        WorkingGroup.number == 5)) == 0


def test_coordinator_adds_and_removes_members_in_place(client, create_member, create_group):
    coordinator = create_member(last_name="Koordinátorová")
    newcomer = create_member(first_name="Nela", last_name="Nováčková")
    group = create_group(coordinators=[coordinator])
    client.login(coordinator)
    found = client.get(f"/groups/{group.id}/candidates?q=novack", headers=HTMX)
    assert "Nela Nováčková" in found.get_data(as_text=True)
    added = client.post(f"/groups/{group.id}/members", data={"member_id": newcomer.id},
                        headers={**HTMX, "X-CSRFToken": client.csrf_token()})
    assert added.status_code == 200 and added.headers["HX-Trigger"] == "members-changed"
    assert "Nela Nováčková" in added.get_data(as_text=True)
    assert "<html" not in added.get_data(as_text=True)
    assert members_of(group) == {coordinator.id, newcomer.id}
    assert "Nela" not in client.get(f"/groups/{group.id}/candidates?q=novack",
                                    headers=HTMX).get_data(as_text=True)
    client.submit(f"/groups/{group.id}/members/{newcomer.id}/coordinator", {"coordinator": "1"})
    assert db.session.scalar(sa.select(GroupMembership.is_coordinator).where(
        GroupMembership.member_id == newcomer.id))
    removed = client.submit(f"/groups/{group.id}/members/{newcomer.id}/remove", CONFIRMED)
    assert removed.status_code == 302  # without htmx: back to the group page
    assert members_of(group) == {coordinator.id}


def test_plain_member_and_other_coordinators_may_not_manage(client, create_member, create_group):
    member, other = create_member(), create_member()
    group = create_group(members=[member])
    create_group(coordinators=[other])
    for who in (member, other):
        client.login(who)
        assert client.get(f"/groups/{group.id}/edit").status_code == 403
        assert client.submit(f"/groups/{group.id}/members",
                             {"member_id": who.id}).status_code == 403
        assert client.get(f"/groups/{group.id}/meetings/new").status_code == 403
        client.submit("/logout")
    assert members_of(group) == {member.id}


def test_deactivated_member_cannot_be_added(client, create_member, create_group):
    gone = create_member(deactivated=True)
    group = create_group()
    client.login(create_member(Role.ADMIN))
    page = client.submit(f"/groups/{group.id}/members", {"member_id": gone.id},
                         follow_redirects=True).get_data(as_text=True)
    assert "Tohoto člena nelze přidat." in page
    assert members_of(group) == set()


def test_dashboard_shows_my_groups_and_upcoming_meetings(client, create_member, create_meeting):
    me = create_member()
    meeting = create_meeting(members=[me], place="Hasičská zbrojnice")
    create_meeting(place="Cizí schůzka")
    client.login(me)
    page = client.get("/").get_data(as_text=True)
    assert meeting.group.title in page and "Hasičská zbrojnice" in page
    assert "Cizí schůzka" not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkingGroup)) == 2


def test_group_list_shows_title_current_members_and_description(client, create_member,
                                                                 create_group):
    me, gone = create_member(), create_member(deactivated=True)
    group = create_group(number=7, name="Senioři", description="Služby pro seniory v území.",
                         members=[me, gone])
    client.login(me)
    page = client.get("/groups").get_data(as_text=True)
    card = page[page.index(f'href="/groups/{group.id}"'):]
    card = card[:card.index("</li>")]
    assert group.title in card and "1 člen" in card  # the deactivated member not counted
    assert "Služby pro seniory v území." in card


def test_rows_name_a_group_escaped_and_in_the_language_of_the_page(client, create_member,
                                                                   create_group):
    me = create_member()
    create_group(number=3, name="Rodina & <děti>", members=[me])
    client.login(me)
    czech = client.get("/groups").get_data(as_text=True)
    assert "Pracovní skupina č. 3 – Rodina &amp; &lt;děti&gt;" in czech
    client.submit("/language", {"language": "en", "next": "/groups"})
    english = client.get("/groups").get_data(as_text=True)
    assert "Working group No. 3 – Rodina &amp; &lt;děti&gt;" in english


def test_long_member_list_is_paged_and_actions_keep_the_page(app, client, create_member,
                                                             create_group):
    coordinator = create_member(last_name="Koordinátorová")
    members = [create_member(first_name="Člen", last_name=f"Příjmení{n:02d}") for n in range(30)]
    group = create_group(coordinators=[coordinator], members=members)
    client.login(coordinator)
    first = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "(31)" in first and "Příjmení13" in first and "Příjmení14" not in first
    assert f"/groups/{group.id}?members_page=2" in first
    second = client.get(f"/groups/{group.id}?members_page=2", headers=HTMX)
    html = second.get_data(as_text=True)
    assert "<html" not in html and "Příjmení14" in html and "Příjmení13" not in html
    remove_url = f"/groups/{group.id}/members/{members[20].id}/remove?members_page=2"
    assert remove_url in html  # the action keeps the list on its page
    after = client.post(remove_url, data=CONFIRMED,
                        headers={**HTMX, "X-CSRFToken": client.csrf_token()})
    html = after.get_data(as_text=True)
    assert "Příjmení19" in html and "Příjmení20" not in html and "(30)" in html
    assert "Příjmení13" not in html  # still the second page
    assert f'href="/groups/{group.id}?members_page=1"' in html  # the pager links the group page
    for member in members[29:]:  # the last page emptied: the one before it is shown
        last = client.post(f"/groups/{group.id}/members/{member.id}/remove?members_page=3",
                           data=CONFIRMED, headers={**HTMX, "X-CSRFToken": client.csrf_token()})
    assert "Příjmení28" in last.get_data(as_text=True)


def test_an_added_member_is_confirmed_even_when_listed_on_another_page(
        client, create_member, create_group):
    coordinator = create_member(last_name="Koordinátorová")
    group = create_group(coordinators=[coordinator], members=[
        create_member(last_name=f"Abrahámová{n:02d}") for n in range(30)])
    newcomer = create_member(first_name="Zdeňka", last_name="Žáková")
    client.login(coordinator)
    added = client.post(f"/groups/{group.id}/members", data={"member_id": newcomer.id},
                        headers={**HTMX, "X-CSRFToken": client.csrf_token()})
    assert "Přidáno do skupiny: Zdeňka Žáková" in added.get_data(as_text=True)


def test_group_select_boxes_follow_a_new_or_renamed_group(client, create_member, create_group):
    """The filters' list of groups is written once per language and kept between requests; a
    new or renamed group shows at once, the chosen one stays selected."""
    group = create_group(number=4, name="Sociální služby")
    client.login(create_member(Role.SECRETARY))
    for url in ("/meetings", "/meetings/stats", "/minutes"):  # each list, kept
        assert ">č. 4 – Sociální služby</option>" in client.get(url).get_data(as_text=True)
    assert client.submit(f"/groups/{group.id}/edit", {
        "number": "4", "name": "Senioři", "reminder_days": "1"}).status_code == 302
    for url in ("/meetings", "/meetings/stats", "/minutes"):
        page = client.get(f"{url}?group={group.id}").get_data(as_text=True)
        assert f'<option value="{group.id}" selected>č. 4 – Senioři</option>' in page, url
    assert client.submit("/groups/new", {"number": "2", "name": "Rodiny",
                                         "reminder_days": "1"}).status_code == 302
    page = client.get("/minutes").get_data(as_text=True)
    assert page.index(">č. 2 – Rodiny<") < page.index(">č. 4 – Senioři<")
    assert client.submit("/language", {"language": "en"}).status_code == 302
    assert ">No. 4 – Senioři</option>" in client.get("/meetings").get_data(as_text=True)
    assert client.submit("/language", {"language": "cs"}).status_code == 302
    assert ">č. 4 – Senioři</option>" in client.get("/meetings").get_data(as_text=True)
