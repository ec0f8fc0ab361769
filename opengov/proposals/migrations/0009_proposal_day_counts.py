"""Per-day co-signature counter shards for the chart, filled from the signatures so far."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import TruncDate


def count_days(apps, schema_editor):
    """One row per proposal and local day (shard 0) for the signatures given so far; safe to
    run again (it adds only the days that have no row yet)."""
    from zoneinfo import ZoneInfo

    Signature = apps.get_model("proposals", "Signature")
    ProposalDayCount = apps.get_model("proposals", "ProposalDayCount")
    rows = (
        Signature.objects.annotate(day=TruncDate("created_at", tzinfo=ZoneInfo(settings.TIME_ZONE)))
        .values("proposal_id", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    batch = [
        ProposalDayCount(proposal_id=r["proposal_id"], day=r["day"], shard=0, signatures=r["n"])
        for r in rows.iterator()
    ]
    ProposalDayCount.objects.bulk_create(batch, batch_size=5000, ignore_conflicts=True)


class Migration(migrations.Migration):
    #: a new table, then a backfill; old code keeps co-signing meanwhile (its signatures of
    #: the hour of the release are missing from the chart only, never from the count)
    online_safe_because = "adds a table and fills it; nothing existing changes"

    dependencies = [
        ("proposals", "0008_response_point_answers"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProposalDayCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("shard", models.PositiveSmallIntegerField()),
                ("signatures", models.PositiveIntegerField(default=0)),
                (
                    "proposal",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="day_counts",
                        to="proposals.proposal",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("proposal", "day", "shard"), name="proposal_one_day_count_per_shard"
                    )
                ],
            },
        ),
        migrations.RunPython(count_days, migrations.RunPython.noop),
    ]
