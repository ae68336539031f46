"""Every route × every role (anonymous included), and CSRF on every POST route."""

import pytest
import sqlalchemy as sa

from intranet.accounts.models import Member
from intranet.extensions import db
from intranet.mailing.models import ListKind, ListPost, MailingList, PostSource, PostStatus
from intranet.minutes.models import ActionItem, Attachment, Minutes
from intranet.policy import Role

ANONYMOUS = "anonymous"
ALL_ROLES = [ANONYMOUS, *Role]
LOGGED_IN = set(Role)
PUBLIC = {ANONYMOUS, *Role}
ADMIN = {Role.ADMIN}
MANAGERS = {Role.ADMIN, Role.SECRETARY}  # and a group's coordinators (tested in test_groups)
GROUP_MEMBERS_ONLY = set()  # none of the roles as such; members of the group (test_meetings)
TAKING_PART = {Role.ADMIN, Role.SECRETARY, Role.MEMBER}  # mayors (readers) read only

# endpoint -> who may use it. Written out by hand: a new route must be added here.
EXPECTED = {
    "static": PUBLIC,
    "core.healthz": PUBLIC,
    "metrics": PUBLIC,  # to everyone from METRICS_ALLOWED_IPS (test_core), to nobody else
    "core.switch_language": PUBLIC,
    "core.dashboard": LOGGED_IN,
    "core.search": LOGGED_IN,  # each shows only what the reader may read (test_global_search)
    "accounts.login": PUBLIC,
    "accounts.forgot_password": PUBLIC,
    "accounts.reset_password": PUBLIC,
    "accounts.accept_invitation": PUBLIC,
    "accounts.logout": LOGGED_IN,
    "accounts.profile": LOGGED_IN,
    "accounts.change_password": LOGGED_IN,
    "accounts.member_detail": LOGGED_IN,
    "accounts.admin_members": ADMIN,
    "accounts.invite_member": ADMIN,
    "accounts.edit_member": ADMIN,
    "accounts.deactivate_member": ADMIN,
    "accounts.reactivate_member": ADMIN,
    "accounts.resend_invitation": ADMIN,
    "accounts.send_password_reset": ADMIN,
    "accounts.audit_log": ADMIN,
    "organisations.directory": LOGGED_IN,
    "organisations.organisations": LOGGED_IN,
    "organisations.organisation": LOGGED_IN,
    "organisations.municipalities": LOGGED_IN,
    "organisations.municipality": LOGGED_IN,
    "organisations.edit_organisation": ADMIN,
    "organisations.edit_municipality": ADMIN,
    "accounts.calendar_link": LOGGED_IN,
    "mail.outbox": ADMIN,
    "mail.retry": ADMIN,
    "groups.groups": LOGGED_IN,
    "groups.group": LOGGED_IN,
    "groups.edit_group": MANAGERS,
    "groups.candidates": MANAGERS,
    "groups.add_member": MANAGERS,
    "groups.remove_member": MANAGERS,
    "groups.toggle_coordinator": MANAGERS,
    "groups.delete_group": MANAGERS,
    "groups.archive_group": MANAGERS,
    "meetings.meetings": LOGGED_IN,
    "meetings.meeting": LOGGED_IN,
    "meetings.ics": LOGGED_IN,
    "meetings.statistics": LOGGED_IN,
    "meetings.statistics_csv": LOGGED_IN,
    "meetings.schedule": MANAGERS,
    "meetings.choose_group": MANAGERS,
    "meetings.plan_next": MANAGERS,
    "meetings.edit": MANAGERS,
    "meetings.cancel": MANAGERS,
    "meetings.add_item": MANAGERS,
    "meetings.edit_item": MANAGERS,
    "meetings.move_item": MANAGERS,
    "meetings.remove_item": MANAGERS,
    "meetings.attendance": MANAGERS,
    "meetings.record_presence": MANAGERS,
    "meetings.add_guest": MANAGERS,
    "meetings.remove_guest": MANAGERS,
    "meetings.sheet": MANAGERS,
    "meetings.answer": GROUP_MEMBERS_ONLY,
    "meetings.answer_by_link": PUBLIC,
    "meetings.calendar_feed": PUBLIC,
    "meetings.group_calendar_feed": PUBLIC,
    "meetings.delete": MANAGERS,
    "meetings.invitations": MANAGERS,
    "meetings.send_invitations": MANAGERS,
    "meetings.send_update": MANAGERS,
    "meetings.resend": MANAGERS,
    "meetings.mark_everyone_present": MANAGERS,
    "meetings.member_attendance": LOGGED_IN,
    "meetings.organisation_attendance": LOGGED_IN,
    # The world's minutes are a draft: only those who write minutes see them (readers and
    # members see published minutes only, test_minutes); coordinators approve (test_minutes),
    # administrators approve minutes they did not write.
    "minutes.archive_page": LOGGED_IN,
    "minutes.add_task": MANAGERS,
    "minutes.remove_task": MANAGERS,
    "minutes.task_done": MANAGERS,  # and the people the task is for (test_minutes_tasks)
    "minutes.tasks_page": LOGGED_IN,
    "minutes.mark_read": MANAGERS,
    "minutes.start": MANAGERS,
    "minutes.show": MANAGERS,
    "minutes.edit": MANAGERS,
    "minutes.preview": MANAGERS,
    "minutes.correct": MANAGERS,
    "minutes.start_review": MANAGERS,
    "minutes.review_by_link": PUBLIC,
    "minutes.add_attachment": MANAGERS,
    "minutes.attachment": MANAGERS,  # until the minutes are published (test_minutes_attachments)
    "minutes.remove_attachment": MANAGERS,
    "minutes.submit": MANAGERS,
    "minutes.approve": ADMIN,
    "minutes.return_to_draft": MANAGERS,
    "minutes.publish": MANAGERS,
    "minutes.history": MANAGERS,
    "minutes.changes": MANAGERS,
    "minutes.source": MANAGERS,
    # The world's list is the territory's, which everyone is on; a group's list is for its
    # members only (test_mailing). Administrators moderate every list, coordinators theirs.
    "mailing.subscriptions": LOGGED_IN,
    "mailing.change_mode": LOGGED_IN,
    "mailing.archive": LOGGED_IN,
    "mailing.thread": LOGGED_IN,
    "mailing.new_post": LOGGED_IN,
    "mailing.preview": LOGGED_IN,
    "mailing.progress": ADMIN,
    "mailing.held": ADMIN,
    "mailing.approve": ADMIN,
    "mailing.reject": ADMIN,
    "mailing.discard": ADMIN,
    "mailing.senders": ADMIN,
    "mailing.forget_sender": ADMIN,
    "mailing.unsubscribe": PUBLIC,
    "mailing.attachment": LOGGED_IN,  # the people on the message's list (test_mailing)
    "mailing.admin_lists": ADMIN,
    "mailing.list_settings": ADMIN,
    "mailing.add_list_members": ADMIN,
    "mailing.remove_list_member": ADMIN,
    # The world's visit was offered by someone else at a host outside: administrators manage
    # it (and its organiser: test_visits); only its participants write reports (test_visits).
    "visits.visits": LOGGED_IN,
    "visits.visit": LOGGED_IN,
    "visits.ics": LOGGED_IN,
    "visits.offer": TAKING_PART,
    "visits.preview": TAKING_PART,
    "visits.sign_up": TAKING_PART,
    "visits.cancel": TAKING_PART,
    "visits.edit": ADMIN,
    "visits.delete": ADMIN,
    "visits.participants": ADMIN,
    "visits.add_participant": ADMIN,
    "visits.remove_participant": ADMIN,
    "visits.confirm_list": ADMIN,
    "visits.print_list": ADMIN,
    "visits.share_report": ADMIN,
    "visits.write_report": GROUP_MEMBERS_ONLY,
    "visits.register_page": LOGGED_IN,
    "visits.register_csv": LOGGED_IN,
    "visits.matrix": LOGGED_IN,
    "visits.matrix_csv": LOGGED_IN,
    # The world's service belongs to an organisation none of the roles is in: administrators
    # keep it, and its organisation's members (test_catalogue, and below); readers never.
    # The public catalogue is switched off by default (404 for everyone, test_catalogue).
    "catalogue.catalogue": LOGGED_IN,
    "catalogue.public_catalogue": PUBLIC,
    "catalogue.print_catalogue": LOGGED_IN,
    "catalogue.catalogue_csv": LOGGED_IN,
    "catalogue.service": LOGGED_IN,
    "catalogue.new_service": ADMIN,
    "catalogue.edit_service": ADMIN,
    "catalogue.confirm_service": ADMIN,
    "catalogue.delete_service": ADMIN,
    "catalogue.terms": ADMIN,
    "catalogue.edit_kind": ADMIN,
    "catalogue.delete_kind": ADMIN,
    "catalogue.edit_target_group": ADMIN,
    "catalogue.delete_target_group": ADMIN,
    # Everyone reads the strategy; administrators and coordinators record it (coordinators:
    # test_strategy); the indicator's owner enters its values (test_strategy).
    "strategy.overview": LOGGED_IN,
    "strategy.goal": LOGGED_IN,
    "strategy.indicator": LOGGED_IN,
    "strategy.edit_priority": ADMIN,
    "strategy.edit_goal": ADMIN,
    "strategy.edit_indicator": ADMIN,
    "strategy.add_value": ADMIN,
    "strategy.remove_value": ADMIN,
    "strategy.value_by_link": PUBLIC,  # the owner's signed link (test_strategy_reminders)
    "strategy.edit_measure": ADMIN,  # and coordinators (test_strategy_measures)
    # those who write the meeting's minutes (test_strategy_measures)
    "strategy.owners": MANAGERS,
    "strategy.decide_goal_owners": MANAGERS,
    "strategy.decide_indicator_owner": MANAGERS,
    # The yearly report is for everyone logged in (without ?table= its CSV is 404: test_report).
    "report.report": LOGGED_IN,
    "report.report_csv": LOGGED_IN,
}
# POST routes without a CSRF token: a signed token in the URL is the proof (mail clients
# post there for a one-click unsubscribe, RFC 8058).
CSRF_EXEMPT = {"mailing.unsubscribe"}


