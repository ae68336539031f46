"""Organisation, municipality and directory-search forms."""

from wtforms import StringField, TextAreaField
from wtforms.validators import URL, Email, Optional, ValidationError

from ..forms import (
    Choices,
    Form,
    SelectField,
    coerce_id,
    max_length,
    options,
    single_line,
    strip,
    text_field,
)
from ..i18n import lazy_gettext as _l
from . import services
from .models import SIDE_HINT, Municipality, Organisation, OrganisationKind, Side


def side_or_none(value):
    """A submitted side: a Side, None for "" (none chosen), or what was sent if it is none of
    them (refused by SideField)."""
    if value is None or value == "" or isinstance(value, Side):
        return value or None
    try:
        return Side(value)
    except ValueError:
        return value


class SideField(SelectField):
    """A side of community planning's triad, or none (the first choice, `empty`)."""

    def __init__(self, label, empty, **kwargs):
        super().__init__(label, choices=options([("", empty)] + [(s.value, s.label) for s in Side]),
                         coerce=side_or_none, description=SIDE_HINT, **kwargs)

    def pre_validate(self, form):
        if self.data is not None and not isinstance(self.data, Side):
            raise ValidationError(_l("Vyberte jednu z nabízených možností."))


class UniqueName:
    """Shared check that no other record of the model has the same name."""

    model = None
    record_id = None

    def validate_name(self, field):
        if services.name_taken(self.model, field.data, except_id=self.record_id):
            raise ValidationError(_l("Tento název už je v seznamu."))


class OrganisationForm(UniqueName, Form):
    model = Organisation

    name = text_field(_l("Název"), 200)
    kind = SelectField(_l("Druh"), choices=options((k.value, k.label) for k in OrganisationKind))
    municipality_id = SelectField(_l("Sídlo (obec)"), coerce=coerce_id)
    side = SideField(_l("Strana v komunitním plánování"), _l("— neurčeno —"))
    address = text_field(_l("Adresa"), 250, optional=True)
    phone = text_field(_l("Telefon"), 40, optional=True)
    email = StringField(_l("E-mail"), [Optional(), max_length(254),
                                       Email(_l("Zadejte platnou e-mailovou adresu."),
                                             check_deliverability=False, allow_smtputf8=False)],
                        filters=[single_line])
    website = StringField(_l("Web"), [Optional(), max_length(250),
                                      URL(message=_l("Zadejte celou adresu, např. https://…"))],
                          filters=[single_line])
    description = TextAreaField(_l("Popis a služby"), [Optional(), max_length(5000)],
                                filters=[strip])

    def __init__(self, *args, municipalities, record_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record_id = record_id
        self.municipality_id.choices = Choices([(0, _l("— vyberte obec —"))]) + municipalities

    def validate_municipality_id(self, field):
        if not field.data:
            raise ValidationError(_l("Vyberte obec."))


class MunicipalityForm(UniqueName, Form):
    model = Municipality

    name = text_field(_l("Název obce"), 120)
    orp = text_field(_l("ORP / území"), 120, description=_l("např. ORP Horní Lhota"))

    def __init__(self, *args, record_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record_id = record_id


class DirectorySearchForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Hledat podle jména, organizace nebo obce"),
                    [Optional(), max_length(100)], filters=[single_line])
