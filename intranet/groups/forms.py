"""The working-group form."""

from wtforms import TextAreaField
from wtforms.validators import Optional, ValidationError

from ..forms import Form, max_length, strip, text_field, whole_number
from ..i18n import lazy_gettext as _l
from . import services


class GroupForm(Form):
    number = whole_number(_l("Číslo skupiny"), 1, 999,
                          description=_l("např. 4 pro „Pracovní skupina č. 4“"))
    name = text_field(_l("Název"), 150, description=_l("např. Sociální služby"))
    description = TextAreaField(_l("Popis"), [Optional(), max_length(5000)], filters=[strip])
    rules = TextAreaField(_l("Pravidla komunikace"), [Optional(), max_length(5000)],
                          filters=[strip],
                          description=_l("Každé pravidlo na nový řádek začínající pomlčkou, "
                                         "např. „- Dochvilnost“."))
    reminder_days = whole_number(_l("Připomenutí schůzky (dní předem)"), 0, 14, default=1,
                                 description=_l("0 = připomínka se neposílá"))

    def __init__(self, *args, group_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.group_id = group_id

    def validate_number(self, field):
        if field.data and services.number_taken(field.data, except_id=self.group_id):
            raise ValidationError(_l("Skupina s tímto číslem už existuje."))
