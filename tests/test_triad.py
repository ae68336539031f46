"""The triad at the table (issue #28): organisations and members carry their side of community
planning (commissioner, provider, user), administrators set it, and the attendance statistics
and a group's meetings show whether all three sides were present at each held meeting.

Only members present count, by their own side or else their organisation's; guests have no
side (they are a name and a free-text organisation) and never count."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet.accounts.models import Member
from intranet.extensions import db
from intranet.meetings import attendance, stats
from intranet.meetings.models import Guest, Presence
from intranet.organisations.models import Organisation, OrganisationKind, Side
from intranet.policy import Role

from .conftest import writing_request
from .queries import queries_for

PRESENT, EXCUSED, ABSENT = Presence.PRESENT, Presence.EXCUSED, Presence.ABSENT


@pytest.fixture
def table(create_organisation, create_member, create_group, create_meeting):
    """A group with someone of each side, a social worker of the municipal office who
    represents the users, and a teacher without a side; a meeting held yesterday whose
    attendance is not yet recorded."""
    office = create_organisation("Obecní úřad Lipová", OrganisationKind.MUNICIPALITY)
    charity = create_organisation("Farní charita Dubnice", OrganisationKind.CHURCH)
    club = create_organisation("Klub seniorů Lipová", OrganisationKind.OTHER)
    school = create_organisation("Základní škola Lipová", OrganisationKind.SCHOOL)
    for organisation, side in ((office, Side.COMMISSIONER), (charity, Side.PROVIDER),
                               (club, Side.USER)):
        organisation.side = side
    db.session.commit()
    people = {
        "mayor": create_member(first_name="Karel", last_name="Starosta", organisation=office),
        "worker": create_member(first_name="Eva", last_name="Terénní", organisation=office,
                                side=Side.USER),
        "nurse": create_member(first_name="Hana", last_name="Pečovatelka", organisation=charity),
        "senior": create_member(first_name="Marie", last_name="Seniorka", organisation=club),
        "teacher": create_member(first_name="Petr", last_name="Učitel", organisation=school),
    }
    secretary = create_member(Role.SECRETARY)
    group = create_group(members=list(people.values()), coordinators=[secretary])
    meeting = create_meeting(group, starts_in=-timedelta(days=1))
    return {**people, "secretary": secretary, "group": group, "meeting": meeting,
            "office": office, "club": club, "school": school}


def record(table, **presences):
    """Record attendance at the table's meeting as the minute-taker does: name=presence."""
    for name, presence in presences.items():
        attendance.record_presence(table["meeting"], table[name].id, presence)


def sides(meeting) -> tuple[bool, bool, bool] | None:
    row = stats.sides_at([meeting.id]).get(meeting.id)
    return None if row is None else (bool(row.commissioners), bool(row.providers),
                                     bool(row.users))


# --- a member's side -----------------------------------------------------------------------

def test_a_members_side_is_their_own_else_their_organisations(table):
    def in_sql(member):
        return db.session.scalar(sa.select(Member.effective_side).where(Member.id == member.id))

    expected = {"mayor": Side.COMMISSIONER, "worker": Side.USER, "nurse": Side.PROVIDER,
                "senior": Side.USER, "teacher": None}
    for name, side in expected.items():
        assert table[name].effective_side is side, name
        assert in_sql(table[name]) is side, name
    table["school"].side = Side.PROVIDER  # the organisation's side, as long as none is own
    table["worker"].side = None
    db.session.commit()
    assert in_sql(table["teacher"]) is table["teacher"].effective_side is Side.PROVIDER
    assert in_sql(table["worker"]) is table["worker"].effective_side is Side.COMMISSIONER


# --- all three at the table ----------------------------------------------------------------

def test_all_three_sides_only_when_someone_of_each_was_present(table):
    meeting = table["meeting"]
    # the teacher has no side and counts nowhere; the users' two are excused and absent
    record(table, mayor=PRESENT, nurse=PRESENT, teacher=PRESENT, senior=EXCUSED, worker=ABSENT)
    assert sides(meeting) == (True, True, False)
    db.session.add(Guest(meeting_id=meeting.id, name="Jan Host",
                         organisation="Klub seniorů Lipová"))  # guests have no side
    db.session.commit()
    assert sides(meeting) == (True, True, False)
    assert stats.tables_and_summary(stats.Period())[1]["all_sides"] == 0
    record(table, worker=PRESENT)  # her own side (users), not her office's
    assert sides(meeting) == (True, True, True)
    assert stats.tables_and_summary(stats.Period())[1]["all_sides"] == 1
    record(table, worker=EXCUSED, senior=PRESENT)
    assert sides(meeting) == (True, True, True)
    record(table, mayor=ABSENT)  # the worker, excused, does not stand in for her office
    assert sides(meeting) == (False, True, True)


