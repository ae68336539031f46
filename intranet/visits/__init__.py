"""The register of exchange internships and study visits (výměnné stáže a exkurze): offers
with dates and places, sign-up with a waitlist, reports, and who learned from whom.

A report shared by the organiser sends `visit_report_shared` (DESIGN §13); the member list
posts it to the territory's list from a handler it connects.
"""

from blinker import Namespace
from flask import Blueprint

bp = Blueprint("visits", __name__)

signals = Namespace()
visit_report_shared = signals.signal("visit-report-shared")  # sender: the VisitReport


def init_app(app) -> None:
    """Show one's visits on the dashboard and the history on member and organisation pages;
    a deactivated member's coming places go to those waiting; templates get kind_labels."""
    from ..accounts import member_deactivated
    from ..panels import register_panel
    from .models import kind_labels
    from .register_views import member_panel, municipality_panel, organisation_panel
    from .searching import register_searching
    from .services import member_deactivated as give_up_places
    from .views import dashboard_panel

    member_deactivated.connect(give_up_places)
    register_panel(app, "dashboard", dashboard_panel)
    register_panel(app, "member", member_panel)
    register_panel(app, "organisation", organisation_panel)
    register_panel(app, "municipality", municipality_panel)
    app.jinja_env.globals["kind_labels"] = kind_labels
    register_searching(app)