def all_routes():
    from intranet import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, rule.rule, method


ROUTES = list(all_routes())


def test_every_route_is_in_the_table():
    assert {endpoint for endpoint, _, _ in ROUTES} == set(EXPECTED)


@pytest.fixture
def world(create_member, create_meeting):
    """A target member, organisation, municipality, group and meeting for URLs with ids."""
    target = create_member(active=False)
    meeting = create_meeting(members=[target], agenda=["Zahájení"], guests=["Host Hostový"])
    minutes = Minutes(meeting=meeting, created_by=target, text="Návrh zápisu")
    task = ActionItem(minutes=minutes, group_id=meeting.group_id, title="Úkol")
    attachment = Attachment(meeting=meeting, sha256="0" * 64, filename="a.pdf", size=1,
                            mimetype="application/pdf", uploaded_by_id=target.id)
    territory = db.session.scalar(sa.select(MailingList).filter_by(kind=ListKind.TERRITORY))
    post = ListPost(mailing_list=territory, sender_name="Jana", sender_email="j@x.cz",
                    subject="Pozvánka", body="Text", body_html="<p>Text</p>",
                    source=PostSource.WEB, status=PostStatus.POSTED, message_id="<p@x>")
    db.session.add_all([minutes, task, attachment, post])
    db.session.flush()
    post.thread_id = post.id
    db.session.commit()
    visit = world_visit(target)
    strategy = world_strategy()
    return {**strategy, "visit_id": visit["visit"].id, "registration_id": visit["registration"],
            "report_id": visit["report"].id,
            "list_id": territory.id, "post_id": post.id, "thread_id": post.id,
            "minutes_id": minutes.id, "task_id": task.id, "attachment_id": attachment.id,
            "member_id": target.id,
            "organisation_id": target.organisation_id,
            "municipality_id": target.organisation.municipality_id, "token": "no-such-token",
            "filename": "css/app.css", "group_id": meeting.group_id, "meeting_id": meeting.id,
            "item_id": meeting.agenda[0].id, "guest_id": meeting.guests[0].id,
            "rule_id": 1, **world_catalogue(target)}


