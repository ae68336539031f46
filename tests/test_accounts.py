"""Logging in and out, invitations, password resets, profiles and the administrator's work."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from intranet.accounts import services
from intranet.accounts.auth import purge_login_attempts
from intranet.accounts.models import AccountToken, LoginAttempt, Member
from intranet.audit.models import AuditEvent
from intranet.database import utcnow
from intranet.extensions import db
from intranet.policy import Role

from .conftest import PASSWORD
from .mailbox_helpers import link_in_last_mail, queued_to

CONFIRMED = {"confirmed": "1"}


def audit_actions() -> list[str]:
    return db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()


# --- login and logout ---------------------------------------------------------------------

def test_login_with_right_password_reaches_dashboard(client, create_member):
    member = create_member(first_name="Alena")
    response = client.submit("/login", {"email": member.email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/"
    page = client.get("/").get_data(as_text=True)
    assert "<h1>Dobrý den</h1>" in page and member.full_name in page
    assert audit_actions() == ["login"]


def test_wrong_password_gives_generic_error_and_keeps_email(client, create_member):
    member = create_member()
    response = client.submit("/login", {"email": member.email, "password": "spatne-heslo-1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "E-mail nebo heslo nesouhlasí." in page
    assert f'value="{member.email}"' in page
    unknown = client.submit("/login", {"email": "nikdo@example.org", "password": "x" * 12})
    assert "E-mail nebo heslo nesouhlasí." in unknown.get_data(as_text=True)
    assert audit_actions() == ["login_failed", "login_failed"]


def test_malformed_email_is_reported_at_the_field(client):
    response = client.submit("/login", {"email": "neni-email", "password": "x"})
    assert response.status_code == 400
    assert "Zadejte platnou e-mailovou adresu." in response.get_data(as_text=True)


def test_login_follows_only_local_next(client, create_member):
    member = create_member()
    response = client.submit("/login?next=/directory", {"email": member.email,
                                                         "password": PASSWORD})
    assert response.location == "/directory"
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    response = client.submit("/login?next=//evil.example/x", {"email": member.email,
                                                              "password": PASSWORD})
    assert response.location == "/"


def test_deactivated_and_invited_members_cannot_log_in(client, create_member):
    gone = create_member(deactivated=True)
    invited = create_member(active=False)
    for member in (gone, invited):
        response = client.submit("/login", {"email": member.email, "password": PASSWORD})
        assert response.status_code == 401


def test_pages_require_login(client):
    response = client.get("/directory")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_cookie_replayed_after_logout_gets_nothing(client, app, create_member):
    member = create_member()
    client.login(member)
    stolen = client.get_cookie("session", domain="intranet.test").value
    client.submit("/logout")
    replay = app.test_client()
    replay.set_cookie("session", stolen, domain="intranet.test")
    response = replay.get("/directory")
    assert response.status_code == 302 and "/login" in response.location


def test_login_starts_a_fresh_session(client, create_member):
    member = create_member()
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.login(member)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_throttling_per_account_and_address_holds_with_the_right_password(client, create_member):
    member = create_member()
    for _ in range(5):
        client.submit("/login", {"email": member.email, "password": "spatne-heslo-1"})
    response = client.submit("/login", {"email": member.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Příliš mnoho neúspěšných pokusů" in response.get_data(as_text=True)
    assert "login_throttled" in audit_actions()


def test_throttling_expires_after_the_window(client, create_member):
    member = create_member()
    for _ in range(5):
        client.submit("/login", {"email": member.email, "password": "spatne-heslo-1"})
    db.session.execute(sa.update(LoginAttempt).values(at=utcnow() - timedelta(minutes=16)))
    db.session.commit()
    assert client.submit("/login", {"email": member.email, "password": PASSWORD}).status_code == 302


def test_throttling_per_ip_across_accounts(make_app, create_member):
    app = make_app(LOGIN_MAX_FAILURES_PER_IP=3)
    client = app.test_client()
    with app.app_context():
        victim = create_member()
        for n in range(3):
            client.submit("/login", {"email": f"x{n}@example.org", "password": "spatne-heslo"})
        response = client.submit("/login", {"email": victim.email, "password": PASSWORD})
    assert response.status_code == 429


# --- invitations --------------------------------------------------------------------------

def invite(client, organisation, **overrides):
    data = {"titles_before": "Mgr.", "first_name": "Petr", "last_name": "Nový",
            "titles_after": "", "email": "petr.novy@example.org", "phone": "+420 777 000 111",
            "position": "sociální pracovník", "organisation_id": organisation.id,
            "role": "secretary", **overrides}
    return client.submit("/admin/members/new", data)


def test_admin_invites_member_who_sets_password_and_is_logged_in(client, create_member):
    admin = create_member(Role.ADMIN)
    client.login(admin)
    response = invite(client, admin.organisation)
    assert response.status_code == 302
    member = services.member_by_email("petr.novy@example.org")
    assert member.status == "invited" and member.role is Role.SECRETARY
    [mail] = queued_to(member.email)
    assert "Pozvánka" in mail.subject and member.email in mail.body_text

    newcomer = client.application.test_client()
    link = link_in_last_mail(member.email)
    page = newcomer.get(link).get_data(as_text=True)
    assert "Vítejte v intranetu" in page
    response = newcomer.submit(link, {"password": "dlouhe heslo pro petra",
                                      "confirm": "dlouhe heslo pro petra"})
    assert response.status_code == 302
    assert member.full_name in newcomer.get("/").get_data(as_text=True)
    db.session.refresh(member)
    assert member.status == "active"
    assert newcomer.get(link).status_code == 404  # one-time
    assert {"invited", "activated"} <= set(audit_actions())


def test_invitation_link_expires(client, create_member):
    admin = create_member(Role.ADMIN)
    client.login(admin)
    invite(client, admin.organisation)
    db.session.execute(sa.update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.application.test_client().get(link_in_last_mail("petr.novy@example.org"))
    assert response.status_code == 404
    assert "Odkaz už neplatí" in response.get_data(as_text=True)


def test_unknown_link_shows_what_to_do(client):
    response = client.get("/invitation/nonsense")
    assert response.status_code == 404
    assert "Požádejte správce intranetu" in response.get_data(as_text=True)


def test_invite_rejects_duplicate_email_and_keeps_values(client, create_member):
    admin = create_member(Role.ADMIN)
    client.login(admin)
    response = invite(client, admin.organisation, email=admin.email.upper(), first_name="")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Účet s tímto e-mailem už existuje." in page
    assert "Toto pole je povinné." in page
    assert 'value="Nový"' in page and 'value="+420 777 000 111"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 1


def test_invite_rejects_overlong_fields_and_missing_organisation(client, create_member):
    admin = create_member(Role.ADMIN)
    client.login(admin)
    response = invite(client, admin.organisation, last_name="x" * 81, organisation_id=0)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nejvýše 80 znaků." in page and "Vyberte organizaci." in page


def test_set_password_requires_length_and_match(client, create_member):
    admin = create_member(Role.ADMIN)
    client.login(admin)
    invite(client, admin.organisation)
    link = link_in_last_mail("petr.novy@example.org")
    newcomer = client.application.test_client()
    short = newcomer.submit(link, {"password": "kratke", "confirm": "kratke"})
    assert short.status_code == 400
    assert "Heslo musí mít alespoň 10 znaků." in short.get_data(as_text=True)
    mismatch = newcomer.submit(link, {"password": "a" * 12, "confirm": "b" * 12})
    assert "Hesla se neshodují." in mismatch.get_data(as_text=True)
    long_passphrase = "velmi dlouhá věta " * 20
    ok = newcomer.submit(link, {"password": long_passphrase, "confirm": long_passphrase})
    assert ok.status_code == 302


# --- password reset -----------------------------------------------------------------------

def test_password_reset_by_email_link(client, create_member):
    member = create_member()
    response = client.submit("/password/forgot", {"email": member.email})
    assert response.status_code == 302
    link = link_in_last_mail(member.email)
    response = client.submit(link, {"password": "nove-heslo-123", "confirm": "nove-heslo-123"})
    assert response.status_code == 302
    fresh = client.application.test_client()
    assert fresh.submit("/login", {"email": member.email,
                                   "password": "nove-heslo-123"}).status_code == 302
    assert client.get(link).status_code == 404


def test_reset_for_unknown_email_says_the_same_and_sends_nothing(client, create_member):
    known = create_member()
    answer_known = client.submit("/password/forgot", {"email": known.email}, follow_redirects=True)
    answer_unknown = client.submit("/password/forgot", {"email": "nikdo@example.org"},
                                   follow_redirects=True)
    message = "Pokud u nás účet s touto adresou existuje"
    assert message in answer_known.get_data(as_text=True)
    assert message in answer_unknown.get_data(as_text=True)
    assert queued_to("nikdo@example.org") == []


def test_new_reset_link_cancels_the_older_one(client, create_member):
    member = create_member()
    client.submit("/password/forgot", {"email": member.email})
    first = link_in_last_mail(member.email)
    client.submit("/password/forgot", {"email": member.email})
    assert client.get(first).status_code == 404
    assert client.get(link_in_last_mail(member.email)).status_code == 200


# --- profile and password -----------------------------------------------------------------

def test_member_edits_profile_and_mail_preferences(client, create_member):
    member = create_member()
    client.login(member)
    response = client.submit("/profile", {
        "titles_before": "Bc.", "first_name": "Jana", "last_name": "Veselá", "titles_after": "",
        "phone": "+420 123", "position": "terénní pracovnice", "language": "en",
        "wants_meeting_mail": "y"})
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.full_name == "Bc. Jana Veselá"
    assert member.language == "en"
    assert member.wants_meeting_mail
    assert "My profile" in client.get("/profile").get_data(as_text=True)


def test_change_password_ends_other_sessions(client, app, create_member):
    member = create_member()
    client.login(member)
    other_device = app.test_client()
    other_device.login(member)
    wrong = client.submit("/profile/password", {"current": "spatne", "password": "a" * 12,
                                                "confirm": "a" * 12})
    assert wrong.status_code == 400
    assert "Současné heslo nesouhlasí." in wrong.get_data(as_text=True)
    ok = client.submit("/profile/password", {"current": PASSWORD, "password": "nove-heslo-99",
                                             "confirm": "nove-heslo-99"})
    assert ok.status_code == 302
    assert client.get("/profile").status_code == 200
    assert other_device.get("/profile").status_code == 302


# --- administration -----------------------------------------------------------------------

def test_admin_changes_role_and_it_is_audited(client, create_member):
    admin = create_member(Role.ADMIN)
    member = create_member()
    client.login(admin)
    data = {"first_name": member.first_name, "last_name": member.last_name,
            "email": member.email, "organisation_id": member.organisation_id, "role": "reader"}
    assert client.submit(f"/admin/members/{member.id}", data).status_code == 302
    db.session.refresh(member)
    assert member.role is Role.READER
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "role_changed"))
    assert event.actor_id == admin.id and event.subject_id == member.id
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Záznam událostí" in page
    row = f"<td>změna role</td>\n    <td>{admin.full_name}</td>\n    <td>{member.full_name}</td>"
    assert row in page  # the action, who made the change, whom it concerns


def test_deactivation_logs_member_out_and_reactivation_restores(client, app, create_member):
    admin = create_member(Role.ADMIN)
    member = create_member()
    member_client = app.test_client()
    member_client.login(member)
    client.login(admin)
    client.submit(f"/admin/members/{member.id}/deactivate", CONFIRMED)
    assert member_client.get("/profile").status_code == 302
    assert member_client.submit("/login", {"email": member.email,
                                           "password": PASSWORD}).status_code == 401
    client.submit(f"/admin/members/{member.id}/reactivate")
    assert app.test_client().login(member).status_code == 302


def test_admin_cannot_deactivate_self(client, create_member):
    admin = create_member(Role.ADMIN)
    client.login(admin)
    page = client.submit(f"/admin/members/{admin.id}/deactivate", CONFIRMED,
                         follow_redirects=True).get_data(as_text=True)
    assert "Vlastní účet deaktivovat nelze." in page
    db.session.refresh(admin)
    assert admin.deactivated_at is None


def test_admin_member_list_filters(client, create_member, create_organisation):
    admin = create_member(Role.ADMIN, last_name="Správcová")
    charity = create_organisation(name="Charita Testov")
    create_member(Role.READER, last_name="Starostová", organisation=charity)
    create_member(last_name="Pozvaná", active=False)
    client.login(admin)

    def rows(query):
        response = client.get(f"/admin/members?{query}", headers={"HX-Request": "true"})
        return response.get_data(as_text=True)

    assert "Starostová" in rows("role=reader") and "Správcová" not in rows("role=reader")
    assert "Pozvaná" in rows("status=invited") and "Starostová" not in rows("status=invited")
    by_organisation = rows(f"organisation_id={charity.id}")
    assert "Starostová" in by_organisation and "Pozvaná" not in by_organisation
    assert "Správcová" in rows("q=spravcova")
    assert "Starostová" in rows("q=charita") and "Správcová" not in rows("q=charita")


def test_admin_member_list_states_without_gender(client, create_member):
    """Each account's state in words that fit a woman as well as a man."""
    admin = create_member(Role.ADMIN)
    create_member(last_name="Pozvaná", active=False)
    create_member(last_name="Odešlá", deactivated=True)
    client.login(admin)
    page = client.get("/admin/members").get_data(as_text=True)
    assert "Pozvat člena / členku" in page and "Pozvat člena<" not in page
    assert ">pozvánka odeslána</span>" in page and ">účet deaktivován</span>" in page
    assert "pozvaný" not in page and "deaktivovaný" not in page
    assert '<option value="invited">pozvánka odeslána</option>' in page
    assert "<h1>Pozvat člena / členku</h1>" in client.get(
        "/admin/members/new").get_data(as_text=True)


