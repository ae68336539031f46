"""The strategy on the web: the overview, a goal, an indicator with its chart and values;
forms for priorities, goals and indicators (administrators and coordinators); the owner's
value entry."""

from flask import flash, redirect, render_template, request, url_for

from ..accounts.services import member_choices
from ..extensions import db
from ..forms import form_values
from ..groups.services import group_choices
from ..i18n import format_number, today_in_prague
from ..i18n import gettext as _
from ..meetings.services import get_meeting
from ..organisations.services import municipality_choices, organisation_choices
from ..policy import (
    ensure,
    may_enter_values,
    may_manage_strategy,
    may_record_owners,
    public,
    requires,
)
from ..web import ask_to_confirm, confirmed, current_member, parse_id, render_form
from . import bp, reminders, services
from .chart import chart_of
from .forms import (
    GoalForm,
    GoalOwnersForm,
    IndicatorForm,
    IndicatorOwnerForm,
    MeasureForm,
    PriorityForm,
    ValueForm,
)
from .models import Goal


@bp.get("/strategy")
@requires("strategy.view")
def overview():
    today = today_in_prague()
    priorities = services.overview()
    shown = {indicator.id: services.shown(indicator, today)
             for priority in priorities for goal in priority.goals
             for indicator in goal.indicators}
    return render_template("strategy/overview.html", priorities=priorities, shown=shown,
                           today=today, may_manage=may_manage_strategy(current_member()))


@bp.get("/strategy/goals/<int:goal_id>")
@requires("strategy.view")
def goal(goal_id):
    goal = services.get_goal(goal_id)
    member = current_member()
    return render_template(
        "strategy/goal.html", goal=goal, may_manage=may_manage_strategy(member),
        shown=[services.shown(indicator) for indicator in goal.indicators],
        charts={i.id: chart_of(i, list(i.values)) for i in goal.indicators},
        measures=services.measures_of(goal.id))


@bp.route("/strategy/goals/<int:goal_id>/measures/new", methods=["GET", "POST"])
@bp.route("/strategy/measures/<int:measure_id>/edit", methods=["GET", "POST"])
@requires("strategy.view")
def edit_measure(goal_id=None, measure_id=None):
    ensure(may_manage_strategy(current_member()))
    measure = services.get_measure(measure_id) if measure_id else None
    goal = measure.goal if measure else services.get_goal(goal_id)
    meeting_ids = [meeting.id for meeting in measure.meetings] if measure else []
    task_ids = [task.id for task in measure.tasks] if measure else []
    form = MeasureForm(obj=measure, organisations=organisation_choices(),
                       members=member_choices(),
                       meetings=services.meeting_choices(goal, meeting_ids),
                       tasks=services.task_choices(goal, task_ids))
    if request.method == "GET" and measure is not None:
        form.meeting_ids.data, form.task_ids.data = meeting_ids, task_ids
    if not form.validate_on_submit():
        return render_form("strategy/measure_form.html", form, goal=goal, measure=measure)
    saved = services.save_measure(measure, goal, form_values(form, services.MEASURE_FIELDS),
                                  form.meeting_ids.data, form.task_ids.data)
    flash(_("Opatření je uložené: %(title)s", title=saved.title), "success")
    return redirect(url_for("strategy.goal", goal_id=goal.id, _anchor=f"opatreni-{saved.id}"))


@bp.get("/strategy/meetings/<int:meeting_id>/owners")
@requires("strategy.view")
def owners(meeting_id):
    return _owners_page(_meeting_for_owners(meeting_id))


@bp.post("/strategy/meetings/<int:meeting_id>/owners/goal")
@requires("strategy.view")
def decide_goal_owners(meeting_id):
    meeting, form, refused = _sent_decision(meeting_id, "goal_form")
    if refused:
        return refused
    decision = services.decide_goal_owners(meeting.id, form.goal_id.data,
                                           form.municipality_ids.data,
                                           form.answerable_id.data or None, current_member())
    flash(_("Rozhodnutí je zapsané. Cíl: %(title)s – gestor nyní: %(owners)s.",
            title=decision.goal.title, owners=decision.after or _("nikdo")), "success")
    return redirect(url_for("strategy.owners", meeting_id=meeting.id))


