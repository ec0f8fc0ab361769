"""Public ids of evidence rows are unique (filled by the previous migration)."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("action_plans", "0003_evidence_random_names")]

    operations = [
        migrations.AlterField(
            model_name="evidence",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
