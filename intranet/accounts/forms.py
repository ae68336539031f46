"""Account forms: login, passwords, profile, the administrator's member form and filters."""

from flask_babel import lazy_pgettext as _lp
from wtforms import BooleanField, IntegerField, PasswordField, StringField
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import HiddenInput

from ..forms import (
    Choices,
    Form,
    SelectField,
    coerce_id,
    email_field,
    max_length,
    new_password_fields,
    no_address_syntax,
    options,
    required,
    single_line,
    text_field,
)
from ..i18n import lazy_gettext as _l
from ..organisations.forms import SideField
from ..policy import Role
from . import services

LANGUAGES = [("cs", "čeština"), ("en", "English")]


class LoginForm(Form):
    email = email_field()
    password = PasswordField(_l("Heslo"), [required()],
                             render_kw={"autocomplete": "current-password"})


class ForgotPasswordForm(Form):
    email = email_field()


class SetPasswordForm(Form):
    password, confirm = new_password_fields()


class ChangePasswordForm(Form):
    current = PasswordField(_l("Současné heslo"), [required()],
                            render_kw={"autocomplete": "current-password"})
    password, confirm = new_password_fields()


class PersonFields:
    """Name and contact fields shared by the profile and the administrator's form."""

    titles_before = text_field(_l("Tituly před jménem"), 40, optional=True,
                               checks=[no_address_syntax],
                               description=_l("např. Ing., Mgr., Bc."))
    first_name = text_field(_lp("first name", "Jméno"), 80, checks=[no_address_syntax],
                            render_kw={"autocomplete": "given-name"})
    last_name = text_field(_l("Příjmení"), 80, checks=[no_address_syntax],
                           render_kw={"autocomplete": "family-name"})
    titles_after = text_field(_l("Tituly za jménem"), 40, optional=True,
                              checks=[no_address_syntax],
                              description=_l("např. Ph.D., MBA"))
    phone = text_field(_l("Telefon"), 40, optional=True, render_kw={"autocomplete": "tel"})
    position = text_field(_l("Pracovní pozice"), 120, optional=True,
                          description=_l("např. sociální pracovnice, koordinátor KP"))


class ProfileForm(PersonFields, Form):
    language = SelectField(_l("Jazyk"), choices=options(LANGUAGES))
    wants_meeting_mail = BooleanField(_l("Pozvánky a změny schůzek"))


class MemberForm(PersonFields, Form):
    """The administrator's form to invite or edit a member."""

    email = email_field()
    organisation_id = SelectField(_lp("one", "Organizace"), coerce=coerce_id,
                                  validate_choice=True)
    side = SideField(_l("Strana v komunitním plánování"), _l("podle organizace"))
    role = SelectField(_l("Role"), choices=options((r.value, r.label) for r in Role),
                       default=Role.MEMBER.value)

    def __init__(self, *args, organisations, member_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member_id = member_id
        self.organisation_id.choices = Choices([(0, _l("— vyberte organizaci —"))]) + organisations

    def validate_email(self, field):
        if services.email_taken(field.data, except_member_id=self.member_id):
            raise ValidationError(_l("Účet s tímto e-mailem už existuje."))

    def validate_organisation_id(self, field):
        if not field.data:
            raise ValidationError(_l("Vyberte organizaci."))


class MemberFilterForm(Form):
    """Filters of the administrator's member list (a GET form, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Hledat"), [Optional(), max_length(100)], filters=[single_line])
    role = SelectField(_l("Role"), [Optional()], choices=options(
        [("", _l("všechny role"))] + [(r.value, r.label) for r in Role]))
    status = SelectField(_l("Stav"), [Optional()], choices=options([
        ("", _l("všechny stavy")), ("active", _l("aktivní")),
        ("invited", _l("pozvánka odeslána")), ("deactivated", _l("účet deaktivován"))]))
    # Members of one organisation (from the organisation's page): shown as a filter to clear,
    # not as a select box of every organisation; the search finds organisations by name.
    organisation_id = IntegerField(widget=HiddenInput(), validators=[Optional()])
