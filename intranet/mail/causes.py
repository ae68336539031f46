"""Why a message was not delivered, in plain Czech for administrators (from the server's
reply or the error the deliverer kept)."""

import re
from functools import lru_cache

from ..i18n import lazy_gettext as _l

CODE = re.compile(r"\b([245])\d\d\b")
CAUSES = [  # (a pattern in the kept error, what it means), the first that matches
    (re.compile(r"nelze sestavit", re.I),
     _l("Zprávu nelze sestavit (např. zalomení řádku v předmětu); nezkouší se znovu.")),
    (re.compile(r"\b552\b|5\.2\.2|mailbox full|quota|over quota", re.I),
     _l("Schránka příjemce je plná.")),
    (re.compile(r"\b55[01]\b|\b553\b|5\.1\.[0-9]|no such|unknown user|user unknown|"
                r"does not exist", re.I),
     _l("Adresa neexistuje nebo ji server příjemce nezná.")),
    (re.compile(r"\b554\b|5\.7\.[0-9]|spam|blocked|policy", re.I),
     _l("Server příjemce zprávu odmítl (např. jako nevyžádanou).")),
    (re.compile(r"refused|timed out|timeout|unreachable|disconnected|\b421\b", re.I),
     _l("Poštovní server nebyl dostupný; zkusí se znovu.")),
]


def cause_in_czech(error: str | None) -> str:
    """What went wrong, for people; the raw error stays beside it for the specialist."""
    return str(_cause(error)) if error else ""


@lru_cache(maxsize=1024)
def _cause(error: str):
    """The meaning of an error (lazy: in the language of the request that shows it); the
    same few errors fill a list of failed deliveries."""
    for pattern, meaning in CAUSES:
        if pattern.search(error):
            return meaning
    code = CODE.search(error)
    if code and code.group(1) == "4":
        return _l("Server příjemce zprávu dočasně odmítl; zkusí se znovu.")
    if code and code.group(1) == "5":
        return _l("Server příjemce zprávu trvale odmítl.")
    return _l("Jiná chyba při odesílání.")
