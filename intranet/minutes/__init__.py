"""Minutes of meetings: written in the browser, reviewed, approved, published, with history.

Publishing is the one event other features react to (DESIGN §13): `minutes_published` is sent
inside the transaction that publishes, exactly once per publication; the member list connects
a handler that posts the minutes to the group's list.
"""

from blinker import Namespace
from flask import Blueprint

bp = Blueprint("minutes", __name__)

signals = Namespace()
minutes_published = signals.signal("minutes-published")  # sender: the Minutes, just published


def init_app(app) -> None:
    """Show the minutes on their meeting's page and the newest on the dashboard; a meeting
    with minutes is not deleted."""
    from ..meetings.services import register_dependent
    from ..panels import register_panel
    from .views import dashboard_panel, meeting_panel, minutes_of_meeting

    register_panel(app, "meeting", meeting_panel)
    register_panel(app, "dashboard", dashboard_panel)
    register_dependent(app, minutes_of_meeting)
