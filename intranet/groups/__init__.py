"""Working groups: their members, coordinators and communication rules.

Other features react to membership through the signals below (DESIGN §13): they are sent
inside the transaction that changes the membership, so a handler's work commits with it.
`init_app` adds the "Pracovní skupiny" panel to member pages (see intranet/panels.py).
"""

from blinker import Namespace
from flask import Blueprint

bp = Blueprint("groups", __name__)

signals = Namespace()
member_joined = signals.signal("group-member-joined")  # sender: group id; member=Member
member_left = signals.signal("group-member-left")  # sender: group id; member_id=int


def init_app(app) -> None:
    """Called by the app factory: a member's working groups appear on their pages; the
    policy learns who coordinates and who belongs to a group."""
    from ..facts import COORDINATES, COORDINATES_ANY, IN_GROUP, register_fact
    from ..panels import register_panel
    from .models import group_title, working_group_name
    from .services import coordinates_any, is_coordinator, is_member

    app.jinja_env.globals["group_title"] = group_title
    app.jinja_env.globals["working_group_name"] = working_group_name
    register_panel(app, "member", member_groups_panel)
    register_fact(app, COORDINATES, is_coordinator)
    register_fact(app, COORDINATES_ANY, coordinates_any)
    register_fact(app, IN_GROUP, is_member)


def member_groups_panel(member, viewer):
    """The "Pracovní skupiny" panel of a member's pages: their groups, one query."""
    from ..policy import can
    from .services import my_groups

    if not can(viewer, "groups.view"):
        return None
    return "groups/_member_groups_panel.html", {"groups": my_groups(member)}
