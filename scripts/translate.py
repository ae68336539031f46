"""Developer helper: fill translations from a JSON map {czech msgid: translation}.

Usage: .venv/bin/python scripts/translate.py map.json [en|cs]   (after make update-translations)
A plural entry is keyed by its singular msgid and takes a list of forms (English: 2; Czech,
the source language, needs its 3 forms: 1, 2–4, 5+). Prints what is still untranslated.
"""

import json
import sys

from babel.messages.pofile import read_po, write_po


def main(path: str, language: str = "en") -> None:
    catalogue = f"translations/{language}/LC_MESSAGES/messages.po"
    with open(path, encoding="utf-8") as source:
        translations = json.load(source)
    with open(catalogue, "rb") as po:
        catalog = read_po(po, locale=language)
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in translations:
            value = translations[key]
            message.string = tuple(value) if isinstance(value, list) else value
            message.flags.discard("fuzzy")
        elif key and not (all(message.string) if isinstance(message.string, tuple)
                          else message.string) and language == "en":
            print("untranslated:", key)
    with open(catalogue, "wb") as po:
        write_po(po, catalog, sort_output=True, no_location=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
