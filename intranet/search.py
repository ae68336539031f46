"""Searching without diacritics: the word search of texts such as published minutes and list
posts ("socialni sluzby" finds "sociální služby"), ranked, with snippets, on SQLite and on
PostgreSQL behind one interface; and the names of the indexes (the members' trigram index is
read by accounts.member_search). Every searchable text is folded (text.fold). This module
imports no feature: features search through it. Texts: see "word search" below.
"""

import re
from string import Formatter

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from .database import not_along_index
from .extensions import db
from .text import fold
from .words import text_keys, word_key

MEMBER_INDEX = "member_search"  # FTS5 table: rowid = member.id, text = the folded keys
MINUTES_INDEX = "minutes_search"  # FTS5 table: rowid = minutes.id, body = the plain text
LIST_INDEX = "list_search"  # FTS5 table: rowid = list_post.id, body = subject and text
TEXT_INDEXES = (MINUTES_INDEX, LIST_INDEX)  # kept by index_text (the members' by triggers)
INDEXES = (MEMBER_INDEX, *TEXT_INDEXES)
TRIGRAM = 3
# A search that finds more texts lists them newest first (is_broad): ranking costs about
# 8 µs a match on SQLite (bm25 of the words and their keys), 20 µs on PostgreSQL (it reads
# each match's document again).
RANKED_AT_MOST = 300
MARK, END_MARK = "\x02", "\x03"  # around the matched words of a snippet (see snippet_html)
WORD = re.compile(r"[^\W_]+")  # a word, as both databases' word indexes split text
# Each letter without diacritics with its variants that have them ("a": "aáä…").
VARIANTS: dict[str, str] = {}
for _code in range(0xC0, 0x250):
    if len(_base := fold(chr(_code))) == 1 and _base.isascii() and _base.isalpha():
        VARIANTS[_base] = VARIANTS.get(_base, _base) + chr(_code)


def is_index_table(name: str) -> bool:
    """The indexes and FTS5's own tables, which the models do not describe (for Alembic)."""
    return any(name == index or name.startswith(index + "_") for index in INDEXES)


# --- texts: word search, ranked, with snippets ------------------------------------------
# One interface, a backend per database: SQLite's FTS5 tables (body, keys), PostgreSQL's
# tables (rowid, body, keys, document: a weighted tsvector in a GIN index; migration
# 0a1b2c3d4e5f). Both hold the text itself and its words' keys (words.text_keys: lemma,
# folded, stemmed), so that "pecovatelska" finds "pečovatelské"; a word itself ranks above
# its key alone (SQLite: bm25 weights 10 : 1; PostgreSQL: weights A and B).
# PostgreSQL finds the matches through the index alone, with a query without weights (one
# with weights makes it read every match's document again) in the function
# <index>_matches(query), which tells the planner not to read the whole table instead: it
# cannot know that a document is kept out of line, and reading every one of them took
# 10 µs a row (a broad search at 20,000 minutes, 200 ms).

class text_match(FunctionElement):  # noqa: N801 - SQLAlchemy's name for SQL functions
    """Whether a row of the word index (the first argument, its name) matches the query
    (the second, the parameter :match, as match_params writes it for the database)."""

    type = sa.types.NullType()  # as a Boolean, SQLite would get "MATCH ? = 1", which it refuses
    inherit_cache = True


class text_match_each(text_match):  # noqa: N801
    """text_match checked on each row as another index reads them (among_matches): on
    PostgreSQL against the row's document, not through the index (the rows read are few when
    the matches are many, and the index would find every match first)."""

    inherit_cache = True


class in_matches(text_match):  # noqa: N801
    """Whether the id (first argument) is among the rows of the word index (second) that
    match the query (third): on PostgreSQL straight from <index>_matches()."""

    inherit_cache = True


class text_match_count(text_match):  # noqa: N801
    """How many rows of the word index match the query."""

    type = sa.Integer()
    inherit_cache = True


class text_rank(FunctionElement):  # noqa: N801
    """How well a row of the word index matches the query (on PostgreSQL :ranking, the
    weighted one): lower is better."""

    type = sa.Float()
    inherit_cache = True


def _sql_form(element_class, dialect: str, template: str) -> None:
    """Compile the construct on the dialect as the template, {n} its n-th argument's SQL
    (each occurrence compiled where it stands, so that positional parameters keep order)."""
    @compiles(element_class, dialect)
    def _compile(element, compiler, **kw):
        arguments = element.clauses.clauses
        return "".join(
            text + ("" if field is None else compiler.process(arguments[int(field)], **kw))
            for text, field, _, _ in Formatter().parse(template))


