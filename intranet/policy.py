"""Roles and permissions: the one place that says who may do what.

The table PERMISSIONS says what each role may do anywhere; the `may_…` rules below say who
may act on one record. What a rule needs to know about a record (is the member a coordinator
of this group, on this list?) it asks as a fact (facts.py), which the feature that knows
registers: this module imports no feature.
"""

import enum
from functools import wraps

from flask import abort, request
from flask_login import current_user

from .facts import COORDINATES, COORDINATES_ANY, IN_GROUP, ON_LIST, fact
from .i18n import lazy_gettext as _l


class Role(enum.StrEnum):
    ADMIN = "admin"
    SECRETARY = "secretary"
    MEMBER = "member"
    READER = "reader"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: _l("správce / správkyně"),
    Role.SECRETARY: _l("zapisovatel(ka)"),
    Role.MEMBER: _l("člen / členka"),
    Role.READER: _l("čtenář(ka) – starosta / starostka"),
}

EVERYONE = frozenset(Role)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "directory.view": EVERYONE,
    "profile.edit": EVERYONE,
    "members.manage": frozenset({Role.ADMIN}),
    "organisations.manage": frozenset({Role.ADMIN}),
    "audit.view": frozenset({Role.ADMIN}),
    "mail.manage": frozenset({Role.ADMIN}),
    "lists.manage": frozenset({Role.ADMIN}),
    "groups.view": EVERYONE,
    "groups.manage_all": frozenset({Role.ADMIN, Role.SECRETARY}),
    "meetings.view": EVERYONE,
    "visits.view": EVERYONE,
    "visits.take_part": frozenset({Role.ADMIN, Role.SECRETARY, Role.MEMBER}),
    "visits.host_anywhere": frozenset({Role.ADMIN, Role.SECRETARY}),
    "visits.manage_all": frozenset({Role.ADMIN}),
    "catalogue.view": EVERYONE,
    "catalogue.edit_own": frozenset({Role.ADMIN, Role.SECRETARY, Role.MEMBER}),
    "catalogue.manage": frozenset({Role.ADMIN}),
    "strategy.view": EVERYONE,
    "strategy.manage_all": frozenset({Role.ADMIN}),
    "report.view": EVERYONE,
}


def can(user, permission: str) -> bool:
    """Whether the user holds the permission (anonymous users hold none)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role in PERMISSIONS[permission]


def may_manage_group(user, group) -> bool:
    """Secretaries and administrators manage every group and its meetings; coordinators theirs."""
    if can(user, "groups.manage_all"):
        return True
    return group is not None and can(user, "groups.view") and fact(COORDINATES, user, group)


def may_answer(user, meeting) -> bool:
    """Members of the meeting's group answer its invitation."""
    return can(user, "meetings.view") and fact(IN_GROUP, user.id, meeting.group_id)


def may_write_minutes(user, group) -> bool:
    """Whoever manages the group's meetings writes their minutes."""
    return may_manage_group(user, group)


def may_approve_minutes(user, minutes, group) -> bool:
    """The group's coordinators approve its minutes, and administrators approve minutes they
    did not start: nobody else approves their own."""
    if not can(user, "meetings.view"):
        return False
    if fact(COORDINATES, user, group):
        return True
    return user.role is Role.ADMIN and user.id != minutes.created_by_id


def may_publish_minutes(user, minutes, group) -> bool:
    """Those who write or approve the minutes publish them once approved, and can send them
    back for changes before that."""
    return may_write_minutes(user, group) or may_approve_minutes(user, minutes, group)


def may_close_task(user, item, group) -> bool:
    """Those who write the group's minutes, and the people the task is for, mark it done."""
    if not can(user, "meetings.view"):
        return False
    for_them = item.member_id == user.id or (
        item.organisation_id is not None and item.organisation_id == user.organisation_id)
    return for_them or may_write_minutes(user, group)


def may_read_minutes(user, minutes, group) -> bool:
    """Published minutes are for everyone; drafts only for those who write them."""
    if minutes.state == "published":
        return can(user, "meetings.view")
    return may_write_minutes(user, group)