def test_a_meeting_without_anyone_of_a_side_has_none_of_them(table):
    assert sides(table["meeting"]) is None  # no one present: no row
    record(table, teacher=PRESENT)
    assert sides(table["meeting"]) == (False, False, False)
    row, = stats.tables(stats.Period())["meetings"]
    assert (row.commissioners, row.providers, row.users) == (0, 0, 0)


def test_a_side_changed_shows_in_the_statistics_at_once(client, table):
    """The statistics are kept until their data changes: a side is part of it."""
    record_all(table)
    client.login(table["secretary"])
    assert all_sides_tile(client) == "0"
    table["club"].side = Side.USER  # only the organisation's side changes
    db.session.commit()
    assert all_sides_tile(client) == "1"
    table["senior"].side = Side.PROVIDER  # her own side, over her organisation's
    db.session.commit()
    assert all_sides_tile(client) == "0"


def record_all(table):
    """Everyone present but the senior's club has no side yet (nor the social worker)."""
    table["club"].side = None
    table["worker"].side = None
    db.session.commit()
    attendance.mark_everyone_present(table["meeting"])


def all_sides_tile(client) -> str:
    page = client.get("/meetings/stats").get_data(as_text=True)
    tile = page.split('<div class="tile"><strong>')[4]
    assert "se všemi třemi stranami" in tile
    return tile.split("</strong>")[0]


# --- the pages ------------------------------------------------------------------------------

def test_statistics_show_the_marks_the_count_and_the_csv_columns(client, table,
                                                                  create_meeting):
    t = table
    record(table, mayor=PRESENT, nurse=PRESENT)
    earlier = create_meeting(t["group"], starts_in=-timedelta(days=8))
    attendance.mark_everyone_present(earlier)
    client.login(t["secretary"])
    page = client.get("/meetings/stats").get_data(as_text=True)
    assert "zadavatelé ano, poskytovatelé ano, uživatelé ne" in page
    assert "zadavatelé ano, poskytovatelé ano, uživatelé ano" in page
    assert all_sides_tile(client) == "1"
    assert "schůzka se všemi třemi stranami triády" in page
    assert "Z – zadavatelé (obce, kraj)" in page  # the legend
    assert "na schůzce byl aspoň jeden člověk z té strany" in page and "přítomen" not in page
    csv = client.get("/meetings/stats.csv?table=meetings").get_data(as_text=True)
    header, first, second = csv.lstrip("\ufeff").splitlines()
    assert header.endswith(";Zadavatelé;Poskytovatelé;Uživatelé")
    assert first.endswith(";ano;ano;ano") and second.endswith(";ano;ano;ne")


def test_a_groups_page_marks_its_held_meetings(client, table, create_meeting):
    t = table
    record(table, mayor=PRESENT, senior=PRESENT)
    create_meeting(t["group"], starts_in=timedelta(days=7))  # planned: no marks
    client.login(t["teacher"])
    page = client.get(f"/groups/{t['group'].id}").get_data(as_text=True)
    assert len(re.findall(r'class="triad( triad-all)?"', page)) == 1
    assert "zadavatelé ano, poskytovatelé ne, uživatelé ano" in page


def test_a_groups_page_asks_once_for_the_sides_of_all_its_meetings(
        client, table, create_meeting, monkeypatch):
    """A constant number of queries however many meetings were held, and the select of
    their sides built once per process (database.prebuilt; the group page's own selects are
    not all prebuilt yet)."""
    from sqlalchemy.sql.cache_key import HasCacheKey

    t = table
    attendance.mark_everyone_present(t["meeting"])
    client.login(t["teacher"])
    url = f"/groups/{t['group'].id}"
    few = queries_for(client, url)
    for days in (8, 15, 22):
        attendance.mark_everyone_present(create_meeting(t["group"],
                                                        starts_in=-timedelta(days=days)))
    assert queries_for(client, url) == few
    page = client.get(url).get_data(as_text=True)
    assert page.count('"visually-hidden">zadavatelé ano, poskytovatelé ano, uživatelé ano') == 4
    built = []
    generate = HasCacheKey._generate_cache_key
    monkeypatch.setattr(HasCacheKey, "_generate_cache_key",
                        lambda self: built.append(self) or generate(self))
    assert client.get(url).status_code == 200
    built_text = [str(select) for select in built]
    assert built_text and not [text for text in built_text if "participation" in text]


# --- administrators set the sides -----------------------------------------------------------

