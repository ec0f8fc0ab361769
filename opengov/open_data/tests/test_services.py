"""Publishing datasets: validation, versions, encodings, permissions."""

from __future__ import annotations

import csv
import io

import pytest

from opengov.core.errors import Forbidden, NotFound, ServiceError
from opengov.core.models import AuditEvent
from opengov.open_data import selectors, services
from opengov.open_data.ingest import UploadRejected
from opengov.open_data.models import Dataset, DatasetVersion

from .conftest import GOOD_CSV, upload, xlsx_bytes


def _rows(version: DatasetVersion) -> list[list[str]]:
    with version.data.open("rb") as fh:
        return list(csv.reader(io.TextIOWrapper(fh, encoding="utf-8")))


def test_publish_creates_dataset_version_keywords_and_audit(publish, agency):
    dataset = publish()
    assert dataset.latest_version == 1
    assert dataset.licence == "OGDL-Taiwan-1.0"
    assert sorted(k.name for k in dataset.keywords.all()) == ["visitors", "統計"]
    version = dataset.versions.get()
    assert version.row_count == 2
    assert version.encoding == "utf-8"
    assert [f["type"] for f in version.schema] == ["string", "date", "integer", "boolean"]
    assert _rows(version)[0] == ["站名", "日期", "人數", "開放"]
    assert _rows(version)[1] == ["台北", "2026-01-01", "120", "true"]
    event = AuditEvent.objects.get(verb="open_data.dataset_published")
    assert event.agency_code == agency.code and event.public


def test_bad_row_rejects_the_whole_upload_naming_row_and_column(publish):
    bad = GOOD_CSV + "台中,2026-01-03,很多,true\n".encode()
    with pytest.raises(UploadRejected) as caught:
        publish(upload=upload(bad))
    problems = caught.value.problems
    assert caught.value.code == "invalid_rows"
    assert (problems[0].row, problems[0].column) == (4, "人數")
    assert "4" in str(caught.value.message) and "人數" in str(caught.value.message)
    assert not Dataset.objects.exists() and not DatasetVersion.objects.exists()


def test_missing_required_value_is_reported(publish):
    bad = GOOD_CSV + b",2026-01-03,5,true\n"
    with pytest.raises(UploadRejected) as caught:
        publish(upload=upload(bad))
    assert (caught.value.problems[0].row, caught.value.problems[0].column) == (4, "站名")


def test_big5_and_bom_are_accepted_and_stored_as_utf8(publish):
    big5 = GOOD_CSV.decode().encode("big5")
    dataset = publish(upload=upload(big5))
    version = dataset.versions.get()
    assert version.encoding == "big5"
    assert _rows(version)[1][0] == "台北"
    bom = b"\xef\xbb\xbf" + GOOD_CSV
    dataset2 = publish(name="visitors-bom", upload=upload(bom))
    version2 = dataset2.versions.get()
    assert version2.encoding == "utf-8-sig"
    assert _rows(version2)[0][0] == "站名"
    dataset3 = publish(name="visitors-bom-declared", upload=upload(bom), encoding="utf-8")
    assert _rows(dataset3.versions.get())[0][0] == "站名"


def test_unknown_encoding_is_refused_with_the_reason(publish):
    latin = "name,city\nJosé,Zürich\n".encode("utf-16")
    with pytest.raises(UploadRejected) as caught:
        publish(upload=upload(latin), fields_text="")
    assert caught.value.code == "unknown_encoding"
    with pytest.raises(UploadRejected) as caught:
        publish(upload=upload(GOOD_CSV), encoding="latin-1")
    assert caught.value.code == "unknown_encoding"
    assert "latin-1" in str(caught.value.message)
    with pytest.raises(UploadRejected) as caught:
        publish(upload=upload(GOOD_CSV.decode().encode("big5")), encoding="utf-8")
    assert caught.value.code == "wrong_encoding"
    assert "utf-8" in str(caught.value.message)
    assert not Dataset.objects.exists()


def test_mismatched_header_is_refused(publish):
    wrong = "站名,日期,訪客,開放\n台北,2026-01-01,120,true\n".encode()
    with pytest.raises(UploadRejected) as caught:
        publish(upload=upload(wrong))
    message = str(caught.value.message)
    assert caught.value.code == "header_mismatch"
    assert "人數" in message and "訪客" in message
    assert {p.column for p in caught.value.problems} == {"人數", "訪客"}


def test_new_version_keeps_old_one_and_must_match_header(publish, official):
    dataset = publish()
    more = GOOD_CSV + "台中,2026-01-03,50,true\n".encode()
    version = services.dataset_add_version(
        actor=official, dataset=dataset, upload=upload(more), note="加一站"
    )
    assert version.number == 2 and version.row_count == 3
    dataset.refresh_from_db()
    assert dataset.latest_version == 2
    assert dataset.versions.count() == 2
    assert _rows(dataset.versions.get(number=1))[1:] == [
        ["台北", "2026-01-01", "120", "true"],
        ["高雄", "2026-01-02", "80", "false"],
    ]
    # the schema (types) of version 1 applies to version 2
    with pytest.raises(UploadRejected):
        services.dataset_add_version(actor=official, dataset=dataset, upload=upload(b"a,b\n1,2\n"))
    with pytest.raises(UploadRejected) as caught:
        services.dataset_add_version(
            actor=official,
            dataset=dataset,
            upload=upload(GOOD_CSV.replace(b"120", b"x")),
        )
    assert caught.value.problems[0].column == "人數"
    dataset.refresh_from_db()
    assert dataset.latest_version == 2


