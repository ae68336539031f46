"""bounce streaks

Whom mail no longer reaches (the administrator's outbox page): per member, the refusals
(bounces) since the last message that got through, kept by the deliverer. The page read the
bounced deliveries of the last 30 days instead, which grow with every message to everyone
(6.6 ms at 500,000 deliveries). Filled here from the deliveries so far (in queue order).

Revision ID: 2a1d8a6e226f
Revises: 20001dbc5684
Create Date: 2026-12-03 19:53:37.370222

"""
from alembic import op
import sqlalchemy as sa

import intranet.database


# revision identifiers, used by Alembic.
revision = '2a1d8a6e226f'
down_revision = '20001dbc5684'
branch_labels = None
depends_on = None

STREAKS_SO_FAR = """
INSERT INTO bounce_streak (member_id, bounces, first_at, last_at, last_error)
SELECT d.member_id, count(*), min(d.claimed_at), max(d.claimed_at),
       (SELECT l.last_error FROM outbox_delivery l
        WHERE l.member_id = d.member_id AND l.status = 'bounced' ORDER BY l.id DESC LIMIT 1)
FROM outbox_delivery d
WHERE d.status = 'bounced' AND d.member_id IS NOT NULL AND d.claimed_at IS NOT NULL
  AND d.id > COALESCE((SELECT max(s.id) FROM outbox_delivery s
                       WHERE s.member_id = d.member_id AND s.status = 'sent'), 0)
GROUP BY d.member_id
"""


def upgrade():
    op.create_table('bounce_streak',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('bounces', sa.Integer(), nullable=False),
    sa.Column('first_at', intranet.database.UTCDateTime(), nullable=False),
    sa.Column('last_at', intranet.database.UTCDateTime(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_bounce_streak_member_id_member')),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_bounce_streak'))
    )
    op.execute(STREAKS_SO_FAR)


def downgrade():
    op.drop_table('bounce_streak')