def test_admin_member_list_of_one_organisation_from_its_page(client, create_member,
                                                           create_organisation):
    admin = create_member(Role.ADMIN, last_name="Správcová")
    charity = create_organisation(name="Charita Testov")
    create_member(last_name="Pečovatelová", organisation=charity)
    client.login(admin)
    organisation_page = client.get(f"/organisations/{charity.id}").get_data(as_text=True)
    assert f"/admin/members?organisation_id={charity.id}" in organisation_page
    page = client.get(f"/admin/members?organisation_id={charity.id}&role=member")
    html = page.get_data(as_text=True)
    assert "Jen organizace Charita Testov" in html and "Pečovatelová" in html
    assert 'href="/admin/members?role=member"' in html  # the filter cleared, the rest kept
    unknown = client.get("/admin/members?organisation_id=99999").get_data(as_text=True)
    assert "Jen organizace" not in unknown and "Správcová" in unknown


def test_member_list_fragment_for_htmx(client, create_member):
    admin = create_member(Role.ADMIN)
    client.login(admin)
    response = client.get("/admin/members?q=test", headers={"HX-Request": "true"})
    assert "<html" not in response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]
    boosted = client.get("/admin/members", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)


def test_admin_cannot_take_away_own_admin_role(client, create_member):
    admin = create_member(Role.ADMIN)
    client.login(admin)
    data = {"first_name": "Nové", "last_name": admin.last_name, "email": admin.email,
            "organisation_id": admin.organisation_id, "role": "member"}
    response = client.submit(f"/admin/members/{admin.id}", data)
    assert response.status_code == 400
    assert "Vlastní roli správce si odebrat nelze" in response.get_data(as_text=True)
    assert 'value="Nové"' in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role is Role.ADMIN and admin.first_name == "Jana"


