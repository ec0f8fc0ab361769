"""Full-text search for Chinese and English: SQLite FTS5 with the trigram tokenizer (kept in
step by triggers), or PostgreSQL pg_trgm GIN indexes serving ILIKE."""

from django.db import migrations

from opengov.core.search import trigram_index_migration


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]

    operations = [
        trigram_index_migration(
            table="proposals_proposal",
            fts_table="proposals_fts",
            columns=("title", "content", "benefits"),
            index_prefix="proposals",
        )
    ]
