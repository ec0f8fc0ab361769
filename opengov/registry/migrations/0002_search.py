"""Search of organisation names: SQLite FTS5 with the trigram tokenizer (an external-content
table kept in step by triggers), or a PostgreSQL pg_trgm GIN index serving ILIKE. Read by
`selectors.search_organisations` through `core.search.text_search_q`."""

from django.db import migrations

from opengov.core.search import trigram_index_migration


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        trigram_index_migration(
            table="registry_organisation",
            fts_table="registry_organisation_fts",
            columns=("name",),
            index_prefix="registry_organisation",
        )
    ]
