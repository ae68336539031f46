"""Meetings of working groups: scheduling, program, invitations, answers and attendance."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)


def init_app(app) -> None:
    """Invite members who join a group to its upcoming meetings, drop those who leave, show
    attendance history on member and organisation pages, and fill in each member's part of
    the invitations (answer links, the calendar's attendee) when they are delivered."""
    from ..accounts import member_reactivated
    from ..facts import UPCOMING_MEETINGS, register_fact
    from ..groups import member_joined, member_left
    from ..mail.services import register_personaliser
    from ..panels import register_panel
    from ..worker import register_job
    from . import history_views, notifications
    from .calendar import answer_link, personaliser
    from .services import has_upcoming
    from .views import group_meetings_panel

    member_joined.connect(notifications.member_joined)
    member_left.connect(notifications.member_left)
    member_reactivated.connect(notifications.member_reactivated)
    register_panel(app, "member", history_views.member_panel)
    register_panel(app, "organisation", history_views.organisation_panel)
    register_panel(app, "municipality", history_views.municipality_panel)
    register_personaliser(app, "meeting", personaliser)
    register_fact(app, UPCOMING_MEETINGS, has_upcoming)
    register_job(app, notifications.send_due_reminders)
    app.jinja_env.globals["answer_url"] = answer_link
    register_panel(app, "group", group_meetings_panel)
