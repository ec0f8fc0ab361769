"""Load the counties, cities and townships with the Ministry of the Interior's codes from
`opengov/spaces/data/places.csv`."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "places.csv"


def load(apps, schema_editor):
    Place = apps.get_model("spaces", "Place")
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    counties = {}
    for row in rows:
        if row["level"] == "county":
            counties[row["code"]] = Place.objects.create(
                code=row["code"],
                level="county",
                name=row["name_zh_hant"],
                name_zh_hant=row["name_zh_hant"],
                name_en=row["name_en"] or None,
            )
    Place.objects.bulk_create(
        [
            Place(
                code=row["code"],
                level="township",
                name=row["name_zh_hant"],
                name_zh_hant=row["name_zh_hant"],
                name_en=row["name_en"] or None,
                county=counties[row["county_code"]],
            )
            for row in rows
            if row["level"] == "township"
        ]
    )


def unload(apps, schema_editor):
    apps.get_model("spaces", "Place").objects.filter(county__isnull=False).delete()
    apps.get_model("spaces", "Place").objects.all().delete()


class Migration(migrations.Migration):
    online_safe_because = "loads the places into a table that no released code reads yet"
    dependencies = [("spaces", "0001_spaces_places_projects")]

    operations = [migrations.RunPython(load, unload)]
