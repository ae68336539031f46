"""Members: looking them up, their profile, and the administrator's changes."""

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import abort, current_app
from sqlalchemy.orm import joinedload, raiseload

from .. import data_versions
from ..audit.services import record
from ..database import count_of_rows, prebuilt, utcnow
from ..extensions import db
from ..forms import Choices
from ..mail.services import forget_refusals
from ..organisations.models import Municipality, Organisation, OrganisationKind
from ..policy import Role, can
from ..text import normalise_email
from ..web import external_url
from . import member_deactivated, member_reactivated
from .auth import expire_links
from .links import issue_token, queue_invitation, queue_password_reset
from .member_search import matching_members, member_search, reads_in_order
from .models import Member, TokenPurpose, new_session_token, of_organisation


class SelfLockout(Exception):
    """An administrator may not take away their own access (nobody would be left to undo it)."""


class EmailTaken(Exception):
    """Another account has this address."""


class WrongState(Exception):
    """The account is not in a state where this change makes sense (e.g. already active)."""


# --- looking members up -------------------------------------------------------------------

def member_by_email(email: str) -> Member | None:
    return db.session.scalar(sa.select(Member).where(Member.email == normalise_email(email)))


def email_taken(email: str, except_member_id: int | None = None) -> bool:
    query = sa.select(Member.id).where(Member.email == normalise_email(email))
    if except_member_id is not None:
        query = query.where(Member.id != except_member_id)
    return db.session.scalar(query) is not None


def get_member(member_id: int, viewer: Member) -> Member:
    """A member with their organisation, or 404; deactivated ones only for administrators."""
    member = db.first_or_404(
        sa.select(Member).options(joinedload(Member.organisation), raiseload("*"))
        .where(Member.id == member_id))
    if member.deactivated_at and not can(viewer, "members.manage"):
        abort(404)
    return member


STATUS_FILTERS = {
    "active": sa.and_(Member.deactivated_at.is_(None), Member.password_hash.is_not(None)),
    "invited": sa.and_(Member.deactivated_at.is_(None), Member.password_hash.is_(None)),
    "deactivated": Member.deactivated_at.is_not(None),
    "current": Member.deactivated_at.is_(None),
}


def member_query(q: str = "", *, role: Role | None = None, organisation_id: int | None = None,
                 municipality_id: int | None = None, status: str | None = "active",
                 page: int = 1) -> tuple[sa.Select, dict]:
    """Members matching a search by name, organisation or municipality, with filters,
    in Czech order (the indexed sort key): rows of what member lists show (id, full_name,
    email, phone, position, role, status, organisation_id, organisation, municipality_id,
    municipality), not whole records; and the values of its parameters.

    Only the member table (and a search's index) is in FROM: the organisation's and
    municipality's names are subqueries per row and the filters on them subqueries run once,
    so that a page reads twenty rows' names and its count reads no other table for thousands
    of members.

    A search reads its matches from the index and sorts them, or, when they are many, reads
    members in order and keeps the matching ones until it has the `page` (search.reads_in_order).
    """
    search, params = member_search(q)
    shape = (role is not None, bool(organisation_id), bool(municipality_id), status)
    filters = {"role": role, "organisation_id": organisation_id,
               "municipality_id": municipality_id}
    if search == "index" and _broad(shape, filters, params, page):
        search = "in order"
    return _member_query(search, *shape), {**params, **filters}


def _broad(shape: tuple, filters: dict, search: dict, page: int) -> bool:
    """Whether an index search is read sooner "in order" up to this page: from the numbers
    of its matches and of all members, whom reading in order passes whatever the filters
    (each counted once a change)."""
    matches = member_count(_member_query("index", *shape), {**search, **filters})
    everyone = member_count(_member_query(None, False, False, False, None), {})
    return reads_in_order(matches, everyone, page * current_app.config["PER_PAGE"])


