"""The provider catalogue (katalog poskytovatelů): the social services organisations provide,
by kind (law 108/2006 Sb.), target group and municipality; kept current by the organisations'
own members, printable, exported as CSV, optionally public for citizens."""

from flask import Blueprint

bp = Blueprint("catalogue", __name__)


def init_app(app) -> None:
    """Show the entries on organisation and municipality pages, tell an organisation's
    members about entries nobody confirmed for a year, let the header's search find them."""
    from ..panels import register_panel
    from ..waiting import register_waiting
    from .searching import register_searching
    from .views import municipality_panel, organisation_panel
    from .waiting import waiting_for_me

    register_panel(app, "organisation", organisation_panel)
    register_panel(app, "municipality", municipality_panel)
    register_waiting(app, waiting_for_me)
    register_searching(app)
