"""The attendance statistics are computed once and reused until the data under them changes
(data_versions.py): every kind of change must show on the next page view, unrelated ones must
not throw the result away."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet import data_versions
from intranet.accounts.services import MEMBER_COUNTS
from intranet.data_versions import DataVersion
from intranet.database import utcnow
from intranet.extensions import db
from intranet.meetings import stats
from intranet.organisations.models import Organisation
from intranet.policy import Role

from .conftest import writing_request
from .queries import QueryCounter


@pytest.fixture
def held(create_member, create_group, create_meeting):
    """A meeting held yesterday with two members expected, attendance not yet recorded."""
    secretary = create_member(Role.SECRETARY)
    jana = create_member(first_name="Jana", last_name="Dvořáková")
    petr = create_member(first_name="Petr", last_name="Malý")
    group = create_group(members=[jana, petr])
    meeting = create_meeting(group, starts_in=-timedelta(days=1))
    return {"secretary": secretary, "jana": jana, "petr": petr, "meeting": meeting}


def tiles(client) -> list[str]:
    """The first three numbers on the statistics page: held meetings, attendances,
    municipalities (the fourth, meetings with all three sides, see test_triad)."""
    page = client.get("/meetings/stats").get_data(as_text=True)
    return [part.split("</strong>")[0]
            for part in page.split('<div class="tile"><strong>')[1:4]]


def version() -> int:
    return data_versions.current_version(stats.STATISTICS)


def test_attendance_recorded_one_by_one_shows_at_once(client, held):
    client.login(held["secretary"])
    assert tiles(client) == ["0", "0", "0"]
    client.submit(f"/meetings/{held['meeting'].id}/attendance/{held['jana'].id}",
                  {"presence": "present"})
    assert tiles(client) == ["1", "1", "1"]


def test_everyone_present_a_bulk_update_shows_at_once(client, held):
    client.login(held["secretary"])
    client.submit(f"/meetings/{held['meeting'].id}/attendance/{held['jana'].id}",
                  {"presence": "present"})
    assert tiles(client) == ["1", "1", "1"]
    client.submit(f"/meetings/{held['meeting'].id}/attendance/everyone")
    assert tiles(client) == ["1", "2", "2"]


def test_guests_added_and_removed_show_at_once(client, held):
    client.login(held["secretary"])
    client.submit(f"/meetings/{held['meeting'].id}/attendance/everyone")
    client.submit(f"/meetings/{held['meeting'].id}/guests", {"name": "Host Hostovský"})
    assert tiles(client) == ["1", "3", "2"]
    db.session.delete(held["meeting"].guests[0])
    db.session.commit()
    assert tiles(client) == ["1", "2", "2"]


def test_renamed_organisation_and_a_member_who_moved_show_at_once(
        client, held, create_organisation):
    client.login(held["secretary"])
    client.submit(f"/meetings/{held['meeting'].id}/attendance/everyone")
    assert "Nové jméno" not in client.get("/meetings/stats").get_data(as_text=True)
    held["jana"].organisation.name = "Nové jméno"
    db.session.commit()
    assert "Nové jméno" in client.get("/meetings/stats").get_data(as_text=True)
    held["petr"].organisation = create_organisation(name="Jiná organizace")
    db.session.commit()
    assert "Jiná organizace" in client.get("/meetings/stats").get_data(as_text=True)


def test_unrelated_changes_keep_the_computed_statistics(client, held):
    client.login(held["secretary"])  # a log-in writes the member's last log-in time
    before = version()
    tiles(client)
    held["jana"].phone = "+420 777 000 111"
    db.session.commit()
    assert version() == before


def test_a_bulk_update_raises_the_counter_only_when_it_sets_what_the_result_reads(held):
    """An UPDATE ... SET of a column the statistics do not read (a member's phone) leaves
    the counter, and so its row, alone: sign-ups, which update a visit's change counter,
    do not queue behind one another on counter rows."""
    from intranet.accounts.models import Member

    db.session.commit()
    before = version()
    db.session.execute(sa.update(Member).where(Member.id == held["jana"].id)
                       .values(phone="+420 777 000 111"))
    db.session.commit()
    assert version() == before
    db.session.execute(sa.update(Organisation).where(
        Organisation.id == held["jana"].organisation_id).values(name="Nové jméno"))
    db.session.commit()
    assert version() == before + 1


def test_a_counter_is_read_once_a_transaction_and_again_after_a_change(held):
    db.session.commit()
    before = version()
    with QueryCounter(db.engine) as counter:
        assert version() == before
        data_versions.current_version(MEMBER_COUNTS)  # another kind: read with the first
    assert counter.count == 0
    held["jana"].organisation.name = "Nové jméno"  # the statistics show organisations
    db.session.flush()
    assert version() == before + 1  # the session's own change, at once
    db.session.rollback()
    assert version() == before  # undone with the transaction
    db.session.execute(sa.update(DataVersion).where(DataVersion.name == stats.STATISTICS)
                       .values(version=DataVersion.version + 5))  # e.g. another process
    db.session.commit()
    assert version() == before + 5


def test_a_meeting_with_attendance_taken_early_ends_the_result_when_it_begins(
        app, client, held, create_meeting):
    early = create_meeting(held["meeting"].group, starts_in=timedelta(minutes=30))
    client.login(held["secretary"])
    client.submit(f"/meetings/{early.id}/attendance/everyone")  # ticked off as they arrive
    with writing_request(app):
        assert stats._next_held_change() == early.starts_at
        results = iter(["first", "second"])
        assert data_versions.cached("test", "key", lambda: (next(results), utcnow())) == "first"
        assert data_versions.cached("test", "key", lambda: (next(results), None)) == "second"
        assert data_versions.cached("test", "key", lambda: ("third", None)) == "second"


def test_rows_kept_as_html_follow_the_language_and_the_page(
        app, client, held, create_meeting, monkeypatch):
    for day in range(1, 28):  # 27 held meetings: two pages of the meetings' table
        create_meeting(held["meeting"].group, starts_in=-timedelta(days=day),
                       attendance_taken_at=utcnow())
    client.login(held["secretary"])
    rendered = []
    keep = stats.keep_html
    monkeypatch.setattr(stats, "keep_html", lambda kept, key, render: keep(
        kept, key, lambda: rendered.append(key) or render()))
    czech = client.get("/meetings/stats").get_data(as_text=True)
    assert 'data-label="Kdy"' in czech and 'data-label="When"' not in czech
    assert len(rendered) == 3  # the three tables' first pages
    assert client.get("/meetings/stats").get_data(as_text=True) == czech
    assert len(rendered) == 3  # kept
    second = client.get("/meetings/stats?meetings_page=2").get_data(as_text=True)
    assert second.count("<tr><td data-label") == 2  # 27 = 25 + 2
    client.submit("/language", {"language": "en", "next": "/meetings/stats"})
    english = client.get("/meetings/stats").get_data(as_text=True)
    assert 'data-label="When"' in english and 'data-label="Kdy"' not in english


def organisation_name(organisation):
    """A compute() for data_versions.cached: the organisation's name as the database has it."""
    return lambda: (db.session.scalar(sa.select(Organisation.name)
                                      .where(Organisation.id == organisation.id)), None)


def test_a_change_not_yet_flushed_is_seen_by_the_next_result(app, held):
    organisation = held["jana"].organisation
    db.session.commit()
    with writing_request(app):
        before = organisation.name
        assert data_versions.cached(stats.STATISTICS, "name", organisation_name(organisation)) \
            == before
        organisation.name = "Nové jméno"  # not flushed: the counter is raised at the flush
        assert data_versions.cached(stats.STATISTICS, "name", organisation_name(organisation)) \
            == "Nové jméno"


def test_a_result_of_a_change_rolled_back_is_not_served_after_the_rollback(app, held):
    organisation = held["jana"].organisation
    db.session.commit()
    with writing_request(app):
        before = organisation.name
        data_versions.cached(stats.STATISTICS, "first", organisation_name(organisation))
        organisation.name = "Vráceno"  # e.g. a form that fails later and is rolled back
        assert data_versions.cached(stats.STATISTICS, "second", organisation_name(organisation)) \
            == "Vráceno"
        db.session.rollback()
        assert data_versions.cached(stats.STATISTICS, "second", organisation_name(organisation)) \
            == before
