"""The minutes editor's form and the archive's filters."""

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import Optional, StopValidation, ValidationError

from ..forms import (
    Choices,
    Form,
    SelectField,
    coerce_id,
    max_length,
    options,
    required_value,
    single_line,
    strip,
    text_field,
    within_years,
)
from ..i18n import format_day, today_in_prague
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from .services import MAX_BYTES


def sent(_form, field):
    """The text must come with the form: a save without it (a broken request) empties
    nothing."""
    if not field.raw_data:
        raise StopValidation(_l("Text zápisu nedorazil; obnovte stránku a zkuste to znovu."))


def within_size(_form, field):
    if len((field.data or "").encode()) > MAX_BYTES:
        raise ValidationError(_l("Zápis je příliš dlouhý: nejvýše %(mb)d MB textu. Přílohy "
                                 "(prezentace, fotografie) přidejte jako soubory.",
                                 mb=MAX_BYTES // 1_000_000))


class MinutesForm(Form):
    text = TextAreaField(_l("Text zápisu"), [sent, within_size],
                         render_kw={"rows": 28, "spellcheck": "true", "lang": "cs"})
    version = HiddenField()


class CorrectionForm(MinutesForm):
    """A correction of published minutes says why."""

    reason = text_field(_l("Co a proč se opravuje"), 300,
                        description=_l("Uvidí to všichni čtenáři, např. „oprava jména "
                                       "v bodě 2“."))


class ArchiveForm(Form):
    """The archive's search and filters (a GET form)."""

    class Meta:
        csrf = False

    q = StringField(_l("Hledat v zápisech"), [Optional(), max_length(200)],
                    filters=[single_line])
    group = SelectField(_l("Skupina"), [Optional()], coerce=coerce_id, default=0)
    year = SelectField(_l("Rok"), [Optional()], coerce=coerce_id, default=0)
    municipality = SelectField(_l("Účast lidí z obce"), [Optional()], coerce=coerce_id,
                               default=0)

    def __init__(self, *args, groups, years, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.group.choices = Choices([(0, _l("všechny skupiny"))]) + groups
        self.year.choices = options([(0, _l("všechny roky"))] + [(y, str(y)) for y in years])
        self.municipality.choices = Choices([(0, _l("všechny obce"))]) + municipalities


class TaskFilterForm(Form):
    """The task list's filters (a GET form)."""

    class Meta:
        csrf = False

    state = SelectField(_l("Úkoly"), [Optional()], default="open", choices=options([
        ("open", _l("nesplněné")), ("done", _l("splněné")), ("all", _l("všechny"))]))
    group = SelectField(_l("Skupina"), [Optional()], coerce=coerce_id, default=0)
    organisation = SelectField(_l("Pro organizaci"), [Optional()], coerce=coerce_id, default=0)
    municipality = SelectField(_l("Pro obec"), [Optional()], coerce=coerce_id, default=0,
                               description=_l("Úkoly pro organizace v obci a jejich lidi."))

    def __init__(self, *args, groups, organisations, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.group.choices = Choices([(0, _l("všechny skupiny"))]) + groups
        self.organisation.choices = Choices([(0, _l("všechny organizace"))]) + organisations
        self.municipality.choices = Choices([(0, _l("všechny obce"))]) + municipalities


class TaskForm(Form):
    """A task agreed at the meeting: what, who, by when (not before the meeting's day)."""

    title = text_field(_l("Úkol"), 300, description=_l("Co se má udělat."))
    assignee = SelectField(_l("Kdo"), [Optional()], default="")
    due_on = DateField(_l("Do kdy"), [Optional(), within_years()],
                       description=_l("Nepovinné."))

    def __init__(self, *args, choices=(), meeting_day=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignee.choices = options([("", _l("— nikdo konkrétní —"))] + list(choices))
        self.meeting_day = meeting_day

    def validate_due_on(self, field):
        if field.raw_data and field.raw_data[0].strip() and field.data is None:
            field.errors[:] = []  # instead of WTForms' own parse error: one clear message
            raise StopValidation(_l("Takové datum neexistuje; zkontrolujte den a měsíc."))
        if field.data and self.meeting_day and field.data < self.meeting_day:
            raise ValidationError(_("Termín úkolu je dřív než schůzka (%(day)s); "
                                    "zkontrolujte datum.", day=format_day(self.meeting_day)))


class DoneForm(Form):
    """A task marked done: when, and how it turned out."""

    done_on = DateField(_l("Splněno dne"), [required_value(
        _l("Zadejte datum splnění."), _l("Takové datum neexistuje; zkontrolujte den a měsíc.")),
        within_years()])
    comment = text_field(_l("Poznámka"), 500, optional=True,
                         description=_l("Např. jak úkol dopadl nebo kde najít výsledek."))


class AttachmentForm(Form):
    file = FileField(_l("Soubor"), [FileRequired(_l("Vyberte soubor."))],
                     description=_l("PDF, dokument Wordu, Excelu či PowerPointu (i OpenOffice) "
                                    "nebo obrázek."))


class ReviewForm(Form):
    """Send the draft to the attendees, to be read by a deadline."""

    deadline = DateField(_l("Připomínky do"), [required_value(
        _l("Zadejte datum, do kdy se mají účastníci vyjádřit."),
        _l("Takové datum neexistuje; zkontrolujte den a měsíc.")), within_years()])

    def validate_deadline(self, field):
        if field.data and field.data < today_in_prague():
            raise ValidationError(_l("Termín už minul; zadejte dnešek nebo pozdější den."))


class ReviewAnswerForm(Form):
    """An attendee's answer: no remarks, or a comment."""

    comment = TextAreaField(_l("Připomínky"), [max_length(5000)], filters=[strip],
                            render_kw={"rows": 6})
    no_remarks = HiddenField()

    def validate_comment(self, field):
        if not field.data and self.no_remarks.data != "1":
            raise ValidationError(_l("Napište připomínky, nebo zvolte „Bez připomínek“."))