def test_csrf_token_survives_a_working_day(client, create_member, monkeypatch):
    from itsdangerous import TimestampSigner

    member = create_member()
    client.login(member)
    token = client.csrf_token()
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + 10 * 3600)
    response = client.post("/profile", data={"csrf_token": token, "first_name": "Jana",
                                             "last_name": "Odpolední", "language": "cs"})
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.last_name == "Odpolední"


# --- hardening found in review ------------------------------------------------------------

def test_mailed_links_use_the_configured_address_not_the_host_header(make_app, create_member):
    member = create_member()
    client = make_app(SERVER_NAME=None, WTF_CSRF_ENABLED=False).test_client()
    client.submit("/password/forgot", {"email": member.email},
                  headers={"Host": "evil.example"})
    body = queued_to(member.email)[-1].body_text
    assert "http://127.0.0.1:5000/password/reset/" in body and "evil.example" not in body


def test_trusted_hosts_refuse_other_host_headers(make_app):
    app = make_app(TRUSTED_HOSTS=["intranet.test"])
    assert app.test_client().get("/login", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize("target", ["//evil.example/x", "/%09/evil.example", "/\\evil.example",
                                    "https://evil.example/", "/%0d/x", "javascript:alert(1)"])
def test_login_never_redirects_off_site(client, create_member, target):
    member = create_member()
    response = client.submit(f"/login?next={target}", {"email": member.email,
                                                        "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/"


def test_csrf_token_of_the_page_still_works_after_login_and_logout(client, create_member):
    member = create_member()
    token_before_login = client.csrf_token()
    client.post("/login", data={"csrf_token": token_before_login, "email": member.email,
                                "password": PASSWORD})
    # htmx keeps sending the token from <body hx-headers> of the page it was loaded with
    response = client.post("/language", data={"language": "en"},
                           headers={"X-CSRFToken": token_before_login})
    assert response.status_code == 302
    assert client.post("/logout", headers={"X-CSRFToken": token_before_login}).status_code == 302
    assert client.post("/language", data={"language": "cs"},
                       headers={"X-CSRFToken": token_before_login}).status_code == 302


def test_changing_an_invited_members_email_moves_the_invitation(client, create_member):
    admin = create_member(Role.ADMIN)
    client.login(admin)
    invite(client, admin.organisation, email="preklep@example.org")
    old_link = link_in_last_mail("preklep@example.org")
    member = services.member_by_email("preklep@example.org")
    data = {"first_name": "Petr", "last_name": "Nový", "email": "spravne@example.org",
            "organisation_id": admin.organisation_id, "role": "member"}
    assert client.submit(f"/admin/members/{member.id}", data).status_code == 302
    assert client.get(old_link).status_code == 404
    assert client.get(link_in_last_mail("spravne@example.org")).status_code == 200
    assert "email_changed" in audit_actions()


def test_a_corrected_address_is_no_longer_listed_as_unreachable(client, create_member):
    from intranet.mail.models import BounceStreak
    from intranet.mail.services import unreachable_members

    admin, member = create_member(Role.ADMIN), create_member(email="preklep@example.org")
    db.session.add(BounceStreak(member_id=member.id, bounces=3, first_at=utcnow(),
                                last_at=utcnow(), last_error="550 5.1.1 no such mailbox"))
    db.session.commit()
    assert [streak.member_id for streak in unreachable_members()] == [member.id]
    client.login(admin)
    outbox = client.get("/admin/mail").get_data(as_text=True)
    assert (f'<a href="/admin/members/{member.id}">{member.full_name}</a> '
            "&lt;preklep@example.org&gt; – 3 odmítnuté zprávy od") in outbox
    data = {"first_name": member.first_name, "last_name": member.last_name,
            "email": "spravne@example.org", "organisation_id": member.organisation_id,
            "role": "member"}
    assert client.submit(f"/admin/members/{member.id}", data).status_code == 302
    assert unreachable_members() == []


def test_reset_link_dies_when_the_password_is_changed(client, create_member):
    member = create_member()
    client.submit("/password/forgot", {"email": member.email})
    link = link_in_last_mail(member.email)
    client.login(member)
    client.submit("/profile/password", {"current": PASSWORD, "password": "nove-heslo-77",
                                        "confirm": "nove-heslo-77"})
    assert client.get(link).status_code == 404


def test_guessing_the_current_password_is_throttled(client, create_member):
    member = create_member()
    client.login(member)
    for _ in range(5):
        client.submit("/profile/password", {"current": "hadam-heslo", "password": "a" * 12,
                                            "confirm": "a" * 12})
    response = client.submit("/profile/password", {"current": PASSWORD, "password": "a" * 12,
                                                   "confirm": "a" * 12})
    assert response.status_code == 429


def test_throttled_attempts_are_audited_once_and_purged_later(client, create_member):
    member = create_member()
    for _ in range(9):
        client.submit("/login", {"email": member.email, "password": "spatne-heslo-1"})
    assert audit_actions().count("login_throttled") == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 5
    db.session.execute(sa.update(LoginAttempt).values(at=utcnow() - timedelta(days=2)))
    db.session.commit()
    assert purge_login_attempts() == 5


@pytest.mark.parametrize("query", ["role=foo", "status=bogus", "organisation_id=abc",
                                   "page=99999999999999999999", "endpoint=x&page=1",
                                   "_external=1", "q=" + "x" * 500])
def test_odd_query_strings_do_not_fail(client, create_member, query):
    admin = create_member(Role.ADMIN)
    for n in range(30):
        create_member(last_name=f"Člen{n:02d}")
    client.login(admin)
    for url in ("/admin/members", "/directory"):
        assert client.get(f"{url}?{query}").status_code == 200, url


def test_huge_ids_are_not_found(client, create_member):
    client.login(create_member(Role.ADMIN))
    for url in ("/members/99999999999999999999", "/admin/members/99999999999999999999",
                "/organisations/99999999999999999999"):
        assert client.get(url).status_code == 404


def test_blank_or_non_ascii_input_is_refused_at_the_field(client, create_member):
    admin = create_member(Role.ADMIN)
    client.login(admin)
    response = invite(client, admin.organisation, first_name="   ", email="žluť@příklad.cz")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Toto pole je povinné." in page and "Zadejte platnou e-mailovou adresu." in page


def test_live_search_after_the_session_ended_opens_the_login_page(client, app, create_member):
    member = create_member()
    client.login(member)
    app.test_client().login(member)
    db.session.execute(sa.update(Member).values(session_token="rotated-elsewhere"))
    db.session.commit()
    response = client.get("/directory?q=x", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/login?next=")


def test_error_inside_a_fragment_replaces_the_whole_page(client, create_member):
    client.login(create_member())
    response = client.get("/admin/members?q=x", headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == "body"


def test_deactivating_twice_keeps_the_first_date(client, create_member):
    admin, member = create_member(Role.ADMIN), create_member()
    client.login(admin)
    client.submit(f"/admin/members/{member.id}/deactivate", CONFIRMED)
    db.session.refresh(member)
    first = member.deactivated_at
    page = client.submit(f"/admin/members/{member.id}/deactivate", CONFIRMED,
                         follow_redirects=True).get_data(as_text=True)
    assert "Účet už je deaktivovaný." in page
    db.session.refresh(member)
    assert member.deactivated_at == first


def test_a_hash_made_with_older_parameters_is_made_again_at_log_in(client, create_member):
    """Issue #26: the server's argon2 parameters changed (the library's defaults took about
    600 ms a log-in under load); a member's old hash is replaced at their next log-in."""
    from argon2 import PasswordHasher, extract_parameters

    from intranet.accounts.passwords import verify_password

    member = create_member()
    old = PasswordHasher(time_cost=1, memory_cost=2048, parallelism=2)
    member.password_hash = old.hash(PASSWORD)
    db.session.commit()
    wrong = client.submit("/login", {"email": member.email, "password": "spatne-heslo-1"})
    assert wrong.status_code == 401
    db.session.refresh(member)
    assert extract_parameters(member.password_hash).parallelism == 2  # not on a failure
    client.login(member)
    db.session.refresh(member)
    now = extract_parameters(member.password_hash)
    wanted = client.application.config["PASSWORD_HASH"]
    assert (now.memory_cost, now.time_cost, now.parallelism) == (
        wanted["memory_cost"], wanted["time_cost"], wanted["parallelism"])
    assert verify_password(member.password_hash, PASSWORD)
    client.login(member)  # the new hash lets the member in again



# --- the first administrator, from the command line (issue #26) ---------------------------

def test_create_admin_makes_the_first_administrator_of_an_empty_intranet(app, client):
    runner = app.test_cli_runner()
    empty = runner.invoke(args=["users", "create-admin", "starostka@lipova.example"])
    assert empty.exit_code != 0 and "--organisation" in empty.output
    result = runner.invoke(args=[
        "users", "create-admin", "Starostka@Lipova.example", "--first-name", "Alena",
        "--last-name", "Lipová", "--organisation", "Obecní úřad Lipová",
        "--municipality", "Lipová"])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    db.session.expire_all()
    admin = services.member_by_email("starostka@lipova.example")
    assert admin.role is Role.ADMIN and admin.status == "invited"
    assert admin.organisation.name == "Obecní úřad Lipová"
    assert admin.organisation.municipality.name == "Lipová"
    path = urlsplit(link).path
    response = client.submit(path, {"password": "dlouhe heslo starostky",
                                    "confirm": "dlouhe heslo starostky"})
    assert response.status_code == 302
    assert client.get("/admin/members").status_code == 200  # an administrator now


def test_create_admin_refuses_a_taken_or_invalid_address(app, create_member):
    member = create_member()
    runner = app.test_cli_runner()
    taken = runner.invoke(args=["users", "create-admin", member.email.upper()])
    assert taken.exit_code != 0 and "už má jiný účet" in taken.output
    invalid = runner.invoke(args=["users", "create-admin", "starostka(at)lipova"])
    assert invalid.exit_code != 0 and "neplatná e-mailová adresa" in invalid.output
    second = runner.invoke(args=["users", "create-admin", "druhy@lipova.example"])
    assert second.exit_code == 0  # into the first organisation
    db.session.expire_all()
    assert services.member_by_email("druhy@lipova.example").organisation_id == \
        member.organisation_id
