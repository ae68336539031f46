"""a message may go to several lists

An e-mail to two lists is a post on each: its Message-ID is unique per list, not overall.

Revision ID: 1b47e5d013c9
Revises: 88ed4397840d
Create Date: 2026-12-03 11:47:08.618737

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1b47e5d013c9'
down_revision = '88ed4397840d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('list_post', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_list_post_message_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_list_post_list_id_message_id'), ['list_id', 'message_id'])


def downgrade():
    with op.batch_alter_table('list_post', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_list_post_list_id_message_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_list_post_message_id'), ['message_id'])
