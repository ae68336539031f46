"""Real-browser flows: log in, search the directory, switch language, invite a member."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from intranet.accounts.models import Member
from intranet.extensions import db
from intranet.organisations.models import OrganisationKind
from intranet.policy import Role

from ..conftest import PASSWORD
from ..mailbox_helpers import link_in_last_mail
from .conftest import assert_accessible, main_nav


def field(page, label: str):
    """The input labelled exactly `label` (a required field's label ends with an asterisk)."""
    return page.get_by_label(re.compile(rf"^{label}( \*)?$"))


def test_login_search_directory_and_switch_language(browse, create_member, create_organisation,
                                                    create_municipality, viewport):
    lipova = create_municipality("Lipová")
    office = create_organisation("Obecní úřad Lipová", OrganisationKind.MUNICIPALITY, lipova)
    me = create_member(first_name="Alena", last_name="Malá")
    create_member(first_name="Jana", last_name="Nováková", organisation=office,
                  phone="+420 600 111 222")
    create_member(first_name="Petr", last_name="Dvořák")
    my_email = me.email
    db.session.commit()  # the test holds no transaction while the browser writes
    page = browse.page

    browse.goto("/directory")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    assert_accessible(page)
    browse.login(my_email, PASSWORD)
    expect(page.get_by_role("heading", name="Dobrý den")).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("Alena")
    assert_accessible(page)

    if viewport["width"] < 600:  # folded into "Nabídka", which opens it
        expect(page.get_by_role("navigation", name="Hlavní nabídka")).to_be_hidden()
        expect(main_nav(page)).to_be_visible()
    main_nav(page).get_by_role("link", name="Adresář").click()
    expect(page.get_by_role("heading", name="Adresář členů")).to_be_visible()
    search = page.get_by_label("Hledat podle jména, organizace nebo obce")
    search.press_sequentially("lipov", delay=30)  # typed: htmx searches as you type
    results = page.locator("#directory-results")
    expect(results.get_by_text("Jana Nováková")).to_be_visible()
    expect(results.get_by_text("Petr Dvořák")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/directory\?q=lipov"))
    assert_accessible(page)
    browse.screenshot(f"directory-{viewport['width']}")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Member directory")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)
    assert db.session.scalar(sa.select(Member.language).where(Member.email == my_email)) == "en"
    db.session.commit()
    page.reload()
    expect(page.get_by_role("heading", name="Member directory")).to_be_visible()


def test_admin_invites_member_who_joins_by_the_link(browse, create_member, viewport):
    admin = create_member(Role.ADMIN, first_name="Petra")
    organisation_name, admin_email = admin.organisation.name, admin.email
    db.session.commit()  # the test holds no transaction while the browser writes
    page = browse.page
    browse.login(admin_email, PASSWORD)

    browse.goto("/admin/members/new")
    assert_accessible(page)
    field(page, "Jméno").fill("Karel")
    page.get_by_label("Příjmení").fill("Nový")
    page.get_by_label("E-mail").fill(admin_email)  # taken: an error at the field
    page.get_by_label("Organizace").select_option(label=organisation_name)
    page.get_by_label("Role").select_option("reader")
    page.get_by_role("button", name="Pozvat a poslat e-mail").click()
    expect(page.get_by_text("Účet s tímto e-mailem už existuje.")).to_be_visible()
    expect(page.get_by_label("Příjmení")).to_have_value("Nový")
    expect(page.get_by_label("E-mail")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    page.get_by_label("E-mail").fill("karel.novy@example.org")
    page.get_by_role("button", name="Pozvat a poslat e-mail").click()
    expect(page.get_by_text("Pozvánka odeslána: Karel Nový")).to_be_visible()
    assert_accessible(page)

    link = link_in_last_mail("karel.novy@example.org")
    db.session.commit()
    page.get_by_role("button", name="Odhlásit").click()
    expect(page.get_by_text("Odhlášení proběhlo.")).to_be_visible()
    browse.goto(link)
    expect(page.get_by_role("heading", name="Vítejte v intranetu")).to_be_visible()
    assert_accessible(page)
    field(page, "Nové heslo").fill("karlovo-heslo-2026")
    page.get_by_label("Nové heslo znovu").fill("karlovo-heslo-2026")
    page.get_by_role("button", name="Uložit heslo a přihlásit se").click()
    expect(page.get_by_role("heading", name="Dobrý den")).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("Karel")
    karel = db.session.scalar(sa.select(Member).where(Member.email == "karel.novy@example.org"))
    assert karel.status == "active" and karel.role is Role.READER
    browse.screenshot(f"dashboard-{viewport['width']}")