for construct, dialect, template in (  # each construct's SQL on each database
        (text_match, "sqlite", "{0} MATCH {1}"),
        (text_match, "postgresql", "{0}.rowid IN (SELECT {0}_matches(CAST({1} AS tsquery)))"),
        (text_match_each, "postgresql", "{0}.document @@ CAST({1} AS tsquery)"),
        (in_matches, "sqlite", "+{0} IN (SELECT rowid FROM {1} WHERE {1} MATCH {2})"),
        (in_matches, "postgresql", "{0} IN (SELECT {1}_matches(CAST({2} AS tsquery)))"),
        (text_match_count, "sqlite", "(SELECT count(*) FROM {0} WHERE {0} MATCH {1})"),
        (text_match_count, "postgresql",
         "(SELECT count(*) FROM {0}_matches(CAST({1} AS tsquery)))"),
        (text_rank, "sqlite", "{0}.rank"),
        (text_rank, "postgresql", "-ts_rank({0}.document, CAST({1} AS tsquery))")):
    _sql_form(construct, dialect, template)


INSERTS = {  # a row of a word index, per database
    "sqlite": "INSERT INTO {index}(rowid, body, keys) VALUES (:id, :body, :keys)",
    "postgresql": "INSERT INTO {index}(rowid, body, keys, document) VALUES (:id, :body, :keys,"
                  " setweight(to_tsvector('simple', :words), 'A')"
                  " || setweight(to_tsvector('simple', :distinct_keys), 'B'))",
}


def index_text(index: str, row_id: int, text: str, connection=None) -> None:
    """Put (or replace) a row's text in a word index, in the caller's transaction (the
    session's, or that of `connection`: a migration's)."""
    connection = connection or db.session.connection()
    insert, keys = INSERTS[connection.dialect.name].format(index=index), text_keys(text)
    connection.execute(sa.text(f"DELETE FROM {index} WHERE rowid = :id"), {"id": row_id})
    connection.execute(sa.text(insert), {  # PostgreSQL's document: each key once (smaller)
        "id": row_id, "body": text, "keys": keys, "words": " ".join(WORD.findall(fold(text))),
        "distinct_keys": " ".join(dict.fromkeys(keys.split()))})


def match_params(q: str) -> dict:
    """The values of the parameters :match (which rows match) and :ranking (how well, on
    PostgreSQL) of the conditions below, for the query."""
    words = WORD.findall(q)[:12]
    if not words:
        return {"match": None, "ranking": None}
    if dialect() == "sqlite":
        return {"match": _fts5_query(words), "ranking": None}
    return {"match": _tsquery(words, ("", "")), "ranking": _tsquery(words, ("A", "B"))}


def _fts5_query(words: list[str]) -> str:
    """Each word, or its key; the last word also as a prefix (SQLite FTS5)."""
    def either(word, prefix=""):
        key = word_key(word)
        return f'(body : "{word}"{prefix}' + (f' OR keys : "{key}")' if key else ")")

    return " AND ".join([either(word) for word in words[:-1]] + [either(words[-1], "*")])


def _tsquery(words: list[str], weights: tuple[str, str]) -> str:
    """Each word, or its key, with these weights (or none); the last word also as a prefix
    (PostgreSQL's tsquery)."""
    word_weight, key_weight = weights

    def lexeme(text, label):
        return f"'{text}'" + (f":{label}" if label else "")

    def either(word, prefix=""):
        key = word_key(word)
        return "(" + " | ".join([lexeme(fold(word), prefix + word_weight)]
                                + ([lexeme(key, key_weight)] if key else [])) + ")"

    return " & ".join([either(word) for word in words[:-1]] + [either(words[-1], "*")])


def _match(index: str) -> sa.ColumnElement[bool]:
    return text_match(sa.literal_column(index), sa.bindparam("match", type_=sa.String))


def text_matches(index: str) -> sa.CTE:
    """The rows of a word index that contain every word of a query (or its key; the last
    one also as the beginning of a word, for searching as one types), regardless of case and
    diacritics: columns id and rank, lower is better. The query is the parameter :match
    (match_params; for a query with words: has_words). (To count them or to keep rows among
    them, see match_count and among_matches: ranking costs more than finding.)"""
    table = sa.table(index, sa.column("rowid"))
    rank = text_rank(sa.literal_column(index), sa.bindparam("ranking", type_=sa.String))
    # Materialised: the matches are found once. As a plain subquery SQLite may, without
    # statistics, run the MATCH again for every row of the joined table (seconds, not ms).
    return (sa.select(table.c.rowid.label("id"), rank.label("rank"))
            .where(_match(index)).cte(f"{index}_ranked").prefix_with("MATERIALIZED"))


