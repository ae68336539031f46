"""list attachments

Files sent with a list message, linked from its e-mail.

Revision ID: 88ed4397840d
Revises: 7b7a80006b27
Create Date: 2026-12-03 11:00:16.126727

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '88ed4397840d'
down_revision = '7b7a80006b27'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('list_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('mimetype', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['list_post.id'], name=op.f('fk_list_attachment_post_id_list_post')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_list_attachment'))
    )
    with op.batch_alter_table('list_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_list_attachment_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_list_attachment_sha256'), ['sha256'], unique=False)


def downgrade():
    with op.batch_alter_table('list_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_list_attachment_sha256'))
        batch_op.drop_index(batch_op.f('ix_list_attachment_post_id'))

    op.drop_table('list_attachment')