"""Form fields and validators shared by every feature's forms."""

from functools import lru_cache

import wtforms
from babel.support import Translations
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import EmailField, IntegerField, PasswordField, StringField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets.core import clean_key

from .i18n import lazy_gettext as _l
from .text import ADDRESS_SYNTAX, single_line


class Form(FlaskForm):
    """Every form of the app: Flask-WTF's (CSRF), with WTForms' own messages in the page's
    language from a catalogue read once per process. Flask-WTF reads that catalogue from
    disk again for every request that builds a form (0.3 ms a page)."""

    class Meta:
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return None
            return _wtforms_catalogue(get_locale())


@lru_cache(maxsize=16)
def _wtforms_catalogue(locale) -> Translations:
    """WTForms' messages in the locale, as Flask-WTF loads them."""
    return Translations.load(messages_path(), [locale], domain="wtforms")


def valid_data(field):
    """The field's value if it passed validation, else None (for GET filter forms)."""
    return None if field.errors else (field.data or None)


def strip(value):
    """Trim a multi-line text (a text area); single-line fields use `single_line`."""
    return value.strip() if isinstance(value, str) else value


def required(message=None):
    """Required after stripping: a value of spaces counts as empty."""
    return DataRequired(message or _l("Toto pole je povinné."))


def max_length(limit: int):
    return Length(max=limit, message=_l("Nejvýše %(max)d znaků.", max=limit))


def text_field(label, limit: int, *, optional=False, checks=(), **kwargs):
    """A single-line text field (trimmed, no line breaks), required unless optional; `checks`
    are further validators."""
    first = Optional() if optional else required()
    return StringField(label, [first, max_length(limit), *checks], filters=[single_line],
                       **kwargs)


def no_address_syntax(_form, field):
    """A part of a person's name, which e-mail shows beside an address: nothing in it may
    look like an address (< > " @)."""
    if field.data and (ADDRESS_SYNTAX.search(field.data) or "@" in field.data):
        raise ValidationError(_l("Jméno nesmí obsahovat znaky < > \" ani @."))


def email_field():
    return EmailField(_l("E-mail"), [required(), max_length(254),
                              Email(message=_l("Zadejte platnou e-mailovou adresu."),
                                    check_deliverability=False, allow_smtputf8=False)],
                      filters=[single_line], render_kw={"autocomplete": "email"})


def long_enough(_form, field):
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(field.data or "") < minimum:
        raise ValidationError(_l("Heslo musí mít alespoň %(n)d znaků.", n=minimum))


def new_password_fields():
    """A new password and its confirmation (long passwords and passphrases are welcome)."""
    password = PasswordField(_l("Nové heslo"), [required(), long_enough, max_length(1000)],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Nové heslo znovu"),
                            [required(), EqualTo("password", _l("Hesla se neshodují."))],
                            render_kw={"autocomplete": "new-password"})
    return password, confirm


def options(pairs) -> list[SelectChoice]:
    """Select-box choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def coerce_id(value) -> int:
    """A select box's record id; anything that is not a number becomes 0 ("none chosen")."""
    return int(value) if str(value).isdigit() else 0


def form_values(form, names) -> dict:
    """The submitted values of the named fields, for a service call."""
    return {name: form[name].data for name in names}


def required_value(missing, invalid):
    """Required for fields that parse their input (dates, times): says which problem it is."""

    def check(_form, field):
        if field.data is None:
            typed = field.raw_data and field.raw_data[0].strip()
            field.errors[:] = []  # instead of WTForms' own parse error: one clear message
            raise StopValidation(invalid if typed else missing)

    check.field_flags = {"required": True}
    return check


def whole_number(label, low: int, high: int, **kwargs) -> IntegerField:
    """A required whole number from `low` to `high`: empty says the field is required; 0 (which
    DataRequired takes for empty) and anything else outside the range or not a number say
    the range."""
    out_of_range = _l("Zadejte číslo od %(min)d do %(max)d.", min=low, max=high)
    return IntegerField(label, [required_value(_l("Toto pole je povinné."), out_of_range),
                                NumberRange(low, high, out_of_range)], **kwargs)


def within_years(first: int = 2000, last: int = 2100):
    """A date in a sensible range (the calendar maths breaks near years 1 and 9999)."""

    def check(_form, field):
        if field.data and not first <= field.data.year <= last:
            raise ValidationError(_l("Zadejte datum mezi roky %(first)d a %(last)d.",
                                     first=first, last=last))

    return check


