"""Forms of visits: the offer with its dates, signing up, adding a person, a report, the
list's and the register's filters."""

from datetime import timedelta

from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, ValidationError

from ..forms import (
    Choices,
    Form,
    SelectField,
    coerce_id,
    email_field,
    max_length,
    options,
    required,
    required_value,
    strip,
    text_field,
    within_years,
)
from ..i18n import lazy_gettext as _l
from ..web import parse_id
from .models import HOME_COUNTRY, KIND_LABELS, VisitKind
from .services import SlotDetails, below_taken, today

MAX_TEXT = 20_000
FURTHEST_AHEAD = timedelta(days=2 * 365)
BAD_DATE = _l("Takové datum neexistuje; zkontrolujte den a měsíc.")


class SlotForm(Form):
    """One date of the visit (a day or several days) and its places."""

    class Meta:
        csrf = False  # part of the visit's form, which has the token

    slot_id = HiddenField()
    starts_on = DateField(_l("Od"), [required_value(_l("Zadejte první den."), BAD_DATE),
                                     within_years()])
    ends_on = DateField(_l("Do (nepovinné)"), [Optional(), within_years()],
                        description=_l("Jen jeden den? Nechte prázdné."))
    capacity = IntegerField(_l("Počet míst"), [
        required_value(_l("Zadejte počet míst."), _l("Zadejte počet míst číslem.")),
        NumberRange(1, 500, _l("Počet míst musí být od %(min)d do %(max)d."))])
    remove = BooleanField(_l("Odebrat tento termín"))
    before = None  # this date as saved (SlotBefore), set by the visit's form

    def validate_slot_id(self, field):
        if field.data and self.before is None:  # another visit's, removed, or made up
            raise ValidationError(_l("Tento termín se mezitím změnil; obnovte stránku."))

    def validate_starts_on(self, field):
        before = self.before
        if field.data is None or (before and (field.data, self.ends_on.data or field.data)
                                  == (before.starts_on, before.ends_on)):
            return  # a date already saved may stay as it is (also in the past)
        if field.data < today():
            raise ValidationError(_l("Tento den už je v minulosti."))
        if field.data > today() + FURTHEST_AHEAD:
            raise ValidationError(_l("Akci lze nabídnout nejvýše dva roky dopředu; "
                                     "zkontrolujte rok."))

    def validate_capacity(self, field):
        taken = self.before.taken if self.before else 0
        if field.data is not None and field.data < taken:
            raise ValidationError(below_taken(taken))

    def details_id(self) -> int | None:
        return parse_id(self.slot_id.data)

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Konec musí být stejný den jako začátek, nebo později."))

    def details(self) -> SlotDetails:
        return SlotDetails(id=self.details_id(), starts_on=self.starts_on.data,
                           ends_on=self.ends_on.data or self.starts_on.data,
                           capacity=self.capacity.data)


