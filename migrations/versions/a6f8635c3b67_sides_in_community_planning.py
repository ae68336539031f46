"""sides in community planning: organisations and members carry their side of the triad
(commissioner, provider, user); municipalities' offices are commissioners, NGOs and church
organisations providers, the others stay unset

Revision ID: a6f8635c3b67
Revises: a6b7c8d9e0f1
Create Date: 2026-12-07 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a6f8635c3b67'
down_revision = 'a6b7c8d9e0f1'
branch_labels = None
depends_on = None

SIDE = sa.Enum('commissioner', 'provider', 'user', name='side', native_enum=False,
               length=30)
SIDE_OF_KIND = {'municipality': 'commissioner', 'ngo': 'provider', 'church': 'provider'}


# Plain ALTER TABLE, also on SQLite (3.35 and later drop columns): a batch would copy the
# member table, and SQLite's word-index triggers on it would break.
def upgrade():
    op.add_column('organisation', sa.Column('side', SIDE, nullable=True))
    op.add_column('member', sa.Column('side', SIDE, nullable=True))

    organisation = sa.table('organisation', sa.column('kind', sa.String),
                            sa.column('side', sa.String))
    for kind, side in SIDE_OF_KIND.items():
        op.execute(organisation.update().where(organisation.c.kind == kind)
                   .values(side=side))


def downgrade():
    op.drop_column('member', 'side')
    op.drop_column('organisation', 'side')
