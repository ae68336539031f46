"""Every UI text in the code has an English translation (Czech is the source language)."""

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).parent.parent
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "_lp": ((1, "c"), 2),
            "lazy_pgettext": ((1, "c"), 2)}
METHODS = [("intranet/**.py", "python"), ("templates/**.html", "jinja2"),
           ("templates/**.txt", "jinja2")]


def source_messages() -> set:
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            ROOT, METHODS, keywords=KEYWORDS, options_map={"templates/**": {}}):
        msgid = message[0] if isinstance(message, tuple) else message
        found.add((context, msgid))
    return found


def catalogue(language: str):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def test_every_text_has_an_english_translation():
    english = {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m
               for m in catalogue("en") if m.id}
    missing = [key for key in source_messages() if key not in english]
    assert not missing, "run `make update-translations` and translate: " + repr(missing[:5])
    empty = [key for key, m in english.items()
             if not (all(m.string) if isinstance(m.string, tuple) else m.string) or m.fuzzy]
    assert not empty, empty[:5]


def test_czech_plurals_have_three_forms():
    for message in catalogue("cs"):
        if message.pluralizable:
            assert len(message.string) == 3 and all(message.string), message.id
