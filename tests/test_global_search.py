"""One search box for everything (#27): minutes, list posts, people, organisations and visits
found without diacritics, grouped by kind; the reader sees only what they may read (no
draft minutes, no posts of lists they are not on, no held or rejected posts); a constant
number of queries whatever the data."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet import global_search
from intranet.extensions import db
from intranet.mailing import moderation
from intranet.mailing import services as lists
from intranet.mailing.models import ListKind, ListPost, MailingList, PostSource, PostStatus
from intranet.mailing.searching import find_posts
from intranet.minutes import services as minutes_services
from intranet.policy import Role, may_read_list
from intranet.search import LIST_INDEX, index_text
from intranet.visits import services as visits
from intranet.visits.models import VisitKind

from .queries import queries_for


@pytest.fixture
def world(create_member, create_group, create_meeting, create_organisation,
          create_municipality):
    """A reader in the social group (not in the youth group), published and draft minutes,
    posts on the territory's list, on the youth group's list (not the reader's) and a held
    one, an organisation and a visit in Horní Lhota."""
    lhota = create_municipality("Horní Lhota")
    charita = create_organisation("Charita Naděje", municipality=lhota)
    reader = create_member(first_name="Jana", last_name="Nováková", organisation=charita)
    secretary = create_member(Role.SECRETARY, last_name="Zapisovatelová")
    coordinator = create_member(first_name="Karel", last_name="Koordinátor")
    admin = create_member(Role.ADMIN, last_name="Správcová")
    outsider = create_member(last_name="Mládková")
    social = create_group(number=4, name="Sociální služby", members=[reader],
                          coordinators=[coordinator])
    youth = create_group(number=5, name="Děti a mládež", members=[outsider],
                         coordinators=[coordinator])
    published = write_minutes(create_meeting(social, starts_in=-timedelta(days=7)), secretary,
                              coordinator, "Projednali jsme **sociální služby** pro seniory.")
    draft = write_minutes(create_meeting(social, starts_in=-timedelta(days=3)), secretary,
                          coordinator, "Tajný návrh: sociální bydlení.", publish=False)
    territory = list_of(ListKind.TERRITORY)
    youth_list = list_of(ListKind.GROUP, youth.id)
    open_post = lists.post(territory, reader, "Sociální šatník", "Kdo má oblečení?")
    closed_post = lists.post(youth_list, outsider, "Sociální práce s mládeží", "Jen pro nás.")
    territory.moderated = True
    held = lists.post(territory, outsider, "Sociální podnik čeká", "Čeká na schválení.")
    index_text(LIST_INDEX, held.id, "Sociální podnik čeká")  # even were it in the index
    territory.moderated = False
    db.session.commit()
    visit = visits.save_visit(None, secretary, {
        "kind": VisitKind.STUDY_VISIT, "title": "Exkurze do sociálního podniku",
        "host_organisation_id": charita.id, "host_name": "", "address": "", "country": "Česko",
        "description": "", "contact": "", "practical": "",
        "deadline": visits.today() + timedelta(days=10), "org_limit": None},
        [visits.SlotDetails(None, visits.today() + timedelta(days=20),
                            visits.today() + timedelta(days=20), 5)])
    return {"reader": reader, "admin": admin, "outsider": outsider, "secretary": secretary,
            "coordinator": coordinator, "social": social,
            "published": published, "draft": draft, "open_post": open_post,
            "closed_post": closed_post, "held": held, "charita": charita, "visit": visit,
            "territory": territory, "youth_list": youth_list}


def write_minutes(meeting, secretary, coordinator, text, publish=True):
    minutes = minutes_services.start(meeting, secretary)
    minutes_services.save(minutes, secretary, text, minutes.version)
    if publish:
        minutes_services.submit(minutes)
        minutes_services.approve(minutes, coordinator)
        minutes_services.publish(minutes, secretary)
    return minutes


def list_of(kind, group_id=None) -> MailingList:
    return db.session.scalar(sa.select(MailingList).filter_by(kind=kind, group_id=group_id))


def found(app, reader, q) -> dict[str, list[str]]:
    """The titles found of each kind, with their totals checked against the hits."""
    with app.test_request_context():
        results = global_search.search_everything(reader, q, limit=50)
    titles = {}
    for kind, result in results:
        assert result.total == len(result.hits), kind.name
        titles[kind.name] = [hit.title for hit in result.hits]
    return titles


# --- each kind, with and without diacritics -----------------------------------------------

def test_every_kind_is_registered_in_order(app):
    with app.test_request_context():
        names = [kind.name for kind in global_search.search_kinds()]
    assert names == ["people", "organisations", "minutes", "visits", "lists", "providers"]


def test_the_empty_search_names_every_part_it_searches(client, world):
    client.login(world["reader"])
    page = client.get("/search").get_data(as_text=True)
    assert ("Hledáme v těchto částech: Lidé, Organizace, Zápisy, Stáže a exkurze, Rozesílače, "
            "Katalog služeb.") in page


@pytest.mark.parametrize("q", ["socialni", "sociální", "SOCIALNI"])
def test_texts_are_found_without_diacritics(app, world, q):
    titles = found(app, world["reader"], q)
    assert len(titles["minutes"]) == 1 and titles["minutes"][0].startswith("Schůzka č. 1,")
    assert "Sociální šatník" in titles["lists"]
    assert titles["visits"] == ["Exkurze do sociálního podniku"]


@pytest.mark.parametrize("q", ["novakova", "Nováková", "jana nov"])
def test_people_are_found_without_diacritics(app, world, q):
    assert found(app, world["admin"], q)["people"] == ["Jana Nováková"]


@pytest.mark.parametrize("q", ["horni lhota", "Horní Lhota", "charita nadeje", "NADĚJE"])
def test_organisations_by_name_or_municipality(app, world, q):
    assert found(app, world["reader"], q)["organisations"] == ["Charita Naděje"]


def test_a_visit_is_found_by_its_host_and_its_municipality(app, world):
    for q in ("podnik", "nadeje", "horni lhota"):
        assert found(app, world["reader"], q)["visits"] == ["Exkurze do sociálního podniku"]


def test_a_hit_links_to_its_page_with_a_marked_passage(app, world):
    with app.test_request_context():
        results = dict((kind.name, result) for kind, result
                       in global_search.search_everything(world["reader"], "satnik"))
    hit = results["lists"].hits[0]
    post = world["open_post"]
    assert hit.url == f"/lists/{post.list_id}/threads/{post.thread_id}#post-{post.id}"
    assert "\x02šatník\x03" in hit.snippet.lower()
    assert results["lists"].more_url == f"/lists/{post.list_id}?q=satnik"  # all on one list


# --- what the reader may read ---------------------------------------------------------------

def test_draft_minutes_never_appear(app, world):
    for member in ("reader", "admin", "secretary"):
        titles = found(app, world[member], "bydleni")
        assert titles["minutes"] == [], member
        assert not any("bydlení" in title.lower() for kind in titles.values()
                       for title in kind), member


def test_posts_of_lists_the_reader_is_not_on_never_appear(app, world):
    reader_titles = found(app, world["reader"], "socialni")["lists"]
    assert "Sociální práce s mládeží" not in reader_titles
    assert "Sociální práce s mládeží" in found(app, world["outsider"], "socialni")["lists"]
    assert "Sociální práce s mládeží" in found(app, world["admin"], "socialni")["lists"]


def test_held_and_rejected_posts_never_appear(app, world):
    assert world["held"].status is PostStatus.HELD
    for member in ("reader", "admin", "outsider"):
        assert found(app, world[member], "podnik cek")["lists"] == [], member
    assert moderation.reject(world["held"], world["admin"], "Mimo téma.")
    assert found(app, world["admin"], "podnik cek")["lists"] == []


def test_the_lists_searched_are_those_the_policy_lets_one_read(app, world, create_member):
    """A post with the same word on every list (the territory's, two groups', a custom one
    with a subscriber): each member finds those of exactly the lists may_read_list allows."""
    custom = lists.save_list(None, "Koordinátoři", "", False, "list", address="koordinatori")
    subscriber = create_member(last_name="Odběratelová")
    lists.add_members(custom, subscriber.email)
    every_list = db.session.scalars(sa.select(MailingList)).all()
    for mailing_list in every_list:
        db.session.add(ListPost(mailing_list=mailing_list, sender_name="X", sender_email="x@x.cz",
                                subject=f"Kvetak {mailing_list.id}", body="kvetak",
                                body_html="", source=PostSource.WEB, status=PostStatus.POSTED,
                                message_id=f"<k{mailing_list.id}@x>"))
    db.session.flush()
    for item in db.session.scalars(sa.select(ListPost).filter_by(body="kvetak")):
        item.thread_id, item.posted_at = item.id, item.created_at
        index_text(LIST_INDEX, item.id, f"{item.subject}\n{item.body}")
    db.session.commit()
    for name in ("reader", "admin", "outsider", "secretary"):
        member = world[name]
        with app.test_request_context():
            hits = find_posts(member, "kvetak", 50, 0).hits
        readable = {f"Kvetak {lst.id}" for lst in every_list if may_read_list(member, lst)}
        assert {hit.title for hit in hits} == readable, name
    with app.test_request_context():
        hits = find_posts(subscriber, "kvetak", 50, 0).hits
    assert f"Kvetak {custom.id}" in {hit.title for hit in hits}


# --- the page -----------------------------------------------------------------------------

def test_the_page_groups_results_with_headings_and_counts(client, world):
    client.login(world["reader"])
    page = client.get("/search?q=socialni").get_data(as_text=True)
    headings = re.findall(r'<h2 id="found-(\w+)">([^<]+) <span class="muted">\((\d+)\)', page)
    assert headings == [("minutes", "Zápisy", "1"), ("visits", "Stáže a exkurze", "1"),
                        ("lists", "Rozesílače", "2")]  # the post, and the minutes posted
    assert "Sociální šatník" in page and "Sociální práce s mládeží" not in page
    assert "<mark>sociální</mark>" in page.lower()
    assert "Bez výsledků: Lidé, Organizace, Katalog služeb." in page


def test_a_passage_of_a_post_shows_its_text_without_markdown_marks(client, world):
    lists.post(world["territory"], world["reader"], "Pozvánka",
               "Milí kolegové,\n\nzvu vás na **seminář** o _dluhové poradně_, viz "
               "[program](https://example.org/program).")
    db.session.commit()
    client.login(world["reader"])
    page = client.get("/search?q=dluhová poradna").get_data(as_text=True)
    assert "Pozvánka" in page
    assert "zvu vás na seminář o <mark>dluhové</mark> <mark>poradně</mark>, viz program" in page
    for mark in ("**", "_dluh", "](", "[program"):
        assert mark not in page, mark


def test_more_than_five_link_to_all_of_them(client, world, create_organisation):
    for n in range(1, 8):
        create_organisation(f"Poradna Lipová {n}")
    client.login(world["reader"])
    page = client.get("/search?q=lipova").get_data(as_text=True)
    assert page.count("Poradna Lipová") == 5
    assert 'href="/search?q=lipova&amp;kind=organisations">Zobrazit všech 7' in page
    every = client.get("/search?q=lipova&kind=organisations").get_data(as_text=True)
    assert every.count("Poradna Lipová") == 7 and "Organizace <span class=\"muted\">(7)" in every


def test_the_features_own_search_is_linked_where_there_is_one(client, world, create_member):
    for n in range(6):
        create_member(last_name=f"Lipová{n}")
    client.login(world["reader"])
    page = client.get("/search?q=lipova").get_data(as_text=True)
    assert 'href="/directory?q=lipova">Zobrazit všech 6' in page


@pytest.mark.parametrize("q", ["", "a", " ? ", "x"])
def test_an_empty_or_too_short_query_is_told_kindly(client, world, q):
    client.login(world["reader"])
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    assert "Napište, co hledáte" in response.get_data(as_text=True)


def test_a_query_too_long_is_said_at_the_field(client, world):
    client.login(world["reader"])
    response = client.get("/search", query_string={"q": "slovo " * 40})
    assert response.status_code == 400
    assert "Nejvýše 200 znaků." in response.get_data(as_text=True)


def test_nothing_found_says_so(client, world):
    client.login(world["reader"])
    page = client.get("/search?q=zzyzx").get_data(as_text=True)
    assert "Nic jsme nenašli." in page and "<h2 id=\"found-" not in page


def test_the_header_has_the_search_box(client, world):
    client.login(world["reader"])
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'<form class="site-search" role="search" method="get" action="/search"',
                     page)
    assert '<label for="site-search-q" class="visually-hidden">Hledat v intranetu</label>' in page


def test_queries_do_not_grow_with_the_data(client, world, create_member, create_organisation,
                                           create_meeting):
    client.login(world["admin"])
    url = "/search?q=socialni"
    create_member(last_name="Sociální")  # a hit of every kind (none: its page is not read)
    create_organisation("Sociální poradna")
    before = queries_for(client, url)
    for n in range(8):
        create_member(last_name=f"Sociální{n}")
        create_organisation(f"Sociální poradna {n}")
        lists.post(world["territory"], world["reader"], f"Sociální téma {n}", "Text.")
    for n in range(3):
        write_minutes(create_meeting(world["social"], starts_in=-timedelta(days=20 + n)),
                      world["secretary"], world["coordinator"], f"Sociální zápis {n}.")
    assert queries_for(client, url) == before
