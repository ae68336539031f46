"""member lists: lists, subscriptions, posts; one message to many recipients

The territory's list and one list per existing working group. The profile's two switches
for minutes and list mail become subscriptions: whoever had switched one off receives the
lists concerned on the web only.

Revision ID: 5842279dba55
Revises: 75033f343b45
Create Date: 2026-12-03 09:52:32.839797

"""
from alembic import op
import sqlalchemy as sa

import intranet.database


# revision identifiers, used by Alembic.
revision = '5842279dba55'
down_revision = '75033f343b45'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mailing_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Enum('territory', 'group', 'custom', name='listkind', native_enum=False, length=30), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('moderated', sa.Boolean(), nullable=False),
    sa.Column('reply_to_poster', sa.Boolean(), nullable=False),
    sa.Column('created_at', intranet.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['working_group.id'], name=op.f('fk_mailing_list_group_id_working_group')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mailing_list')),
    sa.UniqueConstraint('address', name=op.f('uq_mailing_list_address')),
    sa.UniqueConstraint('group_id', name=op.f('uq_mailing_list_group_id'))
    )
    op.create_table('list_post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('sender_name', sa.String(length=200), nullable=False),
    sa.Column('sender_email', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('source', sa.Enum('web', 'email', 'minutes', name='postsource', native_enum=False, length=30), nullable=False),
    sa.Column('status', sa.Enum('held', 'posted', 'rejected', name='poststatus', native_enum=False, length=30), nullable=False),
    sa.Column('created_at', intranet.database.UTCDateTime(), nullable=False),
    sa.Column('posted_at', intranet.database.UTCDateTime(), nullable=True),
    sa.Column('message_id', sa.String(length=300), nullable=False, server_default=''),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('moderator_id', sa.Integer(), nullable=True),
    sa.Column('moderation_reason', sa.String(length=500), nullable=False),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['member.id'], name=op.f('fk_list_post_author_id_member')),
    sa.ForeignKeyConstraint(['list_id'], ['mailing_list.id'], name=op.f('fk_list_post_list_id_mailing_list')),
    sa.ForeignKeyConstraint(['moderator_id'], ['member.id'], name=op.f('fk_list_post_moderator_id_member')),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_message.id'], name=op.f('fk_list_post_outbox_message_id_outbox_message')),
    sa.ForeignKeyConstraint(['parent_id'], ['list_post.id'], name=op.f('fk_list_post_parent_id_list_post')),
    sa.ForeignKeyConstraint(['thread_id'], ['list_post.id'], name=op.f('fk_list_post_thread_id_list_post')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_list_post')),
    sa.UniqueConstraint('message_id', name=op.f('uq_list_post_message_id'))
    )
    with op.batch_alter_table('list_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_list_post_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_list_post_list_id_status_id', ['list_id', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_list_post_thread_id'), ['thread_id'], unique=False)

    op.create_table('subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.Enum('each', 'digest', 'web', name='mode', native_enum=False, length=30), nullable=False),
    sa.Column('changed_at', intranet.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['list_id'], ['mailing_list.id'], name=op.f('fk_subscription_list_id_mailing_list')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_subscription_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscription')),
    sa.UniqueConstraint('list_id', 'member_id', name=op.f('uq_subscription_list_id_member_id'))
    )
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscription_member_id'), ['member_id'], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE list_search USING fts5("
                   "body, tokenize='unicode61 remove_diacritics 2')")
    _create_lists()
    _preferences_to_subscriptions()
    # In place, not by copying the table: a copy would drop the member search triggers.
    op.execute("ALTER TABLE member DROP COLUMN wants_minutes_mail")
    op.execute("ALTER TABLE member DROP COLUMN wants_list_mail")

    with op.batch_alter_table('outbox_delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=32), nullable=True))

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('from_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('from_address', sa.String(length=254), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('message_id', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('list_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_list_id'), ['list_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_list_id_mailing_list'), 'mailing_list', ['list_id'], ['id'])


def _create_lists():
    op.execute("INSERT INTO mailing_list (name, address, kind, description, moderated,"
               " reply_to_poster, created_at) VALUES ('Všichni členové a členky', 'vsichni', 'territory',"
               " 'Celé území: každý aktivní člen a členka.', FALSE, FALSE, CURRENT_TIMESTAMP)")
    op.execute("INSERT INTO mailing_list (name, address, kind, group_id, description, moderated,"
               " reply_to_poster, created_at) SELECT 'PS č. ' || number || ' ' || name,"
               " 'ps' || number, 'group', id, '', FALSE, FALSE, CURRENT_TIMESTAMP FROM working_group")


def _preferences_to_subscriptions():
    op.execute("INSERT INTO subscription (list_id, member_id, mode, changed_at)"
               " SELECT l.id, m.id, 'web', CURRENT_TIMESTAMP FROM member m, mailing_list l"
               " WHERE l.kind = 'territory' AND NOT m.wants_list_mail")
    op.execute("INSERT INTO subscription (list_id, member_id, mode, changed_at)"
               " SELECT l.id, g.member_id, 'web', CURRENT_TIMESTAMP FROM group_membership g"
               " JOIN mailing_list l ON l.group_id = g.group_id JOIN member m ON m.id = g.member_id"
               " WHERE NOT m.wants_minutes_mail")


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_list_id_mailing_list'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_message_list_id'))
        batch_op.drop_column('list_id')
        batch_op.drop_column('headers')
        batch_op.drop_column('message_id')
        batch_op.drop_column('from_address')
        batch_op.drop_column('from_name')

    with op.batch_alter_table('outbox_delivery', schema=None) as batch_op:
        batch_op.drop_column('claimed_by')

    op.add_column('member', sa.Column('wants_list_mail', sa.BOOLEAN(), nullable=False,
                                      server_default=sa.true()))
    op.add_column('member', sa.Column('wants_minutes_mail', sa.BOOLEAN(), nullable=False,
                                      server_default=sa.true()))

    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscription_member_id'))

    op.drop_table('subscription')
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE list_search")
    with op.batch_alter_table('list_post', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_list_post_thread_id'))
        batch_op.drop_index('ix_list_post_list_id_status_id')
        batch_op.drop_index(batch_op.f('ix_list_post_author_id'))

    op.drop_table('list_post')
    op.drop_table('mailing_list')