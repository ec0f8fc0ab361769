"""Full-text search of consultations (title, summary, legal basis) for Chinese and English:
SQLite FTS5 with the trigram tokenizer (an external-content table kept in step by triggers),
or PostgreSQL pg_trgm GIN indexes serving ILIKE. Read by `selectors.search_q`."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE consultations_fts USING fts5(title, summary, legal_basis, "
    "content='consultations_consultation', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER consultations_fts_ai AFTER INSERT ON consultations_consultation BEGIN "
    "INSERT INTO consultations_fts(rowid, title, summary, legal_basis) "
    "VALUES (new.id, new.title, new.summary, new.legal_basis); END",
    "CREATE TRIGGER consultations_fts_ad AFTER DELETE ON consultations_consultation BEGIN "
    "INSERT INTO consultations_fts(consultations_fts, rowid, title, summary, legal_basis) "
    "VALUES ('delete', old.id, old.title, old.summary, old.legal_basis); END",
    "CREATE TRIGGER consultations_fts_au AFTER UPDATE OF title, summary, legal_basis "
    "ON consultations_consultation BEGIN "
    "INSERT INTO consultations_fts(consultations_fts, rowid, title, summary, legal_basis) "
    "VALUES ('delete', old.id, old.title, old.summary, old.legal_basis); "
    "INSERT INTO consultations_fts(rowid, title, summary, legal_basis) "
    "VALUES (new.id, new.title, new.summary, new.legal_basis); END",
    "INSERT INTO consultations_fts(consultations_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS consultations_fts_ai",
    "DROP TRIGGER IF EXISTS consultations_fts_ad",
    "DROP TRIGGER IF EXISTS consultations_fts_au",
    "DROP TABLE IF EXISTS consultations_fts",
]
PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS consultations_title_trgm ON consultations_consultation "
    "USING gin (title gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS consultations_summary_trgm ON consultations_consultation "
    "USING gin (summary gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS consultations_legal_basis_trgm ON consultations_consultation "
    "USING gin (legal_basis gin_trgm_ops)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS consultations_title_trgm",
    "DROP INDEX IF EXISTS consultations_summary_trgm",
    "DROP INDEX IF EXISTS consultations_legal_basis_trgm",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        with schema_editor.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("consultations", "0002_counts_version")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        )
    ]
