"""Load the counties, cities and townships with the Ministry of the Interior's codes from
`opengov/spaces/data/places.csv`."""

from django.db import migrations

from opengov.spaces.places import load_places


def load(apps, schema_editor):
    load_places(apps.get_model("spaces", "Place"))


def unload(apps, schema_editor):
    apps.get_model("spaces", "Place").objects.filter(county__isnull=False).delete()
    apps.get_model("spaces", "Place").objects.all().delete()


class Migration(migrations.Migration):
    online_safe_because = "loads the places into a table that no released code reads yet"
    dependencies = [("spaces", "0001_spaces_places_projects")]

    operations = [migrations.RunPython(load, unload)]