def among_matches(column, index: str, walked: bool = False) -> sa.ColumnElement[bool]:
    """The condition that `column` (a row's id) is among the rows of the index that match
    the query :match (found once), checked while reading another index of the rows ("+id":
    SQLite then walks, say, the list's messages in their index instead of fetching every
    match's whole row: 29 → 8 ms for 20,000 matches). `walked`: the rows are read in
    another order until a page is full (newest first, for a broad search): PostgreSQL
    checks each on its own document rather than finding every match first."""
    query = sa.bindparam("match", type_=sa.String)
    if walked:
        each = text_match_each(sa.literal_column(index), query)
        return not_along_index(column).in_(
            sa.select(sa.table(index, sa.column("rowid")).c.rowid).where(each))
    return in_matches(column, sa.literal_column(index), query)


def match_count(index: str) -> sa.Select:
    """How many rows text_matches() finds, counted in the index itself (nothing is
    materialised: a search of "do" counts 20,000 minutes in 1 ms instead of 6)."""
    return sa.select(text_match_count(sa.literal_column(index),
                                      sa.bindparam("match", type_=sa.String)))


def dialect() -> str:
    return db.session.get_bind().dialect.name


def has_words(q: str) -> bool:
    """Whether the query has a word to search for: punctuation alone has none, nor a single
    letter, the first one typed (it begins a word in nearly every text: listing what it
    finds would tell nothing and cost the most of all searches)."""
    return any(len(word) > 1 for word in WORD.findall(q or ""))


def is_broad(q: str, matches: int = 0) -> bool:
    """Whether the texts a query finds are listed newest first rather than ranked: a query of
    the first letter or two of its words ("a", "do"), or one that matches more texts than
    RANKED_AT_MOST ("zapis" is in every minutes): ranking them all costs more than it tells
    (50 ms at 20,000 minutes), and the newest are what people look for among so many."""
    return matches > RANKED_AT_MOST or all(len(word) < TRIGRAM for word in WORD.findall(q)[:12])


def snippets(index: str, q: str, ids: list[int]) -> dict[int, str]:
    """The passage around the first match in each of these rows (matched words between MARK
    and END_MARK, see snippet_html), for the rows of one page."""
    words = WORD.findall(q)[:12]
    if not words or not ids:
        return {}
    found = db.session.execute(sa.text(
        f"SELECT rowid, body FROM {index} WHERE rowid IN ({','.join(map(str, map(int, ids)))})"))
    pattern = words_pattern(words)
    return {row_id: snippet(body, pattern) for row_id, body in found}


def words_pattern(words: list[str]) -> re.Pattern:
    """Any of the words, the last also as the beginning of a word, in any case and with or
    without diacritics ("socialni" matches "Sociální"), and words that begin with a word's
    key (another form of it: "pecovatelska" marks "pečovatelské")."""
    def letters(word):
        return "".join(f"[{''.join(VARIANTS.get(c, c))}]" if c in VARIANTS else re.escape(c)
                       for c in fold(word))

    keys = {word_key(word) for word in words} - {fold(word) for word in words}
    alternatives = ([letters(word) for word in words[:-1]] + [letters(words[-1]) + r"\w*"]
                    + [letters(key) + r"\w*" for key in sorted(keys)])
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


def snippet(text: str, pattern: re.Pattern, before: int = 80, after: int = 160) -> str:
    """About 240 characters of text around the first match of the pattern, matches marked."""
    first = pattern.search(text)
    if first is None:
        return text[:before + after].strip() + ("…" if len(text) > before + after else "")
    start = max(0, text.rfind(" ", 0, max(0, first.start() - before)) + 1)
    end = text.find(" ", min(len(text), first.end() + after))
    end = len(text) if end < 0 else end
    parts, position = [], start
    for match in pattern.finditer(text, start, end):
        parts += [text[position:match.start()], MARK, match.group(), END_MARK]
        position = match.end()
    parts.append(text[position:end])
    passage = " ".join("".join(parts).split())
    return ("…" if start > 0 else "") + passage + ("…" if end < len(text) else "")


def snippet_html(snippet: str | None) -> Markup:
    """A snippet as safe HTML, its matched words in <mark>."""
    escaped = str(escape(snippet or ""))
    return Markup(escaped.replace(MARK, "<mark>").replace(END_MARK, "</mark>"))


def include_object(_object, name, type_, _reflected, _compare_to) -> bool:
    """Alembic's filter: leave the word indexes and PostgreSQL's trigram indexes of the
    members' search keys (migration 0a1b2c3d4e5f) out of model comparisons."""
    return not ((type_ == "table" and is_index_table(name))
                or (type_ == "index" and name.endswith("_trigrams")))
