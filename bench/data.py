"""Generate a large fictional territory for benchmarks."""

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
    _groups_and_meetings(rng, db.session.scalars(sa.select(Member)).all())


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
