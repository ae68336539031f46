"""The archive of minutes (issue #8): browsing, searching without diacritics, new ones on the
dashboard; drafts never appear."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet import search
from intranet.extensions import db
from intranet.meetings import attendance
from intranet.meetings.models import Presence
from intranet.minutes import archive, services
from intranet.policy import Role

from .queries import queries_for
from .test_meetings import HTMX


@pytest.fixture
def team(create_member, create_group, create_organisation, create_municipality):
    lhota = create_municipality("Horní Lhota")
    secretary = create_member(Role.SECRETARY)
    coordinator = create_member(first_name="Karel")
    local = create_member(organisation=create_organisation("Úřad Horní Lhota",
                                                           municipality=lhota))
    mayor = create_member(Role.READER, organisation=create_organisation(
        "Obecní úřad Horní Lhota", municipality=lhota))
    social = create_group(number=4, name="Sociální služby", members=[local],
                          coordinators=[coordinator])
    youth = create_group(number=5, name="Děti a mládež", coordinators=[coordinator])
    return {"secretary": secretary, "coordinator": coordinator, "local": local,
            "mayor": mayor, "social": social, "youth": youth, "lhota": lhota}


@pytest.fixture
def publish(team, create_meeting):
    """Minutes of a new meeting `days_ago`, with this text, published (or left a draft)."""

    def make(text, group=None, days_ago=7, draft=False, present=()):
        meeting = create_meeting(group or team["social"], starts_in=-timedelta(days=days_ago))
        for member in present:
            attendance.record_presence(meeting, member.id, Presence.PRESENT)
        minutes = services.start(meeting, team["secretary"])
        services.save(minutes, team["secretary"], text, minutes.version)
        if not draft:
            services.submit(minutes)
            services.approve(minutes, team["coordinator"])
            services.publish(minutes, team["secretary"])
        return minutes

    return make


def found(q, reader, **filters):
    rows = db.session.execute(*archive.archive(archive.Filters(q=q, **filters), reader)).all()
    return [row.id for row in rows]


def test_search_ignores_diacritics_and_case(publish, team):
    minutes = publish("Projednali jsme **sociální služby** pro seniory.")
    other = publish("Jen o dopravě.")
    for query in ("socialni sluzby", "SOCIÁLNÍ", "sociální služby", "Socialni Sluzby"):
        assert found(query, team["mayor"]) == [minutes.id], query
    assert other.id not in found("socialni", team["mayor"])


def test_a_czech_word_is_found_in_any_of_its_forms(publish, team):
    """Czech inflects: the word's key (lemma, folded, stemmed) is indexed beside it."""
    minutes = publish("Obec rozšíří **pečovatelské služby** pro seniory.")
    publish("Jen o dopravě.")
    for query in ("pecovatelska", "pecovatelskou", "pecovatelskych", "pečovatelských služeb",
                  "pecovatelska sluzba", "obci", "obcich"):
        assert found(query, team["mayor"]) == [minutes.id], query
    assert found("pecovatelsky dum", team["mayor"]) == []  # every word, in some form


def test_the_word_itself_ranks_above_another_of_its_forms(publish, team):
    other_form = publish("Setkání pečovatelských služeb.", days_ago=3)
    same_form = publish("Setkání pečovatelské služby.", days_ago=20)
    assert found("pecovatelske", team["mayor"]) == [same_form.id, other_form.id]
    assert found("pecovatelskych", team["mayor"]) == [other_form.id, same_form.id]


def test_words_found_in_most_minutes_list_them_newest_first(publish, team, client, monkeypatch):
    """Ranking thousands of matches costs more than it tells: past RANKED_AT_MOST the
    matches are listed newest first (here the bound is 2)."""
    best = publish("Zápis, zápis, zápis a zase zápis.", days_ago=30)
    newer = publish("Zápis ze setkání o dopravě.", days_ago=10)
    newest = publish("Krátký zápis.", days_ago=2)
    assert found("zapis", team["mayor"])[0] == best.id  # ranked: the most of the word first
    monkeypatch.setattr(search, "RANKED_AT_MOST", 2)
    client.login(team["mayor"])
    page = client.get("/minutes?q=zapis").get_data(as_text=True)
    order = [page.index(f"/minutes/{m.id}\"") for m in (newest, newer, best)]
    assert order == sorted(order) and "Nalezeny 3 zápisy" in page


