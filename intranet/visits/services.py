"""Visits: offering one, the list of upcoming ones, signing up with a waitlist, cancelling
and promotion, the organiser's changes and the final list.

Every change of a visit's places runs in a transaction that first touches the visit's row:
on SQLite write transactions start with BEGIN IMMEDIATE and so run one at a time; on
PostgreSQL the touched row is locked until commit, so the sign-ups and cancellations of one
visit run one at a time too, and what they read after the touch is current. UNIQUE (visit,
member) and CHECK (0 <= taken <= capacity) hold whatever happens.
"""

from dataclasses import dataclass
from datetime import date
from functools import cache

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload, raiseload

from ..accounts.models import Member
from ..database import found_or_404, not_along_index, prebuilt, rows_of, utcnow
from ..extensions import db
from ..i18n import today_in_prague
from ..organisations.models import Organisation
from ..text import fold, like_pattern
from . import notifications
from .models import ACTIVE, HOME_COUNTRY, Registration, Status, Visit, VisitKind, VisitSlot

VISIT_FIELDS = ("kind", "title", "host_organisation_id", "host_name", "address", "country",
                "description", "contact", "practical", "deadline", "org_limit")


class Closed(Exception):
    """Sign-up is over: the deadline passed, the date began, or the list is final."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class OrganisationFull(Exception):
    """The member's organisation already has as many people signed up as the visit allows."""


class SlotInUse(Exception):
    """A date with people signed up cannot be removed."""


class BelowTaken(Exception):
    """A date's places were set below those confirmed (taken meanwhile)."""

    def __init__(self, slot_id: int, taken: int):
        super().__init__(slot_id, taken)
        self.slot_id, self.taken = slot_id, taken


def below_taken(taken: int) -> str:
    from flask_babel import ngettext

    return ngettext(
        "Na tento termín je už potvrzen %(num)d člověk; méně míst nastavit nelze.",
        "Na tento termín jsou už potvrzeni %(num)d lidé; méně míst nastavit nelze.", taken)


@dataclass(frozen=True)
class SlotBefore:
    """A date as saved, for the form that changes it."""

    starts_on: date
    ends_on: date
    taken: int


@dataclass(frozen=True)
class Place:
    """What a sign-up came to, read before its commit: a view reports it without another
    transaction (on SQLite each one of a POST waits for the write lock)."""

    registration_id: int
    confirmed: bool
    position: int | None  # on the waitlist
    already: bool = False  # the member had signed up before: nothing changed


@dataclass
class SlotDetails:
    """One date of a visit as the form gives it (id None: a new one)."""

    id: int | None
    starts_on: date
    ends_on: date
    capacity: int


today = today_in_prague  # the visits' days are Prague's


# --- reading ------------------------------------------------------------------------------

def get_visit(visit_id: int) -> Visit:
    """The visit with its host, organiser and dates; or 404."""
    return found_or_404(_visit(), {"visit_id": visit_id})


@prebuilt
def _visit() -> sa.Select:
    return sa.select(Visit).options(
        joinedload(Visit.host_organisation), joinedload(Visit.organiser),
        joinedload(Visit.slots), raiseload("*")).where(Visit.id == sa.bindparam("visit_id"))


@dataclass
class Filters:
    """What the list of upcoming visits is narrowed to."""

    kind: VisitKind | None = None
    q: str = ""  # the host or the title
    month: tuple[date, date] | None = None  # visits on a day of [first, following)

    def shape(self) -> tuple[bool, bool, bool]:
        """Which filters are set: the statements are prebuilt for each combination."""
        return self.kind is not None, bool(self.q.strip()), self.month is not None

    def params(self) -> dict:
        first, following = self.month or (None, None)
        return {"today": today(), "kind": self.kind, "first": first, "following": following,
                "pattern": like_pattern(self.q) if self.q.strip() else None}


