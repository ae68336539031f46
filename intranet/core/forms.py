"""The search box's form (a GET form: no CSRF token)."""

from wtforms import StringField
from wtforms.validators import Optional

from ..forms import Form, max_length
from ..i18n import lazy_gettext as _l
from ..text import single_line

MAX_QUERY = 200


class SearchForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Hledat v zápisech, rozesílačích, lidech, organizacích a stážích"),
                    [Optional(), max_length(MAX_QUERY)], filters=[single_line])
