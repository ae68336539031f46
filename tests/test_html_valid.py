"""Every page each role sees is valid HTML (the W3C Nu HTML Checker), htmx's hx-* aside.

`make test` installs the checker (npm's vnu-jar) and Java. The pages are collected from the
app's URL map, so a new route is checked as soon as the world below can fill its URL.
"""

import json
import os
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from intranet.database import utcnow
from intranet.extensions import db
from intranet.organisations.models import OrganisationKind
from intranet.policy import Role

from .conftest import writing_request
from .test_access import build_url

ROOT = Path(__file__).parent.parent
VNU_JAR = Path(os.environ.get(
    "VNU_JAR", ROOT / ".venv" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"))
# htmx's attributes are not in the HTML standard; everything else must be valid.
HTMX_ATTRIBUTE = re.compile(r"^Attribute “hx-[\w:.-]+” not allowed on element “[\w-]+”")
# Pages that only exist with a query string (filters, tabs, an invalid filter).
VARIANTS = {
    "meetings.meetings": ["?view=upcoming", "?mine=1&q=radnice"],
    "meetings.statistics": ["?start=2026-13-40"],
    "mail.outbox": ["?status=pending", "?status=sent"],
    "organisations.directory": ["?q=Testov", "?q=nikdo-takovy"],
    "accounts.admin_members": ["?q=Jana&status=invited"],
    "groups.candidates": ["?q=Jana"],
    "minutes.changes": ["?to=1", "?from=2&to=1"],
    "minutes.archive_page": ["?q=sluzby", "?q=nic-takoveho", "?year=1990"],
    "core.search": ["?q=sluzby", "?q=lhota&kind=organisations", "?q=a", "?q=nic-takoveho"],
    "visits.visits": ["?kind=internship&q=charita&month=2030-01", "?month=brezen"],
    "visits.register_page": ["?kind=study_visit&organisation=1", "?member=1"],
    "visits.matrix": ["?year=1990"],
    "catalogue.catalogue": ["?q=pecovatelska&municipality=1", "?kind=999999&q=nic-takoveho"],
    "catalogue.public_catalogue": ["?q=charita", "?municipality=999999"],
    "catalogue.print_catalogue": ["?target_group=1"],
    "report.report": ["?year=abc"],
}
# Pages a person meets through a wrong or stale link.
ERROR_PAGES = ["/no-such-page", "/password/reset/no-such-token", "/answer/no-such-token"]


@pytest.fixture
def world(app, create_member, create_group, create_meeting, create_organisation,
          create_municipality):
    """A small territory: members of every role, a group with a past and a coming meeting."""
    from intranet.meetings.models import Answer, MeetingStatus, Participation, Presence, Presenter

    town, village = create_municipality("Horní Lhota"), create_municipality("Dolní Lhota")
    office = create_organisation("Městský úřad Horní Lhota", kind=OrganisationKind.MUNICIPALITY,
                                 municipality=town)
    ngo = create_organisation("Charita Dolní Lhota", municipality=village)
    ngo.address, ngo.phone, ngo.website = "Náves 1, Dolní Lhota", "+420 777 111 222", "https://charita.example"
    ngo.description = "Pomáháme **rodinám** v nouzi.\n\n- poradna\n- terénní služba"
    people = {
        Role.ADMIN: create_member(Role.ADMIN, first_name="Alena", organisation=office),
        Role.SECRETARY: create_member(Role.SECRETARY, first_name="Zuzana", organisation=office),
        Role.MEMBER: create_member(first_name="Klára", organisation=ngo, phone="+420 777 333 444",
                                   position="sociální pracovnice"),
        "coordinator": create_member(first_name="Petr", organisation=ngo),
        Role.READER: create_member(Role.READER, first_name="Jan", organisation=office),
    }
    invited = create_member(active=False, organisation=ngo)
    gone = create_member(deactivated=True, organisation=ngo)
    group = create_group(number=4, name="Sociální služby", description="Plánujeme **služby**.",
                         rules="- Dochvilnost\n- Slušnost",
                         members=[people[Role.MEMBER], people[Role.READER], gone],
                         coordinators=[people["coordinator"]])
    create_group(number=5, name="Děti a mládež")
    held = create_meeting(group, starts_in=-timedelta(days=7), hours=2,
                          agenda=["Zahájení", "Novinky z obcí"], guests=["Host Hostový"])
    coming = create_meeting(group, agenda=["Zahájení", "Plán na příští rok"],
                            guests=["Mgr. Eva Hostová"])
    create_meeting(group, starts_in=timedelta(days=14), status=MeetingStatus.CANCELLED)
    for meeting in (held, coming):
        meeting.agenda[0].duration_minutes = 15
        meeting.agenda[1].presenters = [
            Presenter(position=1, member=people["coordinator"],
                      name=people["coordinator"].full_name),
            Presenter(position=2, name="Ing. Host z kraje")]
    now = utcnow()
    held.attendance_taken_at = now - timedelta(days=7)
    for meeting, member, fields in [
            (held, Role.MEMBER, {"presence": Presence.PRESENT,
                                 "presence_recorded_at": held.attendance_taken_at}),
            (held, Role.READER, {"presence": Presence.EXCUSED, "answer": Answer.EXCUSED,
                                 "comment": "dovolená"}),
            (held, "coordinator", {"presence": Presence.ABSENT}),
            (coming, Role.MEMBER, {"answer": Answer.COMING, "answered_at": now}),
            (coming, Role.READER, {"answer": Answer.EXCUSED, "answered_at": now})]:
        participation = next((p for p in meeting.participations
                              if p.member_id == people[member].id), None)
        if participation is None:
            participation = Participation(member=people[member])
            meeting.participations.append(participation)
        for name, value in fields.items():
            setattr(participation, name, value)
    db.session.commit()
    minutes = _minutes(held, people)
    published, task = _published_minutes(create_meeting(group, starts_in=-timedelta(days=30)),
                                          people)
    # The draft's pages by default; the published minutes where only they show something.
    published_pages = {endpoint: {"minutes_id": published.id}
                       for endpoint in ("minutes.show", "minutes.correct")}
    from intranet.minutes.models import Attachment

    attachment = Attachment(meeting=held, sha256="0" * 64, filename="Prezentace – dluhy.pdf",
                            size=123_456, mimetype="application/pdf",
                            uploaded_by_id=people[Role.SECRETARY].id)
    db.session.add(attachment)
    db.session.commit()
    values = _url_values(app, people, invited, ngo, group, coming)
    values["tokens"]["minutes.review_by_link"] = _review_token(minutes)
    list_values = _list_posts(group, people)
    values["tokens"]["mailing.unsubscribe"] = list_values.pop("token")
    visit_values = _visits(people, ngo)
    catalogue_values = _catalogue(people, ngo)
    published_pages["visits.write_report"] = {"visit_id": visit_values.pop("past_visit_id")}
    return people, {**values, **list_values, **visit_values, "minutes_id": minutes.id,
                    "task_id": task.id, "overrides": published_pages,
                    "attachment_id": attachment.id, **catalogue_values}


@pytest.fixture
def app_overrides():
    return {"CATALOGUE_PUBLIC": True}  # the citizens' catalogue is checked too


def _catalogue(people, ngo) -> dict:
    """Two services of the member's organisation in the catalogue, one not confirmed for
    over a year; the ids of a kind and a target group."""
    from intranet.catalogue import services
    from intranet.catalogue.models import ServiceKind, TargetGroup

    kinds = dict(db.session.execute(sa.select(ServiceKind.name, ServiceKind.id)).all())
    groups = dict(db.session.execute(sa.select(TargetGroup.name, TargetGroup.id)).all())
    fields = {"whole_territory": False, "address": "Náves 1, Dolní Lhota",
              "phone": "+420 777 111 222", "email": "poradna@charita.example",
              "website": "https://charita.example", "contact_person": "Mgr. Klára Nová",
              "opening_hours": "po–pá 8:00–16:00\nst do 18:00", "capacity": "10 klientů",
              "description": "Poradíme <s> dluhy & exekucemi."}
    advice = services.save_service(None, ngo.id, people[Role.MEMBER], {
        **fields, "kind_id": kinds["odborné sociální poradenství"], "name": "Poradna"},
        [groups["senioři"], groups["lidé v dluhové pasti"]], [ngo.municipality_id])
    care = services.save_service(None, ngo.id, people[Role.MEMBER], {
        **fields, "kind_id": kinds["pečovatelská služba"], "name": "",
        "whole_territory": True}, [], [])
    care.confirmed_at = utcnow() - timedelta(days=400)
    db.session.commit()
    return {"service_id": advice.id, "kind_id": kinds["azylové domy"],
            "target_group_id": groups["senioři"]}


def _visits(people, ngo) -> dict:
    """An internship at the member's organisation with two dates, people with places and on
    the waitlist; a past study visit abroad with the member's report (shared)."""
    from intranet.visits import reports, services
    from intranet.visits.models import VisitKind

    today = services.today()
    values = {"kind": VisitKind.INTERNSHIP, "title": "Stáž v terénní službě",
              "host_organisation_id": ngo.id, "host_name": "", "address": "Náves 1",
              "country": "Česko", "description": "Dva dny **v terénu**.",
              "contact": "Klára, 777 333 444", "practical": "- vlakem\n- oběd zajištěn",
              "deadline": today + timedelta(days=10), "org_limit": 2}
    visit = services.save_visit(None, people["coordinator"], values, [
        services.SlotDetails(None, today + timedelta(days=20), today + timedelta(days=21), 1),
        services.SlotDetails(None, today + timedelta(days=30), today + timedelta(days=30), 2)])
    first = services.sign_up(visit, visit.slots[0], people[Role.MEMBER], "bezlepková strava")
    services.sign_up(visit, visit.slots[0], people[Role.SECRETARY], "")
    services.sign_up(visit, visit.slots[1], people[Role.ADMIN], "")
    past = services.save_visit(None, people["coordinator"], values | {
        "kind": VisitKind.STUDY_VISIT, "title": "Exkurze do Drážďan",
        "host_organisation_id": None, "host_name": "Jugendhaus Elbe", "country": "Německo"},
        [services.SlotDetails(None, today + timedelta(days=20), today + timedelta(days=20), 5)])
    services.sign_up(past, past.slots[0], people[Role.MEMBER], "")
    for model, changes in ((type(past.slots[0]), {"starts_on": today - timedelta(days=3),
                                                   "ends_on": today - timedelta(days=3)}),):
        db.session.query(model).filter_by(visit_id=past.id).update(changes)
    db.session.commit()
    report = reports.save_report(past.id, people[Role.MEMBER].id, "Zaujala nás **supervize**.")
    reports.share_report(report)
    return {"visit_id": visit.id, "registration_id": first.registration_id, "report_id": report.id,
            "past_visit_id": past.id}


def _list_posts(group, people) -> dict:
    """The group's list, moderated: the published minutes posted to it, a member's reply
    held for the moderator; an unsubscribe token."""
    import sqlalchemy as sa

    from intranet.mailing import services
    from intranet.mailing.models import ListPost, MailingList

    mailing_list = db.session.scalar(sa.select(MailingList).filter_by(group_id=group.id))
    mailing_list.moderated = True
    minutes_post = db.session.scalar(sa.select(ListPost).filter_by(list_id=mailing_list.id))
    held = services.post(mailing_list, people[Role.MEMBER], "Dotaz k zápisu",
                         "Dobrý den,\n\n- první bod\n- druhý bod")
    return {"list_id": mailing_list.id, "thread_id": minutes_post.thread_id,
            "post_id": held.id,
            "token": services.unsubscribe_token(mailing_list.id, people[Role.MEMBER].id)}


def _review_token(minutes) -> str:
    """The draft sent for review to those present; one attendee's link token."""
    from intranet.minutes import review

    review.start(minutes, utcnow().date() + timedelta(days=7))
    first = review.overview(minutes.id)[0]
    first.comment, first.answered_at = "Doplnit jméno hosta.", utcnow()
    db.session.commit()
    return review._signer().dumps({"r": first.id})


def _published_minutes(meeting, people):
    """Published and corrected minutes with an overdue task (for the archive, its search, the
    dashboard and the next meetings' pages): the minutes and the task."""
    from intranet.minutes import services, tasks

    minutes = services.start(meeting, people[Role.SECRETARY])
    task = tasks.add(minutes, "Poslat přehled", f"m:{people[Role.MEMBER].id}",
                     utcnow().date() - timedelta(days=1))
    services.submit(minutes)
    services.approve(minutes, people["coordinator"])
    services.publish(minutes, people[Role.SECRETARY])
    services.correct(minutes, people["coordinator"], minutes.text + "\nDoplněno.",
                     minutes.version, "doplněna poslední věta")
    return minutes, task


def _minutes(meeting, people):
    """Minutes of the held meeting, in two revisions (a table and hostile HTML among them),
    with a task."""
    from intranet.minutes import services, tasks

    minutes = services.start(meeting, people[Role.SECRETARY])
    tasks.add(minutes, "Připravit rozpočet", f"o:{people[Role.MEMBER].organisation_id}", None)
    services.save(minutes, people["coordinator"], minutes.text + (
        "\n\n| Úkol | Kdo |\n|---|---|\n| Poslat přehled | Petr |\n\n<script>alert(1)</script>"
        "\n\n[odkaz](javascript:alert(1)) <img src=x onerror=alert(1)>"), minutes.version)
    return minutes


def _url_values(app, people, invited, organisation, group, meeting) -> dict:
    """Values for every URL variable; tokens that open real pages, not error pages."""
    from intranet.accounts import links
    from intranet.accounts.models import TokenPurpose
    from intranet.meetings.calendar import answer_token
    from intranet.meetings.models import Answer

    with writing_request(app):
        links.queue_invitation(invited, people[Role.ADMIN])  # the outbox has mail to show
        reset = links.issue_token(people[Role.MEMBER], TokenPurpose.PASSWORD_RESET)
        invitation = links.issue_token(invited, TokenPurpose.INVITATION)
        answer = answer_token(meeting, people[Role.MEMBER], Answer.COMING)
        db.session.commit()
        strategy, value_link = _strategy(people[Role.MEMBER])
    return {**strategy,
        "member_id": people[Role.MEMBER].id, "organisation_id": organisation.id,
        "municipality_id": organisation.municipality_id, "group_id": group.id,
        "meeting_id": meeting.id, "item_id": meeting.agenda[1].id,
        "guest_id": meeting.guests[0].id, "filename": "css/app.css",
        "tokens": {"accounts.reset_password": _raw(reset),
                   "accounts.accept_invitation": _raw(invitation),
                   "meetings.answer_by_link": answer,
                   "strategy.value_by_link": value_link},
    }


def _strategy(owner) -> tuple[dict, str]:
    """A goal with an indicator and a value (test_access's), and an open value link."""
    from intranet.strategy.models import ValueRequest
    from intranet.strategy.reminders import request_token

    from .test_access import world_strategy

    strategy = world_strategy()
    asked = ValueRequest(indicator_id=strategy["indicator_id"], due_on=date(2027, 1, 1),
                         member_id=owner.id)
    db.session.add(asked)
    db.session.commit()
    return strategy, request_token(asked.id)


def _raw(issued) -> str:
    """The link token of issue_token(), which may also return its expiry."""
    return issued[0] if isinstance(issued, tuple) else issued


def page_urls(app, values: dict) -> list[tuple[str, str]]:
    """(endpoint, url) of every GET route, with its query-string variants."""
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        filled = {**values, **values.get("overrides", {}).get(rule.endpoint, {}),
                  "token": values["tokens"].get(rule.endpoint, "no-such-token")}
        url = build_url(rule.rule, filled)
        assert "<" not in url, f"the world has no value for {rule.rule}: add it to _url_values"
        urls += [(rule.endpoint, url + query) for query in ["", *VARIANTS.get(rule.endpoint, [])]]
    return urls


def is_page(response) -> bool:
    return response.mimetype == "text/html" and response.status_code not in (403, 404) \
        and not 300 <= response.status_code < 400


def save(directory: Path, who: str, url: str, html: str) -> None:
    name = re.sub(r"[^\w-]+", "_", f"{who}{url}").strip("_")[:150]
    (directory / f"{name}.html").write_text(html, encoding="utf-8")


def collect_pages(app, people, values, directory: Path) -> int:
    """Write every page each role can open (and the forms re-shown with errors) as files."""
    urls = page_urls(app, values)
    saved = 0
    for who in ["anonymous", *people]:
        client = app.test_client()
        if who != "anonymous":
            client.login(people[who])
        for _endpoint, url in urls:
            response = client.get(url)
            if is_page(response):
                save(directory, str(who), url, response.get_data(as_text=True))
                saved += 1
    for url in ERROR_PAGES:
        save(directory, "error", url, app.test_client().get(url).get_data(as_text=True))
    return saved + len(ERROR_PAGES) + _invalid_forms(app, people[Role.ADMIN], urls, directory)


def _invalid_forms(app, admin, urls, directory: Path) -> int:
    """Each form sent empty by the administrator: the page that shows the errors."""
    forms = {rule.endpoint for rule in app.url_map.iter_rules() if {"GET", "POST"} <= rule.methods}
    forms -= {"accounts.login", "meetings.answer_by_link"}  # would log in or answer
    client = app.test_client()
    client.login(admin)
    saved = 0
    for endpoint, url in urls:
        if endpoint in forms and "?" not in url:
            response = client.submit(url, {})
            if is_page(response):
                save(directory, "admin-invalid", url, response.get_data(as_text=True))
                saved += 1
    return saved


def run_checker(directory: Path) -> list[dict]:
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR} is missing: `make test` installs the Nu HTML Checker")
    if shutil.which("java") is None:
        pytest.fail("java is missing: `make test` installs Debian's default-jre-headless")
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--skip-non-html",
         str(directory)], capture_output=True, text=True, timeout=300, check=False)
    report = result.stderr or result.stdout
    return json.loads(report)["messages"]


def describe(message: dict) -> str:
    where = message.get("url", "").rsplit("/", 1)[-1]
    line = message.get("lastLine", "?")
    extract = " ".join(message.get("extract", "").split())
    return f"{where}:{line}: {message['message']}\n    {extract}"


def test_every_page_is_valid_html(app, world, tmp_path):
    people, values = world
    pages = tmp_path / "pages"
    pages.mkdir()
    count = collect_pages(app, people, values, pages)
    assert count > 100, "too few pages: did logging in fail?"
    messages = [m for m in run_checker(pages)
                if m.get("type") != "info" and not HTMX_ATTRIBUTE.match(m.get("message", ""))]
    assert not messages, f"{len(messages)} HTML errors in {count} pages:\n" + "\n".join(
        describe(m) for m in messages)
