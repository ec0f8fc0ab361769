"""The merge rules the platform keeps equal what ocdsmerge derives from the official OCDS
1.1.5 release schema (and the bid extension's), and compiling follows the OCDS merge."""

import json

import pytest
from ocdsmerge.rules import get_merge_rules

from opengov.procurement import ocds


def _patched(base, patch):
    """JSON Merge Patch (RFC 7386), as extensions patch the release schema."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(base) if isinstance(base, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = _patched(merged.get(key), value)
    return merged


def test_core_merge_rules_equal_the_official_schema(standards_dir):
    path = standards_dir / "ocds-1.1.5" / "release-schema.json"
    assert get_merge_rules(str(path)) == ocds.CORE_MERGE_RULES


def test_bid_extension_merge_rules_equal_the_extended_schema(standards_dir):
    folder = standards_dir / "ocds-1.1.5"
    core = json.loads((folder / "release-schema.json").read_text())
    extension = json.loads((folder / "extensions" / "bids" / "release-schema.json").read_text())
    assert get_merge_rules(_patched(core, extension)) == ocds.MERGE_RULES


def _release(rid, date, tag, **fields):
    return {"ocid": "ocds-kj3ygj-1", "id": rid, "date": date, "tag": [tag], **fields}


def test_compiled_release_follows_the_ocds_merge():
    tender = _release(
        "r1",
        "2024-01-01T00:00:00Z",
        "tender",
        initiationType="tender",
        parties=[{"id": "B", "name": "交通部", "roles": ["buyer", "procuringEntity"]}],
        tender={
            "id": "t",
            "title": "道路工程",
            "description": "<b>舊說明</b>",
            "value": {"amount": 100, "currency": "TWD"},
            "submissionMethod": ["electronicSubmission", "inPerson"],
            "items": [{"id": "1", "description": "瀝青"}, {"id": "2", "description": "標線"}],
        },
    )
    award = _release(
        "r2",
        "2024-02-01T00:00:00Z",
        "award",
        parties=[
            {"id": "B", "roles": ["buyer"]},
            {"id": "S", "name": "營造", "roles": ["supplier"]},
        ],
        tender={
            "status": "complete",
            "submissionMethod": ["electronicSubmission"],
            "items": [{"id": "2", "description": "標線與號誌"}],
            "description": None,
        },
        awards=[{"id": "a1", "suppliers": [{"id": "S", "name": "營造"}]}],
    )
    compiled = ocds.compile_releases([award, tender])  # order does not matter: by date
    assert compiled["tag"] == ["compiled"]
    assert compiled["id"] == "ocds-kj3ygj-1-2024-02-01T00:00:00Z"
    assert compiled["date"] == "2024-02-01T00:00:00Z"
    buyer = next(p for p in compiled["parties"] if p["id"] == "B")
    assert buyer == {"id": "B", "name": "交通部", "roles": ["buyer"]}  # whole list replaced
    assert compiled["tender"]["submissionMethod"] == ["electronicSubmission"]
    assert compiled["tender"]["items"] == [  # merged by id, unchanged ones kept
        {"id": "1", "description": "瀝青"},
        {"id": "2", "description": "標線與號誌"},
    ]
    assert "description" not in compiled["tender"]  # null removes a field
    assert compiled["tender"]["value"] == {"amount": 100, "currency": "TWD"}  # kept
    assert compiled["tender"]["title"] == "道路工程"
    assert compiled["awards"][0]["suppliers"] == [{"id": "S", "name": "營造"}]


def test_bids_merge_by_id_and_related_bids_as_a_whole():
    first = _release(
        "r1",
        "2024-01-01T00:00:00Z",
        "tender",
        bids={"details": [{"id": "b1", "status": "pending"}, {"id": "b2", "status": "pending"}]},
        awards=[{"id": "a1", "relatedBids": ["b1", "b2"]}],
    )
    second = _release(
        "r2",
        "2024-01-05T00:00:00Z",
        "award",
        bids={"details": [{"id": "b2", "status": "disqualified"}]},
        awards=[{"id": "a1", "relatedBids": ["b1"]}],
    )
    compiled = ocds.compile_releases([first, second])
    assert compiled["bids"]["details"] == [
        {"id": "b1", "status": "pending"},
        {"id": "b2", "status": "disqualified"},
    ]
    assert compiled["awards"][0]["relatedBids"] == ["b1"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5, 5), (2.5, 2.5), ("308,100元", None), (True, None), (None, None), (float("nan"), None)],
)
def test_amounts_are_numbers_only(value, expected):
    got = ocds.decimal_or_none(value)
    assert (got if got is None else float(got)) == expected
