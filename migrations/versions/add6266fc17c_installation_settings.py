"""installation settings: the secret key's fingerprint (every host must have the same key)

Revision ID: add6266fc17c
Revises: cce7b5e7654e
Create Date: 2026-12-06 23:18:44.794067

"""
from alembic import op
import sqlalchemy as sa

import intranet.database


# revision identifiers, used by Alembic.
revision = 'add6266fc17c'
down_revision = 'cce7b5e7654e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('installation_setting',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_installation_setting'))
    )


def downgrade():
    op.drop_table('installation_setting')