def world_strategy() -> dict:
    """A goal with an indicator that has a value (its owner: nobody of the roles) and a
    measure."""
    from datetime import date

    from intranet.strategy.models import (
        Better,
        Goal,
        Indicator,
        IndicatorValue,
        Measure,
        Priority,
    )

    goal = Goal(priority=Priority(number=1, title="Priorita"), number=1, title="Cíl")
    measure = Measure(goal=goal, title="Opatření")
    indicator = Indicator(goal=goal, name="Indikátor", baseline=1, baseline_on=date(2025, 1, 1),
                          target=2, target_on=date(2030, 1, 1), better=Better.HIGHER,
                          months_between_values=12)
    value = IndicatorValue(indicator=indicator, measured_on=date(2026, 1, 1), value=1.5)
    db.session.add_all([goal, indicator, value, measure])
    db.session.commit()
    return {"priority_id": goal.priority_id, "goal_id": goal.id, "indicator_id": indicator.id,
            "value_id": value.id, "measure_id": measure.id}


def world_catalogue(member) -> dict:
    """A service of the member's organisation in the catalogue, an unused kind and group."""
    from intranet.catalogue.models import ProviderService, ServiceKind, TargetGroup

    kind = db.session.scalar(sa.select(ServiceKind).filter_by(name="terénní programy"))
    service = ProviderService(organisation_id=member.organisation_id, kind=kind)
    db.session.add(service)
    db.session.commit()
    return {"service_id": service.id, "kind_id": kind.id,
            "target_group_id": db.session.scalar(sa.select(TargetGroup.id).limit(1))}