def test_xlsx_and_json_uploads(publish):
    book = xlsx_bytes([["站名", "日期", "人數", "開放"], ["台北", "2026-01-01", 120, "true"]])
    dataset = publish(upload=upload(book, "data.xlsx"), encoding="auto")
    assert dataset.original_format == "xlsx"
    json_data = '[{"站名": "台北", "日期": "2026-01-01", "人數": 3, "開放": true}]'.encode()
    dataset2 = publish(name="visitors-json", upload=upload(json_data, "data.json"))
    assert _rows(dataset2.versions.get())[1] == ["台北", "2026-01-01", "3", "true"]


def test_inferred_schema_without_declared_fields(publish):
    dataset = publish(fields_text="")
    types = {f["name"]: f["type"] for f in dataset.versions.get().schema}
    assert types["人數"] == "integer"


def test_metadata_checks(publish):
    with pytest.raises(ServiceError) as caught:
        publish(title="")
    assert caught.value.field == "title"
    with pytest.raises(ServiceError) as caught:
        publish(theme="NOPE")
    assert caught.value.field == "theme"
    with pytest.raises(ServiceError) as caught:
        publish(licence="proprietary")
    assert caught.value.field == "licence"
    import datetime as dt

    with pytest.raises(ServiceError) as caught:
        publish(temporal_start=dt.date(2026, 2, 1), temporal_end=dt.date(2026, 1, 1))
    assert caught.value.field == "temporal_end"
    with pytest.raises(ServiceError) as caught:
        publish(upload=upload(GOOD_CSV, "data.txt"))
    assert caught.value.code == "unsupported_format"
    with pytest.raises(ServiceError) as caught:
        publish(fields_text="a | decimal")
    assert caught.value.field == "fields"
    publish()
    with pytest.raises(ServiceError) as caught:
        publish()
    assert caught.value.code == "name_taken"


def test_name_of_registry_dataset_is_taken(publish, test_exporter):
    with pytest.raises(ServiceError) as caught:
        publish(name=test_exporter.slug)
    assert caught.value.code == "name_taken"


@pytest.mark.parametrize(
    "role, allowed",
    [
        ("anonymous", False),
        ("citizen", False),
        ("other_official", False),
        ("official", True),
        ("moderator", False),
        ("admin", False),
    ],
)
def test_permission_matrix_for_publishing(people, publish, role, allowed):
    from django.contrib.auth.models import AnonymousUser

    actor = people[role] or AnonymousUser()
    if allowed:
        assert publish(actor=actor).latest_version == 1
        return
    with pytest.raises(ServiceError):
        publish(actor=actor)
    assert not Dataset.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="open_data.").exists()


@pytest.mark.parametrize(
    "role, allowed",
    [
        ("anonymous", False),
        ("citizen", False),
        ("other_official", False),
        ("official", True),
        ("moderator", False),
        ("admin", False),
    ],
)
def test_permission_matrix_for_new_versions(people, publish, role, allowed):
    from django.contrib.auth.models import AnonymousUser

    dataset = publish()
    actor = people[role] or AnonymousUser()
    if allowed:
        services.dataset_add_version(actor=actor, dataset=dataset, upload=upload(GOOD_CSV))
        assert dataset.versions.count() == 2
        return
    with pytest.raises((Forbidden, NotFound, ServiceError)):
        services.dataset_add_version(actor=actor, dataset=dataset, upload=upload(GOOD_CSV))
    assert dataset.versions.count() == 1
    dataset.refresh_from_db()
    assert dataset.latest_version == 1


def test_official_of_parent_agency_may_publish_for_sub_unit(publish, agency):
    from opengov.accounts.tests.factories import AgencyFactory, make_official

    unit = AgencyFactory(code="moi-dit", parent=agency)
    parent_official = make_official(agency.parent)
    dataset = publish(actor=parent_official, agency=unit)
    assert dataset.agency == unit


def test_showcase_submit_and_moderate(citizen, moderator, test_exporter):
    showcase = services.showcase_submit(
        actor=citizen,
        title="連署地圖",
        description="Map",
        url="https://example.org/app",
        datasets=[test_exporter.slug],
    )
    assert selectors.published_showcases() == []
    with pytest.raises(NotFound):
        services.showcase_moderate(actor=citizen, showcase=showcase, approve=True)
    services.showcase_moderate(actor=moderator, showcase=showcase, approve=True)
    assert [s.pk for s in selectors.published_showcases(test_exporter.slug)] == [showcase.pk]
    with pytest.raises(ServiceError) as caught:
        services.showcase_submit(
            actor=citizen, title="x", description="y", url="https://e.org", datasets=["nope"]
        )
    assert caught.value.field == "datasets"


def test_download_counter(db):
    services.download_count(name="x")
    services.download_count(name="x")
    assert selectors.download_counts(["x"]) == {"x": 2}


def test_personal_data_export_lists_submissions_and_uploads(publish, official, citizen):
    from opengov.core.personal_data import collect

    publish()
    services.showcase_submit(
        actor=citizen, title="App", description="d", url="https://e.org", datasets=["visitors"]
    )
    assert collect(citizen)["open_data"]["showcases_submitted"][0]["title"] == "App"
    uploads = collect(official)["open_data"]["dataset_versions_uploaded"]
    assert uploads == [
        {
            "dataset": "visitors",
            "version": 1,
            "uploaded_at": uploads[0]["uploaded_at"],
            "note": "",
        }
    ]
