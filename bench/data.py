"""Generate a large fictional territory for benchmarks."""

import random

from intranet.accounts.models import Member
from intranet.accounts.passwords import hash_password
from intranet.database import utcnow
from intranet.extensions import db
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