@pytest.mark.parametrize("role", [Role.MEMBER, Role.SECRETARY, Role.READER], ids=str)
def test_members_keep_only_their_organisations_entries(client, create_member, role):
    """The world's rule for the catalogue: a member of the service's organisation keeps
    it (a reader does not), a member of another organisation does not."""
    owner = create_member(role)
    entry = world_catalogue(owner)
    urls = [f"/catalogue/{entry['service_id']}/edit",
            f"/organisations/{owner.organisation_id}/services/new"]
    client.login(owner)
    expected = 403 if role is Role.READER else 200
    assert [client.get(url).status_code for url in urls] == [expected, expected]
    assert client.submit(f"/catalogue/{entry['service_id']}/confirm").status_code == (
        403 if role is Role.READER else 302)
    client.login(create_member(role))
    assert [client.get(url).status_code for url in urls] == [403, 403]


def world_visit(organiser) -> dict:
    """A visit offered by `organiser` at a host outside, with one sign-up and a report."""
    from datetime import timedelta

    from intranet.visits import services
    from intranet.visits.models import VisitKind, VisitReport

    start = services.today() + timedelta(days=20)
    visit = services.save_visit(None, organiser, {
        "kind": VisitKind.INTERNSHIP, "title": "Stáž", "host_organisation_id": None,
        "host_name": "Hostitel v zahraničí", "address": "", "country": "Rakousko",
        "description": "Popis", "contact": "", "practical": "",
        "deadline": start - timedelta(days=5), "org_limit": None},
        [services.SlotDetails(None, start, start, 3)])
    registration = services.sign_up(visit, visit.slots[0], organiser).registration_id
    report = VisitReport(visit_id=visit.id, member_id=organiser.id, text="Zpráva")
    db.session.add(report)
    db.session.commit()
    return {"visit": visit, "registration": registration, "report": report}


