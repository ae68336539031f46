"""The report's one filter: the year (a GET form)."""

from wtforms import SelectField, ValidationError

from ..forms import Form, coerce_id, options
from ..i18n import lazy_gettext as _l


class YearForm(Form):
    """Which year's report: one of the years with data (a year outside them, or a word, is
    said at the field and the default year's report shown)."""

    class Meta:
        csrf = False

    year = SelectField(_l("Rok"), coerce=coerce_id, validate_choice=False)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        self.year.choices = options([(year, str(year)) for year in years])

    def validate_year(self, field):
        if field.data not in self.years:
            raise ValidationError(_l("Za takový rok zpráva není; vyberte rok ze seznamu."))