@prebuilt
def _member_query(search: str | None, role: bool, organisation: bool, municipality: bool,
                  status: str | None) -> sa.Select:
    query = _member_rows()
    if search:
        query = matching_members(query, search)
    if role:
        query = query.where(Member.role == sa.bindparam("role"))
    if organisation:
        query = query.where(Member.organisation_id == sa.bindparam("organisation_id"))
    if municipality:
        query = query.where(Member.organisation_id.in_(
            sa.select(Organisation.id)
            .where(Organisation.municipality_id == sa.bindparam("municipality_id"))))
    return query.where(STATUS_FILTERS[status]) if status else query


MEMBER_COUNTS = "member-counts"
data_versions.watch(MEMBER_COUNTS, {  # what decides whether a member_query finds a member
    Member: ("search_key", "deactivated_at", "password_hash", "role", "organisation_id"),
    Organisation: ("search_key", "municipality_id"), Municipality: ("search_key",)})


def member_count(query: sa.Select, params: dict) -> int:
    """How many members a member_query (with the values of its parameters) finds, counted
    again only after a change that could alter it: counting reads every member found (1–2 ms
    for the thousands of a directory or a broad search), a page only twenty-five."""
    return data_versions.cached(MEMBER_COUNTS, (query, tuple(sorted(params.items()))), lambda: (
        db.session.scalar(count_of_rows(query), params), None))


def _member_rows() -> sa.Select:
    """The columns of member_query."""
    return sa.select(
        Member.id, Member.full_name.label("full_name"), Member.email, Member.phone,
        Member.position, Member.role, Member.status.label("status"), Member.organisation_id,
        of_organisation(Organisation.name).label("organisation"),
        of_organisation(Organisation.municipality_id).label("municipality_id"),
        of_organisation(Municipality.name, Municipality.id == Organisation.municipality_id)
        .label("municipality"),
    ).order_by(Member.sort_key, Member.id)


MEMBER_NAMES = "member-names"  # the data version of the select boxes' list of people
data_versions.watch(MEMBER_NAMES, {
    Member: ("first_name", "last_name", "titles_before", "titles_after", "deactivated_at",
             "organisation_id"),
    Organisation: ("name",)})


def member_choices() -> Choices:
    """Every member not deactivated, in Czech order, with their organisation, for a select
    box ("Nováková Jana (Charita Lipová)"), kept while no name changes."""
    return data_versions.cached(MEMBER_NAMES, "members", lambda: (Choices(
        (row.id, f"{row.full_name} ({row.organisation})" if row.organisation else row.full_name)
        for row in db.session.execute(_member_names())), None))


@prebuilt
def _member_names() -> sa.Select:
    return (sa.select(Member.id, Member.full_name.label("full_name"),
                      of_organisation(Organisation.name).label("organisation"))
            .where(Member.deactivated_at.is_(None)).order_by(Member.sort_key, Member.id))


# --- the member's own profile -------------------------------------------------------------

PROFILE_FIELDS = ("titles_before", "first_name", "last_name", "titles_after", "phone",
                  "position", "language", "wants_meeting_mail")


def update_profile(member: Member, **fields) -> None:
    for name in PROFILE_FIELDS:
        if name in fields:
            setattr(member, name, fields[name])
    db.session.commit()


def member_by_calendar_token(token: str) -> Member | None:
    """The active member whose private calendar feed this is."""
    member = db.session.scalar(sa.select(Member).where(Member.calendar_token == token))
    return member if member is not None and member.is_active else None


def renew_calendar_token(member: Member, enabled: bool = True) -> None:
    """A new secret feed address (the old one stops working), or none at all."""
    member.calendar_token = secrets.token_urlsafe(24) if enabled else None
    db.session.commit()


# --- administration -----------------------------------------------------------------------

ADMIN_FIELDS = ("titles_before", "first_name", "last_name", "titles_after", "email", "phone",
                "position", "organisation_id", "side")