@bp.post("/strategy/meetings/<int:meeting_id>/owners/indicator")
@requires("strategy.view")
def decide_indicator_owner(meeting_id):
    meeting, form, refused = _sent_decision(meeting_id, "indicator_form")
    if refused:
        return refused
    decision = services.decide_indicator_owner(
        meeting.id, form.indicator_id.data, form.owner_organisation_id.data or None,
        form.owner_id.data or None, current_member())
    flash(_("Rozhodnutí je zapsané. Indikátor: %(name)s – gestor nyní: %(owners)s.",
            name=decision.indicator.name, owners=decision.after), "success")
    return redirect(url_for("strategy.owners", meeting_id=meeting.id))


def _sent_decision(meeting_id: int, which: str):
    """The meeting and the sent form (`which`: goal_form or indicator_form), and the page
    that refuses it: 409 for a meeting not begun or cancelled, 400 for mistakes (None: the
    decision may be recorded)."""
    meeting = _meeting_for_owners(meeting_id)
    form = DECISION_FORMS[which](meeting)
    if not services.decides(meeting):
        return meeting, form, _owners_page(meeting, status=409)
    if not form.validate_on_submit():
        return meeting, form, _owners_page(meeting, status=400, **{which: form})
    return meeting, form, None


def _meeting_for_owners(meeting_id: int):
    """The meeting whose owner decisions are recorded, by those who write its minutes."""
    meeting = get_meeting(meeting_id, details=False)
    ensure(may_record_owners(current_member(), meeting.group))
    return meeting


def _goal_owners_form(meeting, **kwargs) -> GoalOwnersForm:
    return GoalOwnersForm(goals=services.goal_choices(meeting.group_id),
                          municipalities=municipality_choices(), members=member_choices(),
                          prefix="cil", **kwargs)


def _indicator_owner_form(meeting, **kwargs) -> IndicatorOwnerForm:
    return IndicatorOwnerForm(indicators=services.indicator_choices(meeting.group_id),
                              organisations=organisation_choices(), members=member_choices(),
                              prefix="indikator", **kwargs)


DECISION_FORMS = {"goal_form": _goal_owners_form, "indicator_form": _indicator_owner_form}


def _owners_page(meeting, goal_form=None, indicator_form=None, status: int = 200):
    """The meeting's decisions and the two forms (none for a meeting not begun or
    cancelled: 409 when one is sent anyway)."""
    return render_template(
        "strategy/owners.html", meeting=meeting, decisions=services.decisions_of(meeting.id),
        decides=services.decides(meeting),
        goal_form=goal_form or _goal_owners_form(meeting, formdata=None),
        indicator_form=indicator_form or _indicator_owner_form(meeting, formdata=None)), status


@bp.route("/strategy/priorities/new", methods=["GET", "POST"])
@bp.route("/strategy/priorities/<int:priority_id>/edit", methods=["GET", "POST"])
@requires("strategy.view")
def edit_priority(priority_id=None):
    ensure(may_manage_strategy(current_member()))
    priority = services.get_priority(priority_id) if priority_id else None
    taken = [number for _id, number in services.priority_numbers() if _id != priority_id]
    form = PriorityForm(obj=priority, taken_numbers=taken)
    if request.method == "GET" and priority is None:
        form.number.data = max(taken, default=0) + 1
    if not form.validate_on_submit():
        return render_form("strategy/priority_form.html", form, priority=priority)
    saved = services.save_priority(priority, form_values(form, services.PRIORITY_FIELDS))
    flash(_("Priorita %(number)d je uložená.", number=saved.number), "success")
    return redirect(url_for("strategy.overview", _anchor=f"priorita-{saved.number}"))


