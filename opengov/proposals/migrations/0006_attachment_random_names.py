"""Attachments get a public id (their download URL) and random storage names; files uploaded
before are moved to random names."""

import uuid

from django.db import migrations, models

import opengov.core.files


def forwards(apps, schema_editor):
    from django.core.files.storage import default_storage

    Attachment = apps.get_model("proposals", "Attachment")
    for attachment in Attachment.objects.all().iterator():
        attachment.public_id = uuid.uuid4()
        attachment.file.name = opengov.core.files.move_to_random_name(
            default_storage, attachment.file.name, "proposals"
        )
        attachment.save(update_fields=["public_id", "file"])


class Migration(migrations.Migration):
    dependencies = [("proposals", "0005_collaboration_meeting")]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="attachment",
            name="file",
            field=models.FileField(upload_to=opengov.core.files.RandomName("proposals")),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
