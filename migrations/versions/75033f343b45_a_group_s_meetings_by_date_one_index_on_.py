"""a group's meetings by date: one index on group and start

A group's page lists its newest meetings: read in index order, not sorted each time.

Revision ID: 75033f343b45
Revises: b438772fc5fd
Create Date: 2026-12-03 09:43:43.612493

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '75033f343b45'
down_revision = 'b438772fc5fd'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_group_id'))
        batch_op.create_index('ix_meeting_group_id_starts_at', ['group_id', 'starts_at'], unique=False)


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_group_id_starts_at')
        batch_op.create_index(batch_op.f('ix_meeting_group_id'), ['group_id'], unique=False)