@bp.route("/strategy/goals/new", methods=["GET", "POST"])
@bp.route("/strategy/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@requires("strategy.view")
def edit_goal(goal_id=None):
    ensure(may_manage_strategy(current_member()))
    goal = services.get_goal(goal_id) if goal_id else None
    form = GoalForm(obj=goal, priorities=services.priority_choices(),
                    municipalities=municipality_choices(), members=member_choices(),
                    groups=group_choices(), taken=services.goal_numbers(except_id=goal_id))
    if request.method == "GET":
        _fill_new_goal(form, goal)
    if not form.validate_on_submit():
        return render_form("strategy/goal_form.html", form, goal=goal)
    saved = services.save_goal(goal, form_values(form, services.GOAL_FIELDS),
                               form.municipality_ids.data)
    flash(_("Cíl je uložený: %(title)s", title=saved.title), "success")
    return redirect(url_for("strategy.goal", goal_id=saved.id))


def _fill_new_goal(form: GoalForm, goal: Goal | None) -> None:
    if goal is not None:
        form.municipality_ids.data = [m.id for m in goal.municipalities]
        return
    form.priority_id.data = parse_id(request.args.get("priority")) or 0
    form.number.data = services.next_goal_number(form.priority_id.data or None)


@bp.route("/strategy/goals/<int:goal_id>/indicators/new", methods=["GET", "POST"])
@bp.route("/strategy/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
@requires("strategy.view")
def edit_indicator(goal_id=None, indicator_id=None):
    ensure(may_manage_strategy(current_member()))
    indicator = services.get_indicator(indicator_id) if indicator_id else None
    goal = indicator.goal if indicator else services.get_goal(goal_id)
    form = IndicatorForm(obj=indicator, organisations=organisation_choices(),
                         members=member_choices())
    if not form.validate_on_submit():
        return render_form("strategy/indicator_form.html", form, goal=goal,
                           indicator=indicator)
    saved = services.save_indicator(indicator, goal,
                                    form_values(form, services.INDICATOR_FIELDS))
    flash(_("Indikátor je uložený: %(name)s", name=saved.name), "success")
    return redirect(url_for("strategy.indicator", indicator_id=saved.id))


@bp.get("/strategy/indicators/<int:indicator_id>")
@requires("strategy.view")
def indicator(indicator_id):
    return _indicator_page(services.get_indicator(indicator_id), ValueForm(formdata=None))


def _indicator_page(indicator, form: ValueForm, status: int = 200):
    member = current_member()
    if form.measured_on.data is None and not form.errors:
        form.measured_on.data = today_in_prague()
    return render_template(
        "strategy/indicator.html", indicator=indicator, shown=services.shown(indicator),
        chart=chart_of(indicator, list(indicator.values)), form=form,
        may_enter=may_enter_values(member, indicator),
        may_manage=may_manage_strategy(member)), status


@bp.post("/strategy/indicators/<int:indicator_id>/values")
@requires("strategy.view")
def add_value(indicator_id):
    indicator = services.get_indicator(indicator_id)
    ensure(may_enter_values(current_member(), indicator))
    form = ValueForm()
    if not form.validate_on_submit():
        return _indicator_page(indicator, form, 400)
    try:
        services.add_value(indicator, current_member(), form.measured_on.data,
                           form.value.data, form.comment.data, form.source.data)
    except services.ValueExists as exists:
        form.measured_on.errors.append(_(
            "K tomuto dni už je zapsaná hodnota %(value)s. Je-li chybná, nejdřív ji v "
            "tabulce odeberte.", value=format_number(exists.value.value)))
        return _indicator_page(indicator, form, 400)
    flash(_("Hodnota je zapsaná."), "success")
    return redirect(url_for("strategy.indicator", indicator_id=indicator.id))


@bp.post("/strategy/indicators/<int:indicator_id>/values/<int:value_id>/remove")
@requires("strategy.view")
def remove_value(indicator_id, value_id):
    indicator = services.get_indicator(indicator_id)
    ensure(may_enter_values(current_member(), indicator))
    back = url_for("strategy.indicator", indicator_id=indicator.id)
    if not confirmed():
        return ask_to_confirm(_("Odebrat tuto hodnotu?"), back)
    if services.remove_value(indicator, parse_id(value_id) or 0):
        flash(_("Hodnota je odebraná."), "success")
    return redirect(back)




@bp.route("/strategy/value/<token>", methods=["GET", "POST"])
@public
def value_by_link(token):
    """The owner's value from the reminder's link, without logging in (once, until it
    expires)."""
    opened = reminders.open_link(token)
    if opened.reason:
        return render_template("strategy/value_link_closed.html", reason=opened.reason,
                               asked=opened.request), 404 if opened.reason == "invalid" else 410
    asked = opened.request
    indicator = services.get_indicator(asked.indicator_id)
    form = ValueForm()
    if request.method == "GET":
        form.measured_on.data = today_in_prague()
    elif form.validate_on_submit():
        try:
            if not reminders.use(asked):
                db.session.rollback()
                return render_template("strategy/value_link_closed.html", reason="used",
                                       asked=asked), 410
            services.add_value(indicator, asked.member, form.measured_on.data,
                               form.value.data, form.comment.data, form.source.data)
        except services.ValueExists as exists:
            db.session.rollback()
            form.measured_on.errors.append(_(
                "K tomuto dni už je zapsaná hodnota %(value)s. Zvolte jiný den.",
                value=format_number(exists.value.value)))
        else:
            return render_template("strategy/value_link_done.html", indicator=indicator,
                                   shown=services.shown(indicator))
    return render_template("strategy/value_by_link.html", indicator=indicator, form=form,
                           shown=services.shown(indicator), asked=asked), (
        400 if form.errors else 200)
