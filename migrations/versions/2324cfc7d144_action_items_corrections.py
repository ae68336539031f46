"""action items, corrections

Tasks agreed at meetings (úkoly): recorded with the minutes, open until marked done;
corrections of published minutes (a revision with its reason); an index that lets the
archive find published minutes without reading their texts.

Revision ID: 2324cfc7d144
Revises: 04fc9537ae75
Create Date: 2026-12-03 07:25:38.024181

"""
from alembic import op
import sqlalchemy as sa

import intranet.database


# revision identifiers, used by Alembic.
revision = '2324cfc7d144'
down_revision = '04fc9537ae75'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('action_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('created_at', intranet.database.UTCDateTime(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('done_comment', sa.String(length=500), nullable=False),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['done_by_id'], ['member.id'], name=op.f('fk_action_item_done_by_id_member')),
    sa.ForeignKeyConstraint(['group_id'], ['working_group.id'], name=op.f('fk_action_item_group_id_working_group')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_action_item_member_id_member')),
    sa.ForeignKeyConstraint(['minutes_id'], ['minutes.id'], name=op.f('fk_action_item_minutes_id_minutes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_action_item_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_item'))
    )
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_item_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_minutes_id'), ['minutes_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_organisation_id'), ['organisation_id'], unique=False)



    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.create_index('ix_minutes_state_meeting_id', ['state', 'meeting_id'],
                              unique=False)
        batch_op.add_column(sa.Column('corrected_at', intranet.database.UTCDateTime(),
                                      nullable=True))
    with op.batch_alter_table('minutes_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('correction', sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table('minutes_revision', schema=None) as batch_op:
        batch_op.drop_column('correction')
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_column('corrected_at')
        batch_op.drop_index('ix_minutes_state_meeting_id')
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_item_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_action_item_minutes_id'))
        batch_op.drop_index(batch_op.f('ix_action_item_member_id'))
        batch_op.drop_index(batch_op.f('ix_action_item_group_id'))

    op.drop_table('action_item')
