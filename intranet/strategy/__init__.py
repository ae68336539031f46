"""The territory's social-services strategy: priorities, goals and their owners (gestor
cíle), indicators and their owners (gestor indikátoru), who enter the values; an overview a
mayor understands at a glance."""

from flask import Blueprint

bp = Blueprint("strategy", __name__)


def init_app(app) -> None:
    """The worker reminds the indicators' owners when a value is due; a municipality's page
    shows the goals it owns, a meeting's page and its minutes the owners decided at it (a
    meeting with decisions is not deleted)."""
    from ..meetings.services import register_dependent
    from ..panels import register_panel
    from ..worker import register_job
    from .reminders import remind_owners
    from .services import organisation_and_person

    app.add_template_global(organisation_and_person)
    register_job(app, remind_owners)
    register_dependent(app, decisions_of_meeting)
    register_panel(app, "municipality", municipality_goals_panel)
    register_panel(app, "meeting", meeting_decisions_panel)
    register_panel(app, "minutes", minutes_decisions_panel)


def decisions_of_meeting(meeting_id: int):
    """The select of what keeps a meeting from being deleted: owners decided at it."""
    import sqlalchemy as sa

    from .models import OwnerDecision

    return sa.select(OwnerDecision.id).where(OwnerDecision.meeting_id == meeting_id)


def meeting_decisions_panel(meeting, viewer):
    """The owners of goals and indicators decided at the meeting; for those who write its
    minutes also the way to record one (shown empty only to them)."""
    from ..policy import can, may_record_owners
    from .services import decides, decisions_of

    if not can(viewer, "strategy.view"):
        return None
    may_record = may_record_owners(viewer, meeting.group) and decides(meeting)
    decisions = decisions_of(meeting.id)
    if not decisions and not may_record:
        return None
    return "strategy/_decisions.html", {"decisions": decisions, "may_record": may_record}


def minutes_decisions_panel(minutes, viewer):
    """The owner decisions of the minutes' meeting and the goals its tasks move (through
    measures), as part of the minutes' text."""
    from ..policy import can
    from .services import decisions_of, goals_of_tasks

    if not can(viewer, "strategy.view"):
        return None
    decisions, task_goals = decisions_of(minutes.meeting_id), goals_of_tasks(minutes.id)
    if not decisions and not task_goals:
        return None
    return "strategy/_minutes_panel.html", {"decisions": decisions, "task_goals": task_goals,
                                            "meeting": minutes.meeting, "may_record": False}


def municipality_goals_panel(municipality, viewer):
    """The goals of the strategy the municipality owns, each indicator's progress."""
    from ..policy import can
    from .services import goals_of, shown

    if not can(viewer, "strategy.view"):
        return None
    goals = goals_of(municipality.id)
    return "strategy/_municipality_panel.html", {
        "goals": goals, "shown": {i.id: shown(i) for goal in goals for i in goal.indicators}}
