"""Generate a large fictional territory for benchmarks: the same data on SQLite and on
PostgreSQL (every list a random choice is made from is read in id order)."""

import random
from datetime import timedelta

import sqlalchemy as sa

from intranet.accounts.models import Member
from intranet.accounts.passwords import hash_password
from intranet.database import utcnow
from intranet.extensions import db
from intranet.groups.models import GroupMembership, WorkingGroup
from intranet.meetings.models import AgendaItem, Answer, Meeting, Participation, Presence
from intranet.organisations.models import Municipality, Organisation, OrganisationKind
from intranet.policy import Role

FIRST = ["Jana", "Petr", "Eva", "Pavel", "Hana", "Jiří", "Lenka", "Tomáš", "Marie", "Karel"]
LAST = ["Nováková", "Svoboda", "Dvořák", "Černá", "Procházka", "Kučerová", "Veselý", "Horák",
        "Němcová", "Marek", "Pokorná", "Král", "Růžičková", "Beneš", "Fialová", "Šimek"]


def generate(municipalities=200, organisations=600, members=5000, seed=1) -> None:
    """Insert the given numbers of municipalities, organisations and members."""
    rng = random.Random(seed)
    towns = [Municipality(name=f"Obec {n}", orp=f"ORP {n % 12}") for n in range(municipalities)]
    kinds = list(OrganisationKind)
    orgs = [Organisation(name=f"Organizace {n}", kind=rng.choice(kinds),
                         municipality=rng.choice(towns)) for n in range(organisations)]
    db.session.add_all(towns + orgs)
    password_hash = hash_password("bench-heslo-123")
    now = utcnow()
    for n in range(members):
        db.session.add(Member(
            email=f"bench{n}@example.org", first_name=rng.choice(FIRST),
            last_name=f"{rng.choice(LAST)}", organisation=rng.choice(orgs),
            role=Role.ADMIN if n == 0 else rng.choice(list(Role)), password_hash=password_hash,
            activated_at=now))
    db.session.commit()
    _groups_and_meetings(rng, db.session.scalars(sa.select(Member).order_by(Member.id)).all())


