"""heartbeats of the worker and the mail receiver (/healthz tells whether each is alive)

Revision ID: cce7b5e7654e
Revises: 25d1981503ea
Create Date: 2026-12-06 23:13:33.942414

"""
from alembic import op
import sqlalchemy as sa

import intranet.database


# revision identifiers, used by Alembic.
revision = 'cce7b5e7654e'
down_revision = '25d1981503ea'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('heartbeat',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('beat_at', intranet.database.UTCDateTime(), nullable=False),
    sa.Column('process', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_heartbeat'))
    )


def downgrade():
    op.drop_table('heartbeat')
