"""The territory's social-services strategy: priorities, goals and their owners (gestor
cíle), indicators and their owners (gestor indikátoru), who enter the values; an overview a
mayor understands at a glance."""

from flask import Blueprint

bp = Blueprint("strategy", __name__)


def init_app(app) -> None:
    """The worker reminds the indicators' owners when a value is due; a municipality's page
    shows the goals it owns."""
    from ..panels import register_panel
    from ..worker import register_job
    from .reminders import remind_owners

    register_job(app, remind_owners)
    register_panel(app, "municipality", municipality_goals_panel)


def municipality_goals_panel(municipality, viewer):
    """The goals of the strategy the municipality owns, each indicator's progress."""
    from ..policy import can
    from .services import goals_of, shown

    if not can(viewer, "strategy.view"):
        return None
    goals = goals_of(municipality.id)
    return "strategy/_municipality_panel.html", {
        "goals": goals, "shown": {i.id: shown(i) for goal in goals for i in goal.indicators}}
