"""Forms of the strategy: a priority, a goal with its owners, an indicator with its owner,
and the value an owner enters."""

import re

from wtforms import (
    DateField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional, ValidationError

from ..forms import (
    Choices,
    Form,
    SelectField,
    coerce_id,
    max_length,
    options,
    required_value,
    strip,
    text_field,
    whole_number,
    within_years,
)
from ..i18n import lazy_gettext as _l
from ..i18n import today_in_prague
from .models import BETTER_LABELS, MEASURE_STATE_LABELS, Better, MeasureState

BAD_DATE = _l("Takové datum neexistuje; zkontrolujte den a měsíc.")
NOT_A_NUMBER = _l("Zadejte číslo, např. 120 nebo 12,5.")
NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")
# A unit that is a Czech word ("osob", "míst"): its form would have to follow the number.
DECLINED_UNIT = re.compile(r"[a-záčďéěíňóřšťúůýž]{3,}")


class NumberField(StringField):
    """A number as people write it: 12,5 or 12.5, thousands apart by spaces (1 200)."""

    def process_formdata(self, valuelist):
        self.raw_data = valuelist
        typed = re.sub(r"[\s\u00a0\u202f]", "", valuelist[0]) if valuelist else ""
        self.data = float(typed.replace(",", ".")) if NUMBER.match(typed) else None
        if typed and self.data is None:
            raise ValueError(NOT_A_NUMBER)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:g}".replace(".", ",")


def number_field(label, missing, **kwargs):
    return NumberField(label, [required_value(missing, NOT_A_NUMBER)], **kwargs)


def date_field(label, missing, **kwargs):
    return DateField(label, [required_value(missing, BAD_DATE), within_years()], **kwargs)


