"""Search of organisation names: SQLite FTS5 with the trigram tokenizer (an external-content
table kept in step by triggers), or a PostgreSQL pg_trgm GIN index serving ILIKE. Read by
`selectors.search_organisations` through `core.search.text_search_q`."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE registry_organisation_fts USING fts5(name, "
    "content='registry_organisation', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER registry_organisation_fts_ai AFTER INSERT ON registry_organisation BEGIN "
    "INSERT INTO registry_organisation_fts(rowid, name) VALUES (new.id, new.name); END",
    "CREATE TRIGGER registry_organisation_fts_ad AFTER DELETE ON registry_organisation BEGIN "
    "INSERT INTO registry_organisation_fts(registry_organisation_fts, rowid, name) "
    "VALUES ('delete', old.id, old.name); END",
    "CREATE TRIGGER registry_organisation_fts_au AFTER UPDATE OF name ON registry_organisation "
    "BEGIN INSERT INTO registry_organisation_fts(registry_organisation_fts, rowid, name) "
    "VALUES ('delete', old.id, old.name); "
    "INSERT INTO registry_organisation_fts(rowid, name) VALUES (new.id, new.name); END",
    "INSERT INTO registry_organisation_fts(registry_organisation_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS registry_organisation_fts_ai",
    "DROP TRIGGER IF EXISTS registry_organisation_fts_ad",
    "DROP TRIGGER IF EXISTS registry_organisation_fts_au",
    "DROP TABLE IF EXISTS registry_organisation_fts",
]
PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS registry_organisation_name_trgm ON registry_organisation "
    "USING gin (name gin_trgm_ops)",
]
PG_BACKWARD = ["DROP INDEX IF EXISTS registry_organisation_name_trgm"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        with schema_editor.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        )
    ]