class Choices:
    """A long select box's choices (hundreds of organisations or municipalities), each option
    escaped and written once: the services keep them while the names stay the same, and a form
    puts its own first choice before them: `Choices([(0, _l("všechny obce"))]) + kept`."""

    def __init__(self, pairs=()):
        self.pairs = tuple((value, label) for value, label in pairs)
        self.html = tuple(f'<option value="{escape(value)}">{escape(label)}</option>'
                          for value, label in self.pairs)
        # value → place: one table per part joined (a form's first choice before hundreds
        # kept ones), so that joining copies no table on each request
        self.positions = (({str(value): n for n, (value, _label) in enumerate(self.pairs)}, 0),)

    def __add__(self, other: "Choices") -> "Choices":
        joined = Choices()
        joined.pairs, joined.html = self.pairs + other.pairs, self.html + other.html
        joined.positions = self.positions + tuple(
            (table, offset + len(self.pairs)) for table, offset in other.positions)
        return joined

    def position(self, value) -> int | None:
        key = str(value)
        for table, offset in self.positions:
            if key in table:
                return table[key] + offset
        return None

    def __contains__(self, value) -> bool:
        return self.position(value) is not None

    def label_of(self, value) -> str | None:
        chosen = self.position(value)
        return None if chosen is None else self.pairs[chosen][1]

    def options_html(self, current) -> Markup:
        """The <option>s, the one of the value `current` selected."""
        chosen = self.position(current)
        if chosen is None:
            return Markup("".join(self.html))
        return Markup("".join(self.html[:chosen] + (
            self.html[chosen].replace('">', '" selected>', 1),)
            + self.html[chosen + 1:]))


def html_params(**attributes) -> Markup:
    """WTForms' html_params, the same attributes written by f-strings: WTForms writes each
    through Markup.format (Python's string.Formatter, escaping every piece again), about
    100 µs for an input, half of what a form field costs a page. Installed into WTForms'
    widgets below; a test checks that both write the same HTML."""
    params = []
    for key, value in sorted(attributes.items()):
        if value is True:
            params.append(str(escape(clean_key(key))))
        elif value is not False:
            quoted = str(escape(value)).replace('"', "&quot;")  # a Markup value is not escaped
            params.append(f'{escape(clean_key(key))}="{quoted}"')
    return Markup(" ".join(params))


WTFORMS_HTML_PARAMS = widgets.core.html_params  # kept for the test
widgets.html_params = widgets.core.html_params = html_params  # labels, selects, text areas
for widget in (widgets.Input, widgets.Button):  # inputs and buttons keep it as an attribute
    widget.html_params = staticmethod(html_params)


class FastSelect(widgets.Select):
    """WTForms' select box, its options written in one pass (or taken written from
    `Choices`): a list of hundreds of organisations or municipalities renders in a fraction of
    the time, as the same HTML."""

    def __call__(self, field, **kwargs):
        kept = isinstance(field.choices, Choices)
        if not kept and (self.multiple or field.has_groups()):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        for flag in self.validation_attrs:
            if flag not in kwargs and getattr(field.flags, flag, False):
                kwargs[flag] = getattr(field.flags, flag)
        current = str(field.data)
        if kept:
            options = field.choices.options_html(current)
        else:
            options = "".join(
                f'<option value="{escape(choice.value)}"'
                f'{" selected" if str(choice.value) == current else ""}>'
                f"{escape(choice.label or choice.value)}</option>"
                for choice in field._choices_from_input(field.choices) or [])
        params = html_params(name=field.name, **kwargs)
        return Markup(f"<select {params}>{options}</select>")


class SelectField(wtforms.SelectField):
    """The select field every form uses (with the fast widget above, and `Choices`)."""

    widget = FastSelect()

    def pre_validate(self, form):
        """One message for a value that is not among the choices, whatever their kind."""
        if self.process_errors or not self.validate_choice:
            return None
        if isinstance(self.choices, Choices):
            offered = self.data in self.choices
        else:
            offered = any(choice.selected for choice in self._iter_choices_normalized())
        if not offered:
            raise ValidationError(
                self.invalid_choice_message or _l("Vyberte jednu z nabízených možností."))
        return None

    def iter_choices(self):
        if not isinstance(self.choices, Choices):
            return super().iter_choices()
        return [wtforms.fields.choices.Choice(value, label, str(value) == str(self.data), {})
                for value, label in self.choices.pairs]

    def has_groups(self):
        return False if isinstance(self.choices, Choices) else super().has_groups()
