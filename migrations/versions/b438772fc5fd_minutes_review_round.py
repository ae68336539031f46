"""minutes review round

Attendees asked to comment on a draft before approval, and their answers.

Revision ID: b438772fc5fd
Revises: 6fbf4c879876
Create Date: 2026-12-03 08:27:16.526189

"""
from alembic import op
import sqlalchemy as sa

import intranet.database


# revision identifiers, used by Alembic.
revision = 'b438772fc5fd'
down_revision = '6fbf4c879876'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('minutes_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('requested_at', intranet.database.UTCDateTime(), nullable=False),
    sa.Column('answered_at', intranet.database.UTCDateTime(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_minutes_review_member_id_member')),
    sa.ForeignKeyConstraint(['minutes_id'], ['minutes.id'], name=op.f('fk_minutes_review_minutes_id_minutes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_review')),
    sa.UniqueConstraint('minutes_id', 'member_id', name=op.f('uq_minutes_review_minutes_id_member_id'))
    )


def downgrade():
    op.drop_table('minutes_review')
