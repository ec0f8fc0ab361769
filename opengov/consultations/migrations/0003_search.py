"""Full-text search of consultations (title, summary, legal basis) for Chinese and English:
SQLite FTS5 with the trigram tokenizer (an external-content table kept in step by triggers),
or PostgreSQL pg_trgm GIN indexes serving ILIKE. Read by `selectors.search_q`."""

from django.db import migrations

from opengov.core.search import trigram_index_migration


class Migration(migrations.Migration):
    dependencies = [("consultations", "0002_counts_version")]

    operations = [
        trigram_index_migration(
            table="consultations_consultation",
            fts_table="consultations_fts",
            columns=("title", "summary", "legal_basis"),
            index_prefix="consultations",
        )
    ]
