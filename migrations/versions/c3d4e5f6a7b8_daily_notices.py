"""daily notices: "Čeká na vás" mailed at most once a day per member

Revision ID: c3d4e5f6a7b8
Revises: b7c1e2d3f4a5
Create Date: 2026-12-07 02:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d4e5f6a7b8'
down_revision = 'b7c1e2d3f4a5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('daily_notice',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_daily_notice_member_id_member')),
    sa.PrimaryKeyConstraint('member_id', 'kind', 'day', name=op.f('pk_daily_notice'))
    )


def downgrade():
    op.drop_table('daily_notice')
