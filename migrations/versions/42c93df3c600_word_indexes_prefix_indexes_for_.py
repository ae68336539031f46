"""word indexes: prefix indexes for searching as one types

The minutes' and the lists' word indexes (SQLite FTS5) gain prefix indexes of two and three
letters. The last word of a search is also a prefix ("do" for "domov" as one types); without
them FTS5 read the list of every word beginning with it: "do" took 300 ms at 20,000 minutes,
with them 2 ms to find. The tables are made again with the option and their rows copied.

Revision ID: 42c93df3c600
Revises: 57d705a7d9db
Create Date: 2026-12-03 16:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '42c93df3c600'
down_revision = '57d705a7d9db'
branch_labels = None
depends_on = None

INDEXES = ("minutes_search", "list_search")
TOKENIZE = "tokenize='unicode61 remove_diacritics 2'"


def _rebuild(options: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for index in INDEXES:
        op.execute(f"CREATE VIRTUAL TABLE {index}_new USING fts5(body, {options})")
        op.execute(f"INSERT INTO {index}_new(rowid, body) SELECT rowid, body FROM {index}")
        op.execute(f"DROP TABLE {index}")
        op.execute(f"ALTER TABLE {index}_new RENAME TO {index}")


def upgrade():
    _rebuild(f"{TOKENIZE}, prefix='2 3'")


def downgrade():
    _rebuild(TOKENIZE)
