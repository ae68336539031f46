"""invitations rendered once: the outbox's personalised messages

A message rendered once for many recipients names the personaliser that fills in each one's
part (answer links, the calendar's attendee) when the deliverer builds the e-mail.

Revision ID: 7b7a80006b27
Revises: de3c62f9f36a
Create Date: 2026-12-03 10:50:31.497706

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b7a80006b27'
down_revision = 'de3c62f9f36a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('personal')
