"""The catalogue's forms: an entry, its filters, a kind of service and a target group."""

from wtforms import BooleanField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import URL, Email, Optional, ValidationError

from ..forms import (
    Choices,
    Form,
    SelectField,
    coerce_id,
    max_length,
    single_line,
    strip,
    text_field,
)
from ..i18n import lazy_gettext as _l
from . import services
from .models import ServiceKind, TargetGroup


class IdListField(SelectMultipleField):
    """Several record ids ticked in a list of check boxes; one that is not in the list (or not
    a number) is an error at the field, in Czech."""

    def __init__(self, label, invalid, **kwargs):
        super().__init__(label, coerce=coerce_id, invalid_choice_message=invalid, **kwargs)

    def process_formdata(self, valuelist):
        self.data = [coerce_id(value) for value in valuelist]

    def ticked(self, value) -> bool:
        return value in (self.data or ())


def _email():
    return StringField(_l("E-mail"), [Optional(), max_length(254),
                                      Email(_l("Zadejte platnou e-mailovou adresu."),
                                            check_deliverability=False, allow_smtputf8=False)],
                       filters=[single_line])


class ServiceForm(Form):
    kind_id = SelectField(_l("Druh služby"), coerce=coerce_id, invalid_choice_message=_l(
        "Tento druh služby v seznamu není. Vyberte jeden z nabízených."))
    name = text_field(_l("Název služby"), 200, optional=True, description=_l(
        "Nevyplníte-li ho, katalog uvede druh služby."))
    target_groups = IdListField(_l("Pro koho je služba"), _l(
        "Vybraná cílová skupina v seznamu není. Zaškrtněte některou z nabízených."))
    whole_territory = BooleanField(_l("Služba působí na celém území (ve všech obcích)"))
    municipalities = IdListField(_l("Obce, kde služba působí"), _l(
        "Vybraná obec v seznamu není. Zaškrtněte některou z nabízených."))
    address = text_field(_l("Adresa"), 250, optional=True, description=_l(
        "Kde služba sídlí nebo přijímá lidi; terénní služba ji mít nemusí."))
    phone = text_field(_l("Telefon"), 40, optional=True)
    email = _email()
    website = StringField(_l("Web"), [Optional(), max_length(250),
                                      URL(message=_l("Zadejte celou adresu, např. https://…"))],
                          filters=[single_line])
    contact_person = text_field(_l("Kontaktní osoba"), 120, optional=True, description=_l(
        "Vidí ji jen přihlášení; veřejný katalog pro občany ji neukazuje."))
    opening_hours = TextAreaField(_l("Provozní doba"), [Optional(), max_length(1000)],
                                  filters=[strip], render_kw={"rows": 3})
    capacity = text_field(_l("Kapacita"), 250, optional=True, description=_l(
        "např. 12 lůžek, 30 klientů, volná místa od září"))
    description = TextAreaField(_l("Popis služby"), [Optional(), max_length(5000)],
                                filters=[strip], render_kw={"rows": 5})

    def __init__(self, *args, kinds: Choices, target_groups: Choices, municipalities: Choices,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_id.choices = Choices([(0, _l("— vyberte druh služby —"))]) + kinds
        self.target_groups.choices = list(target_groups.pairs)
        self.municipalities.choices = list(municipalities.pairs)

    def validate_kind_id(self, field):
        if not field.data:
            raise ValidationError(_l("Vyberte druh služby."))

    def validate_municipalities(self, field):
        if not field.data and not self.whole_territory.data:
            raise ValidationError(_l("Zaškrtněte obce, kde služba působí, nebo celé území."))

    def mark_duplicate(self) -> None:
        """The organisation lists this kind at this address already: said at the kind."""
        self.kind_id.errors = [*self.kind_id.errors, _l(
            "Tento druh služby na této adrese už organizace v katalogu má. Upravte původní "
            "záznam, nebo zadejte jinou adresu.")]


class CatalogueFilters(Form):
    """The catalogue's filters (a GET form: every value in the address)."""

    class Meta:
        csrf = False

    q = StringField(_l("Hledat"), [Optional(), max_length(100)], filters=[single_line])
    kind = SelectField(_l("Druh služby"), [Optional()], coerce=coerce_id, default=0,
                       invalid_choice_message=_l("Tento druh služby v seznamu není."))
    target_group = SelectField(_l("Pro koho"), [Optional()], coerce=coerce_id, default=0,
                               invalid_choice_message=_l("Tato cílová skupina v seznamu není."))
    municipality = SelectField(_l("Obec"), [Optional()], coerce=coerce_id, default=0,
                               invalid_choice_message=_l("Tato obec v seznamu není."))

    def __init__(self, *args, kinds: Choices, target_groups: Choices, municipalities: Choices,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = Choices([(0, _l("všechny druhy"))]) + kinds
        self.target_group.choices = Choices([(0, _l("všichni"))]) + target_groups
        self.municipality.choices = Choices([(0, _l("všechny obce"))]) + municipalities


class TermForm(Form):
    """A kind of service or a target group: its name, unique in its list."""

    model = None
    name = text_field(_l("Název"), 120)

    def __init__(self, *args, record_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record_id = record_id

    def validate_name(self, field):
        if services.name_taken(self.model, field.data, except_id=self.record_id):
            raise ValidationError(_l("Tento název už je v seznamu."))


class KindForm(TermForm):
    model = ServiceKind
    name = text_field(_l("Název druhu služby"), 150)
    section = text_field(_l("Paragraf zákona o sociálních službách"), 20, optional=True,
                         description=_l("např. § 37; nechte prázdné, není-li služba v zákoně"))


class TargetGroupForm(TermForm):
    model = TargetGroup
    name = text_field(_l("Název cílové skupiny"), 120)
