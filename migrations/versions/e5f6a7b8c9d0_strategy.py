"""strategy: priorities, goals owned by municipalities, indicators with owners and values

Revision ID: e5f6a7b8c9d0
Revises: d4e5f6a7b8c9
Create Date: 2026-12-07 04:10:00

"""
from alembic import op
import sqlalchemy as sa

from intranet.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'e5f6a7b8c9d0'
down_revision = 'd4e5f6a7b8c9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('priority',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority')),
    sa.UniqueConstraint('number', name=op.f('uq_priority_number'))
    )
    op.create_table('goal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('priority_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('answerable_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answerable_id'], ['member.id'], name=op.f('fk_goal_answerable_id_member')),
    sa.ForeignKeyConstraint(['group_id'], ['working_group.id'], name=op.f('fk_goal_group_id_working_group')),
    sa.ForeignKeyConstraint(['priority_id'], ['priority.id'], name=op.f('fk_goal_priority_id_priority')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal')),
    sa.UniqueConstraint('priority_id', 'number', name=op.f('uq_goal_priority_id_number'))
    )
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_priority_id'), ['priority_id'], unique=False)
    op.create_table('goal_municipality',
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['goal_id'], ['goal.id'], name=op.f('fk_goal_municipality_goal_id_goal')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_goal_municipality_municipality_id_municipality')),
    sa.PrimaryKeyConstraint('goal_id', 'municipality_id', name=op.f('pk_goal_municipality'))
    )
    op.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('baseline', sa.Double(), nullable=False),
    sa.Column('baseline_on', sa.Date(), nullable=False),
    sa.Column('target', sa.Double(), nullable=False),
    sa.Column('target_on', sa.Date(), nullable=False),
    sa.Column('better', sa.Enum('higher', 'lower', name='better', native_enum=False, length=10), nullable=False),
    sa.Column('owner_organisation_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('months_between_values', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['goal_id'], ['goal.id'], name=op.f('fk_indicator_goal_id_goal')),
    sa.ForeignKeyConstraint(['owner_id'], ['member.id'], name=op.f('fk_indicator_owner_id_member')),
    sa.ForeignKeyConstraint(['owner_organisation_id'], ['organisation.id'], name=op.f('fk_indicator_owner_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator'))
    )
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_goal_id'), ['goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_owner_organisation_id'), ['owner_organisation_id'], unique=False)
    op.create_table('indicator_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('measured_on', sa.Date(), nullable=False),
    sa.Column('value', sa.Double(), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['member.id'], name=op.f('fk_indicator_value_entered_by_id_member')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_value_indicator_id_indicator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_value')),
    sa.UniqueConstraint('indicator_id', 'measured_on', name=op.f('uq_indicator_value_indicator_id_measured_on'))
    )


def downgrade():
    op.drop_table('indicator_value')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_owner_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_indicator_owner_id'))
        batch_op.drop_index(batch_op.f('ix_indicator_goal_id'))
    op.drop_table('indicator')
    op.drop_table('goal_municipality')
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_priority_id'))
    op.drop_table('goal')
    op.drop_table('priority')
