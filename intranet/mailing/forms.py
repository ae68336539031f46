"""Posting to a list, moderating, choosing how to receive a list, searching an archive."""

from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import Optional, Regexp, ValidationError

from ..forms import Form, max_length, options, required, single_line, strip, text_field
from ..i18n import lazy_gettext as _l
from .models import HeldBecause, Mode

MAX_TEXT_BYTES = 200_000

MODE_LABELS = {
    Mode.EACH: _l("každou zprávu e-mailem"),
    Mode.DIGEST: _l("jednou denně souhrn e-mailem"),
    Mode.WEB: _l("jen na webu, bez e-mailů"),
}


HELD_LABELS = {
    HeldBecause.MODERATED: _l("Rozesílač je moderovaný."),
    HeldBecause.STRANGER: _l("Adresa odesílatele nepatří nikomu z rozesílače."),
    HeldBecause.AUTOMATIC: _l("Automatická odpověď (např. nepřítomnost)."),
    HeldBecause.UNVERIFIED: _l("Odesílatele nelze ověřit: adresa patří někomu z rozesílače, "
                               "ale poštovní server nepotvrdil, že zprávu poslal(a) opravdu "
                               "on(a). Zpráva může být podvržená."),
    HeldBecause.FILES: _l("Některou přílohu nešlo přijmout; zpráva by odešla bez ní."),
}


def within_size(_form, field):
    if len((field.data or "").encode()) > MAX_TEXT_BYTES:
        raise ValidationError(_l("Text je příliš dlouhý: nejvýše %(kb)d kB. Delší dokument "
                                 "přiložte jako soubor.", kb=MAX_TEXT_BYTES // 1000))


MAX_FILES = 5


def few_files(_form, field):
    if len([f for f in field.data or [] if f and f.filename]) > MAX_FILES:
        raise ValidationError(_l("Nejvýše %(n)d příloh.", n=MAX_FILES))


class PostForm(Form):
    subject = text_field(_l("Předmět"), 200)
    text = TextAreaField(_l("Text zprávy"), [required(_l("Napište text zprávy.")), within_size],
                         filters=[strip], render_kw={"rows": 14, "spellcheck": "true"})
    files = MultipleFileField(_l("Přílohy (nepovinné)"), [few_files])

    def uploads(self) -> list:
        """The files chosen (an empty file input sends one without a name)."""
        return [f for f in self.files.data or [] if f and f.filename]


class RejectForm(Form):
    reason = text_field(_l("Proč zprávu nepouštíte"), 500,
                        description=_l("Pisatel(ka) dostane toto vysvětlení e-mailem."))


class ModeForm(Form):
    mode = RadioField(_l("Jak chcete zprávy dostávat"), choices=options(MODE_LABELS.items()),
                      validators=[required(_l("Vyberte, jak chcete zprávy dostávat."))])


class ArchiveSearchForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Hledat ve zprávách"), [Optional(), max_length(200)],
                    filters=[single_line])


class ListForm(Form):
    """A list's settings; the address only when a list is made."""

    name = text_field(_l("Název"), 200, description=_l("např. Koordinátoři a koordinátorky"))
    address = StringField(
        _l("Adresa (část před zavináčem)"),
        [required(), Regexp(r"^[a-z0-9][a-z0-9-]{1,39}$", message=_l(
            "Jen malá písmena bez diakritiky, číslice a pomlčky, 2 až 40 znaků."))],
        filters=[single_line], description=_l("např. koordinatori; nelze později změnit"))
    description = text_field(_l("Popis"), 500, optional=True)
    moderated = BooleanField(_l("Zprávy před odesláním schvaluje moderátor(ka)"))
    trusts_from_header = BooleanField(
        _l("Věřit adrese odesílatele i bez ověření poštovním serverem"),
        description=_l("Kdokoli může napsat e-mail s cizí adresou odesílatele. Bez ověření "
                       "(DKIM/DMARC) čekají e-maily členů a členek na schválení; zapněte jen "
                       "tam, kde podvržená zpráva nemůže uškodit."))
    reply_to = RadioField(_l("Odpovědi na zprávy jdou"), choices=options([
        ("list", _l("do celého rozesílače")), ("poster", _l("jen pisateli / pisatelce"))]),
        default="list")

    def __init__(self, *args, address_taken=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.address_taken = address_taken

    def validate_address(self, field):
        if self.address_taken and self.address_taken(field.data):
            raise ValidationError(_l("Tuto adresu už používá jiný rozesílač."))


class AddMembersForm(Form):
    emails = TextAreaField(_l("E-mailové adresy členů"),
                           [required(_l("Napište aspoň jednu adresu."))], filters=[strip],
                           description=_l("Každou na nový řádek nebo oddělené čárkou."))
