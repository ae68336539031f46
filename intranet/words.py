"""Search keys of words, so that a search finds a Czech word in any of its forms.

A word's key is its lemma from simplemma's Czech dictionary ("služeb" → "služba"), folded
(lower case without diacritics: "sluzba") and lightly stemmed (a regular case ending stripped:
"sluzb"), in ASCII letters and digits: a safe token for SQLite's FTS5 and PostgreSQL's
to_tsvector('simple', …). A text is indexed by its words' keys beside its words, and a query's
words are searched for by their keys: "pecovatelskych sluzeb" finds "pečovatelské služby".

The lemma alone does not do: the dictionary does not know every word ("seniorům") and keeps
some feminine adjectives as lemmas of their own ("pečovatelská" beside "pečovatelský"), which
the stem brings together. The dictionary is looked up by folded forms, for the indexed text as
for a query (typed without diacritics by most people): a word's key depends on its folded
spelling alone, so a query still finds every word it matched without diacritics before.
"""

import re
import unicodedata
from collections import Counter, defaultdict
from functools import cache, lru_cache
from itertools import compress
from operator import ne

from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

from .text import fold

WORD = re.compile(r"[^\W_]+")
NOT_KEY = re.compile(r"[^a-z0-9]+")
# Case endings of nouns and adjectives without diacritics (-ých, -ými, -ému, -ách, -ové, -ou…).
ENDINGS = "ych ymi eho emu ich imi iho imu ami emi ach ech ovi ove ou em ym im am um a e i o u y"
MIN_STEM = 3  # "obec" and "obed" stay apart
STEM = re.compile(rf"([a-z]{{{MIN_STEM},}}?)(?:{'|'.join(ENDINGS.split())})")


def stem(folded: str) -> str:
    """A folded word without its case ending ("pecovatelskych" → "pecovatelsk")."""
    match = STEM.fullmatch(folded)
    return match.group(1) if match else folded


@lru_cache(maxsize=2**16)
def word_key(word: str) -> str:
    """The search key of a word with or without diacritics ("sluzeb" → "sluzb")."""
    folded = NOT_KEY.sub("", fold(word))
    if len(folded) < 3 or not folded.isalpha():  # "do", "z", "2024" stay as they are
        return folded
    return _dictionary_keys().get(folded) or stem(folded)


def text_keys(text: str) -> str:
    """The keys of a text's words, in order and space-separated, for indexing."""
    return " ".join(filter(None, map(word_key, WORD.findall(text or ""))))


def _entries(dictionary) -> tuple[str, str]:
    """The forms and the lemmas of a simplemma dictionary, one a line. Read from the bytes it
    keeps where it does: decoding every entry through its Mapping takes 0.3 s more."""
    raw = getattr(dictionary, "_dict", None)
    if isinstance(raw, dict):
        return b"\n".join(raw).decode(), b"\n".join(raw.values()).decode()
    forms = list(dictionary)
    return "\n".join(forms), "\n".join(map(dictionary.__getitem__, forms))


def _fold_lines(text: str) -> list[str]:
    """fold() of each line, done on the whole text at once: six times as fast as line by line."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return text.lower().split("\n")


@cache
def _dictionary_keys() -> dict[str, str]:
    """The key of every folded form of simplemma's Czech dictionary: built once (about 1 s),
    it keeps about 30 MB."""
    forms, lemmas = _entries(DefaultDictionaryFactory().get_dictionary("cs"))  # then dropped
    common = list(map(str.islower, forms.split("\n")))
    forms, lemmas = _fold_lines(forms), _fold_lines(lemmas)

    def keys_of(chosen: list[bool]) -> dict[str, str]:
        return _keys(list(compress(forms, chosen)), list(compress(lemmas, chosen)))

    keys = keys_of(common)
    for form, key in keys_of([not is_common for is_common in common]).items():
        keys.setdefault(form, key)  # common words outweigh names ("brezna": březen, Březno)
    return keys


def _keys(forms: list[str], lemmas: list[str]) -> dict[str, str]:
    """The key of each folded form, given the folded lemma of each."""
    stems = {lemma: stem(NOT_KEY.sub("", lemma)) for lemma in set(lemmas)}
    values = list(map(stems.__getitem__, lemmas))
    keys = dict(zip(forms, values, strict=True))
    keys.update(_ambiguous_keys(forms, values, keys))
    keys.update(stems)  # a lemma is its own word ("sluha": not "služka", as simplemma has it)
    return keys


def _ambiguous_keys(forms: list[str], values: list[str], keys: dict[str, str]) -> dict[str, str]:
    """One key for each folded form of several words ("bude": být, budit): the key that most
    of its spellings have, else the shorter, the simpler word ("byt"), else the first."""
    ambiguous = set(compress(forms, map(ne, map(keys.__getitem__, forms), values)))
    candidates = defaultdict(Counter)
    for form, key in compress(zip(forms, values, strict=True), map(ambiguous.__contains__, forms)):
        candidates[form][key] += 1
    return {form: _most_common(counts) for form, counts in candidates.items()}


def _most_common(counts: Counter) -> str:
    """The most frequent key, else the shortest, else the first in alphabetical order."""
    return min(counts, key=lambda key: (-counts[key], len(key), key))


def prepare() -> None:
    """Build the dictionary's keys now (about 1 s), not during the first search or edit."""
    _dictionary_keys()
