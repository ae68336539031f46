"""The provider catalogue (#28): entries of an organisation's services, found by kind, target
group, municipality and text without diacritics; one kind at one address once; confirmed as
current, flagged after a year; printed, exported as CSV, public when switched on; kept only
by the organisation's members and administrators."""

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet.accounts.models import Member
from intranet.catalogue import services
from intranet.catalogue.models import ProviderService, ServiceKind, TargetGroup
from intranet.database import utcnow
from intranet.extensions import db
from intranet.policy import Role

from .queries import queries_for


def kind(name: str) -> ServiceKind:
    return db.session.scalar(sa.select(ServiceKind).filter_by(name=name))


def group(name: str) -> TargetGroup:
    return db.session.scalar(sa.select(TargetGroup).filter_by(name=name))


@pytest.fixture
def add_service(app):
    """An entry saved through the service, as the form saves it."""

    def factory(organisation, kind_name="terénní programy", *, name="", address="",
                groups=(), places=(), whole_territory=False, by=None, **fields):
        values = {"kind_id": kind(kind_name).id, "name": name, "address": address,
                  "whole_territory": whole_territory, "phone": "", "email": "",
                  "website": "", "contact_person": "", "opening_hours": "", "capacity": "",
                  "description": "", **fields}
        by = by or db.session.scalar(sa.select(Member).limit(1))
        return services.save_service(None, organisation.id, by, values,
                                     [group(g).id for g in groups], [p.id for p in places])

    return factory


@pytest.fixture
def territory(create_municipality, create_organisation, create_member, add_service):
    """Two villages, a charity with two services, a shelter serving the whole territory."""
    lipova, dubnice = create_municipality("Lipová"), create_municipality("Dubnice")
    charity = create_organisation("Farní charita Vranov", municipality=lipova)
    shelter = create_organisation("Azylový dům Přístav", municipality=dubnice)
    worker = create_member(organisation=charity)
    care = add_service(charity, "pečovatelská služba", groups=["senioři"], places=[lipova],
                       address="Farní 1, Lipová", by=worker, contact_person="Eva Tichá")
    advice = add_service(charity, "odborné sociální poradenství", name="Dluhová poradna",
                         groups=["lidé v dluhové pasti"], places=[dubnice], by=worker)
    beds = add_service(shelter, "azylové domy", groups=["lidé bez domova"],
                       whole_territory=True, by=worker)
    return {"lipova": lipova, "dubnice": dubnice, "charity": charity, "shelter": shelter,
            "worker": worker, "care": care, "advice": advice, "beds": beds}


def found(**filters) -> set[int]:
    return {s.id for s in services.all_matching(services.Filters(**filters))}


def test_the_migration_seeds_the_kinds_of_the_law_and_target_groups(app):
    names = set(db.session.scalars(sa.select(ServiceKind.name)))
    assert {"odborné sociální poradenství", "terénní programy", "azylové domy",
            "nízkoprahová zařízení pro děti a mládež", "pečovatelská služba",
            "sociální rehabilitace", "intervenční centra"} <= names
    assert len(names) == 33  # §§ 37–70 of law 108/2006 Sb.
    assert group("senioři") and group("oběti domácího násilí")


def test_filters_by_kind_target_group_and_municipality(territory):
    t = territory
    assert found() == {t["care"].id, t["advice"].id, t["beds"].id}
    assert found(kind_id=kind("pečovatelská služba").id) == {t["care"].id}
    assert found(target_group_id=group("lidé v dluhové pasti").id) == {t["advice"].id}
    # a municipality: the services that name it, and those of the whole territory
    assert found(municipality_id=t["lipova"].id) == {t["care"].id, t["beds"].id}
    assert found(municipality_id=t["dubnice"].id,
                 kind_id=kind("odborné sociální poradenství").id) == {t["advice"].id}


@pytest.mark.parametrize("typed, expected", [
    ("pecovatelska", {"care"}),  # the kind, without diacritics
    ("DLUHOVA", {"advice"}),  # the name, in capitals
    ("seniori", {"care"}),  # a target group
    ("prIstav", {"beds"}),  # the organisation
    ("dubnice", {"advice"}),  # a municipality served (the shelter serves it too, unnamed)
    ("farni 1", {"care"}),  # the address
    ("100%_", set()),  # wildcards are plain characters
])
def test_text_without_diacritics(territory, typed, expected):
    assert found(q=typed) == {territory[name].id for name in expected}


def test_catalogue_page_filters_as_one_types(client, territory):
    client.login(territory["worker"])
    url = f"/catalogue?q=pecovatelska&municipality={territory['lipova'].id}"
    page = client.get(url).get_data(as_text=True)
    assert "Nalezena 1 služba" in page and "Pečovatelská" not in page  # the kind, as named
    assert "pečovatelská služba" in page and "Dluhová poradna" not in page
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert "pečovatelská služba" in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]


