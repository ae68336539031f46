"""Working groups: list, detail, editing, members (added and removed in place with htmx)."""

from flask import flash, redirect, render_template, request, url_for

from ..facts import UPCOMING_MEETINGS, fact
from ..forms import form_values
from ..i18n import gettext as _
from ..policy import ensure, may_manage_group, requires
from ..web import (
    ask_to_confirm,
    confirmed,
    current_member,
    paginate,
    parse_id,
    render,
    render_form,
    wants_fragment,
)
from . import bp, services
from .forms import GroupForm

MEMBERS_PAGE = "members_page"  # the query parameter of the member list's page
GROUP_PAGE_ROWS = 15  # meetings and members a group's page shows at once (beside each other)


@bp.get("/groups")
@requires("groups.view")
def groups():
    archived = request.args.get("archived") == "1"
    return render_template("groups/groups.html", archived=archived,
                           pagination=paginate(*services.group_query(archived)),
                           can_create=may_manage_group(current_member(), None))


@bp.get("/groups/<int:group_id>")
@requires("groups.view")
def group(group_id):
    """The group's page: its members here, its meetings (and what other features show of a
    group) in panels they register."""
    group = services.get_group(group_id)
    return render("groups/group.html", "groups/_members.html", group=group,
                  can_manage=may_manage_group(current_member(), group),
                  members=_members_page(group.id))


@bp.route("/groups/new", methods=["GET", "POST"])
@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@requires("groups.view")
def edit_group(group_id=None):
    group = services.get_group(group_id) if group_id else None
    ensure(may_manage_group(current_member(), group))
    form = GroupForm(obj=group, group_id=group_id)
    if not form.validate_on_submit():
        return render_form("groups/group_form.html", form, group=group)
    group = services.save_group(group, **form_values(form, services.GROUP_FIELDS))
    flash(_("Skupina %(title)s byla uložena.", title=group.title), "success")
    return redirect(url_for("groups.group", group_id=group.id))


@bp.get("/groups/<int:group_id>/candidates")
@requires("groups.view")
def candidates(group_id):
    group = _managed_group(group_id)
    q = request.args.get("q", "")[:100]
    return render("groups/candidates.html", "groups/_candidates.html", group=group, q=q,
                  candidates=services.candidates(group, q) if q.strip() else [])


@bp.post("/groups/<int:group_id>/members")
@requires("groups.view")
def add_member(group_id):
    group = _managed_group(group_id)
    member = services.add_member(group, parse_id(request.form.get("member_id")) or 0)
    if member:
        return _members_changed(group_id, notice=_("Přidáno do skupiny: %(name)s",
                                                   name=member.full_name))
    return _members_changed(group_id, error=_("Tohoto člena nelze přidat."))


@bp.post("/groups/<int:group_id>/members/<int:member_id>/remove")
@requires("groups.view")
def remove_member(group_id, member_id):
    group = _managed_group(group_id)
    if not confirmed():
        name = services.member_name(member_id)
        return ask_to_confirm(_("Odebrat ze skupiny: %(name)s?", name=name),
                              url_for("groups.group", group_id=group.id))
    services.remove_member(group, member_id)
    return _members_changed(group_id)


@bp.post("/groups/<int:group_id>/members/<int:member_id>/coordinator")
@requires("groups.view")
def toggle_coordinator(group_id, member_id):
    group = _managed_group(group_id)
    services.set_coordinator(group, member_id, request.form.get("coordinator") == "1")
    return _members_changed(group_id)


def _managed_group(group_id: int):
    """The group, if the logged-in member may manage it (else 403)."""
    group = services.get_group(group_id)
    ensure(may_manage_group(current_member(), group))
    return group


def _members_page(group_id: int):
    return paginate(*services.group_members(group_id), per_page=GROUP_PAGE_ROWS,
                    param=MEMBERS_PAGE)


def _members_changed(group_id: int, error: str | None = None, notice: str | None = None):
    """htmx gets the new member list in place (the same page of it); a plain form goes back to
    the group page."""
    if not wants_fragment():
        if error or notice:
            flash(error or notice, "error" if error else "success")
        return redirect(url_for("groups.group", group_id=group_id,
                                **{MEMBERS_PAGE: request.args.get(MEMBERS_PAGE)}))
    group = services.get_group(group_id)
    response = render("groups/group.html", "groups/_members.html", status=400 if error else 200,
                      group=group, can_manage=True, error=error, notice=notice,
                      members=_members_page(group.id))
    response.headers["HX-Trigger"] = "members-changed"  # refreshes the candidate list
    return response


@bp.post("/groups/<int:group_id>/delete")
@requires("groups.view")
def delete_group(group_id):
    group = _managed_group(group_id)
    back = url_for("groups.group", group_id=group.id)
    if services.has_meetings(group):
        flash(_("Skupina má schůzky, proto ji nelze smazat. Můžete ji archivovat."), "error")
        return redirect(back)
    if not confirmed():
        return ask_to_confirm(_("Smazat skupinu? Zatím nemá žádné schůzky."), back)
    services.delete_group(group)
    flash(_("Skupina byla smazána."), "success")
    return redirect(url_for("groups.groups"))


@bp.post("/groups/<int:group_id>/archive")
@requires("groups.view")
def archive_group(group_id):
    group = _managed_group(group_id)
    archived = request.form.get("archived") != "0"
    if archived and fact(UPCOMING_MEETINGS, group.id):
        flash(_("Skupina má naplánované schůzky. Nejdřív je zrušte nebo smažte, pak ji "
                "archivujte."), "error")
        return redirect(url_for("groups.group", group_id=group.id))
    if archived and not confirmed():
        return ask_to_confirm(_("Archivovat skupinu? Její schůzky zůstanou k nahlédnutí, nové "
                                "už nepůjde plánovat."), url_for("groups.group", group_id=group.id))
    services.archive_group(group, archived)
    flash(_("Skupina je v archivu.") if archived else _("Skupina je znovu aktivní."), "success")
    return redirect(url_for("groups.group", group_id=group.id))
