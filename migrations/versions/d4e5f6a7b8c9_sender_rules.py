"""sender rules: a list's moderators always accept or ban a sender address

Revision ID: d4e5f6a7b8c9
Revises: c3d4e5f6a7b8
Create Date: 2026-12-07 04:00:00

"""
from alembic import op
import sqlalchemy as sa

from intranet.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'd4e5f6a7b8c9'
down_revision = 'c3d4e5f6a7b8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sender_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('action', sa.Enum('accept', 'ban', name='senderaction', native_enum=False, length=20), nullable=False),
    sa.Column('moderator_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['list_id'], ['mailing_list.id'], name=op.f('fk_sender_rule_list_id_mailing_list')),
    sa.ForeignKeyConstraint(['moderator_id'], ['member.id'], name=op.f('fk_sender_rule_moderator_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sender_rule')),
    sa.UniqueConstraint('list_id', 'email', name=op.f('uq_sender_rule_list_id_email'))
    )


def downgrade():
    op.drop_table('sender_rule')
