"""The members' search index (intranet/search.py) follows every change of a name, an
organisation or a municipality, whichever way it is made, and survives the migrations."""

import pytest
import sqlalchemy as sa

from intranet import data_versions
from intranet.accounts.member_search import reads_in_order
from intranet.accounts.models import Member
from intranet.accounts.services import MEMBER_COUNTS, member_count, member_query
from intranet.database import rows_of
from intranet.extensions import db
from intranet.organisations.models import Organisation

from .conftest import writing_request


def found(q: str) -> set[str]:
    return {row.full_name for row in db.session.execute(*member_query(q, status="current"))}


@pytest.fixture
def jana(create_municipality, create_organisation, create_member):
    town = create_municipality("Horní Lipová")
    return create_member(first_name="Jana", last_name="Nováková",
                         organisation=create_organisation("Farní charita", municipality=town))


def test_names_organisations_and_towns_are_found_without_diacritics(jana):
    for query in ("novakova", "NOVÁ", "charit", "horni lip", "jana nov"):
        assert found(query) == {"Jana Nováková"}, query
    assert found("xyz") == set()
    assert found('no"v') == set() and found("nov*") == set()  # no full-text syntax


def test_short_queries_are_found_too(jana):
    assert found("nv") == set() and "Jana Nováková" in found("no")


def test_a_renamed_member_is_found_by_the_new_name_only(jana):
    jana.last_name = "Dvořáková"
    db.session.commit()
    assert found("dvorak") == {"Jana Dvořáková"} and found("novakova") == set()


def test_a_renamed_organisation_and_town_are_found_for_their_members(jana):
    jana.organisation.name = "Diakonie"
    db.session.commit()
    assert found("diakon") == {"Jana Nováková"} and found("charit") == set()
    jana.organisation.municipality.name = "Dolní Lipová"
    db.session.commit()
    assert found("dolni") == {"Jana Nováková"} and found("horni") == set()


def test_a_member_who_moves_is_found_by_the_new_organisation(jana, create_organisation):
    jana.organisation = create_organisation("Úřad práce")
    db.session.commit()
    assert found("urad prace") == {"Jana Nováková"} and found("charit") == set()


@pytest.mark.sqlite_only
def test_bulk_statements_keep_the_index_too(jana):
    db.session.execute(sa.update(Organisation).where(Organisation.id == jana.organisation_id)
                       .values(search_key="azylovy dum"))
    db.session.execute(sa.delete(Member).where(Member.id == jana.id))  # e.g. a cleanup
    db.session.commit()
    assert found("azyl") == set()
    index_rows = db.session.execute(sa.text("SELECT count(*) FROM member_search")).scalar()
    assert index_rows == db.session.scalar(sa.select(sa.func.count(Member.id)))


@pytest.mark.sqlite_only
def test_the_index_survives_every_migration(app):
    """A batch migration that copies the member table drops its triggers with it."""
    triggers = db.session.execute(sa.text(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'member_search%'"
    )).scalars().all()
    assert sorted(triggers) == ["member_search_delete", "member_search_insert",
                                "member_search_municipality", "member_search_organisation",
                                "member_search_update"]


def test_kept_member_counts_follow_every_change_that_moves_them(
        app, jana, create_member, create_organisation, create_municipality):
    def count(q="", **filters) -> int:  # the transaction it begins, the factories then write in
        with writing_request(app):
            return member_count(*member_query(q, status="current", **filters))

    assert count("lipova") == 1 and count() == 1
    petr = create_member(first_name="Petr", last_name="Malý")
    assert count() == 2 and count("lipova") == 1
    petr.organisation = jana.organisation  # moved to an organisation in Horní Lipová
    db.session.commit()
    assert count("lipova") == 2
    jana.organisation.municipality = create_municipality("Dolní Lhota")
    db.session.commit()
    assert count("lipova") == 0 and count("lhota") == 2
    jana.organisation.name = "Diakonie"
    db.session.commit()
    assert count("charita") == 0 and count("diakonie") == 2
    petr.last_name = "Veselý"
    db.session.commit()
    assert count("maly") == 0 and count("vesely") == 1
    db.session.execute(sa.update(Member).where(Member.id == petr.id)
                       .values(deactivated_at=sa.func.current_timestamp()))  # in bulk
    db.session.commit()
    assert count() == 1
    before = data_versions.current_version(MEMBER_COUNTS)
    jana.phone = "+420 777 000 111"  # not a reason to count again
    db.session.commit()
    assert data_versions.current_version(MEMBER_COUNTS) == before


def test_a_search_is_read_in_order_only_when_that_finds_the_page_sooner():
    assert reads_in_order(matches=2700, everyone=5000, rows=25)  # "obec 1"
    assert not reads_in_order(matches=300, everyone=5000, rows=25)  # "nov"
    assert not reads_in_order(matches=2700, everyone=5000, rows=100 * 25)  # far into it
    assert not reads_in_order(matches=0, everyone=5000, rows=25)


@pytest.mark.sqlite_only  # PostgreSQL has no member index to choose (a LIKE, see search.py)
def test_a_broad_search_read_in_order_finds_what_the_index_finds(
        app, monkeypatch, create_municipality, create_organisation, create_member):
    """Most members are in Lipová: the first pages are read in order, later ones along the
    index, and both give the same members in the same order as the index alone, also for
    a query that runs from the organisation's name into the municipality's."""
    lipova = create_organisation("Farní charita", municipality=create_municipality("Lipová"))
    elsewhere = create_organisation("Úřad práce", municipality=create_municipality("Brno"))
    for number in range(60):
        create_member(first_name=f"Člen{number:02}", last_name=f"Příjmení{number % 7}",
                      organisation=lipova if number % 4 else elsewhere)
    monkeypatch.setitem(app.config, "PER_PAGE", 5)

    def pages(q: str, reading: str) -> list[list[int]]:
        found = []
        for page in range(1, 11):
            query, params = member_query(q, status="current",
                                         page=page if reading == "chosen" else 10**6)
            found.append([row.id for row in rows_of(
                query.limit(5).offset((page - 1) * 5), params)])
        return found

    def read_in_order(q: str, page: int) -> bool:
        return "member_search" not in str(member_query(q, status="current", page=page)[0])

    assert read_in_order("lipova", page=1) and not read_in_order("lipova", page=10)
    assert read_in_order("charita lipova", page=1)
    assert not read_in_order("clen05", page=1)
    for q in ("lipova", "charita lipova", "a"):
        assert pages(q, "chosen") == pages(q, "index"), q
    assert sum(map(len, pages("charita lipova", "chosen"))) == 45


@pytest.mark.postgresql_only
def test_postgresql_answers_searches_from_its_indexes(app):
    """Word indexes: a weighted tsvector in a GIN index; members: trigram indexes of the
    folded keys that a LIKE '%…%' uses (migration 0a1b2c3d4e5f)."""
    inspector = sa.inspect(db.engine)
    for index in ("minutes_search", "list_search"):
        assert [i["column_names"] for i in inspector.get_indexes(index)] == [["document"]]
    for table in ("member", "organisation", "municipality"):
        assert f"{table}_search_key_trigrams" in {i["name"] for i in inspector.get_indexes(table)}
    db.session.execute(sa.text("SET enable_seqscan = off"))  # as with many members
    plan = "\n".join(db.session.execute(sa.text(
        "EXPLAIN SELECT id FROM member WHERE search_key LIKE '%novak%'")).scalars())
    assert "member_search_key_trigrams" in plan
