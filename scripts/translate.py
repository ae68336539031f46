"""Developer helper: fill English translations from a JSON map {czech msgid: english}.

Usage: .venv/bin/python scripts/translate.py translations.json  (after make update-translations)
Prints the msgids that are still untranslated.
"""

import json
import sys

from babel.messages.pofile import read_po, write_po

CATALOGUE = "translations/en/LC_MESSAGES/messages.po"


def main(path: str) -> None:
    with open(path, encoding="utf-8") as source:
        translations = json.load(source)
    with open(CATALOGUE, "rb") as po:
        catalog = read_po(po, locale="en")
    for message in catalog:
        if message.id in translations:
            message.string = translations[message.id]
        elif message.id and not message.string:
            print("untranslated:", message.id)
    with open(CATALOGUE, "wb") as po:
        write_po(po, catalog, sort_output=True, no_location=True)


if __name__ == "__main__":
    main(sys.argv[1])
