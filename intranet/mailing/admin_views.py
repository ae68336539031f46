"""The administrator's lists: all of them, new custom lists (e.g. "Koordinátoři"), each
list's settings (moderated or open, where replies go) and a custom list's members."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from ..i18n import gettext as _
from ..policy import requires
from ..web import current_member, paginate, parse_id, render_form
from . import bp, services
from .forms import AddMembersForm, ListForm
from .models import ListKind
from .waiting import held_counts


@bp.get("/admin/lists")
@requires("lists.manage")
def admin_lists():
    return render_template("mailing/admin_lists.html", domain=services.domain(),
                           pagination=paginate(*services.all_lists()),
                           held=held_counts(current_member()))


@bp.route("/admin/lists/new", methods=["GET", "POST"])
@bp.route("/admin/lists/<int:list_id>/settings", methods=["GET", "POST"])
@requires("lists.manage")
def list_settings(list_id=None):
    mailing_list = services.get_list(list_id) if list_id else None
    form = _settings_form(mailing_list)
    if not form.validate_on_submit():
        return render_form("mailing/list_form.html", form, mailing_list=mailing_list,
                           members=_members(mailing_list), add_form=AddMembersForm(),
                           domain=services.domain(), checking_server=_checking_server())
    saved = services.save_list(
        mailing_list, form.name.data, form.description.data, form.moderated.data,
        form.reply_to.data, address=form.address.data if mailing_list is None else None,
        trusts_from_header=form.trusts_from_header.data if "trusts_from_header" in form else None)
    flash(_("Rozesílač %(list)s byl uložen.", list=saved.name), "success")
    return redirect(url_for("mailing.list_settings", list_id=saved.id))


@bp.post("/admin/lists/<int:list_id>/members")
@requires("lists.manage")
def add_list_members(list_id):
    mailing_list = _custom(list_id)
    form = AddMembersForm()
    if not form.validate_on_submit():
        return render_form("mailing/list_form.html", _settings_form(mailing_list),
                           mailing_list=mailing_list, members=_members(mailing_list),
                           add_form=form, domain=services.domain(),
                           checking_server=_checking_server())
    added, unknown = services.add_members(mailing_list, form.emails.data)
    flash(_("Přidáno do rozesílače: %(n)d.", n=len(added)), "success")
    if unknown:
        flash(_("Tyto adresy nepatří nikomu z aktivních členů a členek: %(list)s",
                list=", ".join(unknown)), "error")
    return redirect(url_for("mailing.list_settings", list_id=list_id))


@bp.post("/admin/lists/<int:list_id>/members/<int:member_id>/remove")
@requires("lists.manage")
def remove_list_member(list_id, member_id):
    services.remove_member(_custom(list_id), parse_id(member_id) or 0)
    flash(_("Odebráno z rozesílače."), "success")
    return redirect(url_for("mailing.list_settings", list_id=list_id))


def _settings_form(mailing_list) -> ListForm:
    """The settings form; a list's address is fixed once it exists (people keep it in their
    address books)."""
    current = None if mailing_list is None or request.method == "POST" else {
        "reply_to": "poster" if mailing_list.reply_to_poster else "list"}
    form = ListForm(obj=mailing_list, data=current, address_taken=services.address_taken)
    if mailing_list is not None:
        del form.address
    if _checking_server():  # the server vouches for senders: nothing to choose
        del form.trusts_from_header
    return form


def _checking_server() -> str | None:
    """The mail server that checks senders (MAIL_TRUSTED_AUTHSERV_ID), if one does."""
    return current_app.config.get("MAIL_TRUSTED_AUTHSERV_ID")


def _custom(list_id: int):
    mailing_list = services.get_list(list_id)
    if mailing_list.kind is not ListKind.CUSTOM:
        abort(404)
    return mailing_list


def _members(mailing_list):
    if mailing_list is None or mailing_list.kind is not ListKind.CUSTOM:
        return None
    return paginate(*services.custom_members(mailing_list))
