"""Catalogue pages: search with facets, dataset page, dictionary, upload forms, showcase."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opengov.open_data.models import Dataset, DatasetVersion, Showcase

from .conftest import GOOD_CSV, GOOD_FIELDS

pytestmark = pytest.mark.django_db


def test_catalogue_search_and_facets(client, publish, test_exporter):
    publish()
    page = client.get("/data/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "到訪人數 &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert "測試連署" in html
    found = client.get("/data/", {"q": "到訪"}).content.decode()
    assert "到訪人數" in found and "測試連署" not in found
    by_publisher = client.get("/data/", {"publisher": "platform"}).content.decode()
    assert "測試連署" in by_publisher and "到訪人數" not in by_publisher
    by_theme = client.get("/data/", {"theme": "JUST"}).content.decode()
    assert "測試連署" not in by_theme and "到訪人數" not in by_theme
    assert client.get("/data/", {"q": 'x"'}).status_code == 200


def test_dataset_page_preview_licence_attribution_versions(client, publish, test_exporter):
    publish()
    html = client.get("/data/datasets/visitors/").content.decode()
    assert "台北" in html and "高雄" in html  # preview
    assert "政府資料開放授權條款" in html and "https://data.gov.tw/license" in html
    assert "/data/datasets/visitors/versions/1/download.csv" in html
    assert "/data/datasets/visitors/download.jsonl" in html
    registry = client.get("/data/datasets/test-signatures/").content.decode()
    assert "A12****01" in registry and "person1@example.org" not in registry
    assert "email" in registry  # named as withheld
    assert client.get("/data/datasets/nope/").status_code == 404


def test_data_dictionary(client, publish, test_exporter):
    publish()
    html = client.get("/data/datasets/visitors/dictionary/").content.decode()
    assert "站點名稱" in html and "integer" in html and "到訪人數" in html
    registry = client.get("/data/datasets/test-signatures/dictionary/").content.decode()
    assert "Masked ID number" in registry
    assert "E-mail address" not in registry


def _form(**overrides):
    data = {
        "agency": "moi",
        "name": "parks",
        "title": "公園",
        "description": "公園清單",
        "keywords": "公園",
        "theme": "ENVI",
        "update_frequency": "monthly",
        "contact_name": "公園處",
        "contact_email": "parks@example.gov.tw",
        "licence": "OGDL-Taiwan-1.0",
        "encoding": "auto",
        "fields": GOOD_FIELDS,
        "file": SimpleUploadedFile("parks.csv", GOOD_CSV),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 302),
        ("citizen", 404),
        ("other_official", 400),
        ("official", 302),
        ("moderator", 404),
        ("admin", 404),
    ],
)
def test_upload_page_permission_matrix(client_for, people, role, status):
    response = client_for(people[role]).post("/data/new/", _form())
    assert response.status_code == status
    if role == "official":
        assert response["Location"] == "/data/datasets/parks/"
        assert Dataset.objects.get().agency.code == "moi"
    else:
        assert not Dataset.objects.exists()


def test_upload_page_shows_row_and_column_of_a_bad_row(client_for, official):
    bad = GOOD_CSV + "台中,2026-13-45,5,true\n".encode()
    response = client_for(official).post(
        "/data/new/", _form(file=SimpleUploadedFile("parks.csv", bad))
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "<td>4</td><td>日期</td>" in html
    assert 'aria-invalid="true"' in html
    assert not Dataset.objects.exists()


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 302),
        ("citizen", 404),
        ("other_official", 404),
        ("official", 302),
        ("moderator", 404),
        ("admin", 404),
    ],
)
def test_new_version_page_permission_matrix(client_for, people, publish, role, status):
    publish()
    response = client_for(people[role]).post(
        "/data/datasets/visitors/new-version/",
        {"encoding": "auto", "file": SimpleUploadedFile("v2.csv", GOOD_CSV)},
    )
    assert response.status_code == status
    assert DatasetVersion.objects.count() == (2 if role == "official" else 1)


def test_showcase_submit_moderate_and_show(client_for, citizen, moderator, test_exporter):
    response = client_for(citizen).post(
        "/data/showcase/submit/",
        {
            "title": "連署地圖 <script>",
            "description": "地圖",
            "url": "https://example.org/map",
            "datasets": "test-signatures",
        },
    )
    assert response.status_code == 302
    showcase = Showcase.objects.get()
    assert "連署地圖" not in client_for(None).get("/data/showcase/").content.decode()
    assert client_for(citizen).get("/data/showcase/moderation/").status_code == 404
    denied = client_for(citizen).post(
        "/data/showcase/moderation/", {"showcase": showcase.public_id, "decision": "approve"}
    )
    assert denied.status_code == 404
    showcase.refresh_from_db()
    assert showcase.status == "pending"
    ok = client_for(moderator).post(
        "/data/showcase/moderation/", {"showcase": showcase.public_id, "decision": "approve"}
    )
    assert ok.status_code == 302
    listing = client_for(None).get("/data/showcase/").content.decode()
    assert "連署地圖 &lt;script&gt;" in listing
    dataset_page = client_for(None).get("/data/datasets/test-signatures/").content.decode()
    assert "連署地圖" in dataset_page


def test_api_lists_datasets(client, publish, test_exporter):
    publish()
    body = client.get("/api/v1/open-data/datasets", {"page_size": 1}).json()
    assert body["count"] == 2 and len(body["items"]) == 1
    assert body["items"][0]["name"] == "test-signatures"
    assert client.get("/api/v1/open-data/datasets/visitors").json()["name"] == "visitors"
    missing = client.get("/api/v1/open-data/datasets/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 302),
        ("citizen", 404),
        ("other_official", 404),
        ("official", 302),
        ("moderator", 404),
        ("admin", 404),
    ],
)
def test_edit_description_permission_matrix(client_for, people, publish, role, status):
    from opengov.core.models import AuditEvent

    publish()
    response = client_for(people[role]).post(
        "/data/datasets/visitors/edit/",
        {
            "title": "新標題",
            "description": "新描述",
            "keywords": "新, 統計",
            "theme": "SOCI",
            "update_frequency": "weekly",
            "contact_name": "統計處",
            "contact_email": "stats@moi.example.gov.tw",
            "licence": "OGDL-Taiwan-1.0",
        },
    )
    assert response.status_code == status
    dataset = Dataset.objects.get()
    changed = role == "official"
    assert (dataset.title == "新標題") is changed
    assert (sorted(k.name for k in dataset.keywords.all()) == ["新", "統計"]) is changed
    assert AuditEvent.objects.filter(verb="open_data.dataset_updated").exists() is changed


def test_edit_description_rejects_bad_dates(client_for, official, publish):
    publish()
    response = client_for(official).post(
        "/data/datasets/visitors/edit/",
        {
            "title": "t",
            "description": "d",
            "theme": "SOCI",
            "update_frequency": "weekly",
            "contact_name": "c",
            "contact_email": "c@example.gov.tw",
            "licence": "OGDL-Taiwan-1.0",
            "temporal_start": "2026-02-01",
            "temporal_end": "2026-01-01",
        },
    )
    assert response.status_code == 400
    assert 'id="id_temporal_end_error"' in response.content.decode()
    assert Dataset.objects.get().title != "t"


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 401),
        ("citizen", 404),
        ("other_official", 404),
        ("official", 201),
        ("moderator", 404),
        ("admin", 404),
    ],
)
def test_api_version_upload_permission_matrix(client, people, publish, role, status):
    from opengov.accounts import services as account_services

    publish()
    headers = {}
    if people[role] is not None:
        _token, key = account_services.token_create(actor=people[role], name="upload")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    response = client.post(
        "/api/v1/open-data/datasets/visitors/versions",
        {"file": SimpleUploadedFile("v2.csv", GOOD_CSV), "note": "daily"},
        **headers,
    )
    assert response.status_code == status
    assert DatasetVersion.objects.count() == (2 if role == "official" else 1)


def test_api_version_upload_reports_every_problem(client, official, publish):
    from opengov.accounts import services as account_services

    publish()
    _token, key = account_services.token_create(actor=official, name="upload")
    bad = GOOD_CSV + "台中,2026-01-03,很多,true\n".encode() + "台東,2026-01-04,1,maybe\n".encode()
    response = client.post(
        "/api/v1/open-data/datasets/visitors/versions",
        {"file": SimpleUploadedFile("v2.csv", bad)},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_rows" and error["field"] == "file"
    assert [(p["row"], p["column"]) for p in error["problems"]] == [(4, "人數"), (5, "開放")]
    assert DatasetVersion.objects.count() == 1
