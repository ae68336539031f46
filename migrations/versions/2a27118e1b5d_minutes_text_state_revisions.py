"""minutes: text, state, revisions

One minutes per meeting (its current text, rendering and state) and the kept revisions.

Revision ID: 2a27118e1b5d
Revises: d5e6f7a8b9c0
Create Date: 2026-12-03 06:43:44.397502

"""
from alembic import op
import sqlalchemy as sa

import intranet.database


# revision identifiers, used by Alembic.
revision = '2a27118e1b5d'
down_revision = 'd5e6f7a8b9c0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('minutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'submitted', 'approved', 'published', name='minutesstate', native_enum=False, length=30), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', intranet.database.UTCDateTime(), nullable=False),
    sa.Column('saved_at', intranet.database.UTCDateTime(), nullable=False),
    sa.Column('submitted_at', intranet.database.UTCDateTime(), nullable=True),
    sa.Column('approved_at', intranet.database.UTCDateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', intranet.database.UTCDateTime(), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['member.id'], name=op.f('fk_minutes_approved_by_id_member')),
    sa.ForeignKeyConstraint(['created_by_id'], ['member.id'], name=op.f('fk_minutes_created_by_id_member')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_minutes_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['published_by_id'], ['member.id'], name=op.f('fk_minutes_published_by_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_minutes_meeting_id'))
    )
    op.create_table('minutes_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('started_at', intranet.database.UTCDateTime(), nullable=False),
    sa.Column('saved_at', intranet.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['member.id'], name=op.f('fk_minutes_revision_author_id_member')),
    sa.ForeignKeyConstraint(['minutes_id'], ['minutes.id'], name=op.f('fk_minutes_revision_minutes_id_minutes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_revision')),
    sa.UniqueConstraint('minutes_id', 'number', name=op.f('uq_minutes_revision_minutes_id_number'))
    )



def downgrade():
    op.drop_table('minutes_revision')
    op.drop_table('minutes')
