"""a message's delivery progress counted along an index

How far a list message's delivery has got (its thread page, the moderators' progress bar):
counted in an index of (message, status), not by reading each of its thousands of
deliveries (2.8 ms a message at 5,000 members).

Revision ID: 5c6ecdc95d0a
Revises: 04b50b86b940
Create Date: 2026-12-03 16:31:38.266103

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c6ecdc95d0a'
down_revision = '04b50b86b940'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_delivery', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_delivery_message_id_status', ['message_id', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_delivery_message_id_status')
