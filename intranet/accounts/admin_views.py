"""The administrator's member list, invitations, edits, (de)activation and the audit log."""

from flask import flash, redirect, render_template, request, url_for

from ..audit.services import ACTIONS, audit_query
from ..forms import form_values, valid_data
from ..i18n import gettext as _
from ..organisations.services import find_organisation, organisation_choices
from ..policy import Role, requires
from ..web import (
    ask_to_confirm,
    confirmed,
    current_member,
    paginate,
    render,
    render_form,
    requested_page,
    this_url,
)
from . import bp, services
from .forms import MemberFilterForm, MemberForm

MEMBER_FIELDS = services.ADMIN_FIELDS


@bp.get("/admin/members")
@requires("members.manage")
def admin_members():
    form = MemberFilterForm(request.args)
    form.validate()  # an invalid filter is reported at its field and ignored
    role = valid_data(form.role)
    organisation = find_organisation(valid_data(form.organisation_id))
    query = services.member_query(
        valid_data(form.q) or "", role=Role(role) if role else None,
        organisation_id=organisation.id if organisation else None,
        status=valid_data(form.status), page=requested_page())
    return render("accounts/admin_members.html", "accounts/_admin_member_rows.html",
                  form=form, pagination=paginate(*query, count=services.member_count(*query)),
                  organisation=organisation,
                  without_organisation=this_url(organisation_id=None, page=None))


@bp.route("/admin/members/new", methods=["GET", "POST"])
@requires("members.manage")
def invite_member():
    form = MemberForm(organisations=organisation_choices())
    if not form.validate_on_submit():
        return render_form("accounts/admin_member_form.html", form, member=None)
    fields = form_values(form, MEMBER_FIELDS)
    member = services.invite_member(current_member(), role=Role(form.role.data), **fields)
    flash(_("Pozvánka odeslána: %(name)s, %(email)s", name=member.full_name,
            email=member.email), "success")
    return redirect(url_for("accounts.admin_members"))


@bp.route("/admin/members/<int:member_id>", methods=["GET", "POST"])
@requires("members.manage")
def edit_member(member_id):
    member = services.get_member(member_id, current_member())
    form = MemberForm(obj=member, organisations=organisation_choices(), member_id=member.id)
    if not form.validate_on_submit():
        return render_form("accounts/admin_member_form.html", form, member=member)
    fields = form_values(form, MEMBER_FIELDS)
    try:
        services.update_member(member, current_member(), Role(form.role.data), **fields)
    except services.SelfLockout:
        form.role.errors.append(_("Vlastní roli správce si odebrat nelze; požádejte o to "
                                  "jiného správce nebo správkyni."))
        return render_form("accounts/admin_member_form.html", form, member=member)
    flash(_("Změny uloženy: %(name)s", name=member.full_name), "success")
    return redirect(url_for("accounts.edit_member", member_id=member.id))


def _account_action(member_id: int, action, done: str, refusals: dict):
    """Run an account action from the member's page; flash its outcome and go back there."""
    member = services.get_member(member_id, current_member())
    try:
        action(member, current_member())
        flash(done % {"name": member.full_name, "email": member.email}, "success")
    except tuple(refusals) as refusal:
        flash(refusals[type(refusal)], "error")
    return redirect(url_for("accounts.edit_member", member_id=member.id))


@bp.post("/admin/members/<int:member_id>/deactivate")
@requires("members.manage")
def deactivate_member(member_id):
    if not confirmed():
        member = services.get_member(member_id, current_member())
        return ask_to_confirm(_("Opravdu deaktivovat účet: %(name)s?", name=member.full_name),
                              url_for("accounts.edit_member", member_id=member_id))
    return _account_action(member_id, services.deactivate, _("Účet deaktivován: %(name)s"), {
        services.SelfLockout: _("Vlastní účet deaktivovat nelze."),
        services.WrongState: _("Účet už je deaktivovaný.")})


@bp.post("/admin/members/<int:member_id>/reactivate")
@requires("members.manage")
def reactivate_member(member_id):
    return _account_action(member_id, services.reactivate, _("Účet znovu aktivní: %(name)s"), {
        services.WrongState: _("Účet není deaktivovaný.")})


@bp.post("/admin/members/<int:member_id>/resend")
@requires("members.manage")
def resend_invitation(member_id):
    return _account_action(
        member_id, services.resend_invitation,
        _("Pozvánka odeslána znovu: %(name)s, %(email)s"), {
            services.WrongState: _("Pozvánku lze poslat jen na účet, který ještě nebyl "
                                   "aktivován ani deaktivován.")})


@bp.post("/admin/members/<int:member_id>/password-reset")
@requires("members.manage")
def send_password_reset(member_id):
    return _account_action(
        member_id, services.send_password_reset, _("Odkaz pro nové heslo odeslán: %(name)s"), {
            services.WrongState: _("Odkaz pro nové heslo lze poslat jen na aktivní účet "
                                   "(nepřijatou pozvánku pošlete znovu).")})


@bp.get("/admin/audit")
@requires("audit.view")
def audit_log():
    return render_template("accounts/audit.html", pagination=paginate(*audit_query()),
                           actions=ACTIONS)
