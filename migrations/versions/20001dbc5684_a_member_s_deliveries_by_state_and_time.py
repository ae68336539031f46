"""a member's deliveries by state and time

Whether anything reached a member lately (the administrator's "Komu 30 dní nic nedošlo"):
one look-up in an index of (member, status, sent_at), which also serves every other search of
a member's deliveries, instead of reading each of them (10 ms for the page at 500,000).

Revision ID: 20001dbc5684
Revises: 5c6ecdc95d0a
Create Date: 2026-12-03 18:57:30.128647

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20001dbc5684'
down_revision = '5c6ecdc95d0a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_delivery_member_id'))
        batch_op.create_index('ix_outbox_delivery_member_id_status',
                              ['member_id', 'status', 'sent_at'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_delivery_member_id_status')
        batch_op.create_index(batch_op.f('ix_outbox_delivery_member_id'), ['member_id'],
                              unique=False)
