"""search on both databases: words' keys beside the text, PostgreSQL's word and trigram indexes

The word indexes of minutes and list messages hold, beside the text (body), the keys of its
words (intranet/words.py: lemma, folded, stemmed), so that a search finds a Czech word in any
of its forms; a word itself still ranks above its key alone.
- SQLite: the FTS5 tables are made again with the column `keys` (and bm25 weights 10 : 1), and
  their rows copied with their keys.
- PostgreSQL: the same two tables as plain tables (rowid, body, keys, document: a weighted
  tsvector of the folded words and the keys) with a GIN index, and a function per table,
  <table>_matches(query), that finds the matching rows through the index (see search.py);
  members are found by LIKE over their folded keys, which GIN trigram indexes (pg_trgm)
  answer.

Revision ID: 0a1b2c3d4e5f
Revises: 2a1d8a6e226f
Create Date: 2026-12-06 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

from intranet.words import text_keys


# revision identifiers, used by Alembic.
revision = '0a1b2c3d4e5f'
down_revision = '2a1d8a6e226f'
branch_labels = None
depends_on = None

INDEXES = ("minutes_search", "list_search")
FTS5 = "tokenize='unicode61 remove_diacritics 2', prefix='2 3'"
TRIGRAM_INDEXES = {"member_search_key_trigrams": "member",
                   "organisation_search_key_trigrams": "organisation",
                   "municipality_search_key_trigrams": "municipality"}


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        for index in INDEXES:
            _sqlite_rebuild(index, "body, keys", with_keys=True)
            op.execute(f"INSERT INTO {index}({index}, rank) VALUES ('rank', 'bm25(10.0, 1.0)')")
        return
    for index in INDEXES:
        op.execute(f"CREATE TABLE {index} (rowid integer PRIMARY KEY, body text NOT NULL,"
                   " keys text NOT NULL, document tsvector NOT NULL)")
        op.execute(f"CREATE INDEX {index}_document ON {index} USING gin (document)")
        op.execute(f"CREATE FUNCTION {index}_matches(query tsquery) RETURNS SETOF integer"
                   " LANGUAGE sql STABLE SET enable_seqscan = off"
                   f" AS $$ SELECT rowid FROM {index} WHERE document @@ query $$")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in TRIGRAM_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {table} USING gin (search_key gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for index in INDEXES:
            _sqlite_rebuild(index, "body", with_keys=False)
        return
    for name in TRIGRAM_INDEXES:
        op.execute(f"DROP INDEX {name}")
    for index in INDEXES:
        op.execute(f"DROP FUNCTION {index}_matches(tsquery)")
        op.execute(f"DROP TABLE {index}")


def _sqlite_rebuild(index: str, columns: str, with_keys: bool) -> None:
    """The FTS5 table made again with these columns, its rows copied (with their keys)."""
    connection = op.get_bind()
    rows = connection.execute(sa.text(f"SELECT rowid, body FROM {index}")).all()
    op.execute(f"DROP TABLE {index}")
    op.execute(f"CREATE VIRTUAL TABLE {index} USING fts5({columns}, {FTS5})")
    insert = (f"INSERT INTO {index}(rowid, body, keys) VALUES (:id, :body, :keys)" if with_keys
              else f"INSERT INTO {index}(rowid, body) VALUES (:id, :body)")
    if rows:
        connection.execute(sa.text(insert), [
            {"id": row_id, "body": body, "keys": text_keys(body) if with_keys else None}
            for row_id, body in rows])
