"""Logging in and out, invitation and reset links, the member's own profile and password."""

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from ..forms import form_values
from ..i18n import format_moment
from ..i18n import gettext as _
from ..policy import public, requires
from ..web import current_member, render_form, safe_local_target
from . import auth, bp, links, services
from .forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    SetPasswordForm,
)
from .models import TokenPurpose


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_form("accounts/login.html", form)
    try:
        member = auth.authenticate(form.email.data, form.password.data)
    except auth.LoginThrottled as throttled:
        form.form_errors.append(_(
            "Příliš mnoho neúspěšných pokusů. Znovu to můžete zkusit od %(time)s, nebo si "
            "nechte poslat odkaz pro nové heslo.", time=format_moment(throttled.until)))
        return _too_many("accounts/login.html", form, throttled)
    if member is None:
        form.form_errors.append(_("E-mail nebo heslo nesouhlasí."))
        return render_form("accounts/login.html", form, 401)
    return redirect(safe_local_target(request.args.get("next"), url_for("core.dashboard")))


def _too_many(template: str, form, throttled: auth.LoginThrottled):
    """The form again with its error: 429 and when to try again (Retry-After)."""
    response = make_response(render_form(template, form, 429))
    response.headers["Retry-After"] = str(throttled.retry_after)
    return response


@bp.post("/logout")
def logout():
    auth.log_out(current_member())
    flash(_("Odhlášení proběhlo."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_form("accounts/forgot.html", form)
    try:
        links.request_password_reset(form.email.data)
    except auth.LoginThrottled as throttled:
        form.form_errors.append(_("Příliš mnoho žádostí o nové heslo z této sítě. Znovu to "
                                  "můžete zkusit od %(time)s.",
                                  time=format_moment(throttled.until)))
        return _too_many("accounts/forgot.html", form, throttled)
    flash(_("Pokud u nás účet s touto adresou existuje, poslali jsme na ni odkaz pro nastavení "
            "nového hesla. Podívejte se do pošty."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token):
    return _use_link(token, TokenPurpose.PASSWORD_RESET, _("Heslo bylo změněno. Vítejte zpět."))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token):
    return _use_link(token, TokenPurpose.INVITATION, _("Účet je připraven. Vítejte v intranetu."))


def _use_link(raw_token: str, purpose: TokenPurpose, welcome: str):
    token = links.find_valid_token(raw_token, purpose)
    if token is None:
        return render_template("accounts/link_invalid.html", purpose=purpose), 404
    form = SetPasswordForm()
    if not form.validate_on_submit():
        return render_form("accounts/set_password.html", form, purpose=purpose,
                               member=token.member)
    links.set_password_with_token(token, form.password.data)
    flash(welcome, "success")
    return redirect(url_for("core.dashboard"))


@bp.route("/profile", methods=["GET", "POST"])
@requires("profile.edit")
def profile():
    form = ProfileForm(obj=current_user)
    if not form.validate_on_submit():
        return render_form("accounts/profile.html", form)
    fields = form_values(form, services.PROFILE_FIELDS)
    services.update_profile(current_member(), **fields)
    flash(_("Profil byl uložen."), "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/profile/calendar")
@requires("profile.edit")
def calendar_link():
    enabled = request.form.get("action") != "revoke"
    services.renew_calendar_token(current_member(), enabled)
    flash(_("Nový odkaz na kalendář je připraven; starý přestal platit.") if enabled
          else _("Odkaz na kalendář byl zrušen."), "success")
    return redirect(url_for("accounts.profile") + "#calendar")


@bp.route("/profile/password", methods=["GET", "POST"])
@requires("profile.edit")
def change_password():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return render_form("accounts/password.html", form)
    try:
        changed = auth.change_password(current_member(), form.current.data, form.password.data)
    except auth.LoginThrottled as throttled:
        form.current.errors.append(_("Příliš mnoho neúspěšných pokusů. Znovu to můžete zkusit "
                                     "od %(time)s.", time=format_moment(throttled.until)))
        return _too_many("accounts/password.html", form, throttled)
    if not changed:
        form.current.errors.append(_("Současné heslo nesouhlasí."))
        return render_form("accounts/password.html", form)
    flash(_("Heslo bylo změněno. Ostatní přihlášení byla ukončena."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/members/<int:member_id>")
@requires("directory.view")
def member_detail(member_id):
    member = services.get_member(member_id, current_member())
    return render_template("accounts/member.html", member=member)
