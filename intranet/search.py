"""Searching members without diacritics: "novak" finds Nováková, her organisation and town.

Every searchable text is folded (text.fold). On SQLite the members are found through a trigram
full-text index (FTS5) of their name, organisation and municipality, which triggers keep up
to date (migration d5e6f7a8b9c0): a search reads the matches, not every member. A query shorter
than a trigram, or another database, falls back to LIKE over the folded keys.
"""

import sqlalchemy as sa

from .extensions import db
from .text import fold, like_pattern

MEMBER_INDEX = "member_search"  # FTS5 table: rowid = member.id, text = the folded keys
TRIGRAM = 3


def is_index_table(name: str) -> bool:
    """The index and FTS5's own tables, which the models do not describe (for Alembic)."""
    return name == MEMBER_INDEX or name.startswith(MEMBER_INDEX + "_")


def member_matches(q: str) -> sa.ColumnElement[bool]:
    """The condition on Member for members whose name, organisation or municipality contains
    the query."""
    from .accounts.models import Member
    from .organisations.models import Municipality, Organisation

    folded = fold(q)
    if len(folded) >= TRIGRAM and db.session.get_bind().dialect.name == "sqlite":
        phrase = '"' + folded.replace('"', '""') + '"'
        index = sa.table(MEMBER_INDEX, sa.column("rowid"))
        return Member.id.in_(sa.select(index.c.rowid).where(
            sa.literal_column(MEMBER_INDEX).op("MATCH")(phrase)))
    pattern = like_pattern(q)
    matching_organisations = (
        sa.select(Organisation.id).join(Organisation.municipality)
        .where(Organisation.search_key.like(pattern, escape="\\")
               | Municipality.search_key.like(pattern, escape="\\")))
    return (Member.search_key.like(pattern, escape="\\")
            | Member.organisation_id.in_(matching_organisations))


def include_object(_object, name, type_, _reflected, _compare_to) -> bool:
    """Alembic's filter: leave the search index out of model comparisons."""
    return not (type_ == "table" and is_index_table(name))
