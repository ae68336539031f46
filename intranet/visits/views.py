"""Visits: the list of upcoming ones, a visit's page, offering and changing one, signing up
and cancelling, the calendar file, the dashboard's panel."""

import re

from flask import flash, redirect, request, url_for

from ..exports import download
from ..forms import valid_data
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..i18n import month_bounds
from ..organisations.services import all_organisations
from ..policy import can, ensure, may_host_anywhere, may_manage_visit, requires
from ..web import (
    ask_to_confirm,
    confirmed,
    current_member,
    markdown_preview,
    paginate,
    parse_id,
    render,
    render_form,
)
from . import bp, reports, services
from .calendar import visit_calendar
from .forms import MAX_TEXT, ListFilters, SignUpForm, VisitForm
from .models import ACTIVE, Status, VisitKind, VisitSlot

FORM = "visits/visit_form.html"
MONTH = re.compile(r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$")
CLOSED = {"confirmed": _l("Konečný seznam účastníků je už potvrzen; přihlásit se nelze."),
          "started": _l("Akce už začala; přihlásit se už nelze."),
          "deadline": _l("Přihlášky skončily; termín pro přihlášení už uplynul.")}


def _visit_url(visit_id: int) -> str:
    return url_for("visits.visit", visit_id=visit_id)


# --- the list and a visit's page ----------------------------------------------------------

@bp.get("/visits")
@requires("visits.view")
def visits():
    form = ListFilters(request.args)
    form.validate()
    month = valid_data(form.month)
    if month and not MONTH.match(month):
        form.month.errors.append(_("Zadejte měsíc jako rok a měsíc, např. 2027-03."))
        month = None
    kind = valid_data(form.kind)
    filters = services.Filters(
        kind=VisitKind(kind) if kind else None, q=valid_data(form.q) or "",
        month=month_bounds(month, services.today()) if month else None)
    return render("visits/visits.html", "visits/_visit_list.html", form=form,
                  pagination=paginate(*services.upcoming(filters),
                                      count=services.upcoming_count(filters)),
                  can_offer=can(current_member(), "visits.take_part"))


def render_visit(visit, member, form=None, status=200):
    """A visit's page as this member sees it: the dates and their places, their sign-up,
    who goes, the reports."""
    registration = services.registration_of(visit.id, member.id)
    active = registration if registration and registration.status in ACTIVE else None
    closed = [services.closed_reason(visit, slot) for slot in visit.slots]
    return render(
        "visits/visit.html", "visits/visit.html", status=status, visit=visit,
        registration=active, position=services.waitlist_position(active) if active else None,
        people=services.participants(visit.id),
        waiting=services.waiting_counts(visit.id), reports=reports.of_visit(visit.id),
        may_report=reports.may_report(registration), form=form or SignUpForm(formdata=None),
        can_manage=may_manage_visit(member, visit),
        can_sign_up=can(member, "visits.take_part"),
        open_slots=[slot for slot, reason in zip(visit.slots, closed, strict=True) if not reason],
        closed_message=closed_message(visit, closed[0]), today=services.today())


def closed_message(visit, reason: str | None) -> str:
    """Why nobody signs up here: a visit that is over says so (not "Akce už začala")."""
    if all(slot.ends_on < services.today() for slot in visit.slots):
        return _("Akce už proběhla.")
    return CLOSED[reason] if reason else ""


@bp.get("/visits/<int:visit_id>")
@requires("visits.view")
def visit(visit_id):
    return render_visit(services.get_visit(visit_id), current_member())


# --- offering and changing ----------------------------------------------------------------

def _hosts(member) -> list[tuple[int, str]]:
    """Whom the member may offer a visit at: anyone (or a host outside), or their own."""
    if may_host_anywhere(member):
        return [(0, _("— hostitel mimo adresář (napište níže) —")),
                *((row.id, row.name) for row in all_organisations())]
    return [(member.organisation_id, member.organisation.name)]


@bp.route("/visits/new", methods=["GET", "POST"])
@requires("visits.take_part")
def offer():
    member = current_member()
    form = VisitForm(hosts=_hosts(member))
    if request.method == "GET" and not may_host_anywhere(member):
        form.host_organisation_id.data = member.organisation_id
    return _save(form, None, member)


@bp.route("/visits/<int:visit_id>/edit", methods=["GET", "POST"])
@requires("visits.take_part")
def edit(visit_id):
    visit = services.get_visit(visit_id)
    member = current_member()
    ensure(may_manage_visit(member, visit))
    hosts = _hosts(member)
    if (visit.host_organisation_id or 0) not in dict(hosts):  # keep the host it has
        hosts.append((visit.host_organisation_id or 0, visit.host))
    form = VisitForm(obj=visit if request.method == "GET" else None, hosts=hosts,
                     saved=services.saved_slots(visit), original_deadline=visit.deadline)
    if request.method == "GET":
        _fill_slots(form, visit)
    return _save(form, visit, member)


def _fill_slots(form: VisitForm, visit) -> None:
    while form.slots.entries:
        form.slots.pop_entry()
    for slot in visit.slots:
        form.slots.append_entry({"slot_id": slot.id, "starts_on": slot.starts_on,
                                 "ends_on": slot.ends_on if slot.ends_on != slot.starts_on
                                 else None, "capacity": slot.capacity})


def _save(form: VisitForm, visit, member):
    deletable = visit is not None and services.deletable(visit)
    if request.method == "POST" and request.form.get("add_slot"):
        if len(form.slots.entries) < form.slots.max_entries:
            form.slots.append_entry()
        return render_form(FORM, form, status=200, visit=visit, deletable=deletable)
    if not form.validate_on_submit():
        return render_form(FORM, form, visit=visit, deletable=deletable)
    try:
        saved = services.save_visit(visit, member, form.values(), form.slot_details(),
                                    form.removed_slots())
    except services.SlotInUse:
        form.form_errors.append(_("Termín, na který jsou přihlášení lidé, nelze odebrat. "
                                  "Nejdřív je odhlaste na stránce účastníků."))
        return render_form(FORM, form, status=409, visit=visit)
    except services.BelowTaken as below:
        entry = next(e for e in form.slots if e.form.details_id() == below.slot_id)
        entry.form.capacity.errors.append(services.below_taken(below.taken))
        return render_form(FORM, form, status=409, visit=visit)
    flash(_("Akce je uložená.") if visit else _("Akce je nabídnutá; členové se mohou hlásit."),
          "success")
    return redirect(_visit_url(saved.id))


@bp.post("/visits/<int:visit_id>/delete")
@requires("visits.take_part")
def delete(visit_id):
    visit = services.get_visit(visit_id)
    ensure(may_manage_visit(current_member(), visit))
    if not services.deletable(visit):
        flash(_("Na akci se už někdo přihlásil, proto ji nelze smazat; lidi můžete odhlásit "
                "na stránce účastníků."), "error")
        return redirect(_visit_url(visit_id))
    if not confirmed():
        return ask_to_confirm(_("Smazat akci? Zatím se na ni nikdo nepřihlásil."),
                              url_for("visits.edit", visit_id=visit_id))
    services.delete_visit(visit)
    flash(_("Akce je smazaná."), "success")
    return redirect(url_for("visits.visits"))


@bp.post("/visits/preview")
@requires("visits.take_part")
def preview():
    field = "description" if "description" in request.form else "text"
    return markdown_preview(MAX_TEXT * 4, field=field)


# --- signing up and cancelling ------------------------------------------------------------

def _slot_of(visit, slot_id) -> VisitSlot | None:
    """The visit's date chosen in the form (the only one when it has one)."""
    if len(visit.slots) == 1 and not slot_id:
        return visit.slots[0]
    wanted = parse_id(slot_id)
    return next((slot for slot in visit.slots if slot.id == wanted), None)


@bp.post("/visits/<int:visit_id>/sign-up")
@requires("visits.take_part")
def sign_up(visit_id):
    visit, member = services.get_visit(visit_id), current_member()
    form = SignUpForm()
    slot = _slot_of(visit, form.slot_id.data)
    if not form.validate_on_submit() or slot is None:
        if slot is None and len(visit.slots) > 1:
            form.slot_id.errors.append(_("Vyberte termín."))
        elif slot is None:  # the page was older than a change of the date
            flash(_("Termín akce se mezitím změnil; zkontrolujte ho a přihlaste se znovu."),
                  "error")
        return render_visit(visit, member, form, status=400)
    try:
        place = services.sign_up(visit, slot, member, form.note.data or "")
    except services.Closed as closed:
        flash(CLOSED[closed.reason], "error")
        return render_visit(visit, member, form, status=409)
    except services.OrganisationFull:
        flash(_("Z vaší organizace je na tuto akci přihlášeno tolik lidí, kolik akce dovoluje "
                "(%(n)d).", n=visit.org_limit), "error")
        return render_visit(visit, member, form, status=409)
    _flash_signed_up(place)
    return redirect(_visit_url(visit_id))


def _flash_signed_up(place: services.Place) -> None:
    if place.already:
        flash(_("Přihlášku na tuto akci už máte; místo je jen jedno."), "info")
    elif place.confirmed:
        flash(_("Máte potvrzené místo. Potvrzení s termínem do kalendáře jsme vám poslali "
                "e-mailem."), "success")
    else:
        flash(_("Všechna místa jsou obsazená: jste %(n)d. na čekací listině. Když se místo "
                "uvolní, dostanete ho automaticky a dáme vám vědět e-mailem.",
                n=place.position), "success")


@bp.post("/visits/<int:visit_id>/cancel")
@requires("visits.take_part")
def cancel(visit_id):
    visit, member = services.get_visit(visit_id), current_member()
    registration = services.registration_of(visit.id, member.id)
    if registration is None or registration.status not in ACTIVE:
        flash(_("Na tuto akci přihlášku nemáte."), "info")
        return redirect(_visit_url(visit.id))
    if registration.slot.starts_on <= services.today():
        flash(_("Akce už začala; přihlášku zrušit nelze. Napište prosím organizátorovi "
                "nebo organizátorce."), "error")
        return redirect(_visit_url(visit.id))
    if not confirmed():
        return ask_to_confirm(_("Opravdu zrušit přihlášku?"), _visit_url(visit.id))
    had_place = registration.status is Status.CONFIRMED
    services.cancel(registration)
    flash(_("Přihláška je zrušená; místo dostane další člověk v pořadí.") if had_place
          else _("Přihláška na čekací listinu je zrušená."), "success")
    return redirect(_visit_url(visit_id))


@bp.get("/visits/<int:visit_id>/calendar.ics")
@requires("visits.view")
def ics(visit_id):
    visit, member = services.get_visit(visit_id), current_member()
    registration = services.registration_of(visit.id, member.id)
    mine = registration if registration and registration.status in ACTIVE else None
    slot = _slot_of(visit, request.args.get("slot")) or (mine.slot if mine else visit.slots[0])
    body = visit_calendar(visit, slot, mine.sequence if mine and mine.slot_id == slot.id else 0)
    filename = f"{str(visit.kind.label).replace(' ', '-')}-{slot.starts_on.isoformat()}.ics"
    return download(body, filename, "text/calendar")


# --- the dashboard ------------------------------------------------------------------------

def dashboard_panel(member, viewer):
    """"Moje stáže a exkurze": coming ones with the status of the sign-up, and past ones."""
    if not can(viewer, "visits.take_part"):
        return None
    coming, past = services.my_visits(member)
    return "visits/_dashboard_panel.html", {"coming": coming, "past": past}