def upcoming(filters: Filters) -> tuple[sa.Select, dict]:
    """Visits not over yet, soonest first, as rows of what the list shows (id, starts_on,
    ends_on, title, kind, host, country, abroad, and the places: capacity, taken, waiting,
    summed for the rows of the page only); and the values of its parameters."""
    return _upcoming(*filters.shape()), filters.params()


@prebuilt
def _upcoming(*shape: bool) -> sa.Select:
    def of_visit(column):
        return column.where(VisitSlot.visit_id == Visit.id).correlate(Visit).scalar_subquery()

    waiting = (sa.select(sa.func.count(Registration.id))
               .where(Registration.visit_id == Visit.id, Registration.status == Status.WAITING)
               .correlate(Visit).scalar_subquery())
    # The index on the start is read from the first visit not over yet, not from years back;
    # that start is the least among the visits not over yet, found along the index on the end.
    other = aliased(Visit)
    first_start = (sa.select(sa.func.min(not_along_index(other.starts_on)))
                   .where(other.ends_on >= sa.bindparam("today")).scalar_subquery())
    host = aliased(Organisation)
    query = (sa.select(Visit.id, Visit.starts_on, Visit.ends_on, Visit.title, Visit.kind,
                       sa.func.coalesce(host.name, Visit.host_name).label("host"),
                       Visit.country, (Visit.country != HOME_COUNTRY).label("abroad"),
                       of_visit(sa.select(sa.func.sum(VisitSlot.capacity))).label("capacity"),
                       of_visit(sa.select(sa.func.sum(VisitSlot.taken))).label("taken"),
                       waiting.label("waiting"))
             .outerjoin(host, host.id == Visit.host_organisation_id)
             .where(Visit.starts_on >= first_start).order_by(Visit.starts_on, Visit.id))
    return _narrowed(query, *shape)


def upcoming_count(filters: Filters) -> sa.Select:
    """How many visits upcoming() gives, with the same parameters."""
    return _upcoming_count(*filters.shape())


@prebuilt
def _upcoming_count(*shape: bool) -> sa.Select:
    return _narrowed(sa.select(sa.func.count(Visit.id)), *shape)


def _narrowed(query: sa.Select, kind: bool, q: bool, month: bool) -> sa.Select:
    query = query.where(Visit.ends_on >= sa.bindparam("today"))
    if kind:
        query = query.where(Visit.kind == sa.bindparam("kind"))
    if q:
        query = query.where(Visit.search_key.like(sa.bindparam("pattern"), escape="\\"))
    if month:
        query = query.where(Visit.starts_on < sa.bindparam("following"),
                            Visit.ends_on >= sa.bindparam("first"))
    return query


def registration_of(visit_id: int, member_id: int) -> Registration | None:
    """The member's sign-up for the visit (cancelled ones included), with its date."""
    return db.session.scalar(_registration(), {"visit_id": visit_id, "member_id": member_id})


@prebuilt
def _registration() -> sa.Select:
    return (sa.select(Registration).options(joinedload(Registration.slot))
            .where(Registration.visit_id == sa.bindparam("visit_id"),
                   Registration.member_id == sa.bindparam("member_id")))


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first on the date's waitlist; None for anyone not waiting."""
    if registration.status is not Status.WAITING:
        return None
    return db.session.scalar(sa.select(sa.func.count()).where(
        Registration.slot_id == registration.slot_id, Registration.status == Status.WAITING,
        Registration.number <= registration.number))


def participants(visit_id: int) -> list[sa.Row]:
    """Confirmed sign-ups of the visit, by date, then order: rows of what lists of people
    show (id, slot_id, note, member_id, full_name, email, phone, organisation: its name,
    active: whether the account is still active, its profile shown to everyone)."""
    return rows_of(_signed_up(Status.CONFIRMED), {"visit_id": visit_id}).all()