def build_url(rule: str, values: dict) -> str:
    for name, value in values.items():
        for converter in ("", "int:", "path:"):
            rule = rule.replace(f"<{converter}{name}>", str(value))
    return rule


@pytest.mark.parametrize("role", ALL_ROLES, ids=str)
def test_access_by_role(client, create_member, world, role):
    if role != ANONYMOUS:
        client.login(create_member(role))
    for endpoint, rule, method in ROUTES:
        url = build_url(rule, world)
        response = (client.get(url) if method == "GET" else client.submit(url))
        allowed = role in EXPECTED[endpoint]
        where = f"{method} {url} as {role}"
        assert response.status_code < 500, where
        if allowed:
            assert response.status_code != 403, where
            assert "/login?next" not in (response.location or ""), where
        elif role == ANONYMOUS:
            assert response.status_code == 302 and "/login" in response.location, where
        else:
            assert response.status_code == 403, where
        if endpoint in ("accounts.logout", "accounts.deactivate_member") and allowed:
            client.login(db.session.get(Member, client_member_id(client, role)))


def client_member_id(client, role):
    return db.session.scalar(
        sa.select(Member.id).where(Member.role == role, Member.deactivated_at.is_(None))
        .order_by(Member.id.desc()))


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_the_search_shows_each_role_only_what_it_may_read(client, create_member, world, role):
    """The world's minutes are a draft and its group's list is for the group's members: the
    search box finds neither (administrators read every list), and the territory's post
    whoever searches."""
    from intranet.search import LIST_INDEX, index_text

    group_list = db.session.scalar(sa.select(MailingList).filter_by(group_id=world["group_id"]))
    post = ListPost(mailing_list=group_list, sender_name="Jana", sender_email="j@x.cz",
                    subject="Skupinová pozvánka", body="Text", body_html="<p>Text</p>",
                    source=PostSource.WEB, status=PostStatus.POSTED, message_id="<g@x>")
    db.session.add(post)
    db.session.flush()
    post.thread_id, post.posted_at = post.id, post.created_at
    index_text(LIST_INDEX, post.id, "Skupinová pozvánka")
    index_text(LIST_INDEX, world["post_id"], "Pozvánka")
    db.session.commit()
    client.login(create_member(role))
    page = client.get("/search?q=pozvanka").get_data(as_text=True)
    assert "Pozvánka" in page
    assert ("Skupinová pozvánka" in page) == (role is Role.ADMIN)
    assert "Návrh zápisu" not in client.get("/search?q=navrh").get_data(as_text=True)


@pytest.mark.parametrize("endpoint, rule", sorted(
    {(e, r) for e, r, m in ROUTES if m == "POST" and e not in CSRF_EXEMPT}))
def test_post_without_csrf_token_is_refused(client, create_member, world, endpoint, rule):
    admin = create_member(Role.ADMIN)
    client.login(admin)
    before = db.session.execute(sa.select(Member.role, Member.deactivated_at,
                                          Member.session_token)).all()
    response = client.post(build_url(rule, world), data={"language": "en"})
    assert response.status_code == 400
    assert "Formulář vypršel" in response.get_data(as_text=True)
    after = db.session.execute(sa.select(Member.role, Member.deactivated_at,
                                         Member.session_token)).all()
    assert before == after


def test_htmx_post_with_token_in_header_is_accepted(client, create_member):
    member = create_member()
    client.login(member)
    token = client.csrf_token()
    response = client.post("/language", data={"language": "en"},
                           headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.language == "en"