def may_read_attachments(user, minutes, group) -> bool:
    """A meeting's files are read with its minutes: by everyone once the minutes are
    published, before that by those who write them."""
    published = minutes is not None and minutes.state == "published"
    return may_read_minutes(user, minutes, group) if published else may_write_minutes(user, group)


def may_read_list(user, mailing_list) -> bool:
    """A list's archive is for the people on it, and for administrators."""
    if not can(user, "directory.view"):
        return False
    return user.role is Role.ADMIN or fact(ON_LIST, mailing_list, user)


def may_post_to_list(user, mailing_list) -> bool:
    """Everyone on a list writes to it (a moderated list holds the post first)."""
    return can(user, "directory.view") and fact(ON_LIST, mailing_list, user)


def may_moderate_list(user, mailing_list) -> bool:
    """Administrators moderate every list, coordinators their group's."""
    if not can(user, "directory.view"):
        return False
    if user.role is Role.ADMIN:
        return True
    return mailing_list.group is not None and fact(COORDINATES, user, mailing_list.group)


def may_host_anywhere(user) -> bool:
    """Administrators, minute-takers and coordinators offer visits to any host (abroad
    included); other members offer visits to their own organisation."""
    return can(user, "visits.host_anywhere") or (
        can(user, "visits.take_part") and fact(COORDINATES_ANY, user))


def may_manage_visit(user, visit) -> bool:
    """Its organiser, and administrators, manage a visit: its participants with their notes
    (diet, access needs: for nobody else's eyes), the final list, the printed list."""
    if can(user, "visits.manage_all"):
        return True
    return can(user, "visits.take_part") and visit.organiser_id == user.id


def may_keep_catalogue_entry(user, organisation_id: int) -> bool:
    """Administrators keep every entry of the provider catalogue; members (not readers)
    their own organisation's."""
    if can(user, "catalogue.manage"):
        return True
    return can(user, "catalogue.edit_own") and user.organisation_id == organisation_id


def may_manage_strategy(user) -> bool:
    """Administrators and the groups' coordinators record the strategy: priorities, goals
    and their owners, indicators and theirs."""
    return can(user, "strategy.manage_all") or (
        can(user, "strategy.view") and fact(COORDINATES_ANY, user))


def may_record_owners(user, group) -> bool:
    """Those who write a meeting's minutes record the owners of goals and indicators decided
    at it (gestor cíle, gestor indikátoru)."""
    return can(user, "strategy.view") and may_write_minutes(user, group)


def may_enter_values(user, indicator) -> bool:
    """The indicator's owner enters its values: the person, and the people of the owning
    organisation; administrators too (e.g. from a report sent by post)."""
    if can(user, "strategy.manage_all"):
        return True
    if not can(user, "strategy.view"):
        return False
    return indicator.owner_id == user.id or (
        indicator.owner_organisation_id is not None
        and indicator.owner_organisation_id == user.organisation_id)


def ensure(allowed: bool) -> None:
    """403 unless an object-level rule above allows the action."""
    if not allowed:
        abort(403)


def requires(permission: str):
    """View decorator: 403 unless the logged-in member holds the permission."""
    if permission not in PERMISSIONS:
        raise KeyError(permission)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not can(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def public(view):
    """Mark a view as reachable without logging in (login, password reset, health check)."""
    view.is_public = True
    return view


def login_required_everywhere(app):
    """Every endpoint requires login unless its view is marked @public."""

    @app.before_request
    def _require_login():
        return ask_to_log_in() if needs_login() else None


def needs_login() -> bool:
    """Whether this request is for a page behind the login and nobody is logged in."""
    if request.endpoint in (None, "static") or current_user.is_authenticated:
        return False
    from flask import current_app

    return not getattr(current_app.view_functions.get(request.endpoint), "is_public", False)


def ask_to_log_in():
    """The login page, coming back here after; for htmx a whole-page redirect (a live search
    or an autosave after the session ended must open the login page, not nest it)."""
    from flask_login import login_url

    from .extensions import htmx, login_manager
    from .web import htmx_redirect, wants_fragment

    response = login_manager.unauthorized()
    if not wants_fragment():
        return response
    # Back to the page the member was on, not to the address of its live part.
    return htmx_redirect(login_url(login_manager.login_view, htmx.current_url)
                         if htmx.current_url else response.location)
