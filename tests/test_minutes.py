"""Minutes (issue #8): the first text from the meeting, saving with history and conflicts, the
way to publication with its role rules, and who reads what."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet.extensions import db
from intranet.meetings import attendance
from intranet.meetings.models import (
    Answer,
    Meeting,
    MeetingStatus,
    Participation,
    Presence,
    Presenter,
)
from intranet.minutes import minutes_published, services, tasks
from intranet.minutes.models import Minutes, MinutesRevision, MinutesState
from intranet.policy import Role

from .test_meetings import HTMX


@pytest.fixture
def team(create_member, create_group, create_organisation):
    """A group with a coordinator, a secretary (minute-taker), two members, and a meeting
    that began an hour ago with attendance taken."""
    home = create_organisation(name="Charita Testov")
    secretary = create_member(Role.SECRETARY, first_name="Zuzana", last_name="Zapisová")
    coordinator = create_member(first_name="Karel", last_name="Koordinátor")
    present = create_member(first_name="Petra", last_name="Přítomná", organisation=home)
    excused = create_member(first_name="Olga", last_name="Omluvená")
    group = create_group(number=4, name="Sociální služby", members=[present, excused],
                         coordinators=[coordinator])
    return {"secretary": secretary, "coordinator": coordinator, "present": present,
            "excused": excused, "group": group}


@pytest.fixture
def held(team, create_meeting):
    meeting = create_meeting(team["group"], starts_in=-timedelta(hours=1),
                             agenda=["Zahájení", "Dluhová poradna"], guests=["Host Hostová"])
    meeting.agenda[1].presenters = [Presenter(position=1, name="Petra Přítomná",
                                              member_id=team["present"].id)]
    db.session.commit()
    attendance.record_presence(meeting, team["present"].id, Presence.PRESENT)
    attendance.record_presence(meeting, team["excused"].id, Presence.EXCUSED)
    return meeting


def started(held, team) -> Minutes:
    return services.start(held, team["secretary"])


# --- the first text --------------------------------------------------------------------

def test_first_text_holds_what_the_intranet_knows(held, team, create_meeting):
    following = create_meeting(team["group"], starts_in=timedelta(days=30),
                               place="Úřad práce, sál 2")
    following.previous_id = held.id
    db.session.commit()
    text = started(held, team).text
    assert "# Zápis z jednání pracovní skupiny" in text
    assert "Sociální služby" in text
    assert "1. Zahájení\n2. Dluhová poradna – Petra Přítomná" in text
    assert "- Petra Přítomná (Charita Testov)" in text
    assert "## Omluvy" in text and "Olga Omluvená" in text
    assert "## Hosté" in text and "Host Hostová" in text
    assert "Úřad práce, sál 2" in text
    assert text.rstrip().endswith("Zapsal(a): Zuzana Zapisová")
    minutes = services.minutes_of(held.id)
    assert "<h2>Program</h2>" in minutes.html
    assert "<strong>Termín:</strong>" in minutes.html  # the date does not start a numbered list
    assert db.session.scalar(sa.select(sa.func.count(MinutesRevision.id))) == 1


def test_first_text_of_a_meeting_without_attendance_or_next(team, create_meeting):
    meeting = create_meeting(team["group"], starts_in=-timedelta(hours=2))
    text = services.start(meeting, team["secretary"]).text
    assert "(docházka nebyla zapsána)" in text
    assert "Termín zatím není stanoven." in text
    assert "## Omluvy" not in text


def test_first_text_names_the_groups_next_meeting_however_it_was_scheduled(
        team, create_meeting):
    """Not only a meeting made by "Naplánovat příští schůzku": the group's next one after
    this (a cancelled one does not count)."""
    meeting = create_meeting(team["group"], starts_in=-timedelta(hours=2))
    create_meeting(team["group"], starts_in=timedelta(days=7), place="Zrušeno",
                   status=MeetingStatus.CANCELLED)
    create_meeting(team["group"], starts_in=timedelta(days=30), place="Obecní sál")
    create_meeting(team["group"], starts_in=timedelta(days=14), place="Knihovna")
    text = services.start(meeting, team["secretary"]).text
    assert "Knihovna" in text and "Termín zatím není stanoven." not in text


def test_an_excuse_from_the_invitation_counts_as_excused(team, create_meeting):
    meeting = create_meeting(team["group"], starts_in=-timedelta(hours=2))
    db.session.execute(sa.update(Participation).values(answer=Answer.EXCUSED).where(
        Participation.member_id == team["excused"].id))
    db.session.commit()
    assert "Olga Omluvená" in services.start(meeting, team["secretary"]).text


def test_no_minutes_before_the_meeting_or_for_a_cancelled_one(team, create_meeting):
    coming = create_meeting(team["group"])
    with pytest.raises(services.NotStarted):
        services.start(coming, team["secretary"])
    cancelled = create_meeting(team["group"], starts_in=-timedelta(days=1),
                               status=MeetingStatus.CANCELLED)
    with pytest.raises(services.NotStarted):
        services.start(cancelled, team["secretary"])


def test_starting_twice_gives_the_same_minutes(held, team):
    assert started(held, team).id == services.start(held, team["coordinator"]).id


# --- saving, revisions, conflicts ------------------------------------------------------

def test_saves_of_one_person_while_typing_make_one_revision(held, team):
    minutes = started(held, team)
    services.save(minutes, team["secretary"], "první", minutes.version)
    services.save(minutes, team["secretary"], "první a druhá", minutes.version)
    texts = db.session.scalars(sa.select(MinutesRevision.text).order_by(MinutesRevision.number))
    assert list(texts)[-1] == "první a druhá"
    assert db.session.scalar(sa.select(sa.func.count(MinutesRevision.id))) == 1
    services.save(minutes, team["coordinator"], "třetí", minutes.version)
    assert db.session.scalar(sa.select(sa.func.count(MinutesRevision.id))) == 2


def test_a_save_after_a_pause_starts_a_new_revision(held, team):
    minutes = started(held, team)
    revision = services.latest_revision(minutes.id)
    revision.saved_at -= services.REVISION_SPAN + timedelta(seconds=1)
    db.session.commit()
    services.save(minutes, team["secretary"], "později", minutes.version)
    numbers = db.session.scalars(sa.select(MinutesRevision.number).order_by(
        MinutesRevision.number)).all()
    assert numbers == [1, 2]


def test_a_stale_save_is_refused_and_changes_nothing(held, team):
    minutes = started(held, team)
    loaded = minutes.version
    services.save(minutes, team["coordinator"], "text koordinátora", loaded)
    with pytest.raises(services.StaleVersion):
        services.save(minutes, team["secretary"], "text zapisovatelky", loaded)
    assert services.minutes_of(held.id).text == "text koordinátora"


def test_text_over_the_limit_is_refused(held, team):
    minutes = started(held, team)
    with pytest.raises(services.TooLong):
        services.save(minutes, team["secretary"], "ž" * 500_001, minutes.version)


def test_differences_mark_removed_and_added_lines():
    assert services.differences("a\nb\nc", "a\nB\nc") == [
        ("same", "a"), ("removed", "b"), ("added", "B"), ("same", "c")]


# --- the way to publication ------------------------------------------------------------

def test_the_whole_way_records_who_and_when(held, team):
    minutes = started(held, team)
    assert services.submit(minutes)
    assert services.approve(minutes, team["coordinator"])
    assert services.publish(minutes, team["secretary"])
    minutes = services.minutes_of(held.id)
    assert minutes.state is MinutesState.PUBLISHED
    assert minutes.approved_by_id == team["coordinator"].id
    assert minutes.published_by_id == team["secretary"].id and minutes.published_at
    assert not services.publish(minutes, team["coordinator"])  # once only


def test_empty_minutes_cannot_be_submitted(held, team):
    minutes = started(held, team)
    services.save(minutes, team["secretary"], "  \n ", minutes.version)
    with pytest.raises(services.EmptyMinutes):
        services.submit(minutes)


def test_submitted_minutes_are_not_edited_until_returned(held, team):
    minutes = started(held, team)
    services.submit(minutes)
    with pytest.raises(services.NotEditable):
        services.save(minutes, team["secretary"], "změna", minutes.version)
    assert services.return_to_draft(minutes)
    services.save(minutes, team["secretary"], "změna", minutes.version)
    assert services.minutes_of(held.id).text == "změna"


def test_two_simultaneous_publications_publish_once(app, held, team):
    minutes = started(held, team)
    services.submit(minutes)
    services.approve(minutes, team["coordinator"])
    minutes_id, publishers = minutes.id, [team["secretary"].id, team["coordinator"].id]
    db.session.commit()  # the test's own transaction would hold SQLite's write lock
    announced, results = [], []
    barrier = threading.Barrier(2)

    def publish(member_id):
        with app.app_context():
            mine = db.session.get(Minutes, minutes_id)  # both see it approved
            member = db.session.get(type(team["secretary"]), member_id)
            db.session.commit()  # (an open transaction would hold SQLite's write lock)
            barrier.wait(timeout=10)
            results.append(services.publish(mine, member))

    def record(sender):
        announced.append(sender.id)

    minutes_published.connect(record)
    try:
        threads = [threading.Thread(target=publish, args=(m,)) for m in publishers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        minutes_published.disconnect(record)
    assert sorted(results) == [False, True]
    assert announced == [minutes_id]


def test_a_rolled_back_publication_is_not_kept(held, team):
    """The hook runs inside the publishing transaction: if it fails, nothing is published."""
    minutes = started(held, team)
    services.submit(minutes)
    services.approve(minutes, team["coordinator"])

    def failing(_sender):
        raise RuntimeError("the list is down")

    minutes_published.connect(failing)
    try:
        with pytest.raises(RuntimeError):
            services.publish(minutes, team["secretary"])
    finally:
        minutes_published.disconnect(failing)
        db.session.rollback()
    assert services.minutes_of(held.id).state is MinutesState.APPROVED


# --- over HTTP -------------------------------------------------------------------------

def test_meeting_page_offers_writing_and_the_editor_is_prefilled(client, held, team):
    client.login(team["secretary"])
    page = client.get(f"/meetings/{held.id}").get_data(as_text=True)
    assert "Napsat zápis" in page
    response = client.submit(f"/meetings/{held.id}/minutes")
    assert response.status_code == 302 and response.location.endswith("/edit")
    editor = client.get(response.location).get_data(as_text=True)
    assert "Dluhová poradna – Petra Přítomná" in editor
    assert "Náhled" in editor and 'name="version"' in editor
    assert "Zápis ze schůzky č. 1" in client.get(f"/meetings/{held.id}").get_data(as_text=True)


def test_members_do_not_see_the_write_button(client, held, team):
    client.login(team["present"])
    page = client.get(f"/meetings/{held.id}").get_data(as_text=True)
    assert "Napsat zápis" not in page and "Zápis zatím nebyl zveřejněn." in page
    assert client.submit(f"/meetings/{held.id}/minutes").status_code == 403


def test_writing_before_the_meeting_is_refused_with_a_message(client, team, create_meeting):
    meeting = create_meeting(team["group"])
    client.login(team["secretary"])
    response = client.submit(f"/meetings/{meeting.id}/minutes", follow_redirects=True)
    assert "až schůzka začne" in response.get_data(as_text=True)
    assert services.minutes_of(meeting.id) is None


def test_autosave_answers_with_the_time_and_next_version(client, held, team):
    minutes = started(held, team)
    client.login(team["secretary"])
    response = client.submit(f"/minutes/{minutes.id}/edit", {
        "text": "## Průběh\n\nJednání", "version": minutes.version, "autosave": "1"},
        headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Uloženo" in body
    db.session.refresh(minutes)
    assert f'value="{minutes.version}" hx-swap-oob="true"' in body
    assert minutes.text == "## Průběh\n\nJednání"


def test_a_stale_save_is_409_with_both_texts(client, held, team):
    minutes = started(held, team)
    loaded = minutes.version
    services.save(minutes, team["coordinator"], "Řádek koordinátora", loaded)
    client.login(team["secretary"])
    response = client.submit(f"/minutes/{minutes.id}/edit",
                             {"text": "Řádek zapisovatelky", "version": loaded})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Řádek zapisovatelky</textarea>" in page  # mine, still in the editor
    assert "Řádek koordinátora</textarea>" in page  # theirs, to copy from
    assert "Karel Koordinátor" in page
    assert f'id="minutes-version" value="{minutes.version}"' in page  # now continues theirs
    assert services.minutes_of(held.id).text == "Řádek koordinátora"
    autosave = client.submit(f"/minutes/{minutes.id}/edit", {
        "text": "x", "version": loaded, "autosave": "1"}, headers=HTMX)
    assert autosave.status_code == 409 and "někdo jiný" in autosave.get_data(as_text=True)


def test_after_a_conflict_saving_again_is_deliberate_and_works(client, held, team):
    minutes = started(held, team)
    loaded = minutes.version
    services.save(minutes, team["coordinator"], "jejich", loaded)
    client.login(team["secretary"])
    client.submit(f"/minutes/{minutes.id}/edit", {"text": "moje", "version": loaded})
    db.session.refresh(minutes)
    response = client.submit(f"/minutes/{minutes.id}/edit",
                             {"text": "jejich a moje", "version": minutes.version})
    assert response.status_code == 302
    assert services.minutes_of(held.id).text == "jejich a moje"


def test_too_long_text_gets_a_message_and_is_kept(client, held, team):
    minutes = started(held, team)
    client.login(team["secretary"])
    text = "Příliš dlouhý zápis. " * 50_000
    response = client.submit(f"/minutes/{minutes.id}/edit",
                             {"text": text, "version": minutes.version})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "nejvýše 1 MB" in page and page.count("Příliš dlouhý zápis.") >= 50_000


def test_preview_is_sanitised(client, held, team):
    minutes = started(held, team)
    client.login(team["secretary"])
    response = client.submit(f"/minutes/{minutes.id}/preview", {
        "text": "**tučně** <script>alert(1)</script> [x](javascript:alert(1))"}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert "<strong>tučně</strong>" in body
    assert "<script>" not in body and "javascript:" not in body


def test_submit_approve_publish_over_http(client, held, team):
    minutes = started(held, team)
    client.login(team["secretary"])
    assert client.submit(f"/minutes/{minutes.id}/submit").status_code == 302
    assert client.submit(f"/minutes/{minutes.id}/approve").status_code == 403  # own minutes
    client.login(team["coordinator"])
    page = client.get(f"/minutes/{minutes.id}").get_data(as_text=True)
    assert "Schválit zápis" in page
    client.submit(f"/minutes/{minutes.id}/approve")
    mailed = len(team["group"].memberships)  # everyone on the group's list gets it
    asked = f"Zveřejnit zápis a rozeslat ho e-mailem {mailed} lidem ze skupiny?"
    assert asked in client.get(f"/minutes/{minutes.id}").get_data(as_text=True)  # the dialog
    question = client.submit(f"/minutes/{minutes.id}/publish")  # without script: a page
    assert question.status_code == 200 and asked in question.get_data(as_text=True)
    assert services.minutes_of(held.id).state is MinutesState.APPROVED  # nothing sent yet
    response = client.submit(f"/minutes/{minutes.id}/publish", {"confirmed": "1"},
                             follow_redirects=True)
    said = response.get_data(as_text=True)
    assert "Zápis je zveřejněn" in said and f"E-mailem odchází {mailed} lidem ze skupiny" in said
    again = client.submit(f"/minutes/{minutes.id}/publish", {"confirmed": "1"},
                          follow_redirects=True)
    assert "nic se nezměnilo" in again.get_data(as_text=True)


def test_empty_submit_over_http_is_400_with_a_message(client, held, team):
    minutes = started(held, team)
    services.save(minutes, team["secretary"], "", minutes.version)
    client.login(team["secretary"])
    response = client.submit(f"/minutes/{minutes.id}/submit")
    assert response.status_code == 400
    assert services.minutes_of(held.id).state is MinutesState.DRAFT


@pytest.mark.parametrize("approver, allowed", [
    ("coordinator", True), ("admin_other", True), ("admin_author", False),
    ("secretary_author", False), ("secretary_coordinator_author", True), ("member", False)])
def test_who_approves(client, held, team, create_member, approver, allowed):
    from intranet.groups.models import GroupMembership

    people = {"coordinator": team["coordinator"], "member": team["present"],
              "admin_other": create_member(Role.ADMIN)}
    author = team["secretary"]
    if approver == "admin_author":
        author = create_member(Role.ADMIN)
    if approver == "secretary_coordinator_author":
        db.session.add(GroupMembership(group=team["group"], member=author, is_coordinator=True))
        db.session.commit()
    people.update(admin_author=author, secretary_author=author,
                  secretary_coordinator_author=author)
    minutes = services.start(held, author)
    services.submit(minutes)
    client.login(people[approver])
    response = client.submit(f"/minutes/{minutes.id}/approve")
    assert (response.status_code == 302) is allowed
    assert (services.minutes_of(held.id).state is MinutesState.APPROVED) is allowed


def test_readers_and_members_see_published_minutes_only(client, held, team, create_member):
    minutes = started(held, team)
    mayor = create_member(Role.READER)
    for reader in (mayor, team["present"]):
        client.login(reader)
        for url in ("", "/history", "/changes", "/source"):
            assert client.get(f"/minutes/{minutes.id}{url}").status_code == 403
        assert "Zápis ze schůzky" not in client.get(f"/meetings/{held.id}").get_data(
            as_text=True)
    services.submit(minutes)
    services.approve(minutes, team["coordinator"])
    services.publish(minutes, team["secretary"])
    client.login(mayor)
    page = client.get(f"/minutes/{minutes.id}").get_data(as_text=True)
    assert "Dluhová poradna" in page and "Schválit" not in page
    meeting_page = client.get(f"/meetings/{held.id}").get_data(as_text=True)
    assert f'href="/minutes/{minutes.id}"' in meeting_page and "Dluhová poradna" in meeting_page


def test_history_and_changes_between_revisions(client, held, team):
    minutes = started(held, team)
    services.save(minutes, team["coordinator"], minutes.text + "\nNový řádek", minutes.version)
    client.login(team["secretary"])
    history = client.get(f"/minutes/{minutes.id}/history").get_data(as_text=True)
    assert "Karel Koordinátor" in history and "Zuzana Zapisová" in history
    changes = client.get(f"/minutes/{minutes.id}/changes").get_data(as_text=True)
    assert '<li class="diff-added">' in changes and "Nový řádek" in changes
    first = client.get(f"/minutes/{minutes.id}/changes?to=1").get_data(as_text=True)
    assert "První text zápisu" in first
    for bad in ("99", "99999999999999999999999", "-1", "x"):
        response = client.get(f"/minutes/{minutes.id}/changes?to={bad}&from={bad}")
        assert response.status_code in (200, 302), bad


def test_the_markdown_source_downloads(client, held, team):
    minutes = started(held, team)
    client.login(team["secretary"])
    page = client.get(f"/minutes/{minutes.id}").get_data(as_text=True)
    assert "Stáhnout text zápisu (textový soubor)" in page and "Markdown" not in page
    response = client.get(f"/minutes/{minutes.id}/source")
    assert response.mimetype == "text/markdown"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data(as_text=True) == minutes.text


def test_a_meeting_with_minutes_is_not_deleted(client, team, create_meeting):
    meeting = create_meeting(team["group"], starts_in=-timedelta(hours=3), invited=False)
    services.start(meeting, team["secretary"])
    client.login(team["secretary"])
    response = client.submit(f"/meetings/{meeting.id}/delete", {"confirmed": "1"})
    assert response.status_code == 302
    assert db.session.get(Meeting, meeting.id) is not None


def test_editing_submitted_minutes_goes_back_to_reading(client, held, team):
    minutes = started(held, team)
    services.submit(minutes)
    client.login(team["secretary"])
    response = client.get(f"/minutes/{minutes.id}/edit")
    assert response.status_code == 302 and response.location.endswith(f"/minutes/{minutes.id}")
    save = client.submit(f"/minutes/{minutes.id}/edit",
                         {"text": "pozdě", "version": minutes.version})
    assert save.status_code == 409 and "pozdě</textarea>" in save.get_data(as_text=True)


def test_a_save_without_the_text_field_empties_nothing(client, held, team):
    minutes = started(held, team)
    client.login(team["secretary"])
    response = client.submit(f"/minutes/{minutes.id}/edit", {"version": minutes.version})
    assert response.status_code == 400 and "nedorazil" in response.get_data(as_text=True)
    assert services.minutes_of(held.id).text == minutes.text


# --- the minutes on the meeting's page (#27) -------------------------------------------

AGREED = "Dohodnuto sdílení kontaktů."


def with_a_task(held, team, title="Poslat přehled služeb") -> Minutes:
    """Draft minutes of the held meeting that agreed on something, with a task for Petra."""
    minutes = started(held, team)
    services.save(minutes, team["secretary"], f"{minutes.text}\n\n{AGREED}", minutes.version)
    tasks.add(minutes, title, f"m:{team['present'].id}", None)
    return minutes


def publish(minutes, team) -> None:
    services.submit(minutes)
    services.approve(minutes, team["coordinator"])
    services.publish(minutes, team["secretary"])


def test_published_minutes_are_read_on_the_meeting_page_with_their_tasks(client, held, team):
    minutes = with_a_task(held, team)
    url = f"/meetings/{held.id}"
    client.login(team["present"])
    before = client.get(url).get_data(as_text=True)
    assert AGREED not in before and "Poslat přehled služeb" not in before
    client.login(team["secretary"])  # who may see the draft: a link, as before
    draft = client.get(url).get_data(as_text=True)
    assert f'href="/minutes/{minutes.id}"' in draft and AGREED not in draft
    publish(minutes, team)
    client.login(team["present"])
    page = client.get(url).get_data(as_text=True)
    assert AGREED in page and "Poslat přehled služeb" in page and "Petra Přítomná" in page
    # Under the page's own headings: one <h1>, the minutes' title and sections lower.
    assert page.count("<h1") == 1
    assert "<h3>Zápis z jednání pracovní skupiny" in page and "<h4>Program</h4>" in page
    for link in (f'href="/minutes/{minutes.id}"', f'href="/minutes/{minutes.id}/history"',
                 f'href="/minutes/{minutes.id}#tisk"'):
        assert link in page, link
    assert "splněno?" not in page  # read here; the task is marked done on the minutes page
    assert "splněno?" in client.get(f"/minutes/{minutes.id}").get_data(as_text=True)


def test_a_draft_is_not_shown_on_the_meeting_page_to_who_may_not_read_it(
        client, held, team, create_member):
    minutes = with_a_task(held, team)
    mayor = create_member(Role.READER)
    for step in (lambda: None, lambda: services.submit(minutes),
                 lambda: services.approve(minutes, team["coordinator"])):
        step()  # a draft, waiting for approval, approved
        for reader in (mayor, team["present"]):
            client.login(reader)
            page = client.get(f"/meetings/{held.id}").get_data(as_text=True)
            assert AGREED not in page and "Poslat přehled služeb" not in page, minutes.state
            assert f"/minutes/{minutes.id}" not in page
            assert "Zápis zatím nebyl zveřejněn." in page


def test_the_meeting_page_reads_its_minutes_in_queries_that_do_not_grow(
        client, held, team, create_meeting):
    from .queries import queries_for

    publish(with_a_task(held, team), team)
    other = create_meeting(team["group"], starts_in=-timedelta(days=7))
    many = services.start(other, team["secretary"])
    for n in range(6):
        tasks.add(many, f"Úkol {n}", f"m:{team['present'].id}", None)
    publish(many, team)
    client.login(team["present"])
    assert queries_for(client, f"/meetings/{held.id}") == queries_for(
        client, f"/meetings/{other.id}")


# --- corrections after publishing ------------------------------------------------------

def published(held, team) -> Minutes:
    minutes = started(held, team)
    services.save(minutes, team["secretary"], "Projednali jsme rozpočet obce Lhota.",
                  minutes.version)
    services.submit(minutes)
    services.approve(minutes, team["coordinator"])
    services.publish(minutes, team["secretary"])
    return minutes


def test_a_correction_is_a_revision_with_its_reason_and_tells_the_other_features(
        client, held, team, create_member):
    from intranet.minutes import archive, minutes_corrected

    minutes = published(held, team)
    told = []

    def record(sender, revision):
        told.append((sender.id, revision.correction))

    minutes_corrected.connect(record)
    try:
        client.login(team["coordinator"])
        response = client.submit(f"/minutes/{minutes.id}/correct", {
            "text": "Projednali jsme rozpočet obce Horní Lhota.", "version": minutes.version,
            "reason": "oprava názvu obce"})
    finally:
        minutes_corrected.disconnect(record)
    assert response.status_code == 302
    assert told == [(minutes.id, "oprava názvu obce")]
    revision = services.latest_revision(minutes.id)
    assert revision.correction == "oprava názvu obce" and revision.number == 2
    reader = create_member(Role.READER)
    found = db.session.execute(*archive.archive(archive.Filters(q="horni lhota"), reader)).all()
    assert [row.id for row in found] == [minutes.id]  # the index follows the correction
    client.login(reader)
    page = client.get(f"/minutes/{minutes.id}").get_data(as_text=True)
    assert "Opraveno" in page and "oprava názvu obce" in page
    assert f"/minutes/{minutes.id}/changes?to=2" in page
    changes = client.get(f"/minutes/{minutes.id}/changes?to=2").get_data(as_text=True)
    assert "Horní Lhota" in changes and '<li class="diff-removed">' in changes


def test_a_correction_needs_a_reason_and_keeps_the_text(client, held, team):
    minutes = published(held, team)
    client.login(team["secretary"])
    response = client.submit(f"/minutes/{minutes.id}/correct", {
        "text": "Nový text opravy", "version": minutes.version, "reason": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Toto pole je povinné." in page
    assert "Nový text opravy</textarea>" in page
    assert services.minutes_of(held.id).text == "Projednali jsme rozpočet obce Lhota."


def test_an_unchanged_correction_keeps_no_revision(held, team):
    minutes = published(held, team)
    assert not services.correct(minutes, team["secretary"], minutes.text, minutes.version, "x")
    assert services.latest_revision(minutes.id).number == 1


def test_a_stale_correction_is_409_with_both_texts(client, held, team):
    minutes = published(held, team)
    loaded = minutes.version
    services.correct(minutes, team["coordinator"], "Text koordinátora", loaded, "první oprava")
    client.login(team["secretary"])
    response = client.submit(f"/minutes/{minutes.id}/correct", {
        "text": "Text zapisovatelky", "version": loaded, "reason": "druhá oprava"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Text zapisovatelky</textarea>" in page and "Text koordinátora</textarea>" in page


def test_members_and_readers_do_not_correct(client, held, team, create_member):
    minutes = published(held, team)
    for person in (team["present"], create_member(Role.READER)):
        client.login(person)
        assert client.get(f"/minutes/{minutes.id}/correct").status_code == 403
        assert "Opravit zápis" not in client.get(f"/minutes/{minutes.id}").get_data(
            as_text=True)
