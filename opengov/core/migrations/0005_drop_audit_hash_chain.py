from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0004_audit_events_into_merkle_log"),
    ]

    operations = [
        migrations.RemoveField(model_name="auditevent", name="prev_hash"),
        migrations.RemoveField(model_name="auditevent", name="hash"),
        migrations.DeleteModel(name="AuditChainHead"),
        migrations.AlterField(
            model_name="auditevent",
            name="leaf_index",
            field=models.BigIntegerField(editable=False, unique=True),
        ),
    ]
