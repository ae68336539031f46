"""The minutes editor's form and the archive's filters."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import Optional, StopValidation, ValidationError

from ..forms import SelectField, coerce_id, max_length, options, single_line
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


class MinutesForm(FlaskForm):
    text = TextAreaField(_l("Text zápisu"), [sent, within_size],
                         render_kw={"rows": 28, "spellcheck": "true", "lang": "cs"})
    version = HiddenField()


class ArchiveForm(FlaskForm):
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
        self.group.choices = options([(0, _l("všechny skupiny"))] +
                                     [(g.id, g.title) for g in groups])
        self.year.choices = options([(0, _l("všechny roky"))] + [(y, str(y)) for y in years])
        self.municipality.choices = options([(0, _l("všechny obce"))] +
                                            [(m.id, m.name) for m in municipalities])