def test_another_form_of_the_word_is_marked_in_the_snippet(publish, team):
    minutes = publish("Obec rozšíří pečovatelské služby pro seniory.")
    rows = db.session.execute(*archive.archive(archive.Filters(q="pecovatelska"), team["mayor"]))
    snippets = archive.snippets_of(archive.Filters(q="pecovatelska"), rows.all())
    assert "\x02pečovatelské\x03" in snippets[minutes.id]


def test_search_as_one_types_finds_the_beginning_of_the_last_word(publish, team):
    minutes = publish("Dluhová poradna otevírá pobočku.")
    assert found("dluhova porad", team["mayor"]) == [minutes.id]
    assert found("dluhova poradnyxyz", team["mayor"]) == []


def test_better_matches_come_first_with_marked_snippets(publish, team):
    once = publish("Senioři jednou zmínění, jinak doprava a školy a " + "výplň " * 50)
    often = publish("Senioři, senioři a zase senioři: služby pro seniory.")
    rows = db.session.execute(*archive.archive(archive.Filters(q="seniori"), team["mayor"])).all()
    assert [row.id for row in rows] == [often.id, once.id]
    assert "<mark>Senioři</mark>" in str(archive_snippet("seniori", rows[0]))


def archive_snippet(q, row):
    from intranet.search import snippet_html

    return snippet_html(archive.snippets_of(archive.Filters(q=q), [row])[row.id])


def test_snippets_are_escaped(publish, team):
    publish("Text s `<script>alert(1)</script>` a slovem kocour.")
    row = db.session.execute(*archive.archive(archive.Filters(q="kocour"), team["mayor"])).one()
    html = str(archive_snippet("kocour", row))
    assert "<script>" not in html and "&lt;script&gt;" in html and "<mark>kocour</mark>" in html


def test_drafts_are_never_found_or_listed(publish, team):
    draft = publish("Tajný koncept o rozpočtu.", draft=True)
    assert found("rozpocet", team["coordinator"]) == []
    assert draft.id not in found("", team["coordinator"])


def test_the_first_letters_typed_list_matches_newest_first(publish, team):
    """A search of a letter or two matches most minutes: they are listed newest first (not
    ranked), through the index's prefix index of two and three letters."""
    home = publish("Domov pro seniory otevřel.", days_ago=20)
    other = publish("Jen o dopravě.", days_ago=10)
    agreement = publish("Dohoda o spolupráci.", days_ago=3)
    publish("Dobrovolníci, rozepsáno.", draft=True)
    assert found("do", team["mayor"]) == [agreement.id, other.id, home.id]
    assert found("dom", team["mayor"]) == [home.id]
    assert found("do", team["mayor"], group_id=team["youth"].id) == []
    if db.engine.dialect.name == "sqlite":  # PostgreSQL's GIN index finds prefixes itself
        index = db.session.execute(sa.text(
            "SELECT sql FROM sqlite_master WHERE name = 'minutes_search'")).scalar()
        assert "prefix='2 3'" in index


def test_filters_by_group_year_and_municipality(publish, team):
    social = publish("Zápis sociální skupiny.", present=[team["local"]])
    youth = publish("Zápis skupiny mládeže.", group=team["youth"])
    old = publish("Loňský zápis sociální skupiny.", days_ago=400)
    mayor = team["mayor"]
    assert found("", mayor, group_id=team["youth"].id) == [youth.id]
    assert set(found("", mayor, group_id=team["social"].id)) == {social.id, old.id}
    year = archive.years()[-1]
    assert old.id in found("", mayor, year=year) and social.id not in found("", mayor, year=year)
    assert found("", mayor, municipality_id=team["lhota"].id) == [social.id]
    assert found("zapis", mayor, group_id=team["youth"].id) == [youth.id]


def test_archive_lists_newest_meetings_first(publish, team):
    older = publish("Starší.", days_ago=30)
    newer = publish("Novější.", days_ago=3)
    assert found("", team["mayor"]) == [newer.id, older.id]


