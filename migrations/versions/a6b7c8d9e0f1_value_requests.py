"""value requests: an indicator's owner reminded once per due date, with a one-click link

Revision ID: a6b7c8d9e0f1
Revises: f7c2a9e4b1d3
Create Date: 2026-12-07 05:10:00

"""
from alembic import op
import sqlalchemy as sa

from intranet.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'a6b7c8d9e0f1'
down_revision = 'f7c2a9e4b1d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('value_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', UTCDateTime(), nullable=False),
    sa.Column('used_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_value_request_indicator_id_indicator')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_value_request_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_value_request')),
    sa.UniqueConstraint('indicator_id', 'due_on', name=op.f('uq_value_request_indicator_id_due_on'))
    )


def downgrade():
    op.drop_table('value_request')