def test_an_unknown_filter_is_said_at_its_field(client, territory):
    client.login(territory["worker"])
    response = client.get("/catalogue?municipality=999999&kind=999999&target_group=999999"
                          "&q=poradna")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Tato obec v seznamu není." in page
    assert "Tento druh služby v seznamu není." in page
    assert "Tato cílová skupina v seznamu není." in page
    assert 'value="poradna"' in page and "Dluhová poradna" in page  # the rest still applies


def form_data(territory, **changes) -> dict:
    data = {"kind_id": str(kind("terénní programy").id), "name": "Terénní tým",
            "target_groups": [str(group("lidé bez domova").id)],
            "municipalities": [str(territory["lipova"].id)], "address": "Náves 3, Lipová",
            "phone": "+420 777 000 111", "email": "teren@charita.example", "website": "",
            "contact_person": "Eva Tichá", "opening_hours": "po–pá 8–16", "capacity": "",
            "description": "V terénu."}
    data.update(changes)
    return data


def test_a_member_adds_a_service_of_their_organisation(client, territory):
    t = territory
    client.login(t["worker"])
    response = client.submit(f"/organisations/{t['charity'].id}/services/new",
                             form_data(territory))
    assert response.status_code == 302
    entry = db.session.scalar(sa.select(ProviderService).filter_by(name="Terénní tým"))
    assert entry.organisation_id == t["charity"].id and entry.confirmed_by_id == t["worker"].id
    assert [m.name for m in entry.municipalities] == ["Lipová"]
    assert [g.name for g in entry.target_groups] == ["lidé bez domova"]
    page = client.get(response.location).get_data(as_text=True)
    assert "Terénní tým" in page and "Eva Tichá" in page