def test_the_archive_count_is_kept_but_follows_every_publication(publish, team):
    """All published minutes are counted once, again only after minutes are published
    (a draft saved meanwhile changes nothing)."""
    def count():
        return archive.count_of(archive.Filters())

    publish("První.")
    assert count() == 1
    publish("Rozepsaný.", draft=True)
    assert count() == 1
    publish("Druhý.", days_ago=2)
    assert count() == 2


def test_archive_page_and_search_over_http(client, publish, team):
    publish("Projednali jsme sociální služby.")
    client.login(team["mayor"])
    page = client.get("/minutes").get_data(as_text=True)
    assert "Schůzka č. 1" in page and "Sociální služby" in page
    results = client.get("/minutes?q=socialni+sluzby", headers=HTMX)
    body = results.get_data(as_text=True)
    assert "<html" not in body and "<mark>sociální</mark> <mark>služby</mark>" in body
    assert "Nalezen 1 zápis" in body
    none = client.get("/minutes?q=zadnetakoveslovo", headers=HTMX).get_data(as_text=True)
    assert "Žádný zveřejněný zápis" in none


@pytest.mark.parametrize("query", ['"', '*', 'NEAR(a b)', 'a:b', '^', 'OR', '(', "-x", "ž" * 300])
def test_any_query_is_harmless(client, publish, team, query):
    publish("Něco.")
    client.login(team["mayor"])
    response = client.get("/minutes", query_string={"q": query})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("query", ['"', "-", "*", "(", "z", "a -"])
def test_a_search_of_punctuation_alone_lists_the_archive(client, publish, team, query):
    """Punctuation alone has no word to search for, nor the first letter typed: the archive
    as without a search, not "found" minutes that were not searched for."""
    publish("Něco.")
    client.login(team["mayor"])
    response = client.get("/minutes", query_string={"q": query}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Schůzka č. 1" in body and "Nalezen" not in body


def test_too_long_query_is_shown_at_the_field(client, team):
    client.login(team["mayor"])
    response = client.get("/minutes", query_string={"q": "x" * 201})
    assert "Nejvýše 200 znaků." in response.get_data(as_text=True)


def test_archive_queries_do_not_grow_with_the_data(client, publish, team):
    publish("První zápis o službách.")
    client.login(team["mayor"])
    few = [queries_for(client, url) for url in ("/minutes", "/minutes?q=sluzby", "/")]
    for day in range(30):
        publish(f"Zápis {day} o službách.", days_ago=day + 10)
    many = [queries_for(client, url) for url in ("/minutes", "/minutes?q=sluzby",
                                                  "/minutes?page=2", "/")]
    assert many == [few[0], few[1], few[0], few[2]]


def test_dashboard_marks_new_minutes_until_read(client, publish, team):
    minutes = publish("Zápis pro starostku.", present=[team["local"]])
    client.login(team["mayor"])  # a mayor from the municipality of a group member
    dashboard = client.get("/").get_data(as_text=True)
    assert "Nové zápisy z vašich skupin a obce" in dashboard
    assert f'href="/minutes/{minutes.id}"' in dashboard and "nový" in dashboard
    page = client.get(f"/minutes/{minutes.id}").get_data(as_text=True)
    assert f'hx-post="/minutes/{minutes.id}/read"' in page
    assert client.submit(f"/minutes/{minutes.id}/read").status_code == 204
    assert client.submit(f"/minutes/{minutes.id}/read").status_code == 204  # once is enough
    assert "nový" not in client.get("/").get_data(as_text=True)
    assert "/read" not in client.get(f"/minutes/{minutes.id}").get_data(as_text=True)


def test_dashboard_leaves_out_unrelated_groups(client, publish, team, create_member):
    publish("Zápis mládeže.", group=team["youth"])
    stranger = create_member(Role.READER)
    client.login(stranger)
    assert "Zatím žádný zveřejněný zápis." in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("args", [{"year": "99999999999999999999"}, {"year": "1"},
                                  {"group": "abc"}, {"municipality": "-5"}, {"page": "x"}])
def test_bad_filters_are_ignored_not_500(client, team, args):
    client.login(team["mayor"])
    assert client.get("/minutes", query_string=args).status_code == 200
