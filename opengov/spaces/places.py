"""The counties, cities and townships with the Ministry of the Interior's codes, read from
`opengov/spaces/data/places.csv`.

One loader for the migration that ships them and for `places_ensure` (the demo and tests,
after a database was flushed): it takes the model class, so the migration passes its
historical model.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "places.csv"


def load_places(place_model: Any) -> int:
    """Create every place the table lacks (by code); returns how many were created."""
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    held = set(place_model.objects.values_list("code", flat=True))
    counties = {p.code: p for p in place_model.objects.filter(level="county")}
    created = 0
    for row in rows:
        if row["level"] == "county" and row["code"] not in held:
            counties[row["code"]] = place_model.objects.create(
                code=row["code"],
                level="county",
                name=row["name_zh_hant"],
                name_zh_hant=row["name_zh_hant"],
                name_en=row["name_en"] or None,
            )
            created += 1
    townships = [
        place_model(
            code=row["code"],
            level="township",
            name=row["name_zh_hant"],
            name_zh_hant=row["name_zh_hant"],
            name_en=row["name_en"] or None,
            county=counties[row["county_code"]],
        )
        for row in rows
        if row["level"] == "township" and row["code"] not in held
    ]
    place_model.objects.bulk_create(townships)
    return created + len(townships)
