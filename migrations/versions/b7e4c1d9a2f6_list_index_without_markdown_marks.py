"""list index without Markdown marks: the list messages' word index made again from their HTML

Messages posted to a list are now indexed by their words as the minutes are, from their
rendered HTML (mailing.services.distribute), so that a passage found shows "seminář", not
"**seminář**". The messages indexed before are indexed again the same way.

Revision ID: b7e4c1d9a2f6
Revises: ce0bd7d43e14
Create Date: 2026-12-07 14:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

from intranet.markup import plain_text
from intranet.search import LIST_INDEX, index_text


# revision identifiers, used by Alembic.
revision = 'b7e4c1d9a2f6'
down_revision = 'ce0bd7d43e14'
branch_labels = None
depends_on = None


def upgrade():
    connection = op.get_bind()
    indexed = connection.execute(sa.text(
        f"SELECT id, subject, body_html FROM list_post"
        f" WHERE id IN (SELECT rowid FROM {LIST_INDEX}) ORDER BY id")).all()
    for post_id, subject, html in indexed:
        index_text(LIST_INDEX, post_id, f"{subject}\n{plain_text(html)}", connection)


def downgrade():
    pass  # the words found stay the same; only the passages lose their marks
