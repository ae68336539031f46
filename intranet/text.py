"""Text helpers shared by models and searches: folding for search, Czech sort order."""

import re
import threading
import unicodedata
from email.headerregistry import Address

import icu

_local = threading.local()


def fold(text: str | None) -> str:
    """Lower-case text without diacritics, so that "novak" finds "Novák"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def like_pattern(query: str) -> str:
    """A LIKE pattern that finds the folded query anywhere, with wildcards escaped."""
    escaped = fold(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def normalise_email(address: str) -> str:
    """E-mail addresses are compared and stored trimmed and in lower case."""
    return (address or "").strip().lower()


def _czech_collator():
    """ICU's Czech collation (č after c, ch after h, ř, š, ž), one instance per thread."""
    collator = getattr(_local, "collator", None)
    if collator is None:
        collator = _local.collator = icu.Collator.createInstance(icu.Locale("cs_CZ"))
    return collator


def czech_key(*parts: str | None) -> bytes:
    """A binary sort key in Czech order: compared byte by byte (SQL or Python) it sorts
    "Černá" after "Cibulka", "Chalupa" after "Hrubá" and "Úřad práce" among the U's.

    Several parts (surname, first name) are compared in turn."""
    text = " ".join(part or "" for part in parts).strip()
    return bytes(_czech_collator().getSortKey(text))


LINE_BREAKING = {"Cc", "Zl", "Zp"}  # control characters, line and paragraph separators


def single_line(value):
    """A single-line field's value: trimmed, line breaks and other control characters as spaces."""
    if not isinstance(value, str):
        return value
    return "".join(" " if unicodedata.category(c) in LINE_BREAKING else c
                   for c in value).strip()


ADDRESS_LIKE = re.compile(r"\S*@\S*")
ADDRESS_SYNTAX = re.compile(r'[<>"]')
ENCODED_WORD = re.compile(r"=\?")  # =?utf-8?q?…?=: mail clients would decode it (RFC 2047)


def plain_name(name: str | None) -> str:
    """A name as e-mail shows it: without anything that looks like an e-mail address or
    its syntax (< > " @, an encoded word), so that no name can pose as an address in a mail
    client."""
    cleaned = ENCODED_WORD.sub(" ", single_line(name or ""))
    cleaned = ADDRESS_SYNTAX.sub(" ", ADDRESS_LIKE.sub(" ", cleaned))
    return " ".join(cleaned.split()).strip(" ,;:")


def mail_address(name: str | None, address: str) -> str:
    """ "Name" <address> for a header, the name one quoted phrase (email.headerregistry:
    formataddr's encoded name is decoded again unquoted, and a name with "<x@y>" or "a@b,"
    would then add an address)."""
    return str(Address(display_name=plain_name(name), addr_spec=address))


def size_text(size: int) -> str:
    """A file size as people read it: "20 MB", "1,5 MB", "5 kB"."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f}".rstrip("0").rstrip(".").replace(".", ",") + " MB"
    return f"{max(size // 1000, 1)} kB"
