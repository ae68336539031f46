"""Reports after a visit: a participant writes one, the organiser shares it to the list."""

from flask import flash, redirect, url_for

from ..i18n import gettext as _
from ..policy import ensure, may_manage_visit, requires
from ..web import ask_to_confirm, confirmed, current_member, render_form
from . import bp, reports, services
from .forms import ReportForm


@bp.route("/visits/<int:visit_id>/report", methods=["GET", "POST"])
@requires("visits.take_part")
def write_report(visit_id):
    visit, member = services.get_visit(visit_id), current_member()
    ensure(reports.may_report(services.registration_of(visit.id, member.id)))
    report = reports.report_of(visit.id, member.id)
    form = ReportForm(obj=report)
    if not form.validate_on_submit():
        return render_form("visits/report_form.html", form, visit=visit, report=report)
    reports.save_report(visit.id, member.id, form.text.data)
    flash(_("Zpráva je uložená; přečtou si ji všichni členové a členky."), "success")
    return redirect(url_for("visits.visit", visit_id=visit_id, _anchor="reports"))


@bp.post("/visits/reports/<int:report_id>/share")
@requires("visits.take_part")
def share_report(report_id):
    report = reports.get_report(report_id)
    visit_id = report.visit_id
    ensure(may_manage_visit(current_member(), services.get_visit(visit_id)))
    if not confirmed():
        return ask_to_confirm(_("Poslat tuto zprávu e-mailem všem členům a členkám?"),
                              url_for("visits.visit", visit_id=visit_id, _anchor="reports"))
    if reports.share_report(report):
        flash(_("Zpráva je odeslaná do rozesílače všech členů a členek."), "success")
    else:
        flash(_("Tato zpráva už byla do rozesílače odeslána."), "info")
    return redirect(url_for("visits.visit", visit_id=visit_id, _anchor="reports"))