def test_one_kind_at_one_address_once_per_organisation(client, territory):
    t = territory
    client.login(t["worker"])
    data = form_data(t, kind_id=str(kind("pečovatelská služba").id), address=" farni 1  lipova ",
                     name="Druhá pečovatelská")
    response = client.submit(f"/organisations/{t['charity'].id}/services/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Tento druh služby na této adrese už organizace v katalogu má." in page
    assert 'value="Druhá pečovatelská"' in page and 'value=" farni 1  lipova "' not in page
    assert 'value="farni 1  lipova"' in page  # trimmed, as typed
    assert "V terénu." in page
    assert db.session.scalar(sa.select(sa.func.count(ProviderService.id))) == 3
    # another organisation may list the same kind at the same address, as may another address
    other = client.submit(f"/organisations/{t['charity'].id}/services/new",
                          {**data, "address": "Farní 2, Lipová"})
    assert other.status_code == 302


def test_editing_into_a_duplicate_is_refused_and_keeps_what_was_typed(client, territory):
    t = territory
    client.login(t["worker"])
    data = form_data(t, kind_id=str(kind("pečovatelská služba").id), address="Farní 1, Lipová",
                     name="Přejmenovaná poradna")
    response = client.submit(f"/catalogue/{t['advice'].id}/edit", data)
    assert response.status_code == 400
    assert 'value="Přejmenovaná poradna"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ProviderService, t["advice"].id).name == "Dluhová poradna"


@pytest.mark.parametrize("field, value, message", [
    ("kind_id", "999999", "Tento druh služby v seznamu není."),
    ("kind_id", "", "Vyberte druh služby."),
    ("municipalities", ["999999"], "Vybraná obec v seznamu není."),
    ("municipalities", ["Lipová"], "Vybraná obec v seznamu není."),
    ("municipalities", [], "Zaškrtněte obce, kde služba působí, nebo celé území."),
    ("target_groups", ["999999"], "Vybraná cílová skupina v seznamu není."),
])
def test_unknown_choices_are_said_at_the_field(client, territory, field, value, message):
    t = territory
    client.login(t["worker"])
    response = client.submit(f"/organisations/{t['charity'].id}/services/new",
                             form_data(t, **{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert 'value="Terénní tým"' in page and 'value="Náves 3, Lipová"' in page
    assert db.session.scalar(sa.select(sa.func.count(ProviderService.id))) == 3


def test_the_whole_territory_needs_no_municipality(client, territory):
    t = territory
    client.login(t["worker"])
    response = client.submit(f"/organisations/{t['charity'].id}/services/new",
                             form_data(t, municipalities=[], whole_territory="y"))
    assert response.status_code == 302
    entry = db.session.scalar(sa.select(ProviderService).filter_by(name="Terénní tým"))
    assert entry.whole_territory and entry.municipalities == []


def test_only_the_organisations_members_and_administrators_keep_its_entries(
        client, territory, create_member, create_organisation):
    t = territory
    care_url = f"/catalogue/{t['care'].id}"
    outsider = create_member(organisation=create_organisation())
    colleague_reader = create_member(Role.READER, organisation=t["charity"])
    for member in (outsider, colleague_reader):
        client.login(member)
        assert client.get(f"{care_url}/edit").status_code == 403
        assert client.submit(f"{care_url}/confirm").status_code == 403
        assert client.submit(f"{care_url}/delete", {"confirmed": "1"}).status_code == 403
        assert client.get(f"/organisations/{t['charity'].id}/services/new").status_code == 403
        page = client.get(care_url).get_data(as_text=True)
        assert "Potvrdit, že je aktuální" not in page and "Upravit" not in page
    colleague = create_member(Role.SECRETARY, organisation=t["charity"])
    admin = create_member(Role.ADMIN, organisation=create_organisation())
    for member in (colleague, admin):
        client.login(member)
        assert client.get(f"{care_url}/edit").status_code == 200
        assert client.submit(f"{care_url}/confirm").status_code == 302
    client.login(colleague)
    care_id = t["care"].id
    assert client.submit(f"{care_url}/delete", {"confirmed": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ProviderService, care_id) is None


def test_confirming_sets_when_and_who(client, territory, create_member):
    t = territory
    colleague = create_member(organisation=t["charity"])
    t["care"].confirmed_at = utcnow() - timedelta(days=500)
    db.session.commit()
    client.login(colleague)
    response = client.submit(f"/catalogue/{t['care'].id}/confirm",
                             {"next": f"/organisations/{t['charity'].id}"})
    assert response.status_code == 302
    assert response.location.endswith(f"/organisations/{t['charity'].id}")
    db.session.expire_all()
    care = db.session.get(ProviderService, t["care"].id)
    assert care.confirmed_by_id == colleague.id
    assert utcnow() - care.confirmed_at < timedelta(minutes=1)


def test_an_entry_unconfirmed_for_a_year_is_flagged_to_the_organisation(
        client, territory, create_member, create_organisation):
    t = territory
    flag = "Neověřeno déle než rok"
    waiting = "Ověřit údaje v katalogu poskytovatelů"
    t["care"].confirmed_at = utcnow() - timedelta(days=364)
    db.session.commit()
    client.login(t["worker"])
    assert flag not in client.get("/catalogue").get_data(as_text=True)
    assert waiting not in client.get("/").get_data(as_text=True)
    t["care"].confirmed_at = utcnow() - timedelta(days=366)
    db.session.commit()
    assert client.get("/catalogue").get_data(as_text=True).count(flag) == 1
    organisation_page = client.get(f"/organisations/{t['charity'].id}").get_data(as_text=True)
    assert flag in organisation_page and "Potvrdit, že je aktuální" in organisation_page
    dashboard = client.get("/").get_data(as_text=True)
    assert f"{waiting}: služby vaší organizace neověřené déle než rok (1)" in dashboard
    assert f'href="/organisations/{t["charity"].id}"' in dashboard
    for other in (create_member(organisation=t["shelter"]),
                  create_member(Role.READER, organisation=t["charity"])):
        client.login(other)
        assert waiting not in client.get("/").get_data(as_text=True)
    client.login(t["worker"])
    client.submit(f"/catalogue/{t['care'].id}/confirm")
    assert waiting not in client.get("/").get_data(as_text=True)
    assert flag not in client.get("/catalogue").get_data(as_text=True)


def test_the_printed_catalogue_has_every_entry_grouped_by_kind(make_app, territory):
    app = make_app(PER_PAGE=2)
    client = app.test_client()
    client.login(territory["worker"])
    assert "Strana 1 z 2" in client.get("/catalogue").get_data(as_text=True)
    page = client.get("/catalogue/print").get_data(as_text=True)
    assert "Strana" not in page
    for heading in ("azylové domy", "odborné sociální poradenství", "pečovatelská služba"):
        assert f"<h2>{heading}" in page
    assert page.index("<h2>azylové domy") < page.index("<h2>odborné") < page.index(
        "<h2>pečovatelská")
    assert "Eva Tichá" in page and 'class="catalogue-print"' in page
    narrowed = client.get(f"/catalogue/print?municipality={territory['dubnice'].id}")
    text = narrowed.get_data(as_text=True)
    assert "Dluhová poradna" in text and "Azylový dům Přístav" in text
    assert "<h2>pečovatelská" not in text and "Obec: Dubnice" in text


def test_the_csv_neutralises_formula_cells(client, territory, add_service):
    add_service(territory["shelter"], "noclehárny", name="=HYPERLINK(\"http://x\")",
                places=[territory["lipova"]], phone="+420 777 1")
    client.login(territory["worker"])
    response = client.get(f"/catalogue.csv?municipality={territory['lipova'].id}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][:3] == ["Druh služby", "Název", "Organizace"]
    names = {row[1]: row for row in rows[1:]}
    assert set(names) == {"'=HYPERLINK(\"http://x\")", "pečovatelská služba", "azylové domy"}
    assert names["'=HYPERLINK(\"http://x\")"][6] == "'+420 777 1"
    assert names["azylové domy"][4] == "celé území"


def test_the_public_catalogue_is_off_by_default(client, territory):
    assert client.get("/verejny-katalog").status_code == 404
    client.login(territory["worker"])
    assert client.get("/verejny-katalog").status_code == 404


def test_the_public_catalogue_when_switched_on(make_app, territory):
    app = make_app(CATALOGUE_PUBLIC=True)
    with app.app_context():
        citizen = app.test_client()
        response = citizen.get("/verejny-katalog?q=seniori")
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "pečovatelská služba" in page and "Farní charita Vranov" in page
        assert "Eva Tichá" not in page  # the contact person is for the intranet only
        assert "/catalogue/" not in page and "/organisations/" not in page
        assert "Upravit" not in page and "CSV" not in page
        assert citizen.get("/verejny-katalog?municipality=999999").status_code == 400


def test_the_municipality_page_lists_the_services_serving_it(client, territory):
    client.login(territory["worker"])
    page = client.get(f"/municipalities/{territory['lipova'].id}").get_data(as_text=True)
    assert "Sociální služby pro obec" in page
    assert "pečovatelská služba" in page and "azylové domy" in page
    assert "Dluhová poradna" not in page
    assert f"/catalogue?municipality={territory['lipova'].id}" in page


def test_the_header_search_finds_services(client, territory):
    client.login(territory["worker"])
    page = client.get("/search?q=poradna").get_data(as_text=True)
    assert "Katalog služeb" in page and "Dluhová poradna" in page
    assert f'href="/catalogue/{territory["advice"].id}"' in page
    everything = client.get("/search?q=poradna&kind=providers").get_data(as_text=True)
    assert "Dluhová poradna" in everything


def test_administrators_extend_the_lists_but_delete_no_kind_in_use(client, territory,
                                                                   create_member):
    client.login(create_member(Role.ADMIN))
    assert client.submit("/catalogue/kinds/new", {"name": "Pečovatelská služba"}
                         ).status_code == 400  # the same name in another case
    assert client.submit("/catalogue/kinds/new", {"name": "podpora v rodině",
                                                  "section": ""}).status_code == 302
    added = kind("podpora v rodině")
    assert client.submit(f"/catalogue/kinds/{added.id}", {"name": "podpora rodin",
                                                          "section": ""}).status_code == 302
    used = kind("azylové domy")
    response = client.submit(f"/catalogue/kinds/{used.id}/delete", {"confirmed": "1"})
    assert response.status_code == 302
    assert "nelze smazat" in client.get(response.location).get_data(as_text=True)
    assert kind("azylové domy") is not None
    assert client.submit(f"/catalogue/kinds/{added.id}/delete", {"confirmed": "1"}
                         ).status_code == 302
    assert kind("podpora rodin") is None
    assert client.submit("/catalogue/target-groups/new", {"name": "pěstouni"}).status_code == 302
    used_group = group("senioři")
    client.submit(f"/catalogue/target-groups/{used_group.id}/delete", {"confirmed": "1"})
    assert group("senioři") is not None
    assert "pěstouni" in client.get("/catalogue/lists").get_data(as_text=True)


def test_queries_per_page_do_not_grow_with_the_catalogue(client, territory, add_service,
                                                          create_organisation):
    client.login(territory["worker"])
    urls = ["/catalogue", f"/catalogue?q=sluzba&municipality={territory['lipova'].id}",
            "/catalogue/print", f"/organisations/{territory['charity'].id}",
            f"/municipalities/{territory['lipova'].id}"]
    few = [queries_for(client, url) for url in urls]
    for n in range(6):
        organisation = create_organisation(municipality=territory["lipova"])
        add_service(organisation, "denní stacionáře", groups=["senioři", "děti a mládež"],
                    places=[territory["lipova"], territory["dubnice"]])
        add_service(territory["charity"], "chráněné bydlení", address=f"Ulice {n}",
                    groups=["senioři"], places=[territory["lipova"]])
    assert [queries_for(client, url) for url in urls] == few
