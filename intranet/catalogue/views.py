"""The catalogue's pages: the list with its filters (live as one types), the printed
catalogue and its CSV, an entry's page and form, confirming an entry, the lists of kinds and
target groups, the public catalogue for citizens; the panels on organisation and
municipality pages."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from ..exports import download
from ..forms import form_values, valid_data
from ..i18n import gettext as _
from ..i18n import today_in_prague
from ..organisations.services import get_organisation, municipality_choices
from ..policy import ensure, may_keep_catalogue_entry, public, requires
from ..web import (
    ask_to_confirm,
    confirmed,
    current_member,
    paginate,
    render,
    render_form,
    safe_local_target,
)
from . import bp, services
from .forms import CatalogueFilters, KindForm, ServiceForm, TargetGroupForm
from .models import ServiceKind, TargetGroup

MUNICIPALITY_PANEL = 10  # entries on a municipality's page; the catalogue has the rest


def _filters() -> tuple[CatalogueFilters, services.Filters]:
    """The filters asked for in the address; one that is not in its list is said at its field
    (and left out)."""
    form = CatalogueFilters(request.args, kinds=services.kind_choices(),
                            target_groups=services.target_group_choices(),
                            municipalities=municipality_choices())
    form.validate()
    return form, services.Filters(kind_id=valid_data(form.kind),
                                  target_group_id=valid_data(form.target_group),
                                  municipality_id=valid_data(form.municipality),
                                  q=valid_data(form.q))


def _listing(page: str, **context):
    form, filters = _filters()
    select, params, count = services.catalogue_query(filters)
    return render(page, "catalogue/_results.html", status=400 if form.errors else 200,
                  form=form, pagination=paginate(select, params, count=count),
                  stale_before=services.stale_before(), **context)


@bp.get("/catalogue")
@requires("catalogue.view")
def catalogue():
    return _listing("catalogue/catalogue.html", public=False,
                    may_keep=may_keep_catalogue_entry)


@bp.get("/verejny-katalog")
@public
def public_catalogue():
    """The catalogue for citizens, read-only, without contact persons; only when the
    installation switched it on (CATALOGUE_PUBLIC)."""
    if not current_app.config["CATALOGUE_PUBLIC"]:
        abort(404)
    return _listing("catalogue/public.html", public=True, may_keep=None)


@bp.get("/catalogue/print")
@requires("catalogue.view")
def print_catalogue():
    form, filters = _filters()
    return render_template("catalogue/print.html", form=form, today=today_in_prague(),
                           groups=services.by_kind(services.all_matching(filters)),
                           stale_before=services.stale_before()), 400 if form.errors else 200


@bp.get("/catalogue.csv")
@requires("catalogue.view")
def catalogue_csv():
    _form, filters = _filters()
    day = today_in_prague()
    return download(services.catalogue_csv(filters),
                    _("Katalog poskytovatelů – stav k %(day)s.csv",
                      day=f"{day.day}. {day.month}. {day.year}"), "text/csv")


@bp.get("/catalogue/<int:service_id>")
@requires("catalogue.view")
def service(service_id):
    entry = services.get_service(service_id)
    keeps = may_keep_catalogue_entry(current_member(), entry.organisation_id)
    return render_template("catalogue/service.html", service=entry, may_keep=keeps,
                           stale_before=services.stale_before())


def _service_form(entry=None) -> ServiceForm:
    data = None
    if entry is not None:
        data = {name: getattr(entry, name) for name in services.SERVICE_FIELDS}
        data["target_groups"] = [group.id for group in entry.target_groups]
        data["municipalities"] = [place.id for place in entry.municipalities]
    return ServiceForm(data=data, kinds=services.kind_choices(),
                       target_groups=services.target_group_choices(),
                       municipalities=municipality_choices())


def _save(form: ServiceForm, entry, organisation):
    """Save the entry from the valid form, or show the form again (400) with the duplicate
    said at the kind and everything typed kept."""
    record_id = entry.id if entry is not None else None
    values = form_values(form, services.SERVICE_FIELDS)
    try:
        entry = services.save_service(entry, organisation.id, current_member(), values,
                                      form.target_groups.data, form.municipalities.data)
    except services.DuplicateService:
        form.mark_duplicate()
        return render_form("catalogue/service_form.html", form, organisation=organisation,
                           record_id=record_id)
    name = values["name"] or form.kind_id.choices.label_of(values["kind_id"])
    flash(_("Služba %(name)s je uložená v katalogu.", name=name), "success")
    return redirect(url_for("catalogue.service", service_id=entry.id))


@bp.route("/organisations/<int:organisation_id>/services/new", methods=["GET", "POST"])
@requires("catalogue.view")
def new_service(organisation_id):
    organisation = get_organisation(organisation_id)
    ensure(may_keep_catalogue_entry(current_member(), organisation.id))
    form = _service_form()
    if not form.validate_on_submit():
        return render_form("catalogue/service_form.html", form, organisation=organisation,
                           record_id=None)
    return _save(form, None, organisation)


@bp.route("/catalogue/<int:service_id>/edit", methods=["GET", "POST"])
@requires("catalogue.view")
def edit_service(service_id):
    entry = services.get_service(service_id)
    ensure(may_keep_catalogue_entry(current_member(), entry.organisation_id))
    form = _service_form(entry)
    if not form.validate_on_submit():
        return render_form("catalogue/service_form.html", form,
                           organisation=entry.organisation, record_id=entry.id)
    return _save(form, entry, entry.organisation)


@bp.post("/catalogue/<int:service_id>/confirm")
@requires("catalogue.view")
def confirm_service(service_id):
    entry = services.get_service(service_id)
    ensure(may_keep_catalogue_entry(current_member(), entry.organisation_id))
    name = entry.title
    services.confirm(entry, current_member())
    flash(_("Potvrzeno: služba %(name)s je v katalogu aktuální.", name=name), "success")
    return redirect(_back(url_for("catalogue.service", service_id=service_id)))


def _back(fallback: str) -> str:
    return safe_local_target(request.form.get("next"), fallback)


@bp.post("/catalogue/<int:service_id>/delete")
@requires("catalogue.view")
def delete_service(service_id):
    entry = services.get_service(service_id)
    ensure(may_keep_catalogue_entry(current_member(), entry.organisation_id))
    back = url_for("organisations.organisation", organisation_id=entry.organisation_id)
    if not confirmed():
        return ask_to_confirm(_("Odebrat službu %(name)s z katalogu?", name=entry.title),
                              url_for("catalogue.service", service_id=entry.id))
    name = entry.title
    services.delete_service(entry)
    flash(_("Služba %(name)s byla z katalogu odebrána.", name=name), "success")
    return redirect(back)


# --- kinds of service and target groups (administrators) ----------------------------------

@bp.get("/catalogue/lists")
@requires("catalogue.manage")
def terms():
    return render_template("catalogue/terms.html",
                           kinds=services.terms_with_use(ServiceKind),
                           target_groups=services.terms_with_use(TargetGroup))


TERM_FORMS = {ServiceKind: KindForm, TargetGroup: TargetGroupForm}


def _edit_term(model, term_id):
    record = services.get_term(model, term_id) if term_id else None
    form = TERM_FORMS[model](obj=record, record_id=term_id)
    if not form.validate_on_submit():
        return render_form("catalogue/term_form.html", form, record=record,
                           kind=model is ServiceKind)
    fields = ("name", "section") if model is ServiceKind else ("name",)
    record = services.save_term(record or model(), **form_values(form, fields))
    flash(_("Uloženo: %(name)s.", name=record.name), "success")
    return redirect(url_for("catalogue.terms"))


@bp.route("/catalogue/kinds/new", methods=["GET", "POST"])
@bp.route("/catalogue/kinds/<int:kind_id>", methods=["GET", "POST"])
@requires("catalogue.manage")
def edit_kind(kind_id=None):
    return _edit_term(ServiceKind, kind_id)


@bp.route("/catalogue/target-groups/new", methods=["GET", "POST"])
@bp.route("/catalogue/target-groups/<int:target_group_id>", methods=["GET", "POST"])
@requires("catalogue.manage")
def edit_target_group(target_group_id=None):
    return _edit_term(TargetGroup, target_group_id)


def _delete_term(model, term_id):
    record = services.get_term(model, term_id)
    if not confirmed():
        return ask_to_confirm(_("Smazat ze seznamu: %(name)s?", name=record.name),
                              url_for("catalogue.terms"))
    try:
        services.delete_term(record)
    except services.InUse:
        flash(_("%(name)s nelze smazat: v katalogu to používá některá služba. Můžete to "
                "přejmenovat.", name=record.name), "error")
        return redirect(url_for("catalogue.terms"))
    flash(_("Smazáno ze seznamu: %(name)s.", name=record.name), "success")
    return redirect(url_for("catalogue.terms"))


@bp.post("/catalogue/kinds/<int:kind_id>/delete")
@requires("catalogue.manage")
def delete_kind(kind_id):
    return _delete_term(ServiceKind, kind_id)


@bp.post("/catalogue/target-groups/<int:target_group_id>/delete")
@requires("catalogue.manage")
def delete_target_group(target_group_id):
    return _delete_term(TargetGroup, target_group_id)


# --- panels on other features' pages --------------------------------------------------------

def organisation_panel(organisation, viewer):
    """The organisation's entries, flagged when not confirmed for a year; nothing for an
    organisation without any, unless the viewer may add one."""
    entries = services.organisation_services(organisation.id)
    may_keep = may_keep_catalogue_entry(viewer, organisation.id)
    if not entries and not may_keep:
        return None
    return "catalogue/_organisation_panel.html", {
        "entries": entries, "may_keep": may_keep, "stale_before": services.stale_before()}


def municipality_panel(municipality, viewer):
    """The first entries serving the municipality, with the way to all of them."""
    entries, total = services.serving(municipality.id, MUNICIPALITY_PANEL)
    return "catalogue/_municipality_panel.html", {"entries": entries, "total": total}
