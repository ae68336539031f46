"""Roles and permissions: the one place that says who may do what."""

import enum
from functools import wraps

from flask import abort, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user


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
    "groups.view": EVERYONE,
    "groups.manage_all": frozenset({Role.ADMIN, Role.SECRETARY}),
    "meetings.view": EVERYONE,
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
    from .groups.services import is_coordinator

    return group is not None and can(user, "groups.view") and is_coordinator(user, group)


def may_answer(user, meeting) -> bool:
    """Members of the meeting's group answer its invitation."""
    from .groups.services import is_member

    return can(user, "meetings.view") and is_member(user.id, meeting.group_id)


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
        if request.endpoint in (None, "static"):
            return None
        view = app.view_functions.get(request.endpoint)
        if getattr(view, "is_public", False) or current_user.is_authenticated:
            return None
        from .extensions import login_manager
        from .web import htmx_redirect, wants_fragment

        response = login_manager.unauthorized()
        # A live search after the session ended must open the login page, not nest it.
        return htmx_redirect(response.location) if wants_fragment() else response
