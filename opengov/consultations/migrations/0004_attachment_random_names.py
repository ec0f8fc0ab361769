"""Attachments keep their original name and get random storage names; files uploaded before
are moved to random names."""

from pathlib import PurePosixPath

from django.db import migrations, models

import opengov.core.files


def forwards(apps, schema_editor):
    from django.core.files.storage import default_storage

    Attachment = apps.get_model("consultations", "Attachment")
    for attachment in Attachment.objects.all().iterator():
        attachment.original_name = PurePosixPath(attachment.file.name).name[:255]
        attachment.file.name = opengov.core.files.move_to_random_name(
            default_storage, attachment.file.name, "consultations"
        )
        attachment.save(update_fields=["original_name", "file"])


class Migration(migrations.Migration):
    dependencies = [("consultations", "0003_search")]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="original_name",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AlterField(
            model_name="attachment",
            name="file",
            field=models.FileField(
                upload_to=opengov.core.files.RandomName("consultations"), verbose_name="file"
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
