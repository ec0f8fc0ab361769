"""Importing OCDS files: release and record packages, JSON and JSON Lines, streamed; every
unreadable release named with its position and reason; all or nothing unless the operator
keeps the valid ones; only keepers may import."""

import datetime as dt
import io
import json

import pytest

from opengov.core.errors import NotFound
from opengov.core.models import AuditEvent
from opengov.procurement import importer, imports, selectors
from opengov.procurement.models import ImportRun, Record, Release

from .factories import PREFIX, release

pytestmark = pytest.mark.django_db


def _upload(keeper, content: bytes, *, name="data.json", keep_valid=False) -> ImportRun:
    run = imports.import_start(
        actor=keeper,
        filename=name,
        file=io.BytesIO(content),
        size=len(content),
        keep_valid=keep_valid,
    )
    run.refresh_from_db()
    return run


def _package(releases, **extra):
    return {
        "uri": "https://example.org/p.json",
        "version": "1.1",
        "publishedDate": "2024-05-07T00:00:00Z",
        "publisher": {"name": "<b>機關</b>"},
        "extensions": ["http://169.254.169.254/latest/meta-data/extension.json"],
        "releases": releases,
        **extra,
    }


def _jsonl(items) -> bytes:
    return "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items).encode()


def test_release_package_as_pretty_json(keeper, django_capture_on_commit_callbacks):
    body = json.dumps(
        _package([release(f"{PREFIX}-1"), release(f"{PREFIX}-2")]), indent=2, ensure_ascii=False
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        run = _upload(keeper, body)
    run.refresh_from_db()
    assert run.state == ImportRun.State.SUCCEEDED, run.message
    assert run.file_format == "json"
    assert (run.releases_read, run.releases_stored, run.records_compiled) == (2, 2, 2)
    assert Record.objects.count() == 2
    assert AuditEvent.objects.filter(verb="procurement.releases_imported").count() == 1


def test_json_lines_of_releases_compile_into_records(keeper, django_capture_on_commit_callbacks):
    lines = [
        release(f"{PREFIX}-1", rid="1", date="2024-01-01T00:00:00Z", end="2024-06-30"),
        release(f"{PREFIX}-2"),
        release(f"{PREFIX}-1", rid="2", date="2024-03-01T00:00:00Z", end="2024-12-31"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        run = _upload(keeper, b"\n" + _jsonl(lines), name="r.jsonl")
    run.refresh_from_db()
    assert run.state == ImportRun.State.SUCCEEDED, run.rejections
    assert run.file_format == "jsonl"
    assert Release.objects.filter(ocid=f"{PREFIX}-1").count() == 2
    record = Record.objects.get(ocid=f"{PREFIX}-1")
    assert record.release_count == 2
    assert record.compiled["contracts"][0]["period"]["endDate"].startswith("2024-12-31")


def test_record_package_with_linked_releases_keeps_the_compiled_release(
    keeper, django_capture_on_commit_callbacks
):
    compiled = release(f"{PREFIX}-9", tag=("compiled",))
    package = {
        "uri": "https://example.org/r.json",
        "version": "1.1",
        "publishedDate": "2024-05-07T00:00:00Z",
        "publisher": {"name": "機關"},
        "records": [
            {
                "ocid": f"{PREFIX}-9",
                "releases": [
                    {
                        "url": "https://example.org/r/1.json",
                        "date": "2024-01-10T00:00:00Z",
                        "tag": ["award"],
                    }
                ],
                "compiledRelease": compiled,
            },
            {"ocid": f"{PREFIX}-10", "releases": [release(f"{PREFIX}-10")]},
        ],
    }
    with django_capture_on_commit_callbacks(execute=True):
        run = _upload(keeper, json.dumps(package).encode())
    run.refresh_from_db()
    assert run.state == ImportRun.State.SUCCEEDED, run.rejections
    assert set(Record.objects.values_list("ocid", flat=True)) == {f"{PREFIX}-9", f"{PREFIX}-10"}
    assert Release.objects.filter(ocid=f"{PREFIX}-9").count() == 0  # linked: not held
    assert Release.objects.filter(ocid=f"{PREFIX}-10").count() == 1
    assert selectors.large_procurement_in_performance("53212539", dt.date(2024, 6, 1))


def _bad_lines():
    good = [release(f"{PREFIX}-{i}") for i in range(1, 6)]
    no_ocid = release("x")
    del no_ocid["ocid"]
    text_amount = release(f"{PREFIX}-20")
    text_amount["awards"][0]["value"]["amount"] = "308,100元"
    minguo = release(f"{PREFIX}-21")
    minguo["contracts"][0]["period"]["startDate"] = "113/05/07"
    return [
        good[0],
        no_ocid,
        good[1],
        {"name": "not a release", "rows": [1, 2]},
        text_amount,
        good[2],
        minguo,
        good[3],
    ]


def test_every_unreadable_release_is_reported_and_nothing_is_kept(
    keeper, django_capture_on_commit_callbacks
):
    nan = json.dumps(release(f"{PREFIX}-6")).replace("250000000", "NaN", 1).encode() + b"\n"
    body = _jsonl(_bad_lines()) + b"{not json\n" + nan + _jsonl([release(f"{PREFIX}-5")])
    with django_capture_on_commit_callbacks(execute=True):
        run = _upload(keeper, body, name="mixed.jsonl")
    run.refresh_from_db()
    assert run.state == ImportRun.State.REJECTED
    assert Release.objects.count() == 0 and Record.objects.count() == 0
    report = [(r["position"], r["line"], r["reason"], r["field"]) for r in run.rejections]
    assert report == [
        (2, 2, "no_ocid", "ocid"),
        (4, 4, "not_ocds", "ocid"),
        (5, 5, "amount_not_number", "awards[0].value.amount"),
        (7, 7, "minguo_date", "contracts[0].period.startDate"),
        (9, 9, "not_json", ""),
        (10, 10, "not_json", ""),
    ]
    assert run.rejections[2]["value"] == "308,100元"
    assert run.rejected_count == 6
    assert "Nothing was imported" in run.message or "沒有" in run.message


def test_keep_the_valid_ones(keeper, django_capture_on_commit_callbacks):
    body = _jsonl(_bad_lines())
    with django_capture_on_commit_callbacks(execute=True):
        run = _upload(keeper, body, name="mixed.jsonl", keep_valid=True)
    run.refresh_from_db()
    assert run.state == ImportRun.State.SUCCEEDED
    assert run.rejected_count == 4
    assert Record.objects.count() == 4
    assert run.releases_stored == 4


def test_broken_json_document_keeps_what_came_before_only_when_asked(
    keeper, django_capture_on_commit_callbacks
):
    body = json.dumps(_package([release(f"{PREFIX}-1"), release(f"{PREFIX}-2")]))
    broken = body[: body.rindex(f"{PREFIX}-2")].encode()  # cut in the middle of release 2
    with django_capture_on_commit_callbacks(execute=True):
        refused = _upload(keeper, broken)
        kept = _upload(keeper, broken, keep_valid=True)
    refused.refresh_from_db()
    kept.refresh_from_db()
    assert refused.state == ImportRun.State.REJECTED
    assert [r["reason"] for r in refused.rejections] == ["not_json"]
    assert refused.rejections[0]["position"] == 2
    assert kept.state == ImportRun.State.SUCCEEDED
    assert list(Record.objects.values_list("ocid", flat=True)) == [f"{PREFIX}-1"]


@pytest.mark.parametrize(
    "body",
    [b"name,amount\nx,1\n", b'{"hello": "world"}', b"[1, 2]", b"   "],
)
def test_files_that_are_not_ocds_are_refused(keeper, body, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = _upload(keeper, body)
    run.refresh_from_db()
    assert run.state == ImportRun.State.REJECTED
    assert run.rejections
    assert Record.objects.count() == 0


def test_extension_urls_in_the_data_are_never_fetched(
    keeper, monkeypatch, django_capture_on_commit_callbacks
):
    import socket
    import urllib.request

    def refuse(*args, **kwargs):
        raise AssertionError("the import reached the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    body = json.dumps(_package([release(f"{PREFIX}-1")])).encode()
    with django_capture_on_commit_callbacks(execute=True):
        run = _upload(keeper, body)
    run.refresh_from_db()
    assert run.state == ImportRun.State.SUCCEEDED


def test_only_keepers_import(citizen, official):
    for user in (citizen, official):
        with pytest.raises(NotFound):
            _upload(user, b"{}")
    assert ImportRun.objects.count() == 0


def test_progress_reads_bytes(keeper):
    run = _upload(keeper, json.dumps(_package([release(f"{PREFIX}-1")])).encode())
    assert importer.progress(run)["phase"] == "waiting"
    importer.import_execute(run.pk)
    run.refresh_from_db()
    assert importer.progress(run) == {
        "phase": "finished",
        "percent": 100,
        "read": run.size,
        "size": run.size,
    }
    assert importer.import_execute(run.pk) is None  # runs once


def test_command_line_import(keeper, tmp_path):
    from django.core.management import CommandError, call_command

    good = tmp_path / "good.jsonl"
    good.write_bytes(_jsonl([release(f"{PREFIX}-1"), release(f"{PREFIX}-2")]))
    out = io.StringIO()
    call_command("procurement_import", str(good), user=keeper.email, stdout=out)
    assert out.getvalue().startswith("succeeded")
    assert Record.objects.count() == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(_jsonl(_bad_lines()))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("procurement_import", str(bad), user=keeper.email, stdout=out)
    assert "contracts[0].period.startDate" in out.getvalue()
