"""JSON uploads with nested objects or lists in a cell are refused, naming row and column."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from opengov.open_data import ingest
from opengov.open_data.models import Dataset, DatasetVersion

from .conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


FLAT_FIELDS = "站名 | string | required\n人數 | integer"


def as_json(rows) -> bytes:
    return json.dumps(rows, ensure_ascii=False).encode()


@pytest.mark.parametrize("fields_text", ["", FLAT_FIELDS])
def test_nested_values_are_refused_with_row_and_column(publish, fields_text):
    rows = [
        {"站名": "台北", "人數": 1},
        {"站名": {"zh": "高雄", "en": "Kaohsiung"}, "人數": 2},
        {"站名": "台中", "人數": [3, 4]},
    ]
    with pytest.raises(ingest.UploadRejected) as caught:
        publish(upload=upload(as_json(rows), "data.json"), fields_text=fields_text)
    error = caught.value
    assert error.code == "nested_values"
    assert [(p.row, p.column) for p in error.problems] == [(3, "站名"), (4, "人數")]
    assert "nested" in error.problems[0].message and "object" in error.problems[0].message
    assert "list" in error.problems[1].message
    assert "row 3" in str(error.message) and "站名" in str(error.message)
    assert not Dataset.objects.exists()


def test_rows_as_lists_with_a_nested_list_are_refused(publish):
    rows = [["站名", "人數"], ["台北", 1], ["高雄", [2]]]
    with pytest.raises(ingest.UploadRejected) as caught:
        publish(upload=upload(as_json(rows), "data.json"), fields_text=FLAT_FIELDS)
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "人數")]


def test_flat_json_with_text_that_looks_like_json_is_published(publish):
    rows = [{"站名": '{"not": "nested"}', "人數": 1}]
    dataset = publish(upload=upload(as_json(rows), "data.json"), fields_text=FLAT_FIELDS)
    assert dataset.versions.get().row_count == 1


def test_api_reports_nested_values(client, official, publish):
    from opengov.accounts import services as account_services

    publish()
    _token, key = account_services.token_create(actor=official, name="upload")
    rows = [{"站名": "台北", "日期": "2026-01-01", "人數": {"a": 1}, "開放": True}]
    response = client.post(
        "/api/v1/open-data/datasets/visitors/versions",
        {"file": SimpleUploadedFile("v2.json", as_json(rows))},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "nested_values" and error["field"] == "file"
    assert [(p["row"], p["column"]) for p in error["problems"]] == [(2, "人數")]
    assert DatasetVersion.objects.count() == 1
