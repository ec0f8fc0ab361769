"""Dataset files uploaded before get random storage names (new ones are stored so)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from django.core.files.storage import default_storage

    from opengov.core.files import move_to_random_name

    DatasetVersion = apps.get_model("open_data", "DatasetVersion")
    for version in DatasetVersion.objects.all().iterator():
        version.original.name = move_to_random_name(
            default_storage, version.original.name, "open_data/original"
        )
        version.data.name = move_to_random_name(default_storage, version.data.name, "open_data/data")
        version.save(update_fields=["original", "data"])


class Migration(migrations.Migration):
    dependencies = [("open_data", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