def test_administrator_sets_an_organisations_side_bad_input_at_the_field(client, table,
                                                                        create_member):
    client.login(create_member(Role.ADMIN))
    school = table["school"]
    form = {"name": "Základní škola Lipová", "kind": "school",
            "municipality_id": school.municipality_id, "address": "Školní 1"}
    bad = client.submit(f"/admin/organisations/{school.id}", {**form, "side": "martians"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'value="Školní 1"' in page
    field = page.split('name="side"')[0].rsplit('class="field', 1)[1]
    assert "has-error" in field
    assert "Vyberte jednu z nabízených možností." in page.split('name="side"')[1][:400]
    db.session.expire_all()
    assert db.session.get(Organisation, school.id).side is None
    assert client.submit(f"/admin/organisations/{school.id}",
                         {**form, "side": "user"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, school.id).side is Side.USER
    page = client.get(f"/organisations/{school.id}").get_data(as_text=True)
    assert "Strana v komunitním plánování" in page and "uživatelé a jejich zástupci" in page
    form_page = client.get(f"/admin/organisations/{school.id}").get_data(as_text=True)
    assert '<option value="user" selected>' in form_page
    assert "Zadavatelé (obce, kraj) sociální služby zajišťují a platí" in form_page  # the hint
    assert client.submit(f"/admin/organisations/{school.id}",
                         {**form, "side": ""}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, school.id).side is None


def test_administrator_sets_a_members_own_side(client, table, create_member):
    client.login(create_member(Role.ADMIN))
    teacher = table["teacher"]
    form = {"first_name": "Petr", "last_name": "Učitel", "email": teacher.email,
            "organisation_id": teacher.organisation_id, "role": "member"}
    bad = client.submit(f"/admin/members/{teacher.id}", {**form, "side": "everyone"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'value="Učitel"' in page
    assert "has-error" in page.split('name="side"')[0].rsplit('class="field', 1)[1]
    assert ">podle organizace</option>" in page
    assert client.submit(f"/admin/members/{teacher.id}",
                         {**form, "side": "commissioner"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Member, teacher.id).effective_side is Side.COMMISSIONER
    assert client.submit(f"/admin/members/{teacher.id}",
                         {**form, "side": ""}).status_code == 302  # "podle organizace"
    db.session.expire_all()
    assert db.session.get(Member, teacher.id).side is None
    invited = client.submit("/admin/members/new", {
        "first_name": "Iva", "last_name": "Nová", "email": "iva@example.org",
        "organisation_id": teacher.organisation_id, "role": "member", "side": "user"})
    assert invited.status_code == 302
    assert db.session.scalar(sa.select(Member.side).filter_by(email="iva@example.org")) \
        is Side.USER


def test_only_administrators_set_sides(client, table):
    client.login(table["secretary"])
    school = table["school"]
    response = client.submit(f"/admin/organisations/{school.id}", {
        "name": "Škola", "kind": "school", "municipality_id": school.municipality_id,
        "side": "user"})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Organisation, school.id).side is None


# --- the migration and the demo --------------------------------------------------------------

def test_the_migration_gives_municipalities_ngos_and_churches_their_side(make_app):
    from flask_migrate import downgrade, upgrade

    app = make_app()
    with app.app_context():
        downgrade(revision="a6b7c8d9e0f1")
        with db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO municipality (id, name, orp, search_key, sort_key) "
                "VALUES (1, 'Lipová', 'ORP', 'lipova', :key)"), {"key": b"\x00"})
            for number, kind in enumerate(("municipality", "ngo", "church", "school",
                                           "public_office", "other"), start=1):
                connection.execute(sa.text(
                    "INSERT INTO organisation (id, name, kind, municipality_id, address, phone,"
                    " email, website, description, search_key, sort_key) VALUES "
                    "(:id, :name, :kind, 1, '', '', '', '', '', 'o', :key)"),
                    {"id": number, "name": f"O{number}", "kind": kind, "key": b"\x00"})
        upgrade()
        with db.engine.connect() as connection:
            found = connection.exec_driver_sql(
                "SELECT kind, side FROM organisation ORDER BY id").all()
            members = connection.exec_driver_sql("SELECT count(side) FROM member").scalar()
        db.engine.dispose()
    assert found == [("municipality", "commissioner"), ("ngo", "provider"),
                     ("church", "provider"), ("school", None), ("public_office", None),
                     ("other", None)]
    assert members == 0


def test_the_demo_has_a_meeting_with_all_three_sides_and_one_without_users(app):
    from intranet.demo import load_demo

    with writing_request(app):
        assert load_demo()
    rows = stats.tables(stats.Period())["meetings"]
    found = {(bool(r.commissioners), bool(r.providers), bool(r.users)) for r in rows}
    assert (True, True, True) in found and (True, True, False) in found
