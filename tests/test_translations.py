"""Every UI text in the code has an English translation (Czech is the source language)."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).parent.parent
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "_lp": ((1, "c"), 2),
            "lazy_pgettext": ((1, "c"), 2)}
TEMPLATES = sorted(p for p in (ROOT / "templates").rglob("*") if p.suffix in (".html", ".txt"))


def babel_mapping() -> tuple[list, dict]:
    """The extraction map of babel.cfg, the one `make update-translations` uses."""
    with (ROOT / "babel.cfg").open() as cfg:
        return parse_mapping_cfg(cfg, "babel.cfg")


def walked(path: str) -> bool:
    """Directories extracted, as in the Makefile's --ignore-dirs ('_macros' is one of them)."""
    name = Path(path).name
    return not (name.startswith(".") or name == "node_modules")


def source_messages() -> set:
    method_map, options_map = babel_mapping()
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS, directory_filter=walked):
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


def test_macros_are_extracted():
    assert ("Formulář obsahuje chyby. Opravte prosím označená pole.") in {
        msgid for _context, msgid in source_messages()}


@pytest.fixture(scope="module")
def jinja_env():
    from intranet import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"}).jinja_env


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_extraction_sees_what_the_app_renders(jinja_env, path):
    """Babel's Jinja extractor silently skips a template it cannot parse (e.g. `{% do %}`
    without the extension in babel.cfg): it must find every text the app's Jinja finds."""
    source = path.read_text(encoding="utf-8")
    rendered = {line for line, _function, _message in jinja_env.extract_translations(source)}
    relative = path.relative_to(ROOT).as_posix()
    method_map, options_map = babel_mapping()
    pattern, method = next((p, m) for p, m in method_map if _matches(p, relative))
    extracted = {line for line, *_ in extract_from_file(
        method, path, keywords=KEYWORDS, options=options_map.get(pattern, {}))}
    assert extracted == rendered


def _matches(pattern: str, path: str) -> bool:
    from babel.util import pathmatch

    return bool(pathmatch(pattern, path))


# --- text that never reaches gettext --------------------------------------------------------

COMMENT = re.compile(r"\{#.*?#\}", re.S)
TRANS_BLOCK = re.compile(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", re.S)
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
TAG = re.compile(r"<[^>]*>", re.S)
ATTRIBUTE = re.compile(r"""([\w:.@-]+)\s*=\s*("[^"]*"|'[^']*')""")
ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|\w+);", re.I)
LETTER = re.compile(r"[^\W\d_]", re.U)
# Attributes a person reads or hears; the value of an <input> button is its visible label.
TEXT_ATTRIBUTES = {"placeholder", "title", "aria-label", "aria-roledescription",
                   "aria-valuetext", "alt", "label", "hx-confirm", "hx-prompt"}
INPUT_BUTTON = re.compile(r"""\btype\s*=\s*["']?(submit|button|reset)\b""", re.I)
STRING = r"""(?:"[^"\\]*(?:\\.[^"\\]*)*"|'[^'\\]*(?:\\.[^'\\]*)*')"""
GETTEXT_CALL = re.compile(
    rf"\b(?:_|gettext|ngettext|pgettext|npgettext)\(\s*{STRING}(?:\s*,\s*{STRING})*")
CZECH = re.compile(r"[ěščřžýáíéůúťďňóĚŠČŘŽÝÁÍÉŮÚŤĎŇÓ]")
# Genuine non-text: abbreviations and symbols that read the same in both languages, and
# language names written in their own language (the language switch).
NOT_TEXT = {"CSV", "©", "✎", "↑", "↓", "·", "→", "←", "Čeština", "English"}


def _blank(match: re.Match) -> str:
    """Keep line numbers while cutting something out."""
    return " " + "\n" * match.group().count("\n")


def _words(text: str) -> list[str]:
    text = ENTITY.sub(" ", text)
    return [word for word in text.split() if LETTER.search(word) and word not in NOT_TEXT]


def untranslated(path: Path) -> list[str]:
    """Literal texts of a template that bypass gettext, as 'line: kind: text'."""
    source = path.read_text(encoding="utf-8")
    found = []
    for expression in JINJA.finditer(source):
        for literal in re.finditer(STRING, GETTEXT_CALL.sub(" ", expression.group())):
            if CZECH.search(literal.group()) and literal.group()[1:-1] not in NOT_TEXT:
                found.append((_line(source, expression.start()), "literal", literal.group()))
    text = JINJA.sub(_blank, TRANS_BLOCK.sub(_blank, COMMENT.sub(_blank, source)))
    if path.suffix == ".html":
        text = SCRIPT_OR_STYLE.sub(_blank, text)
        found += _attribute_texts(text)
        text = TAG.sub(_blank, text)
    for number, line in enumerate(text.split("\n"), 1):
        if words := _words(line):
            found.append((number, "text", " ".join(words)))
    return [f"{line}: {kind}: {what}" for line, kind, what in sorted(found)]


def _line(text: str, at: int) -> int:
    return text.count("\n", 0, at) + 1


def _attribute_texts(html: str) -> list[tuple[int, str, str]]:
    """Texts in attributes a person reads or hears (the cut-outs kept the line numbers)."""
    found = []
    for tag in TAG.finditer(html):
        for name, quoted in ATTRIBUTE.findall(tag.group()):
            name = name.lower()
            shown = name in TEXT_ATTRIBUTES or (
                name == "value" and tag.group().lower().startswith("<input")
                and INPUT_BUTTON.search(tag.group()))
            if shown and _words(quoted[1:-1]):
                found.append((_line(html, tag.start()), f"attribute {name}", quoted[1:-1]))
    return found


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_untranslated_text(path):
    assert untranslated(path) == [], "wrap these in _() and run `make update-translations`"


@pytest.mark.parametrize("snippet", [
    "<p>Uložit</p>",
    "<h1>{{ title }} – seznam</h1>",
    '<input type="search" placeholder="např. Nováková">',
    '<a href="/" title="Zpět">←</a>',
    '<button aria-label="Zavřít">×</button>',
    '<input type="submit" value="Odeslat">',
    "{{ 'Přítomen' if present }}",
    "<p>{{ ngettext('%(num)d člen', '%(num)d členů', n) }} {{ 'členové' }}</p>",
])
def test_the_scan_finds_untranslated_text(tmp_path, snippet):
    template = tmp_path / "page.html"
    template.write_text(snippet, encoding="utf-8")
    assert untranslated(template)


@pytest.mark.parametrize("snippet", [
    "<p>{{ _('Uložit') }}</p>",
    '<input placeholder="{{ _(\'např. Nováková\') }}" value="{{ q }}">',
    '<button type="submit" name="action" value="renew">{{ _("Obnovit") }}</button>',
    "{# Komentář pro vývojáře #}<p>{{ ngettext('%(num)d člen', '%(num)d členů', n) }}</p>",
    "{% trans %}Dobrý den{% endtrans %}",
    "<script>let text = 'ahoj';</script><span>CSV ✎ &nbsp; 9:00–11:00</span>",
])
def test_the_scan_lets_translated_text_pass(tmp_path, snippet):
    template = tmp_path / "page.html"
    template.write_text(snippet, encoding="utf-8")
    assert untranslated(template) == []


def test_the_scan_names_the_line(tmp_path):
    template = tmp_path / "page.html"
    template.write_text('{% if x %}\n{{ _("Ano") }}\n<p title="Nápověda">\n  10 min</p>\n',
                        encoding="utf-8")
    assert untranslated(template) == ["3: attribute title: Nápověda", "4: text: min"]
