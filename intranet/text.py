"""Text helpers shared by models and searches."""

import unicodedata


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
