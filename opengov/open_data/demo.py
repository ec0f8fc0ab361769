"""Demo data of open_data: two NDC datasets uploaded through the real checks (one UTF-8 with a
BOM, one Big5), a second version of one of them, and two application showcases (one
published, one awaiting review). Safe to run twice.

The figures are rounded, illustrative values in the shape of NDC's published tables, marked as
such in each description; they are not an official release.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from opengov.accounts.models import Agency, User

from . import services
from .models import Dataset, Showcase

DATA = Path(__file__).resolve().parent / "data"
DOMAIN = "demo.opengov.tw"

COUNTY_FIELDS = """縣市 | string | required | 直轄市、縣（市）名稱
統計年度 | integer | required | 西元年
人口數_千人 | integer | required | 年底戶籍登記人口，單位千人（四捨五入）
區域 | string | optional | 北部、中部、南部、東部或福建省"""

PROJECTION_FIELDS = """年度 | integer | required | 西元年
總人口_萬人 | integer | required | 推估年中總人口，單位萬人
65歲以上人口占比_百分比 | number | optional | 65 歲以上人口占總人口百分比
推估情境 | string | required | 高、中、低推估"""


def _upload(filename: str) -> SimpleUploadedFile:
    path = DATA / filename
    return SimpleUploadedFile(path.name, path.read_bytes())


def load(*, stdout: Any) -> None:
    """Publish the demo datasets and showcases (skipped when present)."""
    stdout.write("open_data: datasets and showcases")
    ndc = Agency.objects.filter(code="ndc").first()
    official = User.objects.filter(email=f"official.ndc@{DOMAIN}").first()
    if ndc is None or official is None:
        stdout.write("  skipped: load the accounts demo first (agency ndc, official.ndc@)")
        return
    common = {
        "actor": official,
        "agency": ndc,
        "contact_name": "國家發展委員會 資訊管理處",
        "contact_email": "opendata@ndc.example.gov.tw",
        "theme": "SOCI",
        "spatial": "臺灣（中華民國）",
    }
    if not Dataset.objects.filter(name="population-by-county").exists():
        dataset = services.dataset_create(
            name="population-by-county",
            title="各縣市人口數（示範）",
            description=(
                "各直轄市、縣（市）年底人口數，單位千人。示範資料：數值為四捨五入的約略值，"
                "格式比照國發會與內政部公開資料，非正式統計發布。"
            ),
            update_frequency="annual",
            keywords="人口, 縣市, population",
            temporal_start=dt.date(2024, 1, 1),
            temporal_end=dt.date(2024, 12, 31),
            upload=_upload("ndc_population_by_county_2024.csv"),
            fields_text=COUNTY_FIELDS,
            note="初版",
            **common,
        )
        services.dataset_add_version(
            actor=official,
            dataset=dataset,
            upload=_upload("ndc_population_by_county_2024.csv"),
            note="重新上傳（欄位不變）",
        )
        stdout.write("  dataset population-by-county (2 versions, UTF-8 with BOM)")
    if not Dataset.objects.filter(name="population-projection").exists():
        services.dataset_create(
            name="population-projection",
            title="中華民國人口推估（示範）",
            description=(
                "2025 至 2070 年人口推估（中推估）：總人口與 65 歲以上人口占比。示範資料："
                "數值為約略值，格式比照國發會人口推估查詢系統，以 Big5 編碼上傳。"
            ),
            update_frequency="irregular",
            keywords="人口推估, 高齡化, population projection",
            temporal_start=dt.date(2025, 1, 1),
            temporal_end=dt.date(2070, 12, 31),
            upload=_upload("ndc_population_projection_2025_2070_big5.csv"),
            encoding="big5",
            fields_text=PROJECTION_FIELDS,
            **common,
        )
        stdout.write("  dataset population-projection (Big5 upload)")
    citizen = User.objects.filter(email=f"citizen1@{DOMAIN}").first()
    operator = User.objects.filter(email=f"operator@{DOMAIN}").first()
    if citizen and operator and not Showcase.objects.exists():
        shown = services.showcase_submit(
            actor=citizen,
            title="高齡化地圖",
            description="以縣市人口與人口推估資料，畫出各縣市高齡化趨勢的互動地圖。",
            url="https://example.org/aging-map",
            datasets=["population-by-county", "population-projection"],
        )
        services.showcase_moderate(actor=operator, showcase=shown, approve=True, note="")
        services.showcase_submit(
            actor=citizen,
            title="人口推估聊天機器人",
            description="用對話查詢人口推估數字。",
            url="https://example.org/population-bot",
            datasets=["population-projection"],
        )
        stdout.write("  showcases: 1 published, 1 awaiting review")
