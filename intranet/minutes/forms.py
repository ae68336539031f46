"""The minutes editor's form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import StopValidation, ValidationError

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
