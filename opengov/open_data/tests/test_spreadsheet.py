"""The spreadsheet CSV (?bom=1) makes formula-like text inert; the plain CSV stays exact."""

from __future__ import annotations

import csv
import io
import json

import pytest

from opengov.core import exporters
from opengov.core.csvsafe import neutralise_formula
from opengov.core.exporters import Exporter, ExportField
from opengov.open_data import services

from .conftest import upload

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"
RISKY_CSV = (
    "名稱,數量,金額,電話\n"
    '"=HYPERLINK(""http://evil.example"",""x"")",-5,+3.2,+886-2-1234\n'
    "@SUM(A1:A2),7,-0.5,-5\n"
    '"\tTAB",+3,1,"\rCR"\n'
    "-2+3+cmd|' /C calc'!A0,0,2,一般\n"
).encode()
RISKY_FIELDS = "名稱 | string\n數量 | integer\n金額 | number\n電話 | string"


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-5", "-5"),
        ("+3.2", "+3.2"),
        ("-1e5", "-1e5"),
        ("", ""),
        ("a=b", "a=b"),
        (None, None),
        (-5, -5),
    ],
)
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


def test_uploaded_csv_plain_is_exact_and_spreadsheet_variant_is_inert(client, publish):
    publish(upload=upload(RISKY_CSV), fields_text=RISKY_FIELDS)
    plain = body(client.get("/data/datasets/visitors/download.csv"))
    exact = rows_of(plain)
    assert exact[1] == ['=HYPERLINK("http://evil.example","x")', "-5", "3.2", "+886-2-1234"]
    assert exact[3][0] == "\tTAB" and exact[3][3] == "\rCR"
    sheet = body(client.get("/data/datasets/visitors/download.csv?bom=1"))
    assert sheet.startswith(BOM)
    inert = rows_of(sheet)
    assert inert[0] == exact[0]
    assert inert[1] == ['\'=HYPERLINK("http://evil.example","x")', "-5", "3.2", "'+886-2-1234"]
    assert inert[2] == ["'@SUM(A1:A2)", "7", "-0.5", "-5"]  # numbers, even in a text column
    assert inert[3] == ["'\tTAB", "3", "1", "'\rCR"]
    assert inert[4][0] == "'-2+3+cmd|' /C calc'!A0"
    # the same for an older version's own URL; JSON stays exact
    assert rows_of(body(client.get("/data/datasets/visitors/versions/1/download.csv?bom=1")))[1][
        0
    ].startswith("'=")
    data = json.loads(body(client.get("/data/datasets/visitors/download.json")))
    assert data[0]["名稱"].startswith("=HYPERLINK") and data[0]["數量"] == -5


@pytest.fixture
def risky_exporter():
    exporter = Exporter(
        slug="risky",
        app_label="tests",
        title="Risky",
        description="Cells that look like formulas",
        fields=(
            ExportField("title", "string", "Title"),
            ExportField("delta", "integer", "Change"),
            ExportField("ratio", "number", "Ratio"),
            ExportField("=header", "string", "A header like a formula"),
        ),
        rows=lambda: iter(
            [
                {"title": "=1+1", "delta": -5, "ratio": -0.25, "=header": "@x"},
                {"title": "ok", "delta": 3, "ratio": 1.5, "=header": "-3"},
            ]
        ),
        theme="GOVE",
    )
    exporters.register(exporter)
    return exporter


def test_registry_csv_spreadsheet_variant(client, risky_exporter):
    exact = rows_of(body(client.get("/data/datasets/risky/download.csv")))
    assert exact == [
        ["title", "delta", "ratio", "=header"],
        ["=1+1", "-5", "-0.25", "@x"],
        ["ok", "3", "1.5", "-3"],
    ]
    inert = rows_of(body(client.get("/data/datasets/risky/download.csv?bom=1")))
    assert inert == [
        ["title", "delta", "ratio", "'=header"],
        ["'=1+1", "-5", "-0.25", "'@x"],
        ["ok", "3", "1.5", "-3"],
    ]


def test_dataset_page_explains_the_two_csv_variants(client, publish):
    publish()
    page = client.get("/data/datasets/visitors/", headers={"accept-language": "en"})
    html = page.content.decode()
    assert 'aria-describedby="od-spreadsheet-note"' in html
    assert "never runs it as a formula" in html
    assert "hold the data exactly" in html


def test_older_version_downloads_use_that_version_fields(client, publish, official):
    dataset = publish()
    services.dataset_add_version(
        actor=official,
        dataset=dataset,
        upload=upload("站名,人數\n台中,5\n".encode()),
        fields_text="站名 | string | required\n人數 | integer",
    )
    latest = json.loads(body(client.get("/data/datasets/visitors/download.json")))
    assert latest == [{"站名": "台中", "人數": 5}]
    v1 = json.loads(body(client.get("/data/datasets/visitors/versions/1/download.json")))
    assert v1[0] == {"站名": "台北", "日期": "2026-01-01", "人數": 120, "開放": True}
    v1_sheet = rows_of(body(client.get("/data/datasets/visitors/versions/1/download.csv?bom=1")))
    assert v1_sheet[0] == ["站名", "日期", "人數", "開放"]
