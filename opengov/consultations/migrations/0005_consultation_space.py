"""The participation space a consultation is held in (its key; blank: the national platform).

SQLite adds a NOT NULL column by rebuilding the table, which drops the search triggers of
0003: the search index is dropped first and made again afterwards (the same definition)."""

from django.db import migrations, models

from opengov.core.search import trigram_index_migration

SEARCH = trigram_index_migration(
    table="consultations_consultation",
    fts_table="consultations_fts",
    columns=("title", "summary", "legal_basis"),
    index_prefix="consultations",
)


class Migration(migrations.Migration):
    online_safe_because = (
        "the search index is dropped and rebuilt around the new column (SQLite rebuilds the "
        "table for it, which would drop the triggers); serving code keeps working, and a "
        "search during the migration may miss rows written in that moment until it ends"
    )
    dependencies = [("consultations", "0004_attachment_random_names")]

    operations = [
        migrations.RunPython(SEARCH.reverse_code, SEARCH.code),
        migrations.AddField(
            model_name="consultation",
            name="space",
            field=models.CharField(blank=True, db_index=True, db_default="", default="", max_length=50),
        ),
        SEARCH,
    ]