class VisitForm(Form):
    kind = SelectField(_l("Druh"), choices=options(
        [(kind.value, KIND_LABELS[kind]) for kind in VisitKind]), default=VisitKind.INTERNSHIP)
    title = text_field(_l("Název"), 200, description=_l(
        "např. Terénní práce s rodinami, nebo Exkurze do nízkoprahového klubu v Drážďanech"))
    host_organisation_id = SelectField(_l("Hostitelská organizace"), coerce=coerce_id, default=0)
    host_name = text_field(_l("Hostitel mimo adresář"), 200, optional=True, description=_l(
        "Pro hostitele mimo naše území, i v zahraničí. Vyplňte, jen když v seznamu výše není."))
    address = text_field(_l("Adresa"), 250, optional=True)
    country = text_field(_l("Země"), 80, default=HOME_COUNTRY)
    slots = FieldList(FormField(SlotForm), min_entries=1, max_entries=10)
    deadline = DateField(_l("Přihlásit se lze do"), [
        required_value(_l("Zadejte poslední den přihlášek."), BAD_DATE), within_years()])
    org_limit = IntegerField(_l("Nejvýše lidí z jedné organizace (nepovinné)"), [
        Optional(), NumberRange(1, 100, _l("Zadejte číslo od %(min)d do %(max)d."))],
        description=_l("Nechte prázdné, pokud se může přihlásit kdokoli."))
    description = TextAreaField(_l("Popis"), [required(), max_length(MAX_TEXT)],
                                filters=[strip], description=_l(
                                    "Co se účastníci dozvědí, program, pro koho je akce."))
    contact = text_field(_l("Kontaktní osoba"), 250, optional=True,
                         description=_l("Jméno, telefon nebo e-mail."))
    practical = TextAreaField(_l("Praktické informace (nepovinné)"),
                              [Optional(), max_length(5000)], filters=[strip],
                              description=_l("Doprava, cena, jazyk, co si vzít s sebou."))

    def __init__(self, *args, hosts, saved=None, original_deadline=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.host_organisation_id.choices = options(hosts)
        self.saved = saved or {}  # the visit's dates as saved: id → SlotBefore
        self.original_deadline = original_deadline

    def validate(self, extra_validators=None) -> bool:
        """The fields (each date with its places), then the rules between them: a host,
        at least one date, each saved date once, the deadline before the first day."""
        seen = set()
        for entry in self.slots:
            slot_id = entry.form.details_id()
            entry.form.before = None if slot_id in seen else self.saved.get(slot_id)
            seen.add(slot_id)
        valid = super().validate(extra_validators)
        if not self.host_organisation_id.data and not self.host_name.data:
            self.host_name.errors.append(_l("Vyberte hostitele ze seznamu, nebo napište jeho "
                                            "název."))
        kept = [entry.form for entry in self.slots if not entry.form.remove.data]
        if not kept:
            self.form_errors.append(_l("Akce musí mít alespoň jeden termín."))
        elif valid:
            self._check_deadline(kept)
        return valid and not self.host_name.errors and bool(kept) and not self.deadline.errors

    def _check_deadline(self, kept: list[SlotForm]) -> None:
        first_day = min(slot.starts_on.data for slot in kept)
        if self.deadline.data >= first_day:
            self.deadline.errors.append(_l("Přihlášky musí skončit před prvním dnem akce, "
                                           "nejpozději den předem."))
        elif self.deadline.data < today() and self.deadline.data != self.original_deadline:
            self.deadline.errors.append(_l("Tento den už je v minulosti."))

    def slot_details(self) -> list[SlotDetails]:
        return [entry.form.details() for entry in self.slots if not entry.form.remove.data]

    def removed_slots(self) -> set[int]:
        return {entry.form.details().id for entry in self.slots
                if entry.form.remove.data and entry.form.details().id}

    def values(self) -> dict:
        return {"kind": VisitKind(self.kind.data), "title": self.title.data,
                "host_organisation_id": self.host_organisation_id.data or None,
                "host_name": self.host_name.data or "", "address": self.address.data or "",
                "country": self.country.data, "description": self.description.data,
                "contact": self.contact.data or "", "practical": self.practical.data or "",
                "deadline": self.deadline.data, "org_limit": self.org_limit.data}


class SignUpForm(Form):
    slot_id = HiddenField()
    note = TextAreaField(_l("Poznámka k přihlášce (nepovinné)"),
                         [Optional(), max_length(1000)], filters=[strip],
                         description=_l("Uvidí ji jen ten, kdo akci pořádá: proč se chcete "
                                        "zúčastnit, strava, bezbariérovost…"))


class AddParticipantForm(Form):
    email = email_field()
    slot_id = SelectField(_l("Termín"), coerce=coerce_id)


class ReportForm(Form):
    text = TextAreaField(_l("Zpráva z akce"), [required(_l("Napište prosím zprávu.")),
                                               max_length(MAX_TEXT)], filters=[strip])


class ListFilters(Form):
    """The list of upcoming visits (a GET form)."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Druh"), [Optional()], default="", choices=options(
        [("", _l("stáže i exkurze"))] + [(k.value, KIND_LABELS[k]) for k in VisitKind]))
    q = text_field(_l("Hostitel nebo název"), 100, optional=True)
    month = text_field(_l("Měsíc"), 7, optional=True)


class RegisterFilters(Form):
    """The register of past visits (a GET form)."""

    class Meta:
        csrf = False

    year = SelectField(_l("Rok"), [Optional()], coerce=coerce_id, default=0)
    kind = SelectField(_l("Druh"), [Optional()], default="", choices=options(
        [("", _l("stáže i exkurze"))] + [(k.value, KIND_LABELS[k]) for k in VisitKind]))
    organisation = SelectField(_l("Organizace"), [Optional()], coerce=coerce_id, default=0)
    municipality = SelectField(_l("Obec"), [Optional()], coerce=coerce_id, default=0)

    def __init__(self, *args, years, organisations, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.year.choices = options([(0, _l("všechny roky"))] + [(y, str(y)) for y in years])
        self.organisation.choices = Choices([(0, _l("všechny organizace"))]) + organisations
        self.municipality.choices = Choices([(0, _l("všechny obce"))]) + municipalities