@prebuilt
def _signed_up(status: Status) -> sa.Select:
    return (sa.select(Registration.id, Registration.slot_id, Registration.note,
                      Registration.member_id, Member.full_name.label("full_name"),
                      Member.email, Member.phone, Organisation.name.label("organisation"),
                      Member.deactivated_at.is_(None).label("active"))
            .join(VisitSlot, VisitSlot.id == Registration.slot_id)
            .join(Member, Member.id == Registration.member_id)
            .join(Organisation, Organisation.id == Registration.organisation_id)
            .where(Registration.visit_id == sa.bindparam("visit_id"),
                   Registration.status == status)
            .order_by(VisitSlot.starts_on, VisitSlot.id, Registration.number))


@cache
def waiting_position() -> sa.Label:
    """A waiting registration's place on its date's waitlist (a column of selects of
    registrations): built once, on first use (an alias made per request costs more than the
    query, and at import the other models may not be known yet)."""
    earlier = aliased(Registration)
    return (sa.select(sa.func.count(earlier.id))
            .where(earlier.slot_id == Registration.slot_id, earlier.status == Status.WAITING,
                   earlier.number <= Registration.number)
            .correlate(Registration).scalar_subquery().label("position"))


def waiting_list(visit_id: int) -> tuple[sa.Select, dict]:
    """Those waiting, date by date in their order, with their position on their date's list:
    rows (registration, position)."""
    return _waiting_list(), {"visit_id": visit_id}


@prebuilt
def _waiting_list() -> sa.Select:
    return _signed_up(Status.WAITING).add_columns(waiting_position())


def waiting_counts(visit_id: int) -> dict[int, int]:
    """How many wait on each date of the visit (slot id → count)."""
    return dict(rows_of(_waiting_counts(), {"visit_id": visit_id}).all())


@prebuilt
def _waiting_counts() -> sa.Select:
    return (sa.select(Registration.slot_id, sa.func.count())
            .where(Registration.visit_id == sa.bindparam("visit_id"),
                   Registration.status == Status.WAITING)
            .group_by(Registration.slot_id))


def closed_reason(visit: Visit | sa.Row, slot: VisitSlot) -> str | None:
    """Why members can no longer sign up for this date themselves (None: they can). `visit`:
    the visit, or its confirmed_at and deadline as read under its lock."""
    if visit.confirmed_at is not None:
        return "confirmed"
    if slot.starts_on <= today():
        return "started"
    if visit.deadline < today():
        return "deadline"
    return None


# --- offering and changing ----------------------------------------------------------------

def save_visit(visit: Visit | None, organiser: Member, values: dict,
               slots: list[SlotDetails], removed: set[int] = frozenset()) -> Visit:
    """Offer a visit (visit None) or save its changes; raised capacities take people from
    the waitlist at once. The form has checked the dates and capacities."""
    host = _host_name(values["host_organisation_id"], values["host_name"])
    if visit is None:
        visit = Visit(organiser=organiser, slots=[])
        db.session.add(visit)
    else:
        _lock(visit)
    for name in VISIT_FIELDS:
        setattr(visit, name, values[name])
    if visit.host_organisation_id:
        visit.host_name = ""
    visit.search_key = fold(f"{visit.title} {host}")[:420]
    try:
        moved = _set_slots(visit, slots, removed)
    except (SlotInUse, BelowTaken):
        db.session.rollback()
        raise
    db.session.flush()
    for slot in moved:
        _tell_moved(slot)
    for slot in visit.slots:
        _promote(visit, slot, "more_places")
    db.session.commit()
    return visit


def _tell_moved(slot: VisitSlot) -> None:
    """Those signed up for a date that moved get the new date (their calendar entry too)."""
    for registration in db.session.scalars(sa.select(Registration).where(
            Registration.slot_id == slot.id, Registration.status.in_(ACTIVE))):
        registration.sequence += 1
        db.session.flush()
        notifications.moved(registration)


def deletable(visit: Visit) -> bool:
    """A visit offered by mistake goes while nobody has signed up (cancelled ones count:
    they were told about it) and nobody has written a report."""
    from .models import VisitReport

    return not db.session.scalar(sa.select(
        sa.exists().where(Registration.visit_id == visit.id)
        | sa.exists().where(VisitReport.visit_id == visit.id)))


