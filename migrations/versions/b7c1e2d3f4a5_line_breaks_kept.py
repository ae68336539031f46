"""line breaks kept in Markdown (nl2br): the stored renderings of minutes, their revisions
and web list posts made again from their sources

Revision ID: b7c1e2d3f4a5
Revises: add6266fc17c
Create Date: 2026-12-07 01:40:00

"""
from alembic import op
import sqlalchemy as sa

from intranet.markup import render_markdown


# revision identifiers, used by Alembic.
revision = 'b7c1e2d3f4a5'
down_revision = 'add6266fc17c'
branch_labels = None
depends_on = None

# (table, source column, rendering column, which rows)
RENDERED = [("minutes", "text", "html", None),
            ("minutes_revision", "text", "html", None),
            ("list_post", "body", "body_html", "source = 'web'")]
CHUNK = 500


def upgrade():
    connection = op.get_bind()
    for table, source, html, where in RENDERED:
        t = sa.table(table, sa.column("id"), sa.column(source), sa.column(html))
        query = sa.select(t.c.id, t.c[source]).order_by(t.c.id)
        if where:
            query = query.where(sa.text(where))
        last = 0
        while rows := connection.execute(query.where(t.c.id > last).limit(CHUNK)).all():
            connection.execute(
                t.update().where(t.c.id == sa.bindparam("row_id")),
                [{"row_id": row_id, html: str(render_markdown(text or ""))}
                 for row_id, text in rows])
            last = rows[-1][0]


def downgrade():
    pass  # the renderings with line breaks are as good for the older code
