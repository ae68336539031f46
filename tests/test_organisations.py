"""The member directory, organisation and municipality pages and their administration."""

import pytest
import sqlalchemy as sa

from intranet.extensions import db
from intranet.organisations.models import Municipality, Organisation, OrganisationKind
from intranet.policy import Role

from .queries import queries_for


@pytest.fixture
def territory(create_municipality, create_organisation, create_member):
    lipova = create_municipality("Lipová")
    office = create_organisation("Obecní úřad Lipová", OrganisationKind.MUNICIPALITY, lipova)
    charity = create_organisation("Farní charita Dubnice")
    return {
        "lipova": lipova, "office": office, "charity": charity,
        "novakova": create_member(first_name="Jana", last_name="Nováková", organisation=office),
        "dvorak": create_member(first_name="Petr", last_name="Dvořák", organisation=charity),
        "gone": create_member(first_name="Eva", last_name="Odešlá", organisation=office,
                              deactivated=True),
    }


def results(client, query: str) -> str:
    response = client.get(f"/directory?q={query}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_directory_search_by_name_organisation_and_municipality(client, territory):
    client.login(territory["dvorak"])
    assert "Nováková" in results(client, "novakova")  # without diacritics
    assert "Nováková" in results(client, "NOVÁ")
    by_municipality = results(client, "lipov")
    assert "Nováková" in by_municipality and "Dvořák" not in by_municipality
    by_organisation = results(client, "charita")
    assert "Dvořák" in by_organisation and "Nováková" not in by_organisation
    assert "Nikoho jsme nenašli" in results(client, "xyz")
    assert "Odešlá" not in results(client, "")


def test_directory_search_treats_wildcards_literally(client, territory):
    client.login(territory["dvorak"])
    assert "Nikoho jsme nenašli" in results(client, "%")
    assert "Nikoho jsme nenašli" in results(client, "_")


def test_directory_full_page_and_fragment_share_markup(client, territory):
    client.login(territory["dvorak"])
    page = client.get("/directory?q=nov").get_data(as_text=True)
    fragment = results(client, "nov")
    assert "<html" in page and "<html" not in fragment
    assert fragment.strip() in page


def test_municipality_page_lists_its_people_and_organisations(client, territory, create_member):
    client.login(create_member(first_name="Host", last_name="Hostová"))
    page = client.get(f"/municipalities/{territory['lipova'].id}").get_data(as_text=True)
    assert "Obecní úřad Lipová" in page and "Nováková" in page
    assert "Dvořák" not in page and "Odešlá" not in page


def test_organisation_list_shows_kind_municipality_and_current_members(client, territory):
    client.login(territory["novakova"])
    page = client.get("/organisations").get_data(as_text=True)
    office = territory["office"]
    row = page[page.index(f'href="/organisations/{office.id}"'):]
    row = row[:row.index("</tr>")]
    assert "Obecní úřad Lipová" in row and str(office.kind.label) in row and "Lipová" in row
    assert '<td class="num">1</td>' in row  # Odešlá is deactivated


def test_organisation_page_lists_members(client, territory):
    client.login(territory["novakova"])
    page = client.get(f"/organisations/{territory['charity'].id}").get_data(as_text=True)
    assert "Farní charita Dubnice" in page and "Dvořák" in page


@pytest.mark.parametrize("url", ["/directory", "/organisations", "/municipalities",
                                 "/admin/members", "/admin/audit", "/municipalities/{m}",
                                 "/organisations/{o}"])
def test_queries_per_page_do_not_grow_with_data(client, create_member, create_organisation,
                                                url):
    admin = create_member(Role.ADMIN)
    client.login(admin)
    organisation = admin.organisation
    url = url.format(m=organisation.municipality_id, o=organisation.id)

    few = queries_for(client, url)
    for _ in range(3):
        extra = create_organisation(municipality=organisation.municipality)
        for _ in range(4):
            create_member(organisation=organisation)
            create_member(organisation=extra)
    assert queries_for(client, url) == few


def test_admin_creates_organisation_with_errors_kept(client, create_member, territory):
    client.login(create_member(Role.ADMIN))
    bad = client.submit("/admin/organisations/new", {
        "name": "Farní charita dubnice", "kind": "ngo", "municipality_id": 0,
        "website": "not a url", "email": "bad", "address": "Náměstí 1"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "Tento název už je v seznamu." in page and "Vyberte obec." in page
    assert "Zadejte celou adresu" in page and "Zadejte platnou e-mailovou adresu." in page
    assert 'value="Náměstí 1"' in page
    good = client.submit("/admin/organisations/new", {
        "name": "Spolek Nový", "kind": "ngo", "municipality_id": territory["lipova"].id,
        "website": "https://spolek.example.org", "description": "**Terénní** služby"})
    assert good.status_code == 302
    created = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Spolek Nový"))
    page = client.get(good.location).get_data(as_text=True)
    assert "<strong>Terénní</strong>" in page and created.municipality.name == "Lipová"


def test_admin_edits_municipality(client, create_member, territory):
    client.login(create_member(Role.ADMIN))
    lipova = territory["lipova"]
    response = client.submit(f"/admin/municipalities/{lipova.id}",
                             {"name": "Lipová u Lesa", "orp": "ORP Testov"})
    assert response.status_code == 302
    db.session.refresh(lipova)
    assert lipova.name == "Lipová u Lesa"
    empty = client.submit("/admin/municipalities/new", {"name": "", "orp": ""})
    assert empty.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Municipality)) >= 2


def test_unknown_ids_give_404(client, create_member):
    client.login(create_member(Role.ADMIN))
    for url in ("/organisations/9999", "/municipalities/9999", "/admin/members/9999",
                "/admin/organisations/9999", "/admin/municipalities/9999"):
        assert client.get(url).status_code == 404, url


def test_bad_page_numbers_do_not_fail(client, create_member):
    client.login(create_member())
    for page in ("-1", "abc", "0", "99999"):
        assert client.get(f"/directory?page={page}").status_code == 200


def test_select_boxes_of_names_follow_every_change(client, create_member, territory):
    """The lists of organisations and municipalities are written once and kept between
    requests; a new, renamed or removed name shows at once, the chosen one stays selected,
    and a made-up id is refused at its field with what was typed kept."""
    admin = create_member(Role.ADMIN, organisation=territory["charity"])
    client.login(admin)
    form = client.get(f"/admin/members/{admin.id}").get_data(as_text=True)
    assert f'<option value="{territory["charity"].id}" selected>Farní charita Dubnice' in form
    client.get("/meetings/stats")  # the municipalities' list, kept
    assert client.submit(f"/admin/municipalities/{territory['lipova'].id}",
                         {"name": "Lipová u Lesa", "orp": "ORP Testov"}).status_code == 302
    assert ">Lipová u Lesa</option>" in client.get("/meetings/stats").get_data(as_text=True)
    assert client.submit("/admin/organisations/new", {
        "name": "Ábelův spolek", "kind": "ngo",
        "municipality_id": territory["lipova"].id}).status_code == 302
    options = client.get(f"/admin/members/{admin.id}").get_data(as_text=True)
    assert options.index(">Ábelův spolek<") < options.index(">Farní charita Dubnice<")
    bad = client.submit("/admin/members/new", {
        "first_name": "Iva", "last_name": "Malá", "email": "iva@example.org",
        "organisation_id": 99999, "role": "member"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'value="Malá"' in page
    assert "Vyberte jednu z nabízených možností." in page
    assert "has-error" in page.split('name="organisation_id"')[0].rsplit('class="field', 1)[1]