def _groups_and_meetings(rng, members, groups=20, meetings_per_group=25) -> None:
    """Groups of 50 members with held meetings (program, attendance) and invited future ones."""
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    for number in range(1, groups + 1):
        chosen = rng.sample(members, min(50, len(members)))
        group = WorkingGroup(number=number, name=f"Skupina {number}",
                             last_meeting_number=meetings_per_group)
        group.memberships = [GroupMembership(member=m, is_coordinator=(m is chosen[0]))
                             for m in chosen]
        for n in range(1, meetings_per_group + 1):
            start = now + timedelta(days=14 * (n - meetings_per_group // 2) + number)
            past = start < now
            invited = min(start - timedelta(days=14), now)
            meeting = Meeting(group=group, number=n, starts_at=start,
                              ends_at=start + timedelta(hours=2), place=f"Obec {n}",
                              invited_at=invited, attendance_taken_at=start if past else None)
            meeting.agenda = [AgendaItem(position=i, title=f"Bod {i}") for i in range(1, 6)]
            meeting.participations = [  # as scheduling does: every member is invited
                _participation(m, i, invited, start if past else None)
                for i, m in enumerate(chosen)]
            db.session.add(meeting)
        db.session.add(group)
    db.session.commit()


def _participation(member, index, invited, recorded) -> Participation:
    """Answers before the meeting (20 coming, 5 excused); attendance once held
    (30 present, 10 excused, 10 absent)."""
    answer = Answer.COMING if index < 20 else Answer.EXCUSED if index < 25 else None
    presence = None if recorded is None else (
        Presence.PRESENT if index < 30 else Presence.EXCUSED if index < 40 else Presence.ABSENT)
    return Participation(member=member, invited_at=invited, answer=answer,
                         answered_at=invited if answer else None, presence=presence,
                         presence_recorded_at=recorded)


VOCABULARY = ("sociální služby senioři rodina děti mládež obec starosta úřad práce dluhová poradna "
              "terénní pracovnice azylový dům pečovatelská služba dotace rozpočet katalog "
              "poskytovatelů komunitní plánování výměnné stáže exekuce bydlení nízkoprahový klub "
              "dobrovolníci doprava zdravotní péče odlehčovací služba krizová pomoc kontakt "
              "spolupráce setkání návrh dohoda termín úkol zpráva projekt kraj město charita "
              "spolek škola knihovna klub zastupitelstvo schůzka informace")
WORDS = VOCABULARY.split()


def generate_minutes(count: int, seed: int = 2) -> None:
    """`count` held meetings spread over the groups, each with published minutes of about
    5 KB of Czech text, indexed for search as publishing does (bulk inserts, for speed)."""
    from intranet.markup import plain_text, render_markdown
    from intranet.minutes.models import Minutes, MinutesState
    from intranet.search import MINUTES_INDEX, index_text

    rng = random.Random(seed)
    groups = db.session.scalars(sa.select(WorkingGroup).order_by(WorkingGroup.id)).all()
    author_id = db.session.scalar(sa.select(Member.id).order_by(Member.id))
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    for start in range(0, count, 1000):
        meetings, minutes, texts = [], [], []
        for n in range(start, min(start + 1000, count)):
            group = groups[n % len(groups)]
            group.last_meeting_number += 1
            held = now - timedelta(days=30 + n // len(groups) * 7, hours=n % 5)
            meetings.append({"group_id": group.id, "number": group.last_meeting_number,
                             "starts_at": held, "ends_at": held + timedelta(hours=2),
                             "place": f"Obec {n % 50}", "invited_at": held,
                             "attendance_taken_at": held, "status": "scheduled",
                             "version": 1, "created_at": held, "organiser_id": author_id})
        ids = [db.session.execute(sa.insert(Meeting).values(**m).returning(Meeting.id)).scalar()
               for m in meetings]
        for meeting_id, meeting in zip(ids, meetings, strict=True):
            text = _minutes_text(rng, meeting["number"])
            html = str(render_markdown(text))
            minutes.append({"meeting_id": meeting_id, "state": MinutesState.PUBLISHED,
                            "text": text, "html": html, "version": 4,
                            "created_by_id": author_id, "created_at": meeting["starts_at"],
                            "saved_at": meeting["starts_at"],
                            "published_at": meeting["starts_at"] + timedelta(days=3),
                            "published_by_id": author_id})
            texts.append(plain_text(html))
        minutes_ids = [db.session.execute(sa.insert(Minutes).values(**m).returning(Minutes.id))
                       .scalar() for m in minutes]
        for minutes_id, text in zip(minutes_ids, texts, strict=True):
            index_text(MINUTES_INDEX, minutes_id, text)  # as publishing does, on either database
        db.session.commit()


def _minutes_text(rng, number: int) -> str:
    """About 5 KB of minutes in the territory's form: mostly everyday words (a pool of a few
    thousand), the topics of the territory among them now and then, as in real minutes; every
    one begins "Zápis" (a word of every minutes, for the broadest search)."""
    def word():
        return rng.choice(WORDS) if rng.random() < 0.03 else rng.choice(_pool())

    paragraphs = [" ".join(word() for _ in range(60)).capitalize() + "." for _ in range(10)]
    return (f"# Zápis ze schůzky č. {number}\n\n## Průběh jednání\n\n"
            + "\n\n".join(paragraphs) + "\n\n## Výstupy a úkoly\n\n- "
            + " ".join(word() for _ in range(12)) + "\n")


SYLLABLES = ("ko la ve ní st pra by do je mě na po ro sa tý vo zá ře če šu ků ho mi "
             "le")
_words: list[str] = []


def _pool(seed: int = 6) -> list[str]:
    """Three thousand made-up words of two to four syllables (made once, of their own seed:
    every database of a run, whichever is built first, gets the same texts)."""
    if not _words:
        rng = random.Random(seed)
        _words.extend("".join(rng.choice(SYLLABLES.split()) for _ in range(rng.randint(2, 4)))
                      for _ in range(3000))
    return _words


def generate_visits(count: int, seed: int = 3) -> None:
    """`count` visits of one date with 10 places, nine in ten already past, hosted by
    organisations of the directory (some abroad), each full and with a few on its waitlist
    (bulk inserts, for speed)."""
    from intranet.text import fold
    from intranet.visits.models import Registration, Status, Visit, VisitKind, VisitSlot

    rng = random.Random(seed)
    people = db.session.execute(sa.select(Member.id, Member.organisation_id)
                                .where(Member.role != Role.READER).order_by(Member.id)).all()
    hosts = db.session.execute(sa.select(Organisation.id, Organisation.name)
                               .order_by(Organisation.id)).all()
    today = utcnow().date()
    for n in range(count):
        day = today + timedelta(days=(n % 10) * 7 + 1 if n % 10 == 0 else -(n * 3 % 900) - 1)
        host_id, host_name = rng.choice(hosts) if n % 7 else (None, f"Partner v zahraničí {n}")
        visit_id = db.session.execute(sa.insert(Visit).values(
            kind=VisitKind.INTERNSHIP if n % 3 else VisitKind.STUDY_VISIT,
            title=f"Stáž {n}", host_organisation_id=host_id,
            host_name="" if host_id else host_name, country="Česko" if host_id else "Rakousko",
            description="Popis stáže.", deadline=day - timedelta(days=5), starts_on=day,
            ends_on=day, organiser_id=people[0].id, uid=f"bench-{n}", search_key=fold(
                f"Stáž {n} {host_name}"), address="", contact="", practical="", changes=0,
            created_at=utcnow()).returning(Visit.id)).scalar()
        chosen = rng.sample(people, min(10 + n % 4, len(people)))
        slot_id = db.session.execute(sa.insert(VisitSlot).values(
            visit_id=visit_id, starts_on=day, ends_on=day, capacity=10,
            taken=min(10, len(chosen)),
            last_number=len(chosen)).returning(VisitSlot.id)).scalar()
        db.session.execute(sa.insert(Registration), [
            {"visit_id": visit_id, "slot_id": slot_id, "member_id": member_id,
             "organisation_id": organisation_id, "number": number, "note": "",
             "status": Status.CONFIRMED if number <= 10 else Status.WAITING,
             "signed_up_at": utcnow(), "sequence": 1}
            for number, (member_id, organisation_id) in enumerate(chosen, start=1)])
    db.session.commit()


def generate_list_posts(count: int, seed: int = 4) -> None:
    """`count` messages on the list of all members, in threads of one to four, over the last
    years, indexed for search (subject and text) as posting does."""
    from intranet.mailing.models import ListKind, ListPost, MailingList, PostSource, PostStatus
    from intranet.search import LIST_INDEX, index_text

    rng = random.Random(seed)
    territory = db.session.scalar(sa.select(MailingList.id).where(
        MailingList.kind == ListKind.TERRITORY))
    authors = db.session.execute(sa.select(Member.id, Member.first_name, Member.last_name,
                                           Member.email).order_by(Member.id).limit(200)).all()
    now = utcnow()
    thread_id = None
    for n in range(count):
        author = rng.choice(authors)
        posted = now - timedelta(hours=(count - n) * 2)
        text = " ".join(rng.choice(_pool()) for _ in range(80)).capitalize() + "."
        starts_thread = thread_id is None or rng.random() < 0.4
        subject = f"Oznámení {n}" if starts_thread else f"Re: Oznámení {thread_id}"
        post_id = db.session.execute(sa.insert(ListPost).values(
            list_id=territory, author_id=author.id,
            sender_name=f"{author.first_name} {author.last_name}", sender_email=author.email,
            subject=subject,
            body=text, body_html=f"<p>{text}</p>", source=PostSource.WEB,
            status=PostStatus.POSTED, created_at=posted, posted_at=posted,
            message_id=f"<bench-{n}@example.org>", parent_id=None if starts_thread else thread_id,
            thread_id=None if starts_thread else thread_id).returning(ListPost.id)).scalar()
        if starts_thread:
            thread_id = post_id
            db.session.execute(sa.update(ListPost).where(ListPost.id == post_id)
                               .values(thread_id=post_id))
        index_text(LIST_INDEX, post_id, f"{subject}\n{text}")
    db.session.commit()


def generate_outbox(messages: int, seed: int = 5, dead_addresses: int = 20) -> None:
    """The mail of the newest `messages` list messages, oldest first: each to every member,
    most sent, a few failed or bounced, and every one to `dead_addresses` members refused;
    with the streaks of refusals the deliverer keeps (bulk inserts, for speed)."""
    from intranet.mail.models import BounceStreak, DeliveryStatus, OutboxDelivery, OutboxMessage
    from intranet.mailing.models import ListPost

    rng = random.Random(seed)
    members = db.session.execute(sa.select(Member.id, Member.email).order_by(Member.id)).all()
    dead = {member_id for member_id, _ in
            rng.sample(members, min(dead_addresses, len(members) // 4))}
    posts = db.session.execute(sa.select(ListPost.id, ListPost.list_id, ListPost.subject,
                                         ListPost.posted_at)
                               .order_by(ListPost.id.desc()).limit(messages)).all()
    statuses = [DeliveryStatus.SENT] * 96 + [DeliveryStatus.FAILED, DeliveryStatus.BOUNCED,
                                             DeliveryStatus.PENDING, DeliveryStatus.CANCELLED]
    streaks: dict[int, dict] = {}
    for post in reversed(posts):
        message_id = db.session.execute(sa.insert(OutboxMessage).values(
            created_at=post.posted_at, category="list", subject=post.subject,
            body_text="…", list_id=post.list_id, headers={}).returning(OutboxMessage.id)).scalar()
        db.session.execute(sa.update(ListPost).where(ListPost.id == post.id)
                           .values(outbox_message_id=message_id))
        deliveries = [
            {"message_id": message_id, "recipient": email, "member_id": member_id,
             "status": status, "attempts": 1, "next_attempt_at": post.posted_at,
             "claimed_at": post.posted_at, "sent_at": post.posted_at,
             "last_error": "550 5.1.1 no such mailbox" if status is DeliveryStatus.BOUNCED else ""}
            for member_id, email in members
            for status in [DeliveryStatus.BOUNCED if member_id in dead else rng.choice(statuses)]]
        db.session.execute(sa.insert(OutboxDelivery), deliveries)
        _follow_streaks(streaks, deliveries, post.posted_at)
    if streaks:
        db.session.execute(sa.insert(BounceStreak), list(streaks.values()))
    db.session.commit()


def _follow_streaks(streaks: dict, deliveries: list[dict], when) -> None:
    """The members' streaks of refusals after these deliveries (as the deliverer keeps them)."""
    from intranet.mail.models import DeliveryStatus

    for delivery in deliveries:
        if delivery["status"] is DeliveryStatus.SENT:
            streaks.pop(delivery["member_id"], None)
        elif delivery["status"] is DeliveryStatus.BOUNCED:
            streak = streaks.setdefault(delivery["member_id"], {
                "member_id": delivery["member_id"], "bounces": 0, "first_at": when})
            streak.update(bounces=streak["bounces"] + 1, last_at=when,
                          last_error=delivery["last_error"])
