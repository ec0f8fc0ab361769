"""Fixtures of open_data: a registered test exporter with a personal field, sample files."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opengov.core import exporters
from opengov.core.exporters import Exporter, ExportField

PEOPLE_ROWS = [
    {
        "id": i,
        "display_name": f"<script>市民{i}</script>",
        "email": f"person{i}@example.org",
        "national_id": f"A1234567{i:02d}",
        "signed_on": dt.date(2026, 3, i + 1),
        "verified": i % 2 == 0,
        "amount": i * 100,
    }
    for i in range(1, 6)
]


def _mask(value):
    return None if value is None else value[:3] + "****" + value[-2:]


@pytest.fixture
def test_exporter():
    """A registry dataset with personal fields (email left out, ID number masked)."""
    exporter = Exporter(
        slug="test-signatures",
        app_label="tests",
        title="測試連署 <script>",
        description="Signatures for tests",
        fields=(
            ExportField("id", "integer", "Row id"),
            ExportField("display_name", "string", "Public display name"),
            ExportField("email", "string", "E-mail address", personal=True),
            ExportField("national_id", "string", "Masked ID number", mask=_mask),
            ExportField("signed_on", "date", "Day of signature"),
            ExportField("verified", "boolean", "Verified signer"),
            ExportField("amount", "integer", "An amount"),
        ),
        rows=lambda: iter(PEOPLE_ROWS),
        keywords=("連署", "test"),
        theme="GOVE",
    )
    saved = dict(exporters._registry)
    exporters._registry.clear()
    exporters.register(exporter)
    yield exporter
    exporters._registry.clear()
    exporters._registry.update(saved)


@pytest.fixture(autouse=True)
def _no_foreign_exporters():
    """Tests see only the exporters they register (other apps' registries are set aside)."""
    saved = dict(exporters._registry)
    exporters._registry.clear()
    yield
    exporters._registry.clear()
    exporters._registry.update(saved)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


GOOD_CSV = "站名,日期,人數,開放\n台北,2026-01-01,120,true\n高雄,2026-01-02,80,false\n".encode()
GOOD_FIELDS = (
    "站名 | string | required | 站點名稱\n日期 | date | required | 統計日期\n"
    "人數 | integer | optional | 到訪人數\n開放 | boolean | optional | 是否開放"
)


def upload(content: bytes, name: str = "data.csv") -> SimpleUploadedFile:
    """An uploaded file as the form or API would receive it."""
    return SimpleUploadedFile(name, content)


@pytest.fixture
def publish(official, agency):
    """`publish(**overrides)`: create a dataset as `official` with a good CSV."""
    from opengov.open_data import services

    def make(**overrides):
        values = {
            "actor": official,
            "agency": agency,
            "name": "visitors",
            "title": "到訪人數 <script>alert(1)</script>",
            "description": "每日到訪人數統計",
            "contact_name": "資訊處",
            "contact_email": "data@moi.example.gov.tw",
            "theme": "GOVE",
            "update_frequency": "daily",
            "upload": upload(GOOD_CSV),
            "keywords": "統計, visitors",
            "fields_text": GOOD_FIELDS,
            "temporal_start": dt.date(2026, 1, 1),
            "temporal_end": dt.date(2026, 1, 2),
            "spatial": "臺灣",
        }
        values.update(overrides)
        return services.dataset_create(**values)

    return make


def xlsx_bytes(rows) -> bytes:
    """An XLSX workbook with these rows."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
