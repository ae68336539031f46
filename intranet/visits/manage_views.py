"""The organiser's side of a visit: who has a place and who waits (with their notes),
adding and removing people, confirming the final list, the printed list for the host."""

from flask import flash, redirect, render_template, url_for

from ..extensions import db
from ..i18n import format_day_range
from ..i18n import gettext as _
from ..policy import ensure, may_manage_visit, requires
from ..web import ask_to_confirm, confirmed, current_member, paginate, render_form
from . import bp, services
from .forms import AddParticipantForm
from .models import ACTIVE, Registration

PAGE = "visits/participants.html"


def managed_visit(visit_id: int):
    visit = services.get_visit(visit_id)
    ensure(may_manage_visit(current_member(), visit))
    return visit


def _add_form(visit, formdata=None):
    form = AddParticipantForm(formdata=formdata) if formdata is not None else AddParticipantForm()
    form.slot_id.choices = [(slot.id, format_day_range(slot.starts_on, slot.ends_on))
                            for slot in visit.slots]
    return form


def _render(visit, form, status=None):
    return render_form(PAGE, form, status=status, visit=visit,
                       people=services.participants(visit.id),
                       waiting=paginate(*services.waiting_list(visit.id), param="waiting"))


@bp.get("/visits/<int:visit_id>/participants")
@requires("visits.take_part")
def participants(visit_id):
    visit = managed_visit(visit_id)
    return _render(visit, _add_form(visit, formdata=None))


@bp.post("/visits/<int:visit_id>/participants")
@requires("visits.take_part")
def add_participant(visit_id):
    visit = managed_visit(visit_id)
    form = _add_form(visit)
    if not form.validate_on_submit():
        return _render(visit, form)
    member = services.find_member(form.email.data)
    if member is None:
        form.email.errors.append(_("Člena nebo členku s touto adresou neznáme (nebo je účet "
                                   "zrušený)."))
        return _render(visit, form, status=400)
    slot = next(slot for slot in visit.slots if slot.id == form.slot_id.data)
    name = member.full_name
    try:
        place = services.sign_up(visit, slot, member, by_organiser=True)
    except services.OrganisationFull:
        form.email.errors.append(_("Z této organizace je přihlášeno už tolik lidí, kolik akce "
                                   "dovoluje (%(n)d).", n=visit.org_limit))
        return _render(visit, form, status=409)
    if place.already:
        flash(_("Přihlášku už má: %(name)s.", name=name), "info")
    elif place.confirmed:
        flash(_("Má místo: %(name)s.", name=name), "success")
    else:
        flash(_("Místa jsou obsazená; na čekací listině je teď: %(name)s.", name=name),
              "success")
    return redirect(url_for("visits.participants", visit_id=visit_id))


@bp.post("/visits/<int:visit_id>/participants/<int:registration_id>/remove")
@requires("visits.take_part")
def remove_participant(visit_id, registration_id):
    visit = managed_visit(visit_id)
    registration = db.session.get(Registration, registration_id)
    back = url_for("visits.participants", visit_id=visit.id)
    if registration is None or registration.visit_id != visit.id \
            or registration.status not in ACTIVE:
        flash(_("Tato přihláška je už zrušená."), "info")
        return redirect(back)
    if not confirmed():
        return ask_to_confirm(_("Opravdu odhlásit: %(name)s?",
                                name=registration.member.full_name), back)
    name = registration.member.full_name
    services.cancel(registration, by_organiser=True)
    flash(_("Přihláška zrušena: %(name)s. Dostane o tom e-mail.", name=name), "success")
    return redirect(back)


@bp.post("/visits/<int:visit_id>/confirm")
@requires("visits.take_part")
def confirm_list(visit_id):
    visit = managed_visit(visit_id)
    if not confirmed():
        return ask_to_confirm(_("Potvrdit konečný seznam a oznámit ho účastníkům?"),
                              url_for("visits.participants", visit_id=visit_id))
    if services.confirm_list(visit):
        flash(_("Seznam účastníků je potvrzený; všem přihlášeným jsme to oznámili e-mailem."),
              "success")
    else:
        flash(_("Seznam účastníků je už potvrzený."), "info")
    return redirect(url_for("visits.participants", visit_id=visit_id))


@bp.get("/visits/<int:visit_id>/print")
@requires("visits.take_part")
def print_list(visit_id):
    visit = managed_visit(visit_id)
    people = services.participants(visit.id)
    return render_template("visits/print.html", visit=visit, people=people)
