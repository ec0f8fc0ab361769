"""The participation space a proposal is held in (its key; blank: the national platform).

SQLite adds a NOT NULL column by rebuilding the table, which drops the search triggers of
0002: the search index is dropped first and made again afterwards (the same definition)."""

from django.db import migrations, models

from opengov.core.search import trigram_index_migration

SEARCH = trigram_index_migration(
    table="proposals_proposal",
    fts_table="proposals_fts",
    columns=("title", "content", "benefits"),
    index_prefix="proposals",
)


class Migration(migrations.Migration):
    online_safe_because = (
        "the search index is dropped and rebuilt around the new column (SQLite rebuilds the "
        "table for it, which would drop the triggers); serving code keeps working, and a "
        "search during the migration may miss rows written in that moment until it ends"
    )
    dependencies = [("proposals", "0008_response_point_answers")]

    operations = [
        migrations.RunPython(SEARCH.reverse_code, SEARCH.code),
        migrations.AddField(
            model_name="proposal",
            name="space",
            field=models.CharField(blank=True, db_index=True, db_default="", default="", max_length=50),
        ),
        SEARCH,
    ]
