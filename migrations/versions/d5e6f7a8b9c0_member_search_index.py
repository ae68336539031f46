"""member search index: a trigram full-text index of members' names, organisations, towns

Revision ID: d5e6f7a8b9c0
Revises: c4d1e2f3a5b6
Create Date: 2026-12-02 21:50:00

SQLite only (intranet/search.py falls back to LIKE elsewhere). Triggers keep the index in step
with members, organisations and municipalities. A batch migration that copies one of those
tables drops its triggers with it: create them again in that migration
(tests/test_search.py fails otherwise).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd5e6f7a8b9c0'
down_revision = 'c4d1e2f3a5b6'
branch_labels = None
depends_on = None

# The indexed text of members: their folded name, organisation and municipality.
MEMBER_TEXT = """
    SELECT m.id, m.search_key || ' ' || o.search_key || ' ' || coalesce(mu.search_key, '')
    FROM member m JOIN organisation o ON o.id = m.organisation_id
    LEFT JOIN municipality mu ON mu.id = o.municipality_id"""

TRIGGERS = {
    "member_search_insert": f"""AFTER INSERT ON member BEGIN
        INSERT INTO member_search(rowid, text) {MEMBER_TEXT} WHERE m.id = new.id; END""",
    "member_search_update": f"""AFTER UPDATE OF search_key, organisation_id ON member BEGIN
        DELETE FROM member_search WHERE rowid = old.id;
        INSERT INTO member_search(rowid, text) {MEMBER_TEXT} WHERE m.id = new.id; END""",
    "member_search_delete": """AFTER DELETE ON member BEGIN
        DELETE FROM member_search WHERE rowid = old.id; END""",
    "member_search_organisation": f"""AFTER UPDATE OF search_key, municipality_id
        ON organisation BEGIN
        DELETE FROM member_search
            WHERE rowid IN (SELECT id FROM member WHERE organisation_id = new.id);
        INSERT INTO member_search(rowid, text) {MEMBER_TEXT} WHERE o.id = new.id; END""",
    "member_search_municipality": f"""AFTER UPDATE OF search_key ON municipality BEGIN
        DELETE FROM member_search WHERE rowid IN (
            SELECT m.id FROM member m JOIN organisation o ON o.id = m.organisation_id
            WHERE o.municipality_id = new.id);
        INSERT INTO member_search(rowid, text) {MEMBER_TEXT} WHERE mu.id = new.id; END""",
}


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE VIRTUAL TABLE member_search USING fts5(text, tokenize='trigram')")
    op.execute(f"INSERT INTO member_search(rowid, text) {MEMBER_TEXT}")
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.execute("DROP TABLE member_search")