def delete_visit(visit: Visit) -> bool:
    """Delete the visit if it is still deletable (checked under its lock)."""
    _lock(visit)
    if not deletable(visit):
        db.session.rollback()
        return False
    db.session.delete(visit)
    db.session.commit()
    return True


def _host_name(organisation_id: int | None, typed: str) -> str:
    if not organisation_id:
        return typed
    return db.session.scalar(sa.select(Organisation.name).where(
        Organisation.id == organisation_id)) or ""


def _set_slots(visit: Visit, slots: list[SlotDetails], removed: set[int]) -> list[VisitSlot]:
    """Save the dates; the dates of existing slots that moved."""
    existing = {slot.id: slot for slot in visit.slots}
    for gone in removed & set(existing):
        if db.session.scalar(sa.select(sa.exists().where(
                Registration.slot_id == gone, Registration.status.in_(ACTIVE)))):
            raise SlotInUse
        db.session.execute(sa.delete(Registration).where(Registration.slot_id == gone))
        visit.slots.remove(existing[gone])
    moved = []
    for details in slots:
        slot = existing.get(details.id) if details.id else None
        if details.id in removed:
            continue
        if slot is None:
            slot = VisitSlot()
            visit.slots.append(slot)
        elif (slot.starts_on, slot.ends_on) != (details.starts_on, details.ends_on):
            moved.append(slot)
        if slot.id is not None:
            db.session.refresh(slot, ["taken"])  # after the lock: sign-ups meanwhile count
        if details.capacity < (slot.taken or 0):
            raise BelowTaken(slot.id, slot.taken)
        slot.starts_on, slot.ends_on = details.starts_on, details.ends_on
        slot.capacity = details.capacity
    if not visit.slots:
        raise SlotInUse
    visit.starts_on = min(slot.starts_on for slot in visit.slots)
    visit.ends_on = max(slot.ends_on for slot in visit.slots)
    return moved


def saved_slots(visit: Visit) -> dict[int, SlotBefore]:
    """The visit's dates as saved (the form checks changes against them)."""
    return {slot.id: SlotBefore(slot.starts_on, slot.ends_on, slot.taken)
            for slot in visit.slots}


# --- signing up and cancelling ------------------------------------------------------------

def _lock(visit: Visit) -> sa.Row:
    """Touch the visit's row: changes to one visit's places run one at a time. Returns what
    decides who may sign up as it is saved now (a change before this one may have saved it):
    confirmed_at, deadline, org_limit."""
    return db.session.execute(sa.update(Visit).where(Visit.id == visit.id)
                              .values(changes=Visit.changes + 1)
                              .returning(Visit.confirmed_at, Visit.deadline, Visit.org_limit)
                              .execution_options(synchronize_session=False)).one()


def sign_up(visit: Visit, slot: VisitSlot, member: Member, note: str = "",
            by_organiser: bool = False) -> Place:
    """A place on the date if one is free, else a place on its waitlist; once per visit (a
    second sign-up changes nothing). The organiser adds people after the deadline too.
    Raises Closed or OrganisationFull. Everything is read again after the visit is locked
    (on PostgreSQL a concurrent sign-up may have changed it meanwhile)."""
    mail = notifications.SignUpMail(visit, slot, member, by_organiser)  # before the lock
    saved = _lock(visit)
    current, waiting = _read_under_lock(slot, member)
    if not by_organiser and (reason := closed_reason(saved, slot)):
        db.session.rollback()
        raise Closed(reason)
    if current is not None and current.status in ACTIVE:
        db.session.rollback()
        return _place(current, already=True)
    if saved.org_limit and _organisation_count(visit, member.organisation_id) >= saved.org_limit:
        db.session.rollback()
        raise OrganisationFull
    try:
        registration = _take(visit, slot, member, note, current)
    except IntegrityError:  # the same member twice at once (PostgreSQL): the first counts
        db.session.rollback()
        return _place(registration_of(visit.id, member.id), already=True)
    confirmed = registration.status is Status.CONFIRMED
    place = Place(registration.id, confirmed, None if confirmed else waiting + 1, False)
    mail.queue(registration, place.position)
    db.session.commit()
    return place


