"""list digests: one a day per list

A row per list and day, written with the digest's mail: a day's digest goes out once.

Revision ID: de3c62f9f36a
Revises: 5842279dba55
Create Date: 2026-12-03 10:38:20.378856

"""
from alembic import op
import sqlalchemy as sa

import intranet.database


# revision identifiers, used by Alembic.
revision = 'de3c62f9f36a'
down_revision = '5842279dba55'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('list_digest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.Column('created_at', intranet.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['list_id'], ['mailing_list.id'], name=op.f('fk_list_digest_list_id_mailing_list')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_list_digest')),
    sa.UniqueConstraint('list_id', 'day', name=op.f('uq_list_digest_list_id_day'))
    )

def downgrade():
    op.drop_table('list_digest')