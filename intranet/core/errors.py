"""Error pages in the user's language; htmx swaps them in like any page."""

from flask import current_app, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, SecurityError

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..policy import ask_to_log_in, needs_login
from ..text import size_text
from ..web import wants_fragment

MESSAGES = {
    400: (_l("Požadavek se nepodařilo zpracovat"),
          _l("Zkontrolujte zadané údaje a zkuste to znovu.")),
    403: (_l("Sem nemáte přístup"),
          _l("Tuto stránku nebo akci vaše role neumožňuje. Pokud ji potřebujete, obraťte se "
             "na správce intranetu.")),
    404: (_l("Stránka nenalezena"),
          _l("Stránka neexistuje nebo byla odstraněna. Zkontrolujte adresu, nebo pokračujte "
             "z hlavní stránky.")),
    405: (_l("Tuto akci nelze provést"), _l("Na tuto adresu nelze odeslat takový požadavek.")),
    429: (_l("Příliš mnoho pokusů"), _l("Chvíli počkejte a zkuste to znovu.")),
    500: (_l("Něco se pokazilo"),
          _l("Omlouváme se, na naší straně nastala chyba. Nic z toho, co jste uložili dříve, "
             "se neztratilo. Zkuste to prosím znovu za chvíli.")),
}
CSRF_MESSAGE = (_l("Formulář vypršel"),
                _l("Stránka byla otevřená příliš dlouho nebo jste se mezitím odhlásili. "
                   "Vraťte se zpět, obnovte stránku a odešlete formulář znovu."))


def render_error(code: int, title, message):
    """The error page; an htmx fragment request shows it as the whole page, not in a target."""
    headers = {"HX-Retarget": "body", "HX-Reswap": "innerHTML"} if wants_fragment() else {}
    page = render_template("errors/error.html", code=code, title=title, message=message)
    return page, code, headers


def register_error_handlers(app) -> None:
    @app.errorhandler(SecurityError)
    def _untrusted_host(_error):
        # No URLs can be built for a host outside TRUSTED_HOSTS, so no page either.
        return "400 Bad Request: untrusted host", 400, {"Content-Type": "text/plain"}

    @app.errorhandler(CSRFError)
    def _csrf_error(_error):
        if needs_login():  # the session ended: log in again rather than "form expired"
            return ask_to_log_in()
        return render_error(400, *CSRF_MESSAGE)

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(_error):
        return render_error(413, _l("Soubor je příliš velký"), _l(
            "Soubor může mít nejvýše %(limit)s. Zmenšete jej nebo jej rozdělte a zkuste to "
            "znovu.", limit=size_text(current_app.config["MAX_ATTACHMENT_BYTES"])))

    @app.errorhandler(HTTPException)
    def _http_error(error):
        title, message = MESSAGES.get(error.code, (error.name, error.description))
        return render_error(error.code or 500, title, message)

    @app.errorhandler(500)
    def _server_error(_error):
        db.session.rollback()
        return render_error(500, *MESSAGES[500])
