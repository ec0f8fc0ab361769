"""Full-text search for Chinese and English: SQLite FTS5 with the trigram tokenizer (kept in
step by triggers), or PostgreSQL pg_trgm GIN indexes serving ILIKE."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE proposals_fts USING fts5(title, content, benefits, "
    "content='proposals_proposal', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER proposals_fts_ai AFTER INSERT ON proposals_proposal BEGIN "
    "INSERT INTO proposals_fts(rowid, title, content, benefits) "
    "VALUES (new.id, new.title, new.content, new.benefits); END",
    "CREATE TRIGGER proposals_fts_ad AFTER DELETE ON proposals_proposal BEGIN "
    "INSERT INTO proposals_fts(proposals_fts, rowid, title, content, benefits) "
    "VALUES ('delete', old.id, old.title, old.content, old.benefits); END",
    "CREATE TRIGGER proposals_fts_au AFTER UPDATE OF title, content, benefits "
    "ON proposals_proposal BEGIN "
    "INSERT INTO proposals_fts(proposals_fts, rowid, title, content, benefits) "
    "VALUES ('delete', old.id, old.title, old.content, old.benefits); "
    "INSERT INTO proposals_fts(rowid, title, content, benefits) "
    "VALUES (new.id, new.title, new.content, new.benefits); END",
    "INSERT INTO proposals_fts(proposals_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS proposals_fts_ai",
    "DROP TRIGGER IF EXISTS proposals_fts_ad",
    "DROP TRIGGER IF EXISTS proposals_fts_au",
    "DROP TABLE IF EXISTS proposals_fts",
]
PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS proposals_title_trgm ON proposals_proposal "
    "USING gin (title gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS proposals_content_trgm ON proposals_proposal "
    "USING gin (content gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS proposals_benefits_trgm ON proposals_proposal "
    "USING gin (benefits gin_trgm_ops)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS proposals_title_trgm",
    "DROP INDEX IF EXISTS proposals_content_trgm",
    "DROP INDEX IF EXISTS proposals_benefits_trgm",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        with schema_editor.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        )
    ]
