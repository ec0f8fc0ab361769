"""Downloads in every format, streamed; personal fields never emitted; limits and keys."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse

import pytest
from django.http import StreamingHttpResponse

from opengov.open_data import selectors, services

from .conftest import GOOD_CSV, upload

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_registry_dataset_never_emits_personal_fields(client, test_exporter, fmt):
    response = client.get(f"/data/datasets/test-signatures/download.{fmt}")
    assert response.status_code == 200
    content = body(response).decode("utf-8")
    assert "@example.org" not in content
    assert "email" not in content
    assert "A123456701" not in content  # masked
    assert "A12****01" in content
    assert "<script>市民1</script>" in content


def test_registry_csv_json_jsonl_content(client, test_exporter):
    text = body(client.get("/data/datasets/test-signatures/download.csv")).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["id", "display_name", "national_id", "signed_on", "verified", "amount"]
    assert rows[1] == ["1", "<script>市民1</script>", "A12****01", "2026-03-02", "false", "100"]
    assert len(rows) == 6
    data = json.loads(body(client.get("/data/datasets/test-signatures/download.json")))
    assert data[1] == {
        "id": 2,
        "display_name": "<script>市民2</script>",
        "national_id": "A12****02",
        "signed_on": "2026-03-03",
        "verified": True,
        "amount": 200,
    }
    lines = body(client.get("/data/datasets/test-signatures/download.jsonl")).splitlines()
    assert len(lines) == 5 and json.loads(lines[4])["id"] == 5


def test_csv_bom_option_for_spreadsheets(client, test_exporter, publish):
    publish()
    for name in ("test-signatures", "visitors"):
        plain = body(client.get(f"/data/datasets/{name}/download.csv"))
        with_bom = body(client.get(f"/data/datasets/{name}/download.csv?bom=1"))
        assert not plain.startswith(b"\xef\xbb\xbf")
        assert with_bom == b"\xef\xbb\xbf" + plain


def test_uploaded_dataset_in_every_format_and_every_version(client, publish, official):
    dataset = publish()
    services.dataset_add_version(
        actor=official,
        dataset=dataset,
        upload=upload(GOOD_CSV + "台中,2026-01-03,,true\n".encode()),
    )
    latest = body(client.get("/data/datasets/visitors/download.csv")).decode()
    assert latest.count("\n") == 4
    v1 = body(client.get("/data/datasets/visitors/versions/1/download.csv")).decode()
    assert v1 == GOOD_CSV.decode()
    data = json.loads(body(client.get("/data/datasets/visitors/download.json")))
    assert data[2] == {"站名": "台中", "日期": "2026-01-03", "人數": None, "開放": True}
    assert data[0]["人數"] == 120
    lines = body(client.get("/data/datasets/visitors/versions/1/download.jsonl")).splitlines()
    assert [json.loads(x)["站名"] for x in lines] == ["台北", "高雄"]
    original = client.get("/data/datasets/visitors/versions/1/original")
    assert body(original) == GOOD_CSV
    assert client.get("/data/datasets/visitors/versions/9/download.csv").status_code == 404
    assert client.get("/data/datasets/nope/download.csv").status_code == 404


def test_licence_and_attribution_come_with_each_download(client, publish):
    publish()
    response = client.get("/data/datasets/visitors/download.csv")
    body(response)
    assert 'rel="license"' in response["Link"] and "data.gov.tw/license" in response["Link"]
    assert response["X-Licence"] == "OGDL-Taiwan-1.0"
    attribution = urllib.parse.unquote(response["X-Attribution"])
    assert "政府資料開放授權條款" in attribution and "到訪人數" in attribution
    assert 'filename="visitors-v1.csv"' in response["Content-Disposition"]


def test_downloads_are_counted(client, publish):
    publish()
    for _ in range(3):
        body(client.get("/data/datasets/visitors/download.json"))
    assert selectors.download_counts(["visitors"]) == {"visitors": 3}


def test_anonymous_downloads_are_rate_limited_and_keys_get_more(
    client, test_exporter, profile, citizen
):
    from opengov.accounts import services as account_services

    profile(open_data={"anonymous_downloads_per_hour": 2, "keyed_downloads_per_hour": 4})
    url = "/data/datasets/test-signatures/download.csv"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0
    _token, key = account_services.token_create(actor=citizen, name="research")
    statuses = [
        client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}").status_code,
        client.get(url, HTTP_X_API_KEY=key).status_code,
        client.get(url + f"?api_key={key}").status_code,
        client.get(url, HTTP_X_CKAN_API_KEY=key).status_code,
        client.get(url, HTTP_X_API_KEY=key).status_code,
    ]
    assert statuses == [200, 200, 200, 200, 429]
    bad = client.get(url, HTTP_X_API_KEY="not-a-key")
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "invalid_api_key"


def test_streaming_reads_registry_rows_in_batches(test_exporter, monkeypatch):
    """The CSV writer consumes batches: the first chunk is produced before all rows are read."""
    from opengov.core import exporters
    from opengov.core.exporters import Exporter, ExportField
    from opengov.open_data import streaming

    produced = []

    def rows():
        for i in range(5000):
            produced.append(i)
            yield {"n": i}

    exporters.register(
        Exporter(
            slug="big",
            app_label="tests",
            title="Big",
            description="Big",
            fields=(ExportField("n", "integer", "n"),),
            rows=rows,
        )
    )
    entry = selectors.get_entry("big")
    chunks = streaming.csv_rows(["n"], ["integer"], selectors.typed_batches(entry))
    next(chunks)  # header
    next(chunks)  # first batch
    assert len(produced) == selectors.BATCH_SIZE
    rest = b"".join(chunks)
    assert rest.endswith(b"4999\r\n") and len(produced) == 5000


def test_cursor_tuples_exporter_streams_whole_fetches_with_masks(client, agency, other_agency):
    """`cursor_tuples` reads straight from a cursor; personal fields stay out, masks apply."""
    from opengov.accounts.models import Agency
    from opengov.core import exporters
    from opengov.core.exporters import Exporter, ExportField, cursor_tuples

    exporter = Exporter(
        slug="agencies",
        app_label="tests",
        title="Agencies",
        description="Agencies",
        fields=(
            ExportField("code", "string", "Code"),
            ExportField("path", "string", "Path", mask=lambda v: v[:3] + "…"),
            ExportField("website", "string", "Website", personal=True),
            ExportField("active", "boolean", "Active"),
        ),
        rows=lambda: Agency.objects.order_by("code").values("code", "path", "website", "active"),
        tuples=cursor_tuples(Agency.objects.order_by("code"), chunk_size=2),
    )
    exporters.register(exporter)
    batches = list(exporter.public_batches(1000))
    assert [len(b) for b in batches] == [2, 1]  # whole fetches of the cursor
    expected = [[a.code, a.path[:3] + "…", a.active] for a in Agency.objects.order_by("code")]
    assert [list(r) for b in batches for r in b] == expected
    text = body(client.get("/data/datasets/agencies/download.csv")).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["code", "path", "active"]
    assert rows[1:] == [[c, n, "true"] for c, n, _a in expected]
    data = json.loads(body(client.get("/data/datasets/agencies/download.json")))
    assert data[0] == {"code": expected[0][0], "path": expected[0][1], "active": True}
    translated = cursor_tuples(Agency.objects.order_by("code"))
    with pytest.raises(ValueError, match="translated"):
        list(translated.batches(("code", "name")))


def test_numbers_come_back_with_exactly_the_digits_given(client, publish):
    """A data platform returns the value it was given: no float rounding in JSON."""
    from decimal import Decimal

    from opengov.open_data.tests.conftest import upload

    exact = ["0.1234567890123456789", "12345678901234567890.50", "-0.000000000000000000001"]
    csv_text = "名稱,金額\n" + "".join(f"r{i},{v}\n" for i, v in enumerate(exact))
    publish(
        upload=upload(csv_text.encode()),
        fields_text="名稱 | string | required | 名稱\n金額 | number | optional | 金額",
    )
    raw = body(client.get("/data/datasets/visitors/download.json")).decode()
    for value in exact:
        assert f'"金額": {value}' in raw
    rows = json.loads(raw, parse_float=Decimal)
    assert [r["金額"] for r in rows] == [Decimal(v) for v in exact]
    lines = body(client.get("/data/datasets/visitors/download.jsonl")).decode().splitlines()
    assert [json.loads(line, parse_float=Decimal)["金額"] for line in lines] == [
        Decimal(v) for v in exact
    ]
    csv_rows = body(client.get("/data/datasets/visitors/download.csv")).decode().splitlines()
    assert csv_rows[1:] == [f"r{i},{v}" for i, v in enumerate(exact)]
