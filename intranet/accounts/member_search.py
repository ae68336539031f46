"""Finding members without diacritics ("novak" finds Nováková, her organisation and town).

On SQLite the members are found through a trigram full-text index (FTS5) of their name,
organisation and municipality (search.MEMBER_INDEX), which triggers keep up to date
(migration d5e6f7a8b9c0): a search reads the matches, not every member. A query shorter than
a trigram falls back to LIKE over the folded keys; on PostgreSQL every member search is that
LIKE, which GIN trigram indexes (pg_trgm) answer.
"""

import sqlalchemy as sa

from ..organisations.models import Municipality, Organisation
from ..search import MEMBER_INDEX, TRIGRAM, dialect
from ..text import fold, like_pattern
from .models import Member, of_organisation


def member_search(q: str) -> tuple[str | None, dict]:
    """How members whose name, organisation or municipality contains the query are found:
    along the trigram index ("index"), by comparing the folded keys ("like": a query shorter
    than a trigram, or a database without the index), or not at all (None: no query); and
    the values of matching_members' parameters (for "index" also those of "in order")."""
    folded = fold(q)
    if not folded.strip():
        return None, {}
    if len(folded) >= TRIGRAM and dialect() == "sqlite":
        return "index", {"phrase": '"' + folded.replace('"', '""') + '"',
                         "pattern": like_pattern(q)}
    return "like", {"pattern": like_pattern(q)}


# Reading a member in sort order and testing its indexed text costs about three times as much
# as reading one match from the index (1.2 and 0.4 µs on SQLite).
READ_IN_ORDER_COST = 3


def reads_in_order(matches: int, everyone: int, rows: int) -> bool:
    """Whether an "index" search that matches `matches` of `everyone` members finds its first
    `rows` rows sooner "in order" (reading members in their order and testing each: about
    rows × everyone / matches of them) than along the index (reading every match and sorting
    them). A broad search ("obec 1" matches half the members) then takes 0.1 ms, not 1 ms;
    a narrow one keeps the index."""
    return matches > 0 and READ_IN_ORDER_COST * rows * everyone < matches * matches


def matching_members(query: sa.Select, search: str) -> sa.Select:
    """A select of members narrowed to a member_search of that kind, its values as
    parameters. Along the index it is joined to the index: the matches are read from it and
    their members looked up by id (an IN over the index's rowids first built a table of
    them: a broad search counted its 2,700 matches in 2.6 ms, joined in 1.9 ms)."""
    pattern = sa.bindparam("pattern", type_=sa.String)
    if search == "index":
        index = sa.table(MEMBER_INDEX, sa.column("rowid"))
        phrase = sa.bindparam("phrase", type_=sa.String)
        return (query.join(index, index.c.rowid == Member.id)
                .where(sa.literal_column(MEMBER_INDEX).op("MATCH")(phrase)))
    if search == "in order":
        return query.where(_indexed_text().like(pattern, escape="\\"))
    matching_organisations = (
        sa.select(Organisation.id).join(Organisation.municipality)
        .where(Organisation.search_key.like(pattern, escape="\\")
               | Municipality.search_key.like(pattern, escape="\\")))
    return query.where(Member.search_key.like(pattern, escape="\\")
                       | Member.organisation_id.in_(matching_organisations))


def _indexed_text() -> sa.ColumnElement[str]:
    """A member's text in the trigram index, per row (as the index's triggers write it, see
    migration d5e6f7a8b9c0): a LIKE of the folded query over it finds what the index finds."""
    municipality = of_organisation(Municipality.search_key,
                                   Municipality.id == Organisation.municipality_id)
    return (Member.search_key + " " + of_organisation(Organisation.search_key) + " "
            + sa.func.coalesce(municipality, ""))
