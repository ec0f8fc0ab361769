"""Public ids of attachment rows are unique (filled by the previous migration)."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("proposals", "0006_attachment_random_names")]

    operations = [
        migrations.AlterField(
            model_name="attachment",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
