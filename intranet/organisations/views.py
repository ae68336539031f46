"""The member directory, organisation and municipality pages, and their administration."""

from flask import flash, redirect, render_template, request, url_for

from ..accounts.services import member_count, member_query
from ..forms import form_values, valid_data
from ..i18n import gettext as _
from ..policy import requires
from ..web import paginate, render, render_form, requested_page
from . import bp, services
from .forms import DirectorySearchForm, MunicipalityForm, OrganisationForm
from .models import Municipality, Organisation


@bp.get("/directory")
@requires("directory.view")
def directory():
    form = DirectorySearchForm(request.args)
    form.validate()
    query = member_query(valid_data(form.q) or "", status="current", page=requested_page())
    return render("organisations/directory.html", "organisations/_directory_results.html",
                  form=form, pagination=paginate(*query, count=member_count(*query)))


@bp.get("/organisations")
@requires("directory.view")
def organisations():
    return render_template("organisations/organisations.html",
                           pagination=paginate(*services.organisation_query()))


@bp.get("/organisations/<int:organisation_id>")
@requires("directory.view")
def organisation(organisation_id):
    organisation = services.get_organisation(organisation_id)
    query = member_query(organisation_id=organisation.id, status="current")
    members = paginate(*query, count=member_count(*query))
    return render_template("organisations/organisation.html", organisation=organisation,
                           pagination=members)


@bp.get("/municipalities")
@requires("directory.view")
def municipalities():
    return render_template("organisations/municipalities.html",
                           pagination=paginate(*services.municipality_query()))


@bp.get("/municipalities/<int:municipality_id>")
@requires("directory.view")
def municipality(municipality_id):
    municipality = services.get_municipality(municipality_id)
    query = member_query(municipality_id=municipality.id, status="current")
    people = paginate(*query, count=member_count(*query))
    return render_template("organisations/municipality.html", municipality=municipality,
                           organisations=services.organisations_in(municipality.id),
                           pagination=people)


@bp.route("/admin/organisations/new", methods=["GET", "POST"])
@bp.route("/admin/organisations/<int:organisation_id>", methods=["GET", "POST"])
@requires("organisations.manage")
def edit_organisation(organisation_id=None):
    record = services.get_organisation(organisation_id) if organisation_id else None
    form = OrganisationForm(obj=record, municipalities=services.municipality_choices(),
                            record_id=organisation_id)
    if not form.validate_on_submit():
        return render_form("organisations/organisation_form.html", form, record=record)
    values = form_values(form, services.ORGANISATION_FIELDS)
    record = services.save(record or Organisation(), services.ORGANISATION_FIELDS, **values)
    flash(_("Organizace %(name)s byla uložena.", name=record.name), "success")
    return redirect(url_for("organisations.organisation", organisation_id=record.id))


@bp.route("/admin/municipalities/new", methods=["GET", "POST"])
@bp.route("/admin/municipalities/<int:municipality_id>", methods=["GET", "POST"])
@requires("organisations.manage")
def edit_municipality(municipality_id=None):
    record = services.get_municipality(municipality_id) if municipality_id else None
    form = MunicipalityForm(obj=record, record_id=municipality_id)
    if not form.validate_on_submit():
        return render_form("organisations/municipality_form.html", form, record=record)
    values = form_values(form, services.MUNICIPALITY_FIELDS)
    record = services.save(record or Municipality(), services.MUNICIPALITY_FIELDS, **values)
    flash(_("Obec %(name)s byla uložena.", name=record.name), "success")
    return redirect(url_for("organisations.municipality", municipality_id=record.id))
