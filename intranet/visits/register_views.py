"""The register of past visits: who went where (per member, per organisation), the matrix
of who learned from whom per year, their CSV files; the panels on member and organisation
pages."""

from flask import render_template, request

from ..accounts.models import Member
from ..exports import download
from ..extensions import db
from ..forms import valid_data
from ..i18n import gettext as _
from ..organisations.services import municipality_choices, organisation_choices
from ..policy import requires
from ..web import paginate, parse_id, render
from . import bp, register, services
from .forms import RegisterFilters
from .models import VisitKind


def _filters() -> tuple[RegisterFilters, register.Filters]:
    form = RegisterFilters(request.args, years=register.years(),
                           organisations=organisation_choices(),
                           municipalities=municipality_choices())
    form.validate()
    kind = valid_data(form.kind)
    return form, register.Filters(year=valid_data(form.year),
                                  kind=VisitKind(kind) if kind else None,
                                  organisation_id=valid_data(form.organisation),
                                  municipality_id=valid_data(form.municipality),
                                  member_id=parse_id(request.args.get("member")))


@bp.get("/visits/register")
@requires("visits.view")
def register_page():
    form, filters = _filters()
    member = db.session.get(Member, filters.member_id) if filters.member_id else None
    return render("visits/register.html", "visits/_register_rows.html", form=form,
                  member=member, pagination=paginate(*register.participations(filters),
                                                     count=register.participation_count(filters)))


@bp.get("/visits/register.csv")
@requires("visits.view")
def register_csv():
    _form, filters = _filters()
    year = f" {filters.year}" if filters.year else ""
    return download(register.register_csv(filters),
                    f"Stáže a exkurze{year} – stav k {_today()}.csv", "text/csv")


def _today() -> str:
    day = services.today()
    return f"{day.day}. {day.month}. {day.year}"


def _year() -> int | None:
    years = register.years()
    chosen = request.args.get("year", type=int)
    return chosen if chosen in years else (years[0] if years else None)


MATRIX_HOSTS = 15  # columns on the page; the CSV has every host


@bp.get("/visits/matrix")
@requires("visits.view")
def matrix():
    year = _year()
    table = register.matrix(year, MATRIX_HOSTS) if year else register.Matrix([], [], [])
    return render_template("visits/matrix.html", year=year, years=register.years(), table=table,
                           rows=paginate(table.rows),
                           narrowed=len(table.hosts) > MATRIX_HOSTS)


@bp.get("/visits/matrix.csv")
@requires("visits.view")
def matrix_csv():
    year = _year()
    table = register.matrix(year) if year else register.Matrix([], [], [])
    return download(register.matrix_csv(table), _(
        "Kdo se učil u koho %(year)s – stav k %(day)s.csv", year=year or "", day=_today()),
        "text/csv")


def member_panel(member, viewer):
    return "visits/_history_panel.html", {"rows": register.latest(member_id=member.id),
                                          "link": {"member": member.id}}


def municipality_panel(municipality, viewer):
    return "visits/_history_panel.html", {
        "rows": register.latest(municipality_id=municipality.id),
        "link": {"municipality": municipality.id}}


def organisation_panel(organisation, viewer):
    return "visits/_history_panel.html", {
        "rows": register.latest(organisation_id=organisation.id),
        "link": {"organisation": organisation.id}}
