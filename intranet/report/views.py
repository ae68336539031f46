"""The yearly report's page (printable on A4) and its tables as CSV."""

from flask import abort, render_template, request

from ..exports import download
from ..i18n import today_in_prague
from ..policy import requires
from ..visits.models import HOME_COUNTRY
from . import bp, tables, yearly
from .forms import YearForm


def _chosen_year() -> tuple[YearForm, yearly.Year]:
    """The year asked for in the address; without one, or with one outside the years with
    data (said at the field), the default year."""
    today = today_in_prague()
    default = yearly.default_year(today)
    form = YearForm(request.args, year=default, years=yearly.years(today))
    if not form.validate():
        form.year.data = default
    return form, yearly.Year(form.year.data, today)


@bp.get("/report")
@requires("report.view")
def report():
    form, year = _chosen_year()
    return render_template("report/report.html", form=form, report=yearly.Report(year),
                           tables=tables.CSV_TABLES, home_country=HOME_COUNTRY), (
        400 if form.errors else 200)


@bp.get("/report.csv")
@requires("report.view")
def report_csv():
    """One table of the report (?table=…) of the year (?year=…): 404 for a table or a year
    the report does not have."""
    form, year = _chosen_year()
    table = request.args.get("table", "")
    if form.errors or table not in tables.CSV_TABLES:
        abort(404)
    report = yearly.Report(year)
    return download(tables.csv_of(table, report), tables.csv_filename(table, report),
                    "text/csv")
