"""minutes archive: search index, readings

The word index of published minutes (SQLite FTS5, without diacritics; kept by
intranet/minutes/services.py when minutes are published), and who has read which minutes.

Revision ID: 04fc9537ae75
Revises: 2a27118e1b5d
Create Date: 2026-12-03 07:13:23.898067

"""
from alembic import op
import sqlalchemy as sa

import intranet.database


# revision identifiers, used by Alembic.
revision = '04fc9537ae75'
down_revision = '2a27118e1b5d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('minutes_reading',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('read_at', intranet.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_minutes_reading_member_id_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['minutes_id'], ['minutes.id'], name=op.f('fk_minutes_reading_minutes_id_minutes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_reading')),
    sa.UniqueConstraint('member_id', 'minutes_id', name=op.f('uq_minutes_reading_member_id_minutes_id'))
    )
    with op.batch_alter_table('minutes_reading', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_reading_minutes_id'), ['minutes_id'], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE minutes_search USING fts5("
                   "body, tokenize='unicode61 remove_diacritics 2')")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE minutes_search")
    with op.batch_alter_table('minutes_reading', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_reading_minutes_id'))
    op.drop_table('minutes_reading')