def invite_member(actor: Member, **fields) -> Member:
    """Create an account and send its invitation link."""
    member = Member(**fields)
    db.session.add(member)
    db.session.flush()
    queue_invitation(member, actor)
    db.session.commit()
    return member


class NoOrganisation(Exception):
    """An account needs an organisation, and none was named nor exists yet."""


def create_admin(email: str, first_name: str, last_name: str, organisation: str | None,
                 municipality: str | None) -> tuple[Member, str, datetime]:
    """The first administrator of an installation, from the command line: their account in
    the named organisation (made, with its municipality, if it does not exist; without a
    name the first organisation), and the link to set the password with its expiry (printed
    by the command: mail may not be set up yet). Raises EmailTaken, NoOrganisation."""
    if email_taken(email):
        raise EmailTaken
    found = _organisation_for(organisation, municipality)
    member = Member(email=normalise_email(email), first_name=first_name, last_name=last_name,
                    organisation=found, role=Role.ADMIN)
    db.session.add(member)
    db.session.flush()
    token, valid_until = issue_token(member, TokenPurpose.INVITATION)
    record("invited", subject=member, detail=f"{member.email} (flask users create-admin)")
    db.session.commit()
    return member, external_url("accounts.accept_invitation", token=token), valid_until


def _organisation_for(name: str | None, municipality: str | None) -> Organisation:
    if not name:
        first = db.session.scalar(sa.select(Organisation).order_by(Organisation.id).limit(1))
        if first is None:
            raise NoOrganisation
        return first
    found = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
    if found is not None:
        return found
    if not municipality:
        raise NoOrganisation
    town = db.session.scalar(sa.select(Municipality).where(Municipality.name == municipality))
    town = town or Municipality(name=municipality, orp=municipality)
    return Organisation(name=name, kind=OrganisationKind.OTHER, municipality=town)


def resend_invitation(member: Member, actor: Member) -> None:
    if member.status != "invited":
        raise WrongState
    queue_invitation(member, actor)
    db.session.commit()


def update_member(member: Member, actor: Member, role: Role, **fields) -> None:
    """The administrator's edit: contact details, organisation, role; all audited."""
    if member.id == actor.id and role is not Role.ADMIN:
        raise SelfLockout
    old_email = member.email
    for name in ADMIN_FIELDS:
        if name in fields:
            setattr(member, name, fields[name])
    if role != member.role:
        record("role_changed", actor=actor, subject=member, detail=f"{member.role} → {role}")
        member.role = role
    if member.email != old_email:
        _email_changed(member, actor, old_email)
    db.session.commit()


def _email_changed(member: Member, actor: Member, old_email: str) -> None:
    """Links sent to the old address stop working, its refusals are forgotten; an invitation
    goes to the new one."""
    record("email_changed", actor=actor, subject=member, detail=f"{old_email} → {member.email}")
    expire_links(member)
    forget_refusals(member)
    if member.status == "invited":
        queue_invitation(member, actor)


def deactivate(member: Member, actor: Member) -> None:
    """Stop the member logging in and receiving mail; their history stays."""
    if member.id == actor.id:
        raise SelfLockout
    if member.deactivated_at:
        raise WrongState
    member.deactivated_at = utcnow()
    member.session_token = new_session_token()
    member.calendar_token = None  # the calendar address stops working, also after reactivation
    expire_links(member)
    record("deactivated", actor=actor, subject=member)
    member_deactivated.send(member)
    db.session.commit()


def reactivate(member: Member, actor: Member) -> None:
    """Let the member back in; a calendar address from before must be made anew."""
    if not member.deactivated_at:
        raise WrongState
    member.deactivated_at = None
    member.calendar_token = None
    record("reactivated", actor=actor, subject=member)
    member_reactivated.send(member)
    db.session.commit()


def send_password_reset(member: Member, actor: Member) -> None:
    """The administrator mails an active member a link to set a new password (audited)."""
    if not member.is_active:
        raise WrongState
    queue_password_reset(member, actor)
    db.session.commit()
