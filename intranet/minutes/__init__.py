"""Minutes of meetings: written in the browser, reviewed, approved, published, with history.

Publishing is the one event other features react to (DESIGN §13): `minutes_published` is sent
inside the transaction that publishes, exactly once per publication; the member list connects
a handler that posts the minutes to the group's list. A correction of published minutes sends
`minutes_corrected` the same way (the list posts a short "opraveno" notice).
"""

from blinker import Namespace
from flask import Blueprint

bp = Blueprint("minutes", __name__)

signals = Namespace()
minutes_published = signals.signal("minutes-published")  # sender: the Minutes, just published
# sender: the published Minutes, just corrected; revision: the new MinutesRevision (its reason)
minutes_corrected = signals.signal("minutes-corrected")


def init_app(app) -> None:
    """Show the minutes and the open tasks on a meeting's page, the newest minutes and one's
    tasks on the dashboard; a meeting with minutes or attachments is not deleted."""
    from ..meetings.services import register_dependent
    from ..panels import register_panel
    from ..waiting import register_waiting
    from . import waiting
    from .attachments import attachments_of_meeting
    from .searching import register_searching
    from .tasks import is_overdue
    from .views import (
        dashboard_panel,
        meeting_panel,
        minutes_of_meeting,
        municipality_panel,
        municipality_tasks_panel,
        my_tasks_panel,
        open_tasks_panel,
    )

    register_panel(app, "meeting", open_tasks_panel)
    register_panel(app, "meeting", meeting_panel)
    register_panel(app, "dashboard", my_tasks_panel)
    register_panel(app, "dashboard", dashboard_panel)
    register_panel(app, "municipality", municipality_panel)
    register_panel(app, "municipality", municipality_tasks_panel)
    app.jinja_env.globals["is_overdue"] = is_overdue
    register_dependent(app, minutes_of_meeting)
    register_dependent(app, attachments_of_meeting)
    register_waiting(app, waiting.waiting_for_me)
    register_searching(app)
