"""Meetings of working groups: scheduling, program, invitations, answers and attendance."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)


def init_app(app) -> None:
    """Invite members who join a group to its upcoming meetings, drop those who leave, and
    show attendance history on member and organisation pages."""
    from ..accounts import member_reactivated
    from ..groups import member_joined, member_left
    from ..panels import register_panel
    from . import history_views, notifications

    member_joined.connect(notifications.member_joined)
    member_left.connect(notifications.member_left)
    member_reactivated.connect(notifications.member_reactivated)
    register_panel(app, "member", history_views.member_panel)
    register_panel(app, "organisation", history_views.organisation_panel)
