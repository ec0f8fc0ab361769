"""Evidence gets a public id (its download URL) and random storage names for files; files
uploaded before are moved to random names."""

import uuid

from django.db import migrations, models

import opengov.core.files


def forwards(apps, schema_editor):
    from django.core.files.storage import default_storage

    Evidence = apps.get_model("action_plans", "Evidence")
    for evidence in Evidence.objects.all().iterator():
        evidence.public_id = uuid.uuid4()
        if evidence.file:
            evidence.file.name = opengov.core.files.move_to_random_name(
                default_storage, evidence.file.name, "action_plans/evidence"
            )
        evidence.save(update_fields=["public_id", "file"])


class Migration(migrations.Migration):
    dependencies = [("action_plans", "0002_seed_policy_areas")]

    operations = [
        migrations.AddField(
            model_name="evidence",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="file",
            field=models.FileField(
                blank=True,
                upload_to=opengov.core.files.RandomName("action_plans/evidence"),
                verbose_name="file",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