def _read_under_lock(slot: VisitSlot, member: Member) -> tuple[Registration | None, int]:
    """In one statement, after the visit's lock: the date as saved now (into `slot`), the
    member's earlier sign-up for the visit if there is one, and how many wait on the date
    (a new place on its waitlist comes after all of them: its number is the date's next)."""
    waiting = (sa.select(sa.func.count()).where(Registration.slot_id == slot.id,
                                                Registration.status == Status.WAITING)
               .scalar_subquery())
    _, current, count = db.session.execute(
        sa.select(VisitSlot, Registration, waiting)
        .outerjoin(Registration, sa.and_(Registration.visit_id == slot.visit_id,
                                         Registration.member_id == member.id))
        .where(VisitSlot.id == slot.id)
        .execution_options(populate_existing=True)).one()
    return current, count


def _place(registration: Registration, already: bool = False) -> Place:
    return Place(registration.id, registration.status is Status.CONFIRMED,
                 waitlist_position(registration), already)


def _organisation_count(visit: Visit, organisation_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(
        Registration.visit_id == visit.id, Registration.organisation_id == organisation_id,
        Registration.status.in_(ACTIVE)))


def _take(visit, slot, member, note, registration) -> Registration:
    """A place if one is free, the next number in the slot's order: one UPDATE of the
    slot, read again under the visit's lock (no other change of its places runs meanwhile)."""
    placed = slot.taken < slot.capacity
    number = db.session.execute(
        sa.update(VisitSlot).where(VisitSlot.id == slot.id)
        .values(taken=VisitSlot.taken + int(placed), last_number=VisitSlot.last_number + 1)
        .returning(VisitSlot.last_number).execution_options(synchronize_session=False)
    ).scalar_one()
    now = utcnow()
    if registration is None:
        registration = Registration(visit_id=visit.id, member_id=member.id, sequence=0)
        db.session.add(registration)
    registration.slot, registration.organisation_id = slot, member.organisation_id
    registration.status = Status.CONFIRMED if placed else Status.WAITING
    registration.number, registration.note, registration.signed_up_at = number, note, now
    registration.confirmed_at = now if placed else None
    registration.cancelled_at = None
    registration.sequence += 1
    db.session.flush()
    return registration


def cancel(registration: Registration, by_organiser: bool = False) -> bool:
    """Give the place (or the place on the waitlist) up; the first waiting on the date gets
    the place and is told. False if it was already cancelled."""
    if not _give_up(registration, by_organiser):
        db.session.rollback()
        return False
    db.session.commit()
    return True


def _give_up(registration: Registration, by_organiser: bool = False) -> bool:
    """cancel() in the caller's transaction."""
    visit = registration.visit
    _lock(visit)
    was_confirmed = _set_cancelled(registration, Status.CONFIRMED)
    if not was_confirmed and not _set_cancelled(registration, Status.WAITING):
        return False
    if was_confirmed:
        db.session.execute(sa.update(VisitSlot).where(VisitSlot.id == registration.slot_id)
                           .values(taken=VisitSlot.taken - 1)
                           .execution_options(synchronize_session=False))
    db.session.expire(registration)
    notifications.cancelled(registration, by_organiser)
    slot = db.session.get(VisitSlot, registration.slot_id)
    db.session.refresh(slot)
    _promote(visit, slot)
    return True


def _set_cancelled(registration: Registration, status: Status) -> bool:
    return db.session.execute(
        sa.update(Registration).where(Registration.id == registration.id,
                                      Registration.status == status)
        .values(status=Status.CANCELLED, cancelled_at=utcnow(),
                sequence=Registration.sequence + 1)
        .execution_options(synchronize_session=False)).rowcount == 1