class PriorityForm(Form):
    number = whole_number(_l("Číslo priority"), 1, 99)
    title = text_field(_l("Název"), 200, description=_l("např. Služby pro seniory"))
    description = TextAreaField(_l("Popis"), [Optional(), max_length(5000)], filters=[strip])

    def __init__(self, *args, taken_numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.taken_numbers = set(taken_numbers)

    def validate_number(self, field):
        if field.data in self.taken_numbers:
            raise ValidationError(_l("Priorita s tímto číslem už existuje."))


class GoalForm(Form):
    priority_id = SelectField(_l("Priorita"), coerce=coerce_id)
    number = whole_number(_l("Číslo cíle v prioritě"), 1, 99)
    title = text_field(_l("Název cíle"), 300,
                       description=_l("např. Zvýšení nabídky sociálních služeb"))
    description = TextAreaField(_l("Popis"), [Optional(), max_length(5000)], filters=[strip])
    municipality_ids = SelectMultipleField(
        _l("Gestor cíle: obce"), coerce=coerce_id,
        description=_l("Obce, které za cíl odpovídají (lze vybrat několik: Ctrl nebo ⌘)."))
    answerable_id = SelectField(_l("Kdo za cíl odpovídá"), coerce=coerce_id,
                                description=_l("Obvykle starosta nebo starostka obce."))
    group_id = SelectField(_l("Pracovní skupina, která cíl sleduje"), coerce=coerce_id)

    def __init__(self, *args, priorities, municipalities: Choices, members: Choices,
                 groups: Choices, taken=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.priority_id.choices = options([(0, _l("— vyberte prioritu —")), *priorities])
        self.municipality_ids.choices = list(municipalities.pairs)
        self.answerable_id.choices = Choices([(0, _l("— nikdo konkrétní —"))]) + members
        self.group_id.choices = Choices([(0, _l("— žádná —"))]) + groups
        self.taken = set(taken)  # (priority id, number) of the other goals

    def validate_priority_id(self, field):
        if not field.data:
            raise ValidationError(_l("Vyberte prioritu."))

    def validate_number(self, field):
        if (self.priority_id.data, field.data) in self.taken:
            raise ValidationError(_l("Cíl s tímto číslem v této prioritě už existuje."))


class IndicatorForm(Form):
    name = text_field(_l("Název indikátoru"), 300,
                      description=_l("např. Počet lůžek v odlehčovacích službách"))
    unit = text_field(_l("Jednotka (nepovinné)"), 40, optional=True,
                      description=_l("značka, která se za číslem nemění, např. %, Kč, km; u počtu "
                                      "nechte prázdné a co se počítá, napište do názvu"))
    baseline = number_field(_l("Výchozí hodnota"), _l("Zadejte výchozí hodnotu."))
    baseline_on = date_field(_l("Ke dni"), _l("Zadejte, ke kterému dni výchozí hodnota platí."))
    target = number_field(_l("Cílová hodnota"), _l("Zadejte cílovou hodnotu."))
    target_on = date_field(_l("Do kdy"), _l("Zadejte, do kdy má být cíle dosaženo."))
    better = RadioField(_l("Lepší je"), choices=options(BETTER_LABELS.items()),
                        default=Better.HIGHER.value)
    owner_organisation_id = SelectField(_l("Gestor indikátoru: organizace"), coerce=coerce_id)
    owner_id = SelectField(_l("Gestor indikátoru: osoba"), coerce=coerce_id,
                           description=_l("Dostává připomínky a zadává hodnoty."))
    months_between_values = whole_number(_l("Hodnota se zjišťuje každých (měsíců)"), 1, 60,
                                         default=12)

    def __init__(self, *args, organisations: Choices, members: Choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_organisation_id.choices = (
            Choices([(0, _l("— vyberte organizaci —"))]) + organisations)
        self.owner_id.choices = Choices([(0, _l("— nikdo konkrétní —"))]) + members

    def validate_unit(self, field):
        if DECLINED_UNIT.fullmatch(field.data or ""):
            raise ValidationError(_l(
                "Slovo za číslem se mění (1 osoba, 2 osoby, 5 osob), jednotka zůstává stejná. "
                "U počtu nechte jednotku prázdnou a co se počítá, napište do názvu (např. Počet "
                "lidí na čekací listině); jednotka je pro značky jako %, Kč nebo km."))

    def validate_target_on(self, field):
        if field.data and self.baseline_on.data and field.data <= self.baseline_on.data:
            raise ValidationError(_l("Cíle se má dosáhnout po dni výchozí hodnoty."))

    def validate_target(self, field):
        if field.data is None or self.baseline.data is None:
            return
        if self.better.data == Better.HIGHER and field.data < self.baseline.data:
            raise ValidationError(_l("Je-li lepší vyšší hodnota, cílová nemůže být nižší než "
                                     "výchozí. Zkontrolujte čísla, nebo zvolte „čím nižší, "
                                     "tím lepší“."))
        if self.better.data == Better.LOWER and field.data > self.baseline.data:
            raise ValidationError(_l("Je-li lepší nižší hodnota, cílová nemůže být vyšší než "
                                     "výchozí. Zkontrolujte čísla, nebo zvolte „čím vyšší, "
                                     "tím lepší“."))


class ValueForm(Form):
    measured_on = date_field(_l("Ke dni"), _l("Zadejte, ke kterému dni hodnota platí."))
    value = number_field(_l("Hodnota"), _l("Zadejte hodnotu."))
    source = text_field(_l("Zdroj (nepovinné)"), 300, optional=True,
                        description=_l("např. výkaz poskytovatele, registr, šetření"))
    comment = TextAreaField(_l("Poznámka (nepovinné)"), [Optional(), max_length(500)],
                            filters=[strip], render_kw={"rows": 2})

    def validate_measured_on(self, field):
        if field.data and field.data > today_in_prague():
            raise ValidationError(_l("Hodnotu lze zadat nejvýše k dnešku."))


class MeasureForm(Form):
    title = text_field(_l("Název opatření"), 300,
                       description=_l("např. Rozšíření terénní pečovatelské služby do obcí"))
    description = TextAreaField(_l("Popis"), [Optional(), max_length(5000)], filters=[strip])
    state = RadioField(_l("Stav"), choices=options(MEASURE_STATE_LABELS.items()),
                       default=MeasureState.PLANNED.value)
    responsible_organisation_id = SelectField(_l("Odpovídá: organizace"), coerce=coerce_id)
    responsible_id = SelectField(_l("Odpovídá: osoba"), coerce=coerce_id)
    meeting_ids = SelectMultipleField(
        _l("Schůzky, které opatření posunuly"), coerce=coerce_id,
        description=_l("Lze vybrat několik: Ctrl nebo ⌘."))
    task_ids = SelectMultipleField(
        _l("Úkoly ze zápisů, které k opatření patří"), coerce=coerce_id,
        description=_l("Úkol tím připojíte k cíli. Lze vybrat několik: Ctrl nebo ⌘."))

    def __init__(self, *args, organisations: Choices, members: Choices, meetings, tasks,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.responsible_organisation_id.choices = (
            Choices([(0, _l("— vyberte organizaci —"))]) + organisations)
        self.responsible_id.choices = Choices([(0, _l("— nikdo konkrétní —"))]) + members
        self.meeting_ids.choices = list(meetings)
        self.task_ids.choices = list(tasks)


class GoalOwnersForm(Form):
    """A meeting's decision on a goal's owners (gestor cíle)."""

    goal_id = SelectField(_l("Cíl"), coerce=coerce_id)
    municipality_ids = SelectMultipleField(
        _l("Gestor cíle: obce"), coerce=coerce_id,
        description=_l("Lze vybrat několik: Ctrl nebo ⌘."))
    answerable_id = SelectField(_l("Kdo za cíl odpovídá"), coerce=coerce_id,
                                description=_l("Obvykle starosta nebo starostka obce."))

    def __init__(self, *args, goals, municipalities: Choices, members: Choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.goal_id.choices = options([(0, _l("— vyberte cíl —")), *goals])
        self.municipality_ids.choices = list(municipalities.pairs)
        self.answerable_id.choices = Choices([(0, _l("— nikdo konkrétní —"))]) + members

    def validate_goal_id(self, field):
        if not field.data:
            raise ValidationError(_l("Vyberte cíl, o jehož gestorovi se rozhodlo."))


class IndicatorOwnerForm(Form):
    """A meeting's decision on an indicator's owner (gestor indikátoru)."""

    indicator_id = SelectField(_l("Indikátor"), coerce=coerce_id)
    owner_organisation_id = SelectField(_l("Gestor indikátoru: organizace"), coerce=coerce_id)
    owner_id = SelectField(_l("Gestor indikátoru: osoba"), coerce=coerce_id,
                           description=_l("Dostává připomínky a zadává hodnoty."))

    def __init__(self, *args, indicators, organisations: Choices, members: Choices,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator_id.choices = options([(0, _l("— vyberte indikátor —")), *indicators])
        self.owner_organisation_id.choices = (
            Choices([(0, _l("— vyberte organizaci —"))]) + organisations)
        self.owner_id.choices = Choices([(0, _l("— nikdo konkrétní —"))]) + members

    def validate_indicator_id(self, field):
        if not field.data:
            raise ValidationError(_l("Vyberte indikátor, o jehož gestorovi se rozhodlo."))

    def validate_owner_id(self, field):
        if not field.data and not self.owner_organisation_id.data:
            raise ValidationError(_l("Vyberte organizaci nebo osobu, která bude gestorem."))
