"""Validators on public reads (ETag, Last-Modified) and 304 answers to conditional requests."""

from __future__ import annotations

import pytest

from opengov.open_data import selectors, services

from .conftest import GOOD_CSV, upload

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def test_upload_downloads_have_strong_etags_and_answer_304(client, publish, clock):
    publish()
    url = "/data/datasets/visitors/download.csv"
    first = client.get(url)
    assert body(first) == GOOD_CSV
    etag = first["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first["Last-Modified"]
    assert "max-age=60" in first["Cache-Control"]
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert body(again) == b""
    assert again["ETag"] == etag and again["Access-Control-Allow-Origin"] == "*"
    assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200
    since = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304
    # a 304 is not a download
    assert selectors.download_counts(["visitors"]) == {"visitors": 2}


def test_each_representation_has_its_own_etag(client, publish):
    publish()
    tags = {
        client.get(f"/data/datasets/visitors/{path}")["ETag"]
        for path in (
            "download.csv",
            "download.csv?bom=1",
            "download.json",
            "download.jsonl",
            "versions/1/original",
        )
    }
    assert len(tags) == 5
    # the latest URL and the version's own URL serve the same bytes: the same tag
    assert (
        client.get("/data/datasets/visitors/download.json")["ETag"]
        == client.get("/data/datasets/visitors/versions/1/download.json")["ETag"]
    )


def test_version_urls_are_long_lived_and_latest_follows_new_versions(client, publish, official):
    dataset = publish()
    v1 = client.get("/data/datasets/visitors/versions/1/download.csv")
    assert "max-age=31536000" in v1["Cache-Control"]
    original = client.get("/data/datasets/visitors/versions/1/original")
    assert "max-age=31536000" in original["Cache-Control"]
    assert (
        client.get(
            "/data/datasets/visitors/versions/1/original",
            headers={"if-none-match": original["ETag"]},
        ).status_code
        == 304
    )
    latest_tag = client.get("/data/datasets/visitors/download.csv")["ETag"]
    services.dataset_add_version(
        actor=official,
        dataset=dataset,
        upload=upload(GOOD_CSV + "台中,2026-01-03,,true\n".encode()),
    )
    fresh = client.get(
        "/data/datasets/visitors/download.csv", headers={"if-none-match": latest_tag}
    )
    assert fresh.status_code == 200 and fresh["ETag"] != latest_tag
    still = client.get(
        "/data/datasets/visitors/versions/1/download.csv", headers={"if-none-match": v1["ETag"]}
    )
    assert still.status_code == 304


def test_licence_change_changes_the_etag(client, publish, official):
    dataset = publish()
    before = client.get("/data/datasets/visitors/download.csv")["ETag"]
    services.dataset_update(actor=official, dataset=dataset, licence="CC-BY-4.0")
    after = client.get("/data/datasets/visitors/download.csv", headers={"if-none-match": before})
    assert after.status_code == 200 and after["ETag"] != before


def test_registry_downloads_carry_no_validator(client, test_exporter):
    response = client.get("/data/datasets/test-signatures/download.csv")
    body(response)
    assert "ETag" not in response and "Last-Modified" not in response
    assert (
        client.get(
            "/data/datasets/test-signatures/download.csv", headers={"if-none-match": "*"}
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    "path",
    [
        "/data/datasets/visitors/dcat.ttl",
        "/data/datasets/visitors/dcat.jsonld",
        "/data/catalog.ttl",
    ],
)
def test_dcat_documents_answer_304_until_they_change(client, publish, official, path):
    dataset = publish()
    first = client.get(path)
    etag = first["ETag"]
    assert client.get(path, headers={"if-none-match": etag}).status_code == 304
    services.dataset_update(actor=official, dataset=dataset, title="新標題")
    changed = client.get(path, headers={"if-none-match": etag})
    assert changed.status_code == 200 and "新標題" in changed.content.decode()


@pytest.mark.parametrize("prefix", ["/api/3/action/", "/api/action/"])
def test_ckan_get_answers_304_and_post_carries_no_etag(client, publish, official, prefix):
    dataset = publish()
    for action in ("package_show?id=visitors", "package_list"):
        first = client.get(prefix + action)
        assert first.status_code == 200 and first["ETag"]
        again = client.get(prefix + action, headers={"if-none-match": first["ETag"]})
        assert again.status_code == 304
        assert again["Access-Control-Allow-Origin"] == "*"
    shown = client.get(prefix + "package_show?id=visitors")["ETag"]
    services.dataset_update(actor=official, dataset=dataset, description="新說明")
    assert (
        client.get(
            prefix + "package_show?id=visitors", headers={"if-none-match": shown}
        ).status_code
        == 200
    )
    posted = client.post(prefix + "package_show", {"id": "visitors"})
    assert posted.status_code == 200 and "ETag" not in posted


def test_ckan_csv_resource_carries_the_checksum_of_what_is_downloaded(client, publish):
    import hashlib

    publish()
    package = client.get("/api/3/action/package_show?id=visitors").json()["result"]
    csv_resource = next(r for r in package["resources"] if r["format"] == "CSV")
    content = body(client.get(csv_resource["url"].split("testserver")[-1]))
    assert csv_resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
    assert csv_resource["size"] == len(content)
    json_resource = next(r for r in package["resources"] if r["format"] == "JSON")
    assert json_resource["hash"] == "" and json_resource["size"] is None