def _promote(visit: Visit, slot: VisitSlot, reason: str = "cancelled") -> None:
    """Free places go to the first on the waitlist (whose account is active), in order,
    until the date begins; `reason`: a cancellation, or more places."""
    if slot.starts_on <= today():
        return
    while True:
        first = db.session.scalar(
            sa.select(Registration).join(Member, Member.id == Registration.member_id)
            .where(Registration.slot_id == slot.id, Registration.status == Status.WAITING,
                   Member.deactivated_at.is_(None))
            .order_by(Registration.number).limit(1))
        if first is None or not db.session.execute(
                sa.update(VisitSlot).where(VisitSlot.id == slot.id,
                                           VisitSlot.taken < VisitSlot.capacity)
                .values(taken=VisitSlot.taken + 1)
                .execution_options(synchronize_session=False)).rowcount:
            return
        first.status, first.confirmed_at = Status.CONFIRMED, utcnow()
        first.sequence += 1
        db.session.flush()
        notifications.promoted(first, reason)


def confirm_list(visit: Visit) -> bool:
    """The organiser confirms the final list (once): participants are told, those still
    waiting learn they did not get a place; members no longer sign up themselves."""
    claimed = db.session.execute(
        sa.update(Visit).where(Visit.id == visit.id, Visit.confirmed_at.is_(None))
        .values(confirmed_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if not claimed:
        db.session.rollback()
        return False
    registrations = db.session.scalars(
        sa.select(Registration).options(joinedload(Registration.member),
                                        joinedload(Registration.slot))
        .where(Registration.visit_id == visit.id, Registration.status.in_(ACTIVE))).all()
    notifications.list_confirmed(visit, registrations)
    db.session.commit()
    return True


def find_member(email: str) -> Member | None:
    """An active member who takes part in visits, by e-mail (the organiser adds people by
    their address); not a mayor (reader)."""
    from ..policy import can
    from ..text import normalise_email

    member = db.session.scalar(sa.select(Member).where(
        Member.email == normalise_email(email), Member.deactivated_at.is_(None)))
    return member if member is not None and can(member, "visits.take_part") else None


def member_deactivated(member: Member, **_) -> None:
    """A deactivated member's coming places are given up (the next waiting get them)."""
    coming = db.session.scalars(
        sa.select(Registration).join(VisitSlot, VisitSlot.id == Registration.slot_id)
        .where(Registration.member_id == member.id, Registration.status.in_(ACTIVE),
               VisitSlot.starts_on > today())).all()
    for registration in coming:
        _give_up(registration)


# --- one member's visits ------------------------------------------------------------------

def my_visits(member: Member, limit: int = 5) -> tuple[list[sa.Row], list[sa.Row]]:
    """The member's coming visits (a place or a place on the waitlist, with its position) and
    their past ones, the newest first: rows (registration, visit title, kind, dates, position)."""
    coming, past = _my_visits()
    params = {"member_id": member.id, "today": today(), "limit": limit}
    return rows_of(coming, params).all(), rows_of(past, params).all()


@prebuilt
def _my_visits() -> tuple[sa.Select, sa.Select]:
    query = (sa.select(Registration.visit_id, Registration.status, Visit.title, Visit.kind,
                       VisitSlot.starts_on, VisitSlot.ends_on, waiting_position())
             .join(Visit, Visit.id == Registration.visit_id)
             .join(VisitSlot, VisitSlot.id == Registration.slot_id)
             .where(Registration.member_id == sa.bindparam("member_id")))
    today_ = sa.bindparam("today", type_=sa.Date)
    coming = (query.where(Registration.status.in_(ACTIVE), VisitSlot.ends_on >= today_)
              .order_by(VisitSlot.starts_on).limit(sa.bindparam("limit")))
    past = (query.where(Registration.status == Status.CONFIRMED, VisitSlot.ends_on < today_)
            .order_by(VisitSlot.starts_on.desc()).limit(sa.bindparam("limit")))
    return coming, past
