"""mail senders verified: why a post is held (and the mail server's words), lists that trust
the From header without proof

Existing held posts keep no reason (NULL); every list starts without trusting the From header.

Revision ID: 25d1981503ea
Revises: 0a1b2c3d4e5f
Create Date: 2026-12-06 22:29:18.265144

"""
from alembic import op
import sqlalchemy as sa

import intranet.database


# revision identifiers, used by Alembic.
revision = '25d1981503ea'
down_revision = '0a1b2c3d4e5f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('list_post', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_because', sa.Enum('moderated', 'stranger', 'automatic', 'unverified', 'files', name='heldbecause', native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('held_detail', sa.String(length=300), server_default='', nullable=False))

    with op.batch_alter_table('mailing_list', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trusts_from_header', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('mailing_list', schema=None) as batch_op:
        batch_op.drop_column('trusts_from_header')

    with op.batch_alter_table('list_post', schema=None) as batch_op:
        batch_op.drop_column('held_detail')
        batch_op.drop_column('held_because')

