"""Forms of meetings: when and where, program items, guests, list and statistics filters."""

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import URL, NumberRange, Optional, ValidationError

from ..forms import (
    Choices,
    Form,
    SelectField,
    coerce_id,
    max_length,
    required_value,
    single_line,
    strip,
    text_field,
    within_years,
)
from ..i18n import exists_in_prague, local_to_utc
from ..i18n import lazy_gettext as _l
from .services import Details, in_the_past, too_far_ahead

BAD_TIME = _l("Zadejte čas jako hodiny a minuty, např. 9:30.")


class MeetingForm(Form):
    day = DateField(_l("Datum"), [required_value(
        _l("Zadejte datum schůzky."), _l("Takové datum neexistuje; zkontrolujte den a měsíc.")),
        within_years()])
    time_from = TimeField(_l("Od"), [required_value(_l("Zadejte čas začátku."), BAD_TIME)])
    time_to = TimeField(_l("Do"), [required_value(_l("Zadejte čas konce."), BAD_TIME)])
    place = text_field(_l("Místo"), 250, description=_l("např. Městský úřad, zasedací místnost"))
    map_url = URLField(_l("Odkaz na mapu"), [Optional(), max_length(500), URL(
        message=_l("Zadejte celou adresu, např. https://…"))], filters=[single_line])
    online_url = URLField(_l("Odkaz na online schůzku"), [Optional(), max_length(500), URL(
        message=_l("Zadejte celou adresu, např. https://…"))], filters=[single_line],
        description=_l("Nepovinné: Zoom, Teams, Jitsi… pro ty, kdo se připojí na dálku."))
    version = HiddenField()
    record_past = BooleanField(_l("Ano, zapisuji schůzku, která už proběhla (pozvánky se "
                                  "nepošlou)"))
    program = TextAreaField(
        _l("Program"), [Optional(), max_length(5000)], filters=[strip],
        description=_l("Každý bod na nový řádek. Přednášející a délku doplníte na stránce "
                       "schůzky."))
    confirmed = BooleanField(_l("Ano, změnit čas schůzky, která už proběhla"))

    def validate_time_from(self, field):
        self._check_wall_clock(field)

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the date rules (shown at the date)."""
        if not super().validate(extra_validators):
            return False
        starts_at = local_to_utc(self.day.data, self.time_from.data)
        if too_far_ahead(starts_at):
            self.day.errors.append(_l("Schůzku lze naplánovat nejvýše dva roky dopředu; "
                                      "zkontrolujte rok."))
        elif in_the_past(starts_at) and self.asks_about_past and not self.record_past.data:
            self.day.errors.append(_l("Toto datum už je v minulosti. Zapisujete-li schůzku, "
                                      "která proběhla, zaškrtněte to níže; jinak datum opravte."))
            self.past_warning = True
        return not self.day.errors

    def validate_time_to(self, field):
        if self.time_from.data and field.data and field.data <= self.time_from.data:
            raise ValidationError(_l("Konec musí být později než začátek."))
        self._check_wall_clock(field)

    def _check_wall_clock(self, field):
        """A time skipped when the clocks go forward (e.g. 2:30 in late March) does not exist."""
        if self.day.data and field.data and not self.day.errors and \
                not exists_in_prague(self.day.data, field.data):
            raise ValidationError(_l("V tuto dobu se posouvají hodiny na letní čas; "
                                     "zvolte jiný čas."))

    asks_about_past = True  # a new meeting; a change of an existing one does not ask
    past_warning = False

    def program_items(self) -> list[str]:
        return [line.strip()[:250] for line in (self.program.data or "").splitlines()
                if line.strip()]

    def details(self) -> Details:
        return Details(starts_at=local_to_utc(self.day.data, self.time_from.data),
                       ends_at=local_to_utc(self.day.data, self.time_to.data),
                       place=self.place.data, map_url=self.map_url.data or "",
                       online_url=self.online_url.data or "")


class AgendaItemForm(Form):
    title = text_field(_l("Bod programu"), 250)
    duration = IntegerField(_l("Délka (min)"), [Optional(), NumberRange(
        1, 600, _l("Zadejte počet minut od %(min)d do %(max)d."))])
    presenters = TextAreaField(
        _l("Přednášející"), [Optional(), max_length(2000)], filters=[strip],
        description=_l("Každý na nový řádek. Jména členů a členek skupiny se propojí s jejich "
                       "profily, ostatní se uvedou jako hosté."))


class GuestForm(Form):
    name = text_field(_l("Jméno hosta"), 200)
    organisation = text_field(_l("Organizace hosta"), 200, optional=True)


class CancelForm(Form):
    reason = TextAreaField(_l("Důvod zrušení (nepovinné)"), [Optional(), max_length(500)],
                           filters=[strip], description=_l("Dostanou ho členové v oznámení."))


class PeriodForm(Form):
    """Filters of the meeting list and statistics (a GET form)."""

    class Meta:
        csrf = False

    group = SelectField(_l("Skupina"), [Optional()], coerce=coerce_id, default=0)
    start = DateField(_l("Od"), [Optional(), within_years()])
    end = DateField(_l("Do"), [Optional(), within_years()])
    municipality = SelectField(_l("Účast lidí z obce"), [Optional()], coerce=coerce_id,
                               default=0)

    def __init__(self, *args, groups, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.group.choices = Choices([(0, _l("všechny skupiny"))]) + groups
        self.municipality.choices = Choices([(0, _l("— vyberte obec —"))]) + municipalities

    def validate_end(self, field):
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("Konec období musí být po jeho začátku."))
